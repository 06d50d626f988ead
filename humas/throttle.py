"""Fixed-window rate limits stored in the database, so every worker and host agrees."""

import time

from django.db import connection, transaction

from .models import Throttle


def hit(key: str, *, limit: int, window_seconds: int) -> bool:
    """Record one attempt for `key`; False when this attempt goes over `limit`."""
    now = time.time()
    period = int(now // window_seconds)
    expires = (period + 1) * window_seconds
    table = Throttle._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, period, expires, hits) VALUES (%s, %s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (key, period) DO UPDATE SET hits = {table}.hits + 1 RETURNING hits",
            [key[:200], period, expires],
        )
        (hits,) = cursor.fetchone()
        if hits == 1:
            # A new period for this key: a good moment to forget periods that are over.
            Throttle.objects.filter(expires__lt=now).delete()
    return hits <= limit
