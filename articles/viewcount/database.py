"""The "db" backend: every view goes straight into the database, in one short transaction.

A reader mark (an upsert that says whether the reader is new for the window), for a new
reader an address counter (an upsert returning the address's readers in its window), then
`view_count = view_count + 1` and an upsert of the daily bucket, or `views_held_back + 1`
beyond the address limit.
"""

import fcntl
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from humas.readers import local_today

from ..models import Article, ArticleDailyViews, ViewMark
from ..models.views import ViewAddress

PRUNE_EVERY = 1000  # counted views per process between prunes of expired reader marks


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
