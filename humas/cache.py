"""The shared cache (Redis) as a cache should be: a help, never a dependency.

Django's RedisCache raises when Redis does not answer, so a Redis restart turns every
public page into a 500 (the menu, "most read", the page cache and the comment area all
ask the cache). This backend answers a miss instead and carries on: pages are rendered
from the database while Redis is away, a little slower, and cached again once it is
back. Sessions are written through to the database (SESSION_ENGINE "cached_db"), so
logged-in readers stay logged in meanwhile; see docs/faults.md.

    CACHES = {"default": {"BACKEND": "humas.cache.TolerantRedisCache", "LOCATION": ...}}

Only "Redis is not there" is forgiven (connection refused or reset, timeouts); other
errors (a bad key, a serializer bug) still raise. Connecting and reading time out after
half a second unless OPTIONS say otherwise, so an unreachable host costs a request at
most that, not the operating system's connect timeout of a minute or more.
"""

import logging
import time
from functools import wraps

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)
LOG_EVERY_SECONDS = 10  # an outage is logged, not once per cache call of every request
_last_logged = 0.0


def _missing_counter(*args):
    raise ValueError("the cache is unavailable")  # what incr() raises for a missing key


def _tolerant(method, fallback):
    @wraps(method)
    def wrapped(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except UNAVAILABLE as error:
            global _last_logged
            if time.monotonic() - _last_logged > LOG_EVERY_SECONDS:
                _last_logged = time.monotonic()
                logger.warning("Redis cache unavailable, carrying on without it: %s", error)
            return fallback(*args, **kwargs)

    return wrapped


class TolerantRedisCacheClient(RedisCacheClient):
    # What each operation answers while Redis is away: nothing found, nothing stored.
    get = _tolerant(RedisCacheClient.get, lambda key, default: default)
    get_many = _tolerant(RedisCacheClient.get_many, lambda keys: {})
    has_key = _tolerant(RedisCacheClient.has_key, lambda key: False)
    add = _tolerant(RedisCacheClient.add, lambda key, value, timeout: False)
    set = _tolerant(RedisCacheClient.set, lambda key, value, timeout: None)
    set_many = _tolerant(RedisCacheClient.set_many, lambda data, timeout: None)
    touch = _tolerant(RedisCacheClient.touch, lambda key, timeout: False)
    delete = _tolerant(RedisCacheClient.delete, lambda key: False)
    delete_many = _tolerant(RedisCacheClient.delete_many, lambda keys: None)
    incr = _tolerant(RedisCacheClient.incr, _missing_counter)
    clear = _tolerant(RedisCacheClient.clear, lambda: False)

    def get_client(self, key=None, *, write=False):
        """A redis-py client per connection pool, made once: Django makes a new one for
        every call, and making one (its table of reply callbacks) costs more CPU than the
        round trip it is for. A client is safe to share; its pool follows a fork."""
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class TolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
        options.update(params.get("OPTIONS", {}))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = TolerantRedisCacheClient
