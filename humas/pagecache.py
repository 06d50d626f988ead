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
Redis with REDIS_URL, else the database (humas.PageVersion). Reading it is the one
round trip a cached page costs. Scheduled content comes due without a save: the
version carries the time of the next scheduled change (``watch_schedule()``), and the
first request after it moves the version on.

Keys are (language, host, path and the page number): a request for another allowed host
gets its own copy, so no request can change the canonical or share links that other
readers get. Nothing else of the request (cookies, headers) reaches the shared copy.

    @public_page                       # listings, feeds, sitemaps
    def view(request): ...

    entry = pagecache.page(request, build)          # the article page (views/article.py)
    return pagecache.respond(request, entry, values={"view_count": "1.234"})
"""

import logging
import re
import secrets
import threading
import time
from collections import OrderedDict
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import partial, wraps

import redis
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string
from django.utils.translation import get_language

# ---------------------------------------------------------------------------------------
# The version, shared by every worker and host.

VERSION_KEY = "humas:pagecache:version"
DUE_KEY = "humas:pagecache:due"  # Unix time of the next scheduled change, 0 for none
REDIS_UNAVAILABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
logger = logging.getLogger(__name__)
_schedules = []  # callables -> the next datetime at which something public comes due


class DatabaseVersion:
    """The version in one row of humas_pageversion (sites without Redis).

    Bumped inside the transaction that changes the content, so the two commit together:
    a reader sees either the old version and old content, or both new.
    """

    def __init__(self):
        from .models import PageVersion  # models are not ready when settings import this

        self.table = PageVersion._meta.db_table

    def read(self):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT version, next_due FROM {self.table} WHERE id = 1")  # noqa: S608
            row = cursor.fetchone()
            if row is None:
                cursor.execute(
                    f"INSERT INTO {self.table} (id, version, next_due) VALUES (1, 1, %s) "  # noqa: S608
                    "ON CONFLICT (id) DO NOTHING",
                    [_epoch(next_due())],
                )
                return self.read()
        return row

    def bump(self, expected=None):
        sql = f"UPDATE {self.table} SET version = version + 1, next_due = %s WHERE id = 1"  # noqa: S608
        params = [_epoch(next_due())]
        if expected is not None:  # only if no one else has moved it on since
            sql += " AND version = %s"
            params.append(expected)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            if cursor.rowcount == 0 and expected is None:
                self.read()  # no row yet: the first read creates it, at a new version

    def bump_after_commit(self):
        pass  # bumped inside the transaction already


class RedisVersion:
    """The version in Redis: one MGET per request, on a client of its own (Django's cache
    client builds a new Redis object for every call, which costs more than the round
    trip here).

    A restarted Redis starts from the clock (milliseconds), above any version a worker
    may still hold pages for, so nothing old is taken for current. While Redis does not
    answer, pages are rendered for every request and this worker forgets its copies: a
    change made meanwhile cannot have moved the version on.
    """

    BUMP = """
    local current = redis.call('GET', KEYS[1])
    if ARGV[2] ~= '' and current ~= ARGV[2] then return 0 end
    if current then redis.call('INCR', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[3]) end
    redis.call('SET', KEYS[2], ARGV[1])
    return 1
    """

    def __init__(self):
        self.redis = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=0.5, socket_connect_timeout=0.5
        )
        self.bump_script = self.redis.register_script(self.BUMP)

    def read(self):
        try:
            version, due = self.redis.mget(VERSION_KEY, DUE_KEY)
            if version is None:
                with self.redis.pipeline() as pipe:
                    pipe.set(VERSION_KEY, int(time.time() * 1000), nx=True)
                    pipe.set(DUE_KEY, _epoch(next_due()), nx=True)
                    pipe.mget(VERSION_KEY, DUE_KEY)
                    version, due = pipe.execute()[-1]
        except REDIS_UNAVAILABLE:
            _memory.clear()
            return None, 0
        return int(version), int(due or 0)

    def bump(self, expected=None):
        try:
            self.bump_script(
                keys=[VERSION_KEY, DUE_KEY],
                args=[_epoch(next_due()), "" if expected is None else expected,
                      int(time.time() * 1000)],
            )  # fmt: skip
        except REDIS_UNAVAILABLE:
            logger.warning("Redis unavailable: the page version was not moved on")

    def bump_after_commit(self):
        # Bumped once when the change is made and again once it is committed: a reader
        # that rendered the old rows in between stored its page under the middle
        # version, which this second bump retires.
        transaction.on_commit(self.bump)


def _epoch(moment):
    return int(moment.timestamp()) if moment else 0


def next_due():
    """The earliest time at which scheduled content becomes public (or None)."""
    moments = [moment for schedule in _schedules if (moment := schedule()) is not None]
    return min(moments) if moments else None


_store = None


def versions():
    global _store
    if _store is None:
        _store = RedisVersion() if settings.REDIS_URL else DatabaseVersion()
    return _store


def current_version():
    """The version to serve pages of, or None when it cannot be known (Redis away):
    then pages are rendered for each request and not kept."""
    store = versions()
    version, due = store.read()
    if version is None:
        return None
    if due and time.time() >= due:
        store.bump(expected=version)
        version, _due = store.read()
    return version


# ---------------------------------------------------------------------------------------
# The hub: what moves the version on.


def changed(**kwargs):
    """Everything public may have changed: move the version on (now and after commit)."""
    store = versions()
    store.bump()
    store.bump_after_commit()


def watch(model, *, fields=None, on_create=True, shows=None):
    """Move the version on whenever `model` is saved or deleted.

    fields: only saves that may touch these fields count (a save naming other
    update_fields, like the login's last_login, does not). on_create=False: a new row
    shows nowhere yet (a new user account). shows(instance): whether the row is, or was
    when loaded, on a public page (a comment waiting for moderation is not).
    """
    fields = frozenset(fields or ())

    def saved(sender, instance, created=False, update_fields=None, **kwargs):
        if created and not on_create:
            return
        if fields and update_fields is not None and not fields & set(update_fields):
            return
        if shows is not None and not shows(instance):
            return
        changed()

    def deleted(sender, instance, **kwargs):
        if shows is None or shows(instance):
            changed()

    uid = f"pagecache:{model._meta.label}"
    post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"{uid}:save")
    post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=f"{uid}:delete")


def watch_schedule(next_change):
    """`next_change()` gives the time at which content of an app becomes public by
    itself (a scheduled article); pages go stale then."""
    _schedules.append(next_change)


# ---------------------------------------------------------------------------------------
# Data kept under the version: counts and lists that are costly to compute, used while
# rendering pages.


# The version a page is being rendered under, so that what it keeps while rendering
# does not read the version again.
_rendering_version = ContextVar("rendering_version", default=None)


def kept(name, compute, seconds):
    """compute(), kept until the version moves on, and at most `seconds` (for what
    changes without a save, such as most-read lists)."""
    version = _rendering_version.get() or current_version()
    if version is None:
        return compute()
    key = f"pagecache:kept:{version}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


# ---------------------------------------------------------------------------------------
# Rendered pages with holes.

_TOKEN = secrets.token_hex(8)  # per process: no content can forge a hole's marker
_MARKER = re.compile(f"<!--hole-{_TOKEN}-(\\d+)-->")


@dataclass(frozen=True)
class Hole:
    kind: str  # "part": a template rendered per reader; "value": a value per request
    name: str


class HoleRecorder:
    """Put in a template's context while a shared copy renders; the reader-part tags
    record their holes in it and leave markers."""

    def __init__(self):
        self.holes = []

    def mark(self, kind, name):
        self.holes.append(Hole(kind, name))
        return f"<!--hole-{_TOKEN}-{len(self.holes) - 1}-->"


@dataclass
class Entry:
    """A page rendered once: its text split at the holes, and what fills them."""

    version: object
    expires: float
    segments: list  # str and Hole, alternating
    meta: dict  # the context the reader parts are rendered with (e.g. the article id)
    headers: dict
    anonymous: list = field(default_factory=list)  # bytes and value Holes

    def fill(self, render_part, values):
        out = []
        for segment in self.segments:
            if isinstance(segment, str):
                out.append(segment)
            elif segment.kind == "part":
                out.append(render_part(segment.name))
            else:
                out.append(str(values.get(segment.name, "")))
        return "".join(out)


class _Memory:
    """The process's copies, least recently used first; bounded by PAGE_CACHE_ENTRIES."""

    def __init__(self):
        self.entries = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key, version):
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            if entry.version != version or entry.expires <= time.time():
                del self.entries[key]
                return None
            self.entries.move_to_end(key)
            return entry

    def set(self, key, entry):
        with self.lock:
            self.entries[key] = entry
            self.entries.move_to_end(key)
            while len(self.entries) > settings.PAGE_CACHE_ENTRIES:
                self.entries.popitem(last=False)

    def clear(self):
        with self.lock:
            self.entries.clear()


