# ruff: noqa: S608 - SQL built from our own models' table names only; every value is a parameter.
"""Counting downloads with the rules of article views (humas.readers): a GET by a reader
(no bots, prefetches or staff) counts once per document per VIEW_DEDUP_SECONDS, and one
address brings at most VIEW_MAX_READERS_PER_ADDRESS new readers per window (those
beyond are not counted).

In the database, in one short transaction, as articles' db backend: a reader mark (an
upsert that says whether the reader is new for the window), for a new reader an address
counter, then `download_count = download_count + 1`. Downloads are far rarer than page
views, so there is no Redis buffer: the database holds the count.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from humas.readers import address_key, is_countable, reader_key

from .models import Document, DownloadAddress, DownloadMark

logger = logging.getLogger(__name__)

PRUNE_EVERY = 1000  # counted downloads per process between prunes of expired marks


class DownloadCounter:
    def __init__(self):
        self.counted_since_prune = 0
        mark = DownloadMark._meta.db_table
        address = DownloadAddress._meta.db_table
        document = Document._meta.db_table
        # Inserted, or updated because the old mark is older than the window: a new
        # download. Otherwise RETURNING yields nothing. One statement, so concurrent
        # requests of one reader cannot both count.
        self.mark_sql = (
            f"INSERT INTO {mark} (document_id, reader, seen_at) VALUES (%s, %s, %s) "
            f"ON CONFLICT (document_id, reader) DO UPDATE SET seen_at = excluded.seen_at "
            f"WHERE {mark}.seen_at < %s RETURNING 1"
        )
        self.address_sql = (
            f"INSERT INTO {address} (document_id, address, window_start, readers) "
            f"VALUES (%s, %s, %s, 1) ON CONFLICT (document_id, address) DO UPDATE SET "
            f"readers = CASE WHEN {address}.window_start < %s THEN 1 "
            f"ELSE {address}.readers + 1 END, "
            f"window_start = CASE WHEN {address}.window_start < %s "
            f"THEN excluded.window_start ELSE {address}.window_start END "
            f"RETURNING readers"
        )
        self.increment_sql = (
            f"UPDATE {document} SET download_count = download_count + 1 WHERE id = %s"
        )

    def record(self, document_id: int, reader: str, address: str = "") -> bool:
        """Count a download; whether it counted."""
        now = timezone.now()
        cutoff = now - timedelta(seconds=settings.VIEW_DEDUP_SECONDS)
        limit = settings.VIEW_MAX_READERS_PER_ADDRESS
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(self.mark_sql, [document_id, reader, now, cutoff])
            if cursor.fetchone() is None:
                return False
            if limit and address:
                cursor.execute(self.address_sql, [document_id, address, now, cutoff, cutoff])
                (readers,) = cursor.fetchone()
                if readers > limit:
                    return False
            cursor.execute(self.increment_sql, [document_id])
        self.counted_since_prune += 1
        if self.counted_since_prune >= PRUNE_EVERY:
            self.counted_since_prune = 0
            self.prune()
        return True

    def prune(self):
        cutoff = timezone.now() - timedelta(seconds=settings.VIEW_DEDUP_SECONDS)
        DownloadMark.objects.filter(seen_at__lt=cutoff).delete()
        DownloadAddress.objects.filter(window_start__lt=cutoff).delete()


counter = DownloadCounter()


def count_download(request, document_id: int) -> bool:
    """Count this request as a download if it is one. Counting never stops the file:
    if the database refuses, the download is lost (and logged)."""
    if not is_countable(request):
        return False
    try:
        return counter.record(document_id, reader_key(request), address_key(request))
    except Exception:  # the reader gets the file whatever happens here
        logger.exception("download count failed for document %s", document_id)
        return False
