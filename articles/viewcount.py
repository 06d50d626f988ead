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
"""

import fcntl
import hashlib
import hmac
import logging
import re
import uuid
import zoneinfo
from collections import OrderedDict, defaultdict
from contextlib import contextmanager
from datetime import timedelta
from functools import cache, lru_cache

from crawlerdetect.providers.crawlers import data as CRAWLER_PATTERNS
from crawlerdetect.providers.exclusions import data as BROWSER_TOKEN_PATTERNS
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from humas.clientip import address_group, client_ip

from .models import Article, ArticleDailyViews, ViewFlush, ViewMark
from .models.views import ViewAddress

logger = logging.getLogger(__name__)

PREFETCH_HEADERS = ("HTTP_SEC_PURPOSE", "HTTP_PURPOSE", "HTTP_X_PURPOSE", "HTTP_X_MOZ")
PRUNE_EVERY = 1000  # counted views per process between prunes of expired reader marks


@cache
def local_zone():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local_today(now=None):
    """Today in WIB. Cheaper than timezone.localdate(), which looks up the active zone."""
    return (now or timezone.now()).astimezone(local_zone()).date()


# Bot detection: CrawlerDetect's rules, answered without its cost for each new user agent.
#
# CrawlerDetect removes the browser tokens ("Chrome/120.0.6099.109", "Safari/537.36": its
# exclusion list) from the user agent, then searches what is left with one regex of its
# ~1,500 crawler patterns: 0.3-0.5 ms, and phones' user agents differ in build numbers, so
# a cache by user agent rarely hits. The same answer, cheaper:
# 1. remove the browser tokens exactly as CrawlerDetect does (~15 us);
# 2. the patterns that cannot match a digit (all but ~85) cannot tell apart two strings
#    that differ only inside their digit runs: they see the same digit-free stretches,
#    with the same kind of neighbour (a digit, another character or the end) around each.
#    So their answer for the remainder is the answer for its "shape", every digit run
#    written "0", and is cached by that shape ("Edg/117.0.2845.0" -> "Edg/0.0.0.0");
# 3. the patterns that can match a digit ("80legs", "Dart\/[0-9]", "Site24x7", ".") run
#    on the remainder itself, every time (~20 us).
# A pattern's leading `[...]*` is dropped: it can match nothing, so a search finds the
# pattern exactly where it finds the rest ("[a-z0-9\-_]*(bot|crawl|spider...)").
# tests/test_viewcount_bots.py checks the answers against CrawlerDetect's own.

DIGIT_RUN = re.compile(r"[0-9]+")
PLAIN_TEXT_CAN_MATCH_DIGIT = re.compile(r"[0-9.\[\\]")
LEADING_OPTIONAL_CLASS = re.compile(r"\[(?:\\.|[^\]\\])+\]\*(?![*+?{|])")


def _digit_in(items, c) -> bool:
    """Whether a parsed pattern (re._parser's tree) can match an ASCII digit anywhere.

    Anything not understood here counts as "can": the pattern is then checked on the
    user agent itself, which is always right, only slower."""
    digits = range(ord("0"), ord("9") + 1)
    categories_with_digits = {
        c.CATEGORY_DIGIT, c.CATEGORY_WORD, c.CATEGORY_NOT_SPACE, c.CATEGORY_NOT_LINEBREAK,
        c.CATEGORY_UNI_DIGIT, c.CATEGORY_UNI_WORD, c.CATEGORY_UNI_NOT_SPACE,
        c.CATEGORY_UNI_NOT_LINEBREAK, c.CATEGORY_LOC_WORD,
    }  # fmt: skip
    repeats = {c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)}
    for op, arg in items:
        if op is c.AT:
            continue
        if op is c.LITERAL:
            if arg in digits:
                return True
        elif op is c.IN:
            for item_op, item in arg:
                if item_op is c.LITERAL and item not in digits:
                    continue
                if item_op is c.RANGE and (item[1] < digits.start or item[0] >= digits.stop):
                    continue
                if item_op is c.CATEGORY and item not in categories_with_digits:
                    continue
                return True  # a digit, a range over digits, a negated class, the unknown
        elif op is c.SUBPATTERN:
            if _digit_in(arg[-1], c):
                return True
        elif op is c.BRANCH:
            if any(_digit_in(branch, c) for branch in arg[1]):
                return True
        elif op in repeats:
            if _digit_in(arg[2], c):
                return True
        elif op in (c.ASSERT, c.ASSERT_NOT):
            if _digit_in(arg[1], c):
                return True
        else:
            return True  # ANY, NOT_LITERAL, backreferences, anything new
    return False


def can_match_digit(pattern: str) -> bool:
    if not PLAIN_TEXT_CAN_MATCH_DIGIT.search(pattern):
        return False  # no digit, no ".", no class, no escape: letters and punctuation only
    try:
        from re import _constants, _parser

        return _digit_in(_parser.parse(pattern, re.IGNORECASE), _constants)
    except (ImportError, AttributeError, TypeError, ValueError, re.error):
        return True  # another Python's internals: check this pattern the slow, sure way


def _for_search(pattern: str) -> str:
    match = LEADING_OPTIONAL_CLASS.match(pattern)
    if match and match.end() < len(pattern):
        rest = pattern[match.end() :]
        try:
            re.compile(rest)
        except re.error:
            return pattern
        return rest
    return pattern


def _any_of(patterns) -> re.Pattern:
    if not patterns:
        return re.compile(r"(?!)")  # matches nothing
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


@cache
def bot_rules():
    """(browser tokens, digit-free patterns, digit patterns), compiled once per process."""
    digit_free, with_digits = [], []
    for pattern in map(_for_search, CRAWLER_PATTERNS):
        (with_digits if can_match_digit(pattern) else digit_free).append(pattern)
    browser_tokens = re.compile(f"({'|'.join(BROWSER_TOKEN_PATTERNS)})", re.IGNORECASE)
    return browser_tokens, _any_of(digit_free), _any_of(with_digits)


@lru_cache(maxsize=4096)
def _shape_is_bot(shape: str) -> bool:
    return bot_rules()[1].search(shape) is not None


@lru_cache(maxsize=8192)
def is_bot(user_agent: str) -> bool:
    """Crawlers, link-preview fetchers and HTTP libraries, by the maintained CrawlerDetect
    list; a request without a user agent is no browser either."""
    user_agent = user_agent.strip()
    if not user_agent:
        return True
    browser_tokens, _digit_free, with_digits = bot_rules()
    rest = browser_tokens.sub("", user_agent)
    if not rest:
        return False  # nothing but browser tokens, as CrawlerDetect says
    return _shape_is_bot(DIGIT_RUN.sub("0", rest)) or with_digits.search(rest) is not None


def is_prefetch(request) -> bool:
    """Speculative loads (link prefetch, prerender, previews) that no one may ever see."""
    for header in PREFETCH_HEADERS:
        value = request.META.get(header, "").lower()
        if "prefetch" in value or "prerender" in value or "preview" in value:
            return True
    return False


def is_countable(request, *, method="GET") -> bool:
    if request.method != method or is_prefetch(request):
        return False
    user = request.user
    if user.is_authenticated and user.is_staff:
        return False  # editors checking their own pages are not readers
    return not is_bot(request.META.get("HTTP_USER_AGENT", ""))


@lru_cache(maxsize=2)
def _daily_salt(day: str) -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), f"view-salt:{day}".encode(), "sha256").digest()


def reader_key(request) -> str:
    if request.user.is_authenticated:
        return f"u{request.user.pk}"
    salt = _daily_salt(local_today().isoformat())
    ua = request.META.get("HTTP_USER_AGENT", "")
    return hmac.new(salt, f"{client_ip(request)}\n{ua}".encode(), hashlib.sha256).hexdigest()[:40]


def address_key(request) -> str:
    """The address a reader comes from, for VIEW_MAX_READERS_PER_ADDRESS: the client's
    IPv4 address or IPv6 /64, salted and hashed like reader_key. Logged-in readers too:
    accounts are cheap to make, so many of them from one address are limited alike."""
    salt = _daily_salt(local_today().isoformat())
    group = address_group(client_ip(request))
    return hmac.new(salt, f"address\n{group}".encode(), hashlib.sha256).hexdigest()[:40]


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


class DatabaseBackend:
    def __init__(self):
        self.counted_since_prune = 0
        mark = ViewMark._meta.db_table
        address = ViewAddress._meta.db_table
        daily = ArticleDailyViews._meta.db_table
        article = Article._meta.db_table
        # Inserted, or updated because the old mark is older than the window: a new view.
        # Otherwise RETURNING yields nothing. One statement, so concurrent requests of one
        # reader cannot both count.
        self.mark_sql = (
            f"INSERT INTO {mark} (article_id, reader, seen_at) VALUES (%s, %s, %s) "
            f"ON CONFLICT (article_id, reader) DO UPDATE SET seen_at = excluded.seen_at "
            f"WHERE {mark}.seen_at < %s RETURNING 1"
        )
        # A new reader from this address: its readers in the current window, counting this
        # one. A window that has ended starts again with this reader. One statement (on
        # PostgreSQL it waits for the row lock of a concurrent one), so concurrent readers
        # of one address each get their own number.
        self.address_sql = (
            f"INSERT INTO {address} (article_id, address, window_start, readers) "
            f"VALUES (%s, %s, %s, 1) ON CONFLICT (article_id, address) DO UPDATE SET "
            f"readers = CASE WHEN {address}.window_start < %s THEN 1 "
            f"ELSE {address}.readers + 1 END, "
            f"window_start = CASE WHEN {address}.window_start < %s "
            f"THEN excluded.window_start ELSE {address}.window_start END "
            f"RETURNING readers"
        )
        self.increment_sql = (
            f"UPDATE {article} SET view_count = view_count + 1 WHERE id = %s RETURNING view_count"
        )
        self.hold_back_sql = (
            f"UPDATE {article} SET views_held_back = views_held_back + 1 WHERE id = %s "
            f"RETURNING view_count"
        )
        self.daily_sql = (
            f"INSERT INTO {daily} (article_id, day, views) VALUES (%s, %s, %s) "
            f"ON CONFLICT (article_id, day) DO UPDATE SET views = {daily}.views + excluded.views"
        )
        self.total_sql = f"SELECT view_count FROM {article} WHERE id = %s"
        self.lock_file = None

    @contextmanager
    def write_lock(self):
        """On SQLite, queue writers on an OS file lock before BEGIN IMMEDIATE.

        SQLite's own busy handler waits by sleeping 1, 2, 5, 10... ms and retrying, so
        under a steady stream of short writes workers spend most of their time asleep;
        a blocked flock() wakes the next writer the moment the lock is released.
        """
        if connection.vendor != "sqlite" or connection.settings_dict["NAME"] == ":memory:":
            yield
            return
        if self.lock_file is None:
            name = str(connection.settings_dict["NAME"])
            if name.startswith("file:"):  # an in-memory test database
                yield
                return
            self.lock_file = open(f"{name}.viewcount-lock", "a+b")  # noqa: SIM115 - kept open
        fcntl.flock(self.lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self.lock_file, fcntl.LOCK_UN)

    def record(self, article_id: int, reader: str, address: str = "") -> int | None:
        """Count a view; the article's total (with this view, or without it when it is held
        back), or None when the reader already counted."""
        now = timezone.now()
        cutoff = now - timedelta(seconds=settings.VIEW_DEDUP_SECONDS)
        limit = settings.VIEW_MAX_READERS_PER_ADDRESS
        with self.write_lock(), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(self.mark_sql, [article_id, reader, now, cutoff])
            if cursor.fetchone() is None:
                return None
            readers = 0
            if limit and address:
                cursor.execute(self.address_sql, [article_id, address, now, cutoff, cutoff])
                (readers,) = cursor.fetchone()
            if limit and readers > limit:
                cursor.execute(self.hold_back_sql, [article_id])
                (total,) = cursor.fetchone()
            else:
                cursor.execute(self.increment_sql, [article_id])
                (total,) = cursor.fetchone()
                cursor.execute(self.daily_sql, [article_id, local_today(now), 1])
        self.counted_since_prune += 1
        if self.counted_since_prune >= PRUNE_EVERY:
            self.counted_since_prune = 0
            self.prune()
        return total

    def total(self, article_id: int) -> int:
        with connection.cursor() as cursor:
            cursor.execute(self.total_sql, [article_id])
            row = cursor.fetchone()
        return row[0] if row else 0

    def buffered(self, article_ids) -> dict[int, int]:
        return {}

    def buffered_held_back(self, article_ids) -> dict[int, int]:
        return {}

    def prune(self):
        cutoff = timezone.now() - timedelta(seconds=settings.VIEW_DEDUP_SECONDS)
        ViewMark.objects.filter(seen_at__lt=cutoff).delete()
        ViewAddress.objects.filter(window_start__lt=cutoff).delete()

    def flush(self, *, dry_run=False) -> int:
        self.prune()
        return 0  # nothing is buffered: every view is already in the database


# Redis keys. "pending" collects new counts (and "pending-held" the views held back);
# flush_views renames them to "inflight" (one atomic step), applies "inflight" to the
# database together with a ViewFlush row naming the batch, then deletes it. A flush
# killed at any point is finished by the next one: before the commit, the batch is still
# in Redis and not in the database; after it, the ViewFlush row says it was applied.
# "generation" goes up by one when a flush claims a batch and again when it releases it:
# odd while the database may be changing.
PENDING = "humas:vc:pending"  # hash "<article>|<day>" -> views
PENDING_TOTALS = "humas:vc:pending-totals"  # hash "<article>" -> views
INFLIGHT = "humas:vc:inflight"
INFLIGHT_TOTALS = "humas:vc:inflight-totals"
INFLIGHT_ID = "humas:vc:inflight-id"
GENERATION = "humas:vc:generation"
PENDING_HELD = "humas:vc:pending-held"  # hash "<article>" -> views held back
INFLIGHT_HELD = "humas:vc:inflight-held"
SEEN = "humas:vc:seen:{article}:{reader}"
ADDRESS = "humas:vc:address:{article}:{address}"  # new readers in the window, expiring

# A missing generation (a new or restarted Redis) starts from the clock, so no process
# mistakes it for one it has seen before.
START_GENERATION_LUA = """
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('SET', KEYS[1], tonumber(redis.call('TIME')[1]) * 2)
end
"""

RECORD_LUA = (
    START_GENERATION_LUA.replace("KEYS[1]", "KEYS[5]")
    + """
