"""Reading a WordPress export (WXR 1.0-1.2, Tools -> Export) as a stream.

The file is never loaded whole: defusedxml's iterparse hands over one `<item>` at a time,
and each is dropped once read, so a 2 GB export costs the memory of its largest post.
defusedxml refuses DTDs, entity declarations and external references, which is where
XML's attacks live (the "billion laughs" entity bomb, reading local files).
"""

import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import ParseError
from zoneinfo import ZoneInfo

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.conf import settings

# WXR's own elements, whatever namespace URI the file binds to them: WordPress writes
# http://wordpress.org/export/1.x/, some exporters https:// or no trailing slash. Tags
# in any URI bound to the `wp` prefix, or that look like WordPress's, are renamed to
# this one namespace as they are parsed, so the rest of the module compares exactly.
WP = "{wp}"
WP_URI = re.compile(r"https?://wordpress\.org/export/1\.[0-9]+/?")
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DC = "{http://purl.org/dc/elements/1.1/}"


class ExportError(Exception):
    """The file cannot be imported; the message says why, for the person running it."""


@dataclass
class Term:
    kind: str  # "category" or "post_tag"
    slug: str
    name: str
    parent: str = ""  # the parent category's slug


@dataclass
class Author:
    login: str
    email: str
    display_name: str
    first_name: str = ""
    last_name: str = ""


@dataclass
class Comment:
    wp_id: int
    author: str
    email: str
    date: datetime | None
    content: str
    approved: bool
    kind: str  # "" or "comment" for readers' comments; pingback, trackback, ...


@dataclass
class Item:
    wp_id: int
    post_type: str
    status: str
    title: str
    link: str
    slug: str
    creator: str
    content: str
    excerpt: str
    date: datetime | None
    parent: int
    password: str
    terms: list = field(default_factory=list)  # [(kind, slug, name)]
    meta: dict = field(default_factory=dict)
    comments: list = field(default_factory=list)
    attachment_url: str = ""
    mime_type: str = ""  # wp:post_mime_type of an attachment ("application/pdf")
    menu_order: int = 0  # a page's place among its siblings


@dataclass
class Site:
    title: str = ""
    base_url: str = ""
    version: str = ""
    authors: dict = field(default_factory=dict)  # login -> Author
    terms: dict = field(default_factory=dict)  # (kind, slug) -> Term


def read(path, on_item):
    """Stream the export at `path`: returns its Site (authors, categories, tags) and calls
    `on_item(item, site)` for every `<item>` (posts, pages, attachments, ...), in order.

    Raises ExportError for anything that is not a well-formed, harmless WXR file.
    """
    site = Site()
    wp_uris = set()
    depth = 0
    channel = None
    seen_channel = False
    try:
        for event, element in iterparse(
            str(path), events=("start-ns", "start", "end"), forbid_dtd=True,
            forbid_entities=True, forbid_external=True,
        ):  # fmt: skip
            if event == "start-ns":  # (prefix, uri), just before the start of its element
                prefix, uri = element
                if prefix == "wp" or WP_URI.fullmatch(uri):
                    wp_uris.add("{" + uri + "}")
                continue
            if event == "start":
                namespace, brace, local = element.tag.partition("}")
                if brace and namespace + brace in wp_uris:
                    element.tag = WP + local
                depth += 1
                if depth == 1 and element.tag != "rss":
                    raise ExportError(
                        "This is not a WordPress export: it does not start with <rss>."
                    )
                if depth == 2 and element.tag == "channel":
                    channel, seen_channel = element, True
                continue
            depth -= 1
            if depth != 2 or channel is None:
                continue
            # A direct child of <channel> is complete: read it, then let it go.
            tag = element.tag
            if tag == "item":
                on_item(read_item(element), site)
            elif tag.startswith(WP):
                read_site_element(site, tag, element)
            elif tag == "title":
                site.title = unescape(text(element))
            channel.remove(element)
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        raise ExportError(
            f"The file is not well-formed XML (line {line}, column {column}): it may be "
            "truncated or damaged. Export it again from WordPress. Nothing was imported."
        ) from None
    except DefusedXmlException as error:
        raise ExportError(
            "The file declares XML entities or a DTD, which WordPress exports never do "
            f"(refused as a possible attack: {type(error).__name__}). Nothing was imported."
        ) from None
    except OSError as error:
        raise ExportError(f"The file cannot be read: {error.strerror or error}.") from None
    if not seen_channel:
        raise ExportError("This is not a WordPress export: it has no <channel>.")
    if not site.version:
        raise ExportError(
            "This is not a WordPress export: it has no <wp:wxr_version>. Use Tools -> "
            "Export in WordPress."
        )
    return site


