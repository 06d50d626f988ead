"""Whole-page caching of anonymous pages (home, listings, feeds, sitemaps).

A page is cached per language, host and full path, under a content version that any
save or delete of an article, category, photo or comment moves on, so what readers see
changes as soon as the newsroom changes it (with Redis, on every app server; with the
local-memory cache, in the process that saved it and within PAGE_CACHE_SECONDS in the
others). The article page has its own cache (it counts views); this is for the rest.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import get_language

VERSION_KEY = "articles:content-version"


def content_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, None)
        version = cache.get(VERSION_KEY, 1)
    return version


def content_changed(**kwargs):
    """Signal receiver: every cached page is stale now."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)


def public_page(view):
    """Serve `view` to anonymous readers from the cache; personal requests pass through."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        personal = request.user.is_authenticated or "messages" in request.COOKIES
        if request.method not in ("GET", "HEAD") or personal:
            return view(request, *args, **kwargs)
        # Hashed: a path can be longer than a cache key may be (?page=999...).
        where = hashlib.sha256(f"{request.get_host()}{request.get_full_path()}".encode())
        key = f"articles:page-cache:{content_version()}:{get_language()}:{where.hexdigest()}"
        cached = cache.get(key)
        if cached is not None:
            content, content_type = cached
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response.render()
        if response.status_code == 200 and not response.streaming:
            cache.set(
                key, (response.content, response["Content-Type"]), settings.PAGE_CACHE_SECONDS
            )
        return response

    return wrapped
