"""The redis backend against a real redis-server: buffering, display, exact flushing."""

from io import StringIO

import pytest
from django.core.management import call_command

from articles import viewcount
from articles.models import ArticleDailyViews, ViewFlush

from .factories import make_article
from .services import start_redis
from .test_viewcount import BROWSERS, CHROME_ANDROID, read, views

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    url, process = start_redis(tmp_path_factory.mktemp("redis"))
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def redis_backend(settings, redis_url):
    settings.VIEW_COUNTER_BACKEND = "redis"
    settings.REDIS_URL = redis_url
    viewcount.backend.cache_clear()
    store = viewcount.backend()
    store.redis.flushdb()
    return store


def flush():
    out = StringIO()
    call_command("flush_views", stdout=out)
    return out.getvalue()


def test_views_are_buffered_then_flushed_into_the_database(client, redis_backend):
    article = make_article()
    for ua in BROWSERS:
        response = read(client, article, ua=ua)
    read(client, article)  # a reload
    read(client, article, ua="Googlebot/2.1")
    assert views(article) == 0  # still in Redis
    assert f"dibaca : {len(BROWSERS)}" in response.content.decode()
    assert f"{len(BROWSERS)} views moved" in flush()
    assert views(article) == len(BROWSERS)
    assert ArticleDailyViews.objects.get(article=article).views == len(BROWSERS)
    assert "0 views moved" in flush()
    assert views(article) == len(BROWSERS)
    # After the flush the page shows the database's total plus what is new.
    response = read(client, article, ip="198.51.100.50")
    assert f"dibaca : {len(BROWSERS) + 1}" in response.content.decode()


def test_a_flush_killed_after_claiming_its_batch_is_finished_by_the_next(client, redis_backend):
    article = make_article()
    for ip in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
        read(client, article, ip=ip)
    r = redis_backend.redis
    # What a flush does first, alone: the batch moves from "pending" to "inflight".
    batch = redis_backend.claim_script(keys=viewcount.CLAIM_KEYS, args=["killed-batch"])
    assert batch == b"killed-batch"
    # Killed here. Readers go on; the display still includes the claimed batch.
    response = read(client, article, ip="198.51.100.4")
    assert "dibaca : 4" in response.content.decode()
    assert "3 views moved" in flush()  # the killed batch
    assert views(article) == 3
    assert "1 views moved" in flush()  # what came meanwhile
    assert views(article) == 4
    assert not r.exists(viewcount.INFLIGHT_ID)


def test_a_flush_killed_after_its_commit_does_not_apply_twice(client, redis_backend):
    article = make_article()
    read(client, article, ip="198.51.100.1")
    read(client, article, ip="198.51.100.2")
    r = redis_backend.redis
    batch = redis_backend.claim_script(keys=viewcount.CLAIM_KEYS, args=["committed-batch"]).decode()
    per_day = {
        tuple(k.decode().split("|")): int(v) for k, v in r.hgetall(viewcount.INFLIGHT).items()
    }
    assert redis_backend.apply(batch, per_day) == 2
    # Killed after the commit, before Redis was told: the next run must not add them again.
    assert views(article) == 2
    assert "0 views moved" in flush()
    assert views(article) == 2
    assert ViewFlush.objects.filter(batch="committed-batch").count() == 1
    assert not r.exists(viewcount.INFLIGHT)


def test_flush_dry_run_moves_nothing(client, redis_backend):
    article = make_article()
    read(client, article)
    out = StringIO()
    call_command("flush_views", "--dry-run", stdout=out)
    assert "1 buffered views would be moved" in out.getvalue()
    assert views(article) == 0


def test_views_of_a_deleted_article_are_dropped_by_the_flush(client, redis_backend):
    kept, deleted = make_article(), make_article()
    read(client, kept)
    read(client, deleted)
    deleted.delete()
    assert "1 views moved" in flush()
    assert views(kept) == 1


def test_flush_views_is_a_no_op_for_the_db_backend(client):
    article = make_article()
    read(client, article, ua=CHROME_ANDROID)
    assert "0 views moved into the database (db backend)" in flush()
    assert views(article) == 1


def test_counting_goes_on_after_redis_forgot_the_script_or_dropped_the_connection(
    client, redis_backend
):
    article = make_article()
    assert "dibaca : 1" in read(client, article, ip="198.51.100.1").content.decode()
    redis_backend.redis.script_flush()  # as after a restart: NOSCRIPT on the next call
    assert "dibaca : 2" in read(client, article, ip="198.51.100.2").content.decode()
    redis_backend.redis.client_kill_filter(_type="normal", skipme=True)
    # The call on the dropped connection is made again on a new one: nothing is lost.
    assert "dibaca : 3" in read(client, article, ip="198.51.100.3").content.decode()
    assert "dibaca : 4" in read(client, article, ip="198.51.100.4").content.decode()


def test_threads_count_on_connections_of_their_own(redis_backend):
    """`make run` serves requests in threads: each one's replies stay its own."""
    from concurrent.futures import ThreadPoolExecutor

    article = make_article()
    assert redis_backend.total(article.pk) == 0  # the database's count, known from now on
    readers = [f"reader-{n}" for n in range(200)]
    with ThreadPoolExecutor(8) as pool:
        totals = list(pool.map(lambda r: redis_backend.record(article.pk, r), readers))
    assert sorted(totals) == list(range(1, 201))
