"""Share links: plain URLs to each app's public share endpoint, no scripts from them."""

from urllib.parse import quote, urlencode

from django.utils.translation import gettext as _


def share_links(*, url: str, title: str) -> list[dict]:
    """The "Bagikan" links for an article, WhatsApp first (what readers use most)."""
    text = f"{title} {url}"
    return [
        {
            "network": "whatsapp",
            "label": "WhatsApp",
            "url": "https://wa.me/?" + urlencode({"text": text}, quote_via=quote),
        },
        {
            "network": "facebook",
            "label": "Facebook",
            "url": "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}),
        },
        {
            "network": "x",
            "label": "X",
            "url": "https://x.com/intent/post?" + urlencode({"url": url, "text": title}),
        },
        {
            "network": "telegram",
            "label": "Telegram",
            "url": "https://t.me/share/url?" + urlencode({"url": url, "text": title}),
        },
        {
            "network": "linkedin",
            "label": "LinkedIn",
            "url": "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url}),
        },
        {
            "network": "email",
            "label": _("Email"),
            "url": "mailto:?" + urlencode({"subject": title, "body": text}, quote_via=quote),
        },
    ]


def json_ld(data) -> str:
    """JSON for a <script type="application/ld+json"> block: <, > and & are escaped as
    \\u003c etc., so no title can close the script element (as Django's json_script)."""
    import json

    from django.utils.safestring import mark_safe

    text = json.dumps(data, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)