_memory = _Memory()


def clear():
    """Forget this process's copies (tests: the database they were made from is gone)."""
    _memory.clear()
    global _store
    _store = None


# The query parameters that choose what a public page shows (a listing's page, a
# sitemap's section page); any other (utm_source, fbclid...) gets the same copy, so junk
# query strings can neither fill the cache nor force a rendering per request.
PAGE_PARAMETERS = ("page", "p")


def page_key(request, path=None):
    if path is None:
        chosen = [(name, request.GET.get(name)) for name in PAGE_PARAMETERS]
        path = (request.path, *((name, value) for name, value in chosen if value is not None))
    return (get_language(), request.get_host(), path)


def page(request, build, *, path=None):
    """The current shared copy of this request's page, rendering it with `build()` when
    there is none. build() returns a response: a TemplateResponse is rendered here with
    its holes; anything but a 200 is returned as it is, and nothing is kept."""
    version = current_version()
    key = page_key(request, path)
    if version is not None:
        entry = _memory.get(key, version)
        if entry is not None:
            return entry
    token = _rendering_version.set(version)
    try:
        response = build()
        if response.status_code != 200 or getattr(response, "streaming", False):
            return response
        entry = _render(request, response, version)
    finally:
        _rendering_version.reset(token)
    if entry is None:
        return response
    if version is not None:
        _memory.set(key, entry)
    return entry


