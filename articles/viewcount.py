"""Counting article views: which requests count, who the reader is, where counts go.

    count_view(request, article_id) -> the total to display

Rules: only a GET by a reader counts (no bots, crawlers, link-preview fetchers, HTTP
libraries, prefetch/prerender, or staff); a reader counts once per article within
VIEW_DEDUP_SECONDS. A reader is the user id when logged in, else a salted hash of IP and
user agent whose salt changes daily; no raw IP is stored.

Backends (VIEW_COUNTER_BACKEND):
- "db": in one short transaction, a reader mark (an upsert that says whether the reader
  is new for the window), `view_count = view_count + 1` and an upsert of the daily bucket.
- "redis": one Lua call marks the reader and increments a buffer; `manage.py flush_views`
  moves the buffer into the database exactly once (see RedisBackend.flush).
"""

import fcntl
import hashlib
import hmac
import logging
import uuid
import zoneinfo
from collections import OrderedDict, defaultdict
from contextlib import contextmanager
from datetime import timedelta
from functools import cache, lru_cache

from crawlerdetect import CrawlerDetect
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from humas.clientip import client_ip

from .models import Article, ArticleDailyViews, ViewFlush, ViewMark

logger = logging.getLogger(__name__)

PREFETCH_HEADERS = ("HTTP_SEC_PURPOSE", "HTTP_PURPOSE", "HTTP_X_PURPOSE", "HTTP_X_MOZ")
PRUNE_EVERY = 1000  # counted views per process between prunes of expired reader marks

_crawlers = CrawlerDetect()


@cache
def local_zone():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local_today(now=None):
    """Today in WIB. Cheaper than timezone.localdate(), which looks up the active zone."""
    return (now or timezone.now()).astimezone(local_zone()).date()


@lru_cache(maxsize=8192)
def is_bot(user_agent: str) -> bool:
    """Crawlers, link-preview fetchers and HTTP libraries, by the maintained CrawlerDetect
    list; a request without a user agent is no browser either."""
    user_agent = user_agent.strip()
    return not user_agent or _crawlers.is_crawler(user_agent)


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


class DatabaseBackend:
    def __init__(self):
        self.counted_since_prune = 0
        mark = ViewMark._meta.db_table
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
        self.increment_sql = (
            f"UPDATE {article} SET view_count = view_count + 1 WHERE id = %s RETURNING view_count"
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

    def record(self, article_id: int, reader: str) -> int | None:
        """Count a view; the article's new total, or None when the reader already counted."""
        now = timezone.now()
        window = timedelta(seconds=settings.VIEW_DEDUP_SECONDS)
        with self.write_lock(), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(self.mark_sql, [article_id, reader, now, now - window])
            if cursor.fetchone() is None:
                return None
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

    def prune(self):
        cutoff = timezone.now() - timedelta(seconds=settings.VIEW_DEDUP_SECONDS)
        ViewMark.objects.filter(seen_at__lt=cutoff).delete()

    def flush(self, *, dry_run=False) -> int:
        self.prune()
        return 0  # nothing is buffered: every view is already in the database


# Redis keys. "pending" collects new counts; flush_views renames it to "inflight" (one
# atomic step), applies "inflight" to the database together with a ViewFlush row naming
# the batch, then deletes it. A flush killed at any point is finished by the next one:
# before the commit, the batch is still in Redis and not in the database; after it, the
# ViewFlush row says it was applied. "generation" goes up by one when a flush claims a
# batch and again when it releases it: odd while the database may be changing.
PENDING = "humas:vc:pending"  # hash "<article>|<day>" -> views
PENDING_TOTALS = "humas:vc:pending-totals"  # hash "<article>" -> views
INFLIGHT = "humas:vc:inflight"
INFLIGHT_TOTALS = "humas:vc:inflight-totals"
INFLIGHT_ID = "humas:vc:inflight-id"
GENERATION = "humas:vc:generation"
SEEN = "humas:vc:seen:{article}:{reader}"

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
  redis.call('HINCRBY', KEYS[2], ARGV[2] .. '|' .. ARGV[3], 1)
  redis.call('HINCRBY', KEYS[3], ARGV[2], 1)
  counted = 1
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
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
redis.call('RENAME', KEYS[1], KEYS[3])
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('RENAME', KEYS[2], KEYS[4]) end
redis.call('SET', KEYS[5], ARGV[1])
redis.call('INCR', KEYS[6])
return ARGV[1]
"""
)

RELEASE_LUA = """
if redis.call('GET', KEYS[3]) == ARGV[1] then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
  redis.call('INCR', KEYS[4])
  return 1
end
return 0
"""

CLAIM_KEYS = [PENDING, PENDING_TOTALS, INFLIGHT, INFLIGHT_TOTALS, INFLIGHT_ID, GENERATION]
RELEASE_KEYS = [INFLIGHT, INFLIGHT_TOTALS, INFLIGHT_ID, GENERATION]
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

    def _call(self, article_id, reader):
        return self.record_script(
            keys=[SEEN.format(article=article_id, reader=reader), PENDING, PENDING_TOTALS,
                  INFLIGHT_TOTALS, GENERATION],
            args=[settings.VIEW_DEDUP_SECONDS, article_id, local_today().isoformat(),
                  "1" if reader else "0"],
        )  # fmt: skip

    def record(self, article_id: int, reader: str) -> int | None:
        counted, buffered, generation = self._call(article_id, reader)
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
        ids = [str(article_id) for article_id in article_ids]
        if not ids:
            return {}
        with self.redis.pipeline(transaction=False) as pipe:
            pipe.hmget(PENDING_TOTALS, ids)
            pipe.hmget(INFLIGHT_TOTALS, ids)
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
        applied = self.apply(batch, per_day)
        self.release_script(keys=RELEASE_KEYS, args=[batch])
        return applied

    @staticmethod
    def apply(batch: str, per_day: dict[tuple[str, str], int]) -> int:
        """Add one batch of counts to the database, unless this batch was applied before."""
        per_article = defaultdict(int)
        for (article_id, _day), views in per_day.items():
            per_article[int(article_id)] += views
        with transaction.atomic():
            if ViewFlush.objects.filter(batch=batch).exists():
                return 0
            existing = set(
                Article.objects.filter(pk__in=per_article).values_list("pk", flat=True)
            )  # an article deleted since its views were counted takes them with it
            for article_id, views in per_article.items():
                if article_id in existing:
                    Article.objects.filter(pk=article_id).update(view_count=F("view_count") + views)
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
            total = store.record(article_id, reader_key(request))
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
