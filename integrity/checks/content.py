"""What the public sees: spam phrases, hidden text or links, and links to other sites.

Each check below names the objects the public sees and their text fields; scan() does
the rest. Only public content is read: a draft with spam in it is nobody's problem yet,
and it is checked again on the day it is published.
"""

import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext

from articles.models import Article, Category, Comment, Photo, SiteSettings
from documents.models import Document
from menus.models import Menu, MenuItem
from pages.models import Page
from videos.models import Video

from ..html import scan_html
from ..models import Finding, Pattern
from ..patterns import domain_allowed, excerpt, fold, normalize_domain
from .registry import Issue, check

# A bare address in text: with a scheme, with "www.", or a host name ending in a top-
# level domain that spam uses (not after "@": an email address is not a link).
BARE_URL = re.compile(
    r"(?<![@\w.-])(?:https?://[^\s<>\"'()]+|www\.[^\s<>\"'()]+|"
    r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
    r"(?:com|net|org|info|biz|xyz|top|site|online|club|vip|live|pro|asia|io|co|me|cc|ws|id"
    r"|link|click|shop|store|app|bet|casino|games?|win)(?![\w-]))",
    re.IGNORECASE,
)


def own_hosts():
    """This site's own names: SITE_URL's, ALLOWED_HOSTS' and the media host's. Always
    allowed, whatever the allowlist says, so that moving the site needs no edit there."""
    rules = []
    for value in (settings.SITE_URL, settings.MEDIA_URL, *settings.ALLOWED_HOSTS):
        if not value or value == "*" or value.startswith("/"):
            continue
        rules.append((normalize_domain(value), value.startswith(".")))
    return [(domain, subdomains) for domain, subdomains in rules if domain]


def scan(context, obj, *, html=(), text=()):
    """Issues for `obj`'s `html` and `text` fields (names); outbound domains recorded."""
    context.scanned[obj._meta.label_lower] += 1
    for name in (*html, *text):
        value = getattr(obj, name) or ""
        if not value.strip():
            continue
        if name in html:
            found = scan_html(value)
            searched = "\n".join((found.text, found.hidden_text, found.attributes))
            links = [link.url for link in found.links]
            bare = bare_urls(found.text + "\n" + found.hidden_text)
            yield from hidden_issues(obj, name, found)
        else:
            searched, links, bare = value, [], bare_urls(value)
        yield from pattern_issues(context, obj, name, searched)
        for address in links:
            note_address(context, obj, name, address)
        for address in bare:
            note_address(context, obj, name, address, bare=True)


def bare_urls(text):
    return [match.group(0).rstrip(".,;:!?") for match in BARE_URL.finditer(text)]


def pattern_issues(context, obj, where, text):
    folded = fold(text)
    matched, first, gambling = [], None, False
    for pattern, regex in context.patterns:
        match = regex.search(folded)
        if match:
            matched.append(pattern.phrase)
            first = first or match
            gambling = gambling or pattern.kind == Pattern.Kind.GAMBLING
    if matched:
        yield Issue(
            kind=Finding.Kind.PATTERN,
            severity=Finding.Severity.HIGH if gambling else Finding.Severity.MEDIUM,
            obj=obj,
            where=where,
            excerpt=f"{', '.join(matched)}: {excerpt(folded, first.start(), first.end())}",
            key=tuple(sorted(matched)),
        )


def hidden_issues(obj, where, found):
    hidden_links = [link for link in found.links if link.hidden]
    if not found.hidden_text and not hidden_links:
        return
    reasons = sorted({link.hidden for link in hidden_links} | set(found.hidden_reasons))
    parts = [f"{link.url} ({link.hidden})" for link in hidden_links]
    if found.hidden_text:
        parts.append(found.hidden_text[:200])
    yield Issue(
        kind=Finding.Kind.HIDDEN,
        severity=Finding.Severity.HIGH if hidden_links else Finding.Severity.MEDIUM,
        obj=obj,
        where=where,
        excerpt="; ".join(parts)[:500],
        key=(*reasons, *(link.url for link in hidden_links), found.hidden_text[:500]),
    )


def note_address(context, obj, where, address, *, bare=False):
    """Record the domain of `address`, a link's (absolute addresses only: "x.com" in an
    href is a path on this site) or one found in text (`bare`), unless it is allowed."""
    lowered = address.strip().lower()
    if not bare and not lowered.startswith(("http://", "https://", "//")):
        return
    host = normalize_domain(lowered)
    if not host or domain_allowed(host, context.allowed):
        return
    context.domains.setdefault(host, (obj, where, address.strip()))


@check
def published_articles(context):
    articles = Article.objects.published().prefetch_related("tags", "notes")
    for article in articles.iterator(chunk_size=200):
        yield from scan(
            context, article, html=("body",),
            text=("title", "lead", "dateline", "photo_credit_text"),
        )  # fmt: skip
        tags = ", ".join(tag.name for tag in article.tags.all())
        if tags:
            yield from pattern_issues(context, article, "tags", tags)
        for note in article.notes.all():
            yield from scan(context, note, text=("text",))


@check
def published_pages(context):
    for page in Page.objects.published().iterator(chunk_size=200):
        yield from scan(
            context, page, html=("body",), text=("title", "seo_title", "meta_description")
        )


@check
def photos(context):
    for photo in Photo.objects.only("pk", "image", "caption", "alt_text").iterator(2000):
        yield from scan(context, photo, text=("caption", "alt_text"))


@check
def approved_comments(context):
    for comment in Comment.objects.approved().iterator(chunk_size=2000):
        yield from scan(context, comment, text=("body", "author_name"))


@check
def site_texts(context):
    """Site settings (every text field, whatever fields are added later), menus,
    categories, and published videos and documents (with the text inside the file)."""
    text_fields = (models.CharField, models.TextField)  # URLField, EmailField included
    for row in SiteSettings.objects.all():
        names = [f.name for f in row._meta.concrete_fields if isinstance(f, text_fields)]
        yield from scan(context, row, text=names)
    for menu in Menu.objects.all():
        yield from scan(context, menu, text=("title",))
    for item in MenuItem.objects.all():
        yield from scan(context, item, text=("label", "url"))
    for category in Category.objects.all():
        yield from scan(context, category, text=("name", "description"))
    for video in Video.objects.published().iterator(chunk_size=500):
        yield from scan(context, video, text=("title", "description"))
    for document in Document.objects.published().iterator(chunk_size=100):
        yield from scan(
            context, document, text=("title", "number", "issuer", "description", "text")
        )


@check
def new_outbound_domains(context):
    """Domains that published content links to, not allowed, and not there at the last
    check. The first check only learns them: every link would be "new" then."""
    if context.previous is None:
        return
    for domain, (obj, where, address) in sorted(context.domains.items()):
        if domain in context.seen_domains:
            continue
        yield Issue(
            kind=Finding.Kind.OUTBOUND,
            severity=Finding.Severity.LOW,
            obj=obj,
            where=where,
            excerpt=gettext("%(domain)s: %(address)s") % {"domain": domain, "address": address},
            key=(domain,),
        )