def _render(request, response, version):
    csrf_before = request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    recorder = HoleRecorder()
    meta = {}
    if hasattr(response, "render") and not response.is_rendered:
        response.context_data = {**(response.context_data or {}), "reader_holes": recorder}
        meta = dict(response.context_data.get("page_meta") or {})
        response.render()
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") != csrf_before or response.cookies:
        # A CSRF token or a cookie in the shared copy would hand one reader's secret to
        # everyone: such a page is never kept (its forms belong in a reader part).
        return None
    parts = _MARKER.split(response.content.decode(response.charset))
    segments = [part if i % 2 == 0 else recorder.holes[int(part)] for i, part in enumerate(parts)]
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
    entry = Entry(
        version=version,
        expires=time.time() + settings.PAGE_CACHE_SECONDS,
        segments=segments,
        meta=meta,
        headers=headers,
    )
    entry.anonymous = _anonymous_copy(request, entry)
    return entry


def _anonymous_copy(request, entry):
    """The reader parts filled once for every anonymous reader without notices."""
    context = {**entry.meta, "user": AnonymousUser(), "messages": (), "request": request}
    out = []
    for segment in entry.segments:
        if isinstance(segment, Hole) and segment.kind == "value":
            out.append(segment)
            continue
        text = segment if isinstance(segment, str) else render_to_string(segment.name, context)
        if out and isinstance(out[-1], bytes):
            out[-1] += text.encode()
        else:
            out.append(text.encode())
    return out


def respond(request, entry, *, values=None, context=None, status=200):
    """The page for this reader: the anonymous copy, or reader parts rendered for them.

    context: more for the reader parts (a comment form with its errors).
    """
    values = values or {}
    shown = None
    if not request.user.is_authenticated and context is None:
        # A notice to show (cookie storage), or only a junk cookie: decode it to know.
        shown = list(get_messages(request)) if "messages" in request.COOKIES else []
        if not shown:
            body = b"".join(
                s if isinstance(s, bytes) else str(values.get(s.name, "")).encode()
                for s in entry.anonymous
            )
            return _response(entry, body, status)
    part_context = {**entry.meta, **(context or {})}
    if shown is not None:
        part_context["messages"] = shown
    render = partial(render_to_string, context=part_context, request=request)
    return _response(entry, entry.fill(render, values).encode(), status)


def _response(entry, body, status):
    response = HttpResponse(body, status=status)
    for name, value in entry.headers.items():
        response.headers[name] = value
    return response


def public_page(view):
    """Serve `view` from the shared copy; every reader gets their own parts filled in."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        entry = page(request, partial(view, request, *args, **kwargs))
        if isinstance(entry, HttpResponseBase):
            return entry
        return respond(request, entry)

    return wrapped
