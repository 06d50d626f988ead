"""The public page cache and its one invalidation hub: every cached public page, its key,
what empties it, in this module (docs/caching.md lists them).

A public page is rendered once per *version* and kept in each worker's memory; what
belongs to one reader (the account menu, notices, the comment form, the view count) is
left as holes, marked in templates with ``{% reader_part %}`` and ``{% reader_value %}``
(humas/templatetags/readerparts.py), and filled for each request. Anonymous readers get
a copy whose parts were filled once, for everyone; only the values (the view count)
are put in per request.

The version is one number for everything public. Saving or deleting any model an app
declared with ``watch()`` moves it on, and a page rendered under an older version is
never served again, on any worker or host: the version lives where all of them read it,
Redis with REDIS_URL, else the database (humas.PageVersion). On Redis each worker
knows it and hears of every change on a subscribed connection, so a cached page costs
no round trip; on the database, one SELECT. Scheduled content comes due without a save: the
version carries the time of the next scheduled change (``watch_schedule()``), and the
first request after it moves the version on.

Keys are (language, host, path and the page number): a request for another allowed host
gets its own copy, so no request can change the canonical or share links that other
readers get. Nothing else of the request (cookies, headers) reaches the shared copy.

    @public_page                       # listings, feeds, sitemaps
    def view(request): ...

    entry = pagecache.page(request, build)          # the article page (views/article.py)
    return pagecache.respond(request, entry, values={"view_count": "1.234"})

stores.py keeps the version (Redis, a file, the database); version.py the hub (watch,
changed, kept); copies.py the rendered pages, their holes and keys. Every key of a public
page is built here, in this package: page copies (copies.page_key), the version
(stores.VERSION_KEY, DUE_KEY) and kept data
(version.kept).
"""

from .copies import Entry, clear, page, public_page, render, respond
from .version import changed, current_version, kept, watch, watch_schedule

__all__ = [
    "Entry",
    "changed",
    "clear",
    "current_version",
    "kept",
    "page",
    "public_page",
    "render",
    "respond",
    "watch",
    "watch_schedule",
]
