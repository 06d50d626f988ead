"""Counting article views: which requests count, who the reader is, where counts go.

    count_view(request, article_id) -> the total to display

Rules: only a GET by a reader counts (no bots, crawlers, link-preview fetchers, HTTP
libraries, prefetch/prerender, or staff); a reader counts once per article within
VIEW_DEDUP_SECONDS. A reader is the user id when logged in, else a salted hash of IP and
user agent whose salt changes daily; no raw IP is stored. One address (an IPv4 address,
an IPv6 /64) brings at most VIEW_MAX_READERS_PER_ADDRESS new readers to an article per
window; the ones beyond are not views but are counted apart (`Article.views_held_back`),
so rotating user agents or accounts from one address cannot inflate the count.

Backends (VIEW_COUNTER_BACKEND):
- "db": in one short transaction, a reader mark (an upsert that says whether the reader
  is new for the window), for a new reader an address counter (an upsert returning the
  address's readers in its window), then `view_count = view_count + 1` and an upsert of
  the daily bucket, or `views_held_back + 1` beyond the address limit.
- "redis": one Lua call marks the reader, counts the address and increments a buffer;
  `manage.py flush_views` moves the buffer into the database exactly once (see
  RedisBackend.flush).

Who is a reader (bots, prefetches, the reader and address keys and their daily salt) is
`humas.readers`, shared with document downloads. The package's parts: `database`
(DatabaseBackend) and `buffered` (RedisBackend, its Lua scripts and key names). Callers
use what this module exports.
"""

import logging
from functools import cache

from django.conf import settings
from django.core.exceptions import DisallowedHost

from humas.readers import (
    address_key,
    bot_rules,
    can_match_digit,
    is_bot,
    is_countable,
    is_prefetch,
    reader_key,
)

from .buffered import (
    CLAIM_KEYS,
    INFLIGHT,
    INFLIGHT_HELD,
    INFLIGHT_ID,
    PENDING_HELD,
    RedisBackend,
)
from .database import DatabaseBackend

__all__ = [
    "CLAIM_KEYS",
    "INFLIGHT",
    "INFLIGHT_HELD",
    "INFLIGHT_ID",
    "PENDING_HELD",
    "DatabaseBackend",
    "RedisBackend",
    "address_key",
    "backend",
    "beacon_allowed",
    "bot_rules",
    "can_match_digit",
    "count_view",
    "current_total",
    "displayed_totals",
    "held_back_totals",
    "is_bot",
    "is_countable",
    "is_prefetch",
    "reader_key",
]

logger = logging.getLogger(__name__)


def beacon_allowed(request) -> bool:
    """Whether the beacon may count this request: only in beacon mode, only a POST, and
    only from the page itself. Browsers send `Sec-Fetch-Site` with every request of a
    page's script and `Origin` with every POST; a request without Sec-Fetch-Site is no
    browser's (or a browser too old to tell), so it does not count, and an Origin, when
    sent, must be this site's own (scheme and host, as Django's CSRF check compares them).
    """
    if settings.VIEW_COUNT_MODE != "beacon" or request.method != "POST":
        return False
    if request.headers.get("Sec-Fetch-Site") != "same-origin":
        return False
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    try:
        own = f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:
        return False
    return origin.lower() == own.lower()


@cache
def backend():
    if settings.VIEW_COUNTER_BACKEND == "redis":
        return RedisBackend()
    return DatabaseBackend()


def count_view(request, article_id: int, *, method="GET") -> int | None:
    """Count this request as a view if it is one; returns the total to display.

    Counting never breaks the page: if the store is down, the view is lost (and logged)
    and None tells the caller to show the total it already has.
    """
    store = backend()
    try:
        if is_countable(request, method=method):
            total = store.record(article_id, reader_key(request), address_key(request))
            if total is not None:
                return total
        return store.total(article_id)
    except Exception:
        logger.exception("view count failed for article %s", article_id)
        return None


def current_total(article_id: int) -> int | None:
    """The total to display without counting (beacon mode, staff)."""
    try:
        return backend().total(article_id)
    except Exception:
        logger.exception("could not read the view count of article %s", article_id)
        return None


def displayed_totals(articles) -> dict[int, int]:
    """Totals including what is still buffered, for lists of articles (admin, popular)."""
    try:
        buffered = backend().buffered([a.pk for a in articles])
    except Exception:
        logger.exception("could not read buffered view counts")
        buffered = {}
    return {a.pk: a.view_count + buffered.get(a.pk, 0) for a in articles}


def held_back_totals(articles) -> dict[int, int]:
    """Views held back by the address limit, including what is still buffered (staff)."""
    try:
        buffered = backend().buffered_held_back([a.pk for a in articles])
    except Exception:
        logger.exception("could not read buffered views held back")
        buffered = {}
    return {a.pk: a.views_held_back + buffered.get(a.pk, 0) for a in articles}