def read_site_element(site, tag, element):
    name = tag.split("}", 1)[1]
    if name == "wxr_version":
        site.version = text(element)
        if not re.fullmatch(r"1\.[0-2]", site.version):
            raise ExportError(f"WXR version {site.version} is not supported (1.0 to 1.2 are).")
    elif name in {"base_site_url", "base_blog_url"} and not site.base_url:
        site.base_url = text(element).rstrip("/")
    elif name == "author":
        author = Author(
            login=wp(element, "author_login"),
            email=wp(element, "author_email"),
            display_name=unescape(wp(element, "author_display_name")),
            first_name=unescape(wp(element, "author_first_name")),
            last_name=unescape(wp(element, "author_last_name")),
        )
        if author.login:
            site.authors[author.login] = author
    elif name == "category":
        slug = unquote(wp(element, "category_nicename"))
        if slug:
            site.terms["category", slug] = Term(
                "category", slug, unescape(wp(element, "cat_name")) or slug,
                unquote(wp(element, "category_parent")),
            )  # fmt: skip
    elif name == "tag":
        slug = unquote(wp(element, "tag_slug"))
        if slug:
            name = unescape(wp(element, "tag_name")) or slug
            site.terms["post_tag", slug] = Term("post_tag", slug, name)
    elif name == "term":  # WXR 1.2 writes custom taxonomies (and sometimes these) as terms
        kind = wp(element, "term_taxonomy")
        slug = unquote(wp(element, "term_slug"))
        if kind in {"category", "post_tag"} and slug and (kind, slug) not in site.terms:
            site.terms[kind, slug] = Term(
                kind,
                slug,
                unescape(wp(element, "term_name")) or slug,
                unquote(wp(element, "term_parent")),
            )


def read_item(element):
    meta = {}
    terms = []
    comments = []
    for child in element:
        tag = child.tag
        if tag == "category":
            kind = child.get("domain", "")
            slug = unquote(child.get("nicename", ""))
            if kind in {"category", "post_tag"} and slug:
                terms.append((kind, slug, unescape(text(child)) or slug))
        elif tag == WP + "postmeta":
            meta[wp(child, "meta_key")] = wp(child, "meta_value")
        elif tag == WP + "comment":
            comments.append(
                Comment(
                    wp_id=integer(wp(child, "comment_id")),
                    author=unescape(wp(child, "comment_author")),
                    email=wp(child, "comment_author_email"),
                    date=parse_date(wp(child, "comment_date_gmt"), wp(child, "comment_date")),
                    content=wp(child, "comment_content"),
                    approved=wp(child, "comment_approved") == "1",
                    kind=wp(child, "comment_type"),
                )
            )
    return Item(
        wp_id=integer(wp(element, "post_id")),
        post_type=wp(element, "post_type"),
        status=wp(element, "status"),
        title=unescape(text(element.find("title"))),
        link=text(element.find("link")),
        slug=unquote(wp(element, "post_name")),
        creator=text(element.find(f"{DC}creator")),
        content=text(element.find(f"{CONTENT}encoded")),
        excerpt=text(find_local(element, "encoded", exclude=CONTENT)),
        date=parse_date(wp(element, "post_date_gmt"), wp(element, "post_date")),
        parent=integer(wp(element, "post_parent")),
        password=wp(element, "post_password"),
        terms=terms,
        meta=meta,
        comments=comments,
        attachment_url=wp(element, "attachment_url"),
        mime_type=wp(element, "post_mime_type").strip().lower(),
        menu_order=integer(wp(element, "menu_order")),
    )


def wp(element, name):
    """The text of the wp:`name` child, whatever the WXR version's namespace."""
    for child in element:
        if child.tag == WP + name:
            return text(child)
    return ""


def find_local(element, name, exclude=""):
    for child in element:
        if child.tag.endswith("}" + name) and not child.tag.startswith(exclude or "\0"):
            return child
    return None


def unescape(value):
    """WordPress keeps names and titles HTML-escaped ("Pendidikan &amp; Budaya");
    ours are plain text, escaped when shown."""
    return html.unescape(value)


def text(element):
    return (element.text or "").strip() if element is not None else ""


def integer(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def parse_date(gmt, local):
    """The time a post or comment carries: its GMT time when WordPress wrote one, else
    its local time read in the site's time zone (WIB). Drafts have "0000-00-00"."""
    for value, zone in ((gmt, UTC), (local, ZoneInfo(settings.TIME_ZONE))):
        if value and not value.startswith("0000"):
            try:
                return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=zone)
            except ValueError:
                continue
    return None


def url_path(url):
    """The path of an old address, as a request for it arrives: decoded, no host."""
    parts = urlsplit(url)
    path = unquote(parts.path or "/")
    return path if path.startswith("/") else "/" + path