local counted = 0
if ARGV[4] == '1' and redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  local limit = tonumber(ARGV[5])
  local readers = 0
  if limit > 0 then
    readers = redis.call('INCR', KEYS[6])
    if readers == 1 then redis.call('EXPIRE', KEYS[6], ARGV[1]) end
  end
  if limit > 0 and readers > limit then
    redis.call('HINCRBY', KEYS[7], ARGV[2], 1)
    counted = 2
  else
    redis.call('HINCRBY', KEYS[2], ARGV[2] .. '|' .. ARGV[3], 1)
    redis.call('HINCRBY', KEYS[3], ARGV[2], 1)
    counted = 1
  end
end
local pending = tonumber(redis.call('HGET', KEYS[3], ARGV[2]) or '0')
local inflight = tonumber(redis.call('HGET', KEYS[4], ARGV[2]) or '0')
return {counted, pending + inflight, tonumber(redis.call('GET', KEYS[5]))}
"""
)

CLAIM_LUA = (
    START_GENERATION_LUA.replace("KEYS[1]", "KEYS[6]")
    + """
if redis.call('EXISTS', KEYS[5]) == 1 then return redis.call('GET', KEYS[5]) end
if redis.call('EXISTS', KEYS[1]) == 0 and redis.call('EXISTS', KEYS[7]) == 0 then
  return false
