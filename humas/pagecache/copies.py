"""Rendered public pages with holes for what belongs to one reader, kept in each
worker's memory and served while their version is current (version.py)."""

import re
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import partial, wraps

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils.translation import get_language

from .version import current_version, forget_store, rendering_version

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
    forget_store()


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
    if version is None:
        # Redis does not answer: a change made meanwhile could not move the version on,
        # so no copy of this worker can be trusted any more.
        _memory.clear()
    else:
        entry = _memory.get(key, version)
        if entry is not None:
            return entry
    token = rendering_version.set(version)
    try:
        response = build()
        if response.status_code != 200 or getattr(response, "streaming", False):
            return response
        entry = render(request, response, version)
    finally:
        rendering_version.reset(token)
    if entry is None:
        return response
    if version is not None:
        _memory.set(key, entry)
    return entry


def render(request, response, version=None):
    """`response` (a TemplateResponse not rendered yet) as an Entry with its holes, or
    None when it must not be shared (it used a CSRF token or set a cookie). Not kept:
    page() keeps what it renders; a preview only fills its holes."""
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
    return _response(
        entry, entry.fill(PartRenderer(request, part_context), values).encode(), status
    )


class PartRenderer:
    """Renders one request's reader parts in one template context, as render_to_string
    would render each (context processors, then the given context on top), except that
    the context processors run once and the CSRF token is masked once for the page, not
    once for every part."""

    def __init__(self, request, context):
        self.request = request
        self.given = context
        self.context = None

    def __call__(self, name):
        template = get_template(name)
        if self.context is None:
            engine = template.backend.engine
            values = {}
            for processor in engine.template_context_processors:
                values.update(processor(self.request))
            values.update(self.given)
            self.context = Context(values, autoescape=engine.autoescape)
        with self.context.push():  # what one part sets ({% ... as x %}) stays in it
            return template.template.render(self.context)


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
