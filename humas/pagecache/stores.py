"""Where the version of everything public lives, one class per place: Redis with
REDIS_URL (RedisVersion), a file mapped into memory beside a SQLite database
(FileVersion), else the database (DatabaseVersion, PostgreSQL without Redis). Each reads
the version with the time the next scheduled change comes due, and bumps it. version.py
chooses one and moves it on.
"""

import fcntl
import logging
import mmap
import os
import struct
import threading
import time

import redis
from django.conf import settings
from django.db import connection, transaction

from ..models import PageVersion

VERSION_KEY = "humas:pagecache:version"
DUE_KEY = "humas:pagecache:due"  # Unix time of the next scheduled change, 0 for none
REDIS_UNAVAILABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
logger = logging.getLogger(__name__)
schedules = []  # callables -> the next datetime at which something public comes due


class DatabaseVersion:
    """The version in one row of humas_pageversion (sites without Redis).

    Bumped inside the transaction that changes the content, so the two commit together:
    a reader sees either the old version and old content, or both new.
    """

    def __init__(self):
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


class FileVersion:
    """The version of a SQLite site (one host by nature) in a 16-byte file beside the
    database, mapped into every process's memory: reading it is a memory read, not a
    query.

    Like RedisVersion it is bumped at the change and again after the commit: a reader
    that rendered the old rows in between kept its page under the middle version, which
    the second bump retires. A missing or emptied file starts from the clock.
    """

    LAYOUT = struct.Struct("=qq")  # version, next due (Unix time)

    def __init__(self, path):
        self.path = path
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o660)
        try:
            if os.fstat(fd).st_size < self.LAYOUT.size:
                os.ftruncate(fd, self.LAYOUT.size)  # zeros: not started yet
            self.map = mmap.mmap(fd, self.LAYOUT.size)
            self.lock_fd = os.dup(fd)  # writers queue on flock() of the file
        finally:
            os.close(fd)

    def read(self):
        version, due = self.LAYOUT.unpack_from(self.map)
        if version == 0:
            self.bump()
            version, due = self.LAYOUT.unpack_from(self.map)
        return version, due

    def bump(self, expected=None):
        fcntl.flock(self.lock_fd, fcntl.LOCK_EX)
        try:
            version, _due = self.LAYOUT.unpack_from(self.map)
            if expected is not None and version != expected:
                return  # someone else moved it on since
            version = version + 1 if version else int(time.time() * 1000)
            self.LAYOUT.pack_into(self.map, 0, version, _epoch(next_due()))
        finally:
            fcntl.flock(self.lock_fd, fcntl.LOCK_UN)

    def bump_after_commit(self):
        transaction.on_commit(self.bump)

    def close(self):
        self.map.close()
        os.close(self.lock_fd)


class RedisVersion:
    """The version in Redis, read once and then known until Redis says it moved on.

    Every bump publishes on CHANNEL (inside the same script), and each process keeps one
    connection subscribed to it. A process that has read the version trusts it while
    that connection has received nothing: checking costs one poll() of a local socket,
    no round trip. A message, a connection error or TRUST_SECONDS without a fresh read
    (a link that died without closing) sends the next read back to Redis. bump() returns
    only once the message is in every listener's socket (see there), so the request
    that made the change answers after it, and the next request anywhere sees the new
    version.

    A restarted Redis starts from the clock (milliseconds), above any version a worker
    may still hold pages for, so nothing old is taken for current. While Redis does not
    answer, pages are rendered for every request and this worker forgets its copies: a
    change made meanwhile cannot have moved the version on.
    """

    CHANNEL = "humas:pagecache:moved"
    TRUST_SECONDS = 1.0
    BUMP = """
    local current = redis.call('GET', KEYS[1])
    if ARGV[2] ~= '' and current ~= ARGV[2] then return 0 end
    if current then redis.call('INCR', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[3]) end
    redis.call('SET', KEYS[2], ARGV[1])
    redis.call('PUBLISH', KEYS[3], '1')
    return 1
    """

    def __init__(self):
        self.redis = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=0.5, socket_connect_timeout=0.5
        )
        self.bump_script = self.redis.register_script(self.BUMP)
        self.listener = None  # a connection subscribed to CHANNEL
        self.known = None  # (version, due, monotonic time until which it is trusted)
        self.lock = threading.Lock()  # one listener, read by every thread of `make run`

    def read(self):
        with self.lock:
            return self._read()

    def _read(self):
        known = self.known
        if known is not None and time.monotonic() < known[2] and self._quiet():
            return known[0], known[1]
        self.known = None
        try:
            if self.listener is None:
                self._listen()
            version, due = self._fetch()
        except REDIS_UNAVAILABLE:
            self._stop_listening()
            return None, 0
        if self.listener is not None:
            self.known = (version, due, time.monotonic() + self.TRUST_SECONDS)
        return version, due

    def _fetch(self):
        version, due = self.redis.mget(VERSION_KEY, DUE_KEY)
        if version is None:
            with self.redis.pipeline() as pipe:
                pipe.set(VERSION_KEY, int(time.time() * 1000), nx=True)
                pipe.set(DUE_KEY, _epoch(next_due()), nx=True)
                pipe.mget(VERSION_KEY, DUE_KEY)
                version, due = pipe.execute()[-1]
        return int(version), int(due or 0)

    def _listen(self):
        """Subscribe before the version is read: a bump after the read is then heard."""
        connection = self.redis.connection_pool.make_connection()
        try:
            connection.send_command("SUBSCRIBE", self.CHANNEL)
            connection.read_response(push_request=True)  # the confirmation
        except (redis.exceptions.RedisError, OSError):
            connection.disconnect()
            raise redis.exceptions.ConnectionError("could not subscribe") from None
        self.listener = connection

    def _quiet(self):
        """Whether nothing has arrived on the listener since the version was read."""
        try:
            if not self.listener.can_read(timeout=0):
                return True
            while self.listener.can_read(timeout=0):
                self.listener.read_response(
                    push_request=True
                )  # a bump's message: drained, then read anew
        except (redis.exceptions.RedisError, OSError):
            self._stop_listening()
        return False

    def _stop_listening(self):
        self.known = None
        if self.listener is not None:
            self.listener.disconnect()
            self.listener = None

    def bump(self, expected=None):
        self.known = None  # this process reads the version anew, message or not
        try:
            self.bump_script(
                keys=[VERSION_KEY, DUE_KEY, self.CHANNEL],
                args=[_epoch(next_due()), "" if expected is None else expected,
                      int(time.time() * 1000)],
            )  # fmt: skip
            # Redis writes its replies of one turn of its loop (the message to every
            # listener among them) before it reads the next command: once this PING is
            # answered, every listener's socket holds the message.
            self.redis.ping()
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
    moments = [moment for schedule in schedules if (moment := schedule()) is not None]
    return min(moments) if moments else None