end
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('RENAME', KEYS[1], KEYS[3]) end
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('RENAME', KEYS[2], KEYS[4]) end
if redis.call('EXISTS', KEYS[7]) == 1 then redis.call('RENAME', KEYS[7], KEYS[8]) end
redis.call('SET', KEYS[5], ARGV[1])
redis.call('INCR', KEYS[6])
return ARGV[1]
"""
)

RELEASE_LUA = """
if redis.call('GET', KEYS[3]) == ARGV[1] then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[5])
  redis.call('INCR', KEYS[4])
  return 1
end
return 0
"""

CLAIM_KEYS = [
    PENDING, PENDING_TOTALS, INFLIGHT, INFLIGHT_TOTALS, INFLIGHT_ID, GENERATION,
    PENDING_HELD, INFLIGHT_HELD,
]  # fmt: skip
RELEASE_KEYS = [INFLIGHT, INFLIGHT_TOTALS, INFLIGHT_ID, GENERATION, INFLIGHT_HELD]
BASE_CACHE_SIZE = 10_000


class RedisBackend(DatabaseBackend):
    """Counts in Redis, one round trip per request.

    The total shown is the database's count plus what Redis still buffers. Each process
    remembers the database's count of an article together with the flush generation it
    read it in; while the generation stays the same (and even), no flush has touched the
    database since, so the page needs no database query at all.
    """

    def __init__(self):
        super().__init__()
        import redis

        self.redis = redis.Redis.from_url(settings.REDIS_URL)
        self.record_script = self.redis.register_script(RECORD_LUA)
        self.claim_script = self.redis.register_script(CLAIM_LUA)
        self.release_script = self.redis.register_script(RELEASE_LUA)
        self.base = OrderedDict()  # article id -> (generation, database count)

    def _call(self, article_id, reader, address=""):
        return self.record_script(
            keys=[SEEN.format(article=article_id, reader=reader), PENDING, PENDING_TOTALS,
                  INFLIGHT_TOTALS, GENERATION, ADDRESS.format(article=article_id, address=address),
                  PENDING_HELD],
            args=[settings.VIEW_DEDUP_SECONDS, article_id, local_today().isoformat(),
                  "1" if reader else "0",
                  settings.VIEW_MAX_READERS_PER_ADDRESS if address else 0],
        )  # fmt: skip

    def record(self, article_id: int, reader: str, address: str = "") -> int | None:
        # counted: 0 an old reader, 1 a view, 2 a view held back (the total is unchanged)
        counted, buffered, generation = self._call(article_id, reader, address)
        if not counted:
            return None
        return self._with_base(article_id, buffered, generation)

    def total(self, article_id: int) -> int:
        _counted, buffered, generation = self._call(article_id, "")
        return self._with_base(article_id, buffered, generation)

    def _with_base(self, article_id, buffered, generation):
        known = self.base.get(article_id)
        if known is not None and known[0] == generation and generation % 2 == 0:
            return known[1] + buffered
        # Read after the generation: a flush that changes the count from now on also
        # changes the generation, so a stale base is never used again.
        base = DatabaseBackend.total(self, article_id)
        if generation % 2 == 0:
            self.base[article_id] = (generation, base)
            self.base.move_to_end(article_id)
            if len(self.base) > BASE_CACHE_SIZE:
                self.base.popitem(last=False)
        return base + buffered

    def buffered(self, article_ids) -> dict[int, int]:
        return self._buffered(article_ids, PENDING_TOTALS, INFLIGHT_TOTALS)

    def buffered_held_back(self, article_ids) -> dict[int, int]:
        return self._buffered(article_ids, PENDING_HELD, INFLIGHT_HELD)

    def _buffered(self, article_ids, pending_key, inflight_key) -> dict[int, int]:
        ids = [str(article_id) for article_id in article_ids]
        if not ids:
            return {}
        with self.redis.pipeline(transaction=False) as pipe:
            pipe.hmget(pending_key, ids)
            pipe.hmget(inflight_key, ids)
            pending, inflight = pipe.execute()
        return {
            int(article_id): int(a or 0) + int(b or 0)
            for article_id, a, b in zip(ids, pending, inflight, strict=True)
        }

    def flush(self, *, dry_run=False) -> int:
        """Move buffered counts into the database; returns the number of views applied."""
        self.prune()
        if dry_run:
            return sum(int(v) for v in self.redis.hvals(PENDING)) + sum(
                int(v) for v in self.redis.hvals(INFLIGHT)
            )
        batch = self.claim_script(keys=CLAIM_KEYS, args=[uuid.uuid4().hex])
        if not batch:
            return 0
        batch = batch.decode()
        per_day = {
            tuple(field.decode().split("|")): int(value)
            for field, value in self.redis.hgetall(INFLIGHT).items()
        }
        held_back = {
            int(field): int(value) for field, value in self.redis.hgetall(INFLIGHT_HELD).items()
        }
        applied = self.apply(batch, per_day, held_back)
        self.release_script(keys=RELEASE_KEYS, args=[batch])
        return applied

    @staticmethod
    def apply(batch: str, per_day: dict[tuple[str, str], int], held_back=None) -> int:
        """Add one batch of counts (views per article and day, views held back per
        article) to the database, unless this batch was applied before."""
        held_back = held_back or {}
        per_article = defaultdict(int)
        for (article_id, _day), views in per_day.items():
            per_article[int(article_id)] += views
        with transaction.atomic():
            if ViewFlush.objects.filter(batch=batch).exists():
                return 0
            existing = set(
                Article.objects.filter(pk__in=per_article.keys() | held_back.keys()).values_list(
                    "pk", flat=True
                )
            )  # an article deleted since its views were counted takes them with it
            for article_id in existing:
                Article.objects.filter(pk=article_id).update(
                    view_count=F("view_count") + per_article.get(article_id, 0),
                    views_held_back=F("views_held_back") + held_back.get(article_id, 0),
                )
            daily = ArticleDailyViews._meta.db_table
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {daily} (article_id, day, views) VALUES (%s, %s, %s) "
                    f"ON CONFLICT (article_id, day) "
                    f"DO UPDATE SET views = {daily}.views + excluded.views",
                    [
                        (int(article_id), day, views)
                        for (article_id, day), views in per_day.items()
                        if int(article_id) in existing
                    ],
                )
            applied = sum(per_article[article_id] for article_id in existing)
            # Unique on batch: two flushes racing on one batch cannot both commit.
            ViewFlush.objects.create(batch=batch, views=applied)
        return applied


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
