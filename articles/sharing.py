"""What an article page tells other sites: share links (plain URLs to each app's public
share endpoint, no scripts from them) and schema.org metadata for search engines."""

import json
from urllib.parse import quote, urlencode

from django.conf import settings
from django.utils.safestring import mark_safe
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
    text = json.dumps(data, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)  # escaped above


def news_article(article, *, url, image_url) -> str:
    """schema.org NewsArticle for search engines, as a JSON-LD block's text."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": article.updated_at.isoformat(),
        "articleSection": article.category.name,
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME},
        "author": {
            "@type": "Person" if article.author else "Organization",
            "name": str(article.author.public_name) if article.author else settings.SITE_NAME,
        },
    }
    if article.lead:
        data["description"] = article.lead
    if image_url:
        data["image"] = [image_url]
    return json_ld(data)
