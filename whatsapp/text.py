"""WhatsApp-ready text: what staff paste into the bureau's channel and groups.

Limits. WhatsApp refuses a message over 65,536 characters (WHATSAPP_MAX), but that is
not the limit that matters: a long message is folded behind "Baca selengkapnya" and its
link preview is pushed off the screen. So every text here stays within TEXT_LIMIT
(1,000) characters, counted as WhatsApp's clients count them, in UTF-16 code units (an
emoji counts two): one article's text is cut to fit (hashtags go first, then the lead is
shortened), and the day's digest is split into numbered parts ("(1/3)") of at most
TEXT_LIMIT each. A part never splits an article's title from its link.

Markup. WhatsApp reads *bold*, _italic_, ~strikethrough~ and `code`; a title with one
of those characters would break its own bold, or format what follows. They are replaced
with look-alikes that WhatsApp does not read (U+2217, U+02CD, U+223C, U+02CB), in titles
and in the lead, which are plain text.

The text is always in the site's language (Indonesian): it is for the public channel,
whatever language the staff member's admin is in.
"""

import html
import re
from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from articles.models import Article
from humas.links import absolute_url
from humas.text import clean_text

WHATSAPP_MAX = 65_536
TEXT_LIMIT = 1_000
LEAD_LIMIT = 300
HASHTAG_LIMIT = 5
# Below this, a lead cut to make room says too little: the hashtags give way first.
LEAD_MINIMUM = 120
ELLIPSIS = "…"

# Asterisk operator, modifier letter low macron, tilde operator, modifier letter grave.
_MARKUP = str.maketrans({"*": "\u2217", "_": "\u02cd", "~": "\u223c", "`": "\u02cb"})
_TRAILING = " ,.;:-\u2013\u2014"  # what a cut text should not end with, dashes included
_WORDS = re.compile(r"[^\W_]+")


def length(text: str) -> int:
    """The length as WhatsApp counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def plain(text: str) -> str:
    """Text without HTML, entities decoded, on one line, WhatsApp markup neutralised."""
    return clean_text(html.unescape(strip_tags(text or ""))).translate(_MARKUP)


def bold(text: str) -> str:
    """`text` in WhatsApp bold: markup inside neutralised, no space inside the stars
    (WhatsApp would not read them then)."""
    text = plain(text)
    return f"*{text}*" if text else ""


def shorten(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, cut at a word boundary with "…"."""
    if length(text) <= limit:
        return text
    units = end = 0
    while units + length(text[end]) <= limit - 1:  # room for the ellipsis
        units += length(text[end])
        end += 1
    cut = text[:end]
    space = cut.rfind(" ")
    if space > len(cut) // 2:  # a word boundary not too far back, else cut in the word
        cut = cut[:space]
    cut = cut.rstrip(_TRAILING)
    return cut + ELLIPSIS if cut else ""


def hashtag(name: str) -> str:
    """#CamelCase from a tag's name ("jawa tengah" -> "#JawaTengah"), letters and digits
    only; empty when nothing is left or only digits are (WhatsApp readers would not
    read "#2025" as a tag)."""
    words = _WORDS.findall(clean_text(name))
    tag = "".join(word[:1].upper() + word[1:] for word in words)
    return "" if not tag or tag.isdigit() else f"#{tag}"


def hashtags(names) -> list[str]:
    """At most HASHTAG_LIMIT hashtags, in the order of `names`, without repeats (letter
    case ignored)."""
    seen, tags = set(), []
    for name in names:
        tag = hashtag(name)
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tags[:HASHTAG_LIMIT]


def article_text(article, *, request=None) -> str:
    """One article's message: *title*, a blank line, the lead, the link, the hashtags.

    The tags are read with article.tags.all() (prefetch them for lists)."""
    title = bold(article.title)
    link = absolute_url(request, article.get_absolute_url())
    tags = hashtags(sorted((tag.name for tag in article.tags.all()), key=str.casefold))
    lead = plain(article.lead) or plain(article.body)
    while True:
        fixed = _join(title, "", link, " ".join(tags))
        room = TEXT_LIMIT - length(fixed) - 2  # the lead's paragraph break
        if room >= LEAD_MINIMUM or not tags:
            break
        tags.pop()
    lead = shorten(lead, min(LEAD_LIMIT, room))
    return _join(title, lead, link, " ".join(tags))[:WHATSAPP_MAX]


def _join(*paragraphs):
    return "\n\n".join(p for p in paragraphs if p)


def day_bounds(day):
    """The first moment of `day` in WIB (the site's time zone) and of the next day."""
    start = datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())
    return start, start + timedelta(days=1)


def articles_of_day(day):
    """The articles public now that were published on `day` (WIB), in publishing order:
    a scheduled article or an embargoed release is not among them until its time."""
    start, end = day_bounds(day)
    return (
        Article.objects.published()
        .filter(published_at__gte=start, published_at__lt=end)
        .only("title", "slug", "published_at")
        .order_by("published_at", "pk")
    )


def daily_texts(day, *, request=None) -> list[str]:
    """The day's digest as messages of at most TEXT_LIMIT characters: a dated heading,
    then each article's *title* and link; numbered "(1/2)" when it takes more than one.
    No message when nothing was published that day."""
    items = [
        _join(bold(article.title), absolute_url(request, article.get_absolute_url()))
        for article in articles_of_day(day)
    ]
    if not items:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        heading = bold(
            _("%(site)s news, %(date)s")
            % {"site": settings.SITE_NAME, "date": date_format(day, "l, j F Y")}
        )
    # Room for " (99/99)" after the heading, kept whether or not the text is split, so
    # the grouping does not depend on the number of parts it makes.
    room = TEXT_LIMIT - length(heading) - len(" (99/99)")
    groups, group = [], []
    for item in items:
        if group and length(_join(*group, item)) + 2 > room:
            groups.append(group)
            group = []
        group.append(item)
    groups.append(group)
    if len(groups) == 1:
        return [_join(heading, *groups[0])]
    return [
        _join(f"{heading} ({number}/{len(groups)})", *group)
        for number, group in enumerate(groups, start=1)
    ]
