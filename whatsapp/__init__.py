"""Text ready to paste into a WhatsApp channel or group: one article's (its title in bold,
its lead, its link, hashtags from its tags) and the day's digest (each article's title
and link under a dated heading), for staff, with a copy button (docs/whatsapp.md).

    from whatsapp.text import article_text, daily_texts

    article_text(article, request=request)   # one message, at most TEXT_LIMIT characters
    daily_texts(day, request=request)        # the day's messages, numbered when split

Built on articles only: its pages are in the admin (whatsapp/urls.py, mounted under
/admin/whatsapp/), and its links beside articles come through articles.stafflinks.
"""
