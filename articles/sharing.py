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
            "network": "email",
            "label": _("Email"),
            "url": "mailto:?" + urlencode({"subject": title, "body": text}, quote_via=quote),
        },
    ]
