"""The page version in Redis (humas.pagecache.version.RedisVersion) against a real
redis-server: read once, then known without a round trip until a bump is published."""

import time

import pytest
import redis
from django.test import Client

from humas import pagecache
from humas.pagecache import version as pageversion

from .factories import make_article
from .test_viewcount_redis import redis_url  # noqa: F401 - the module's redis-server

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_versions(settings, redis_url):  # noqa: F811
    settings.REDIS_URL = redis_url
    pagecache.clear()
    redis.Redis.from_url(redis_url).flushdb()
    yield redis_url
    pagecache.clear()


def test_a_known_version_is_served_without_asking_redis(redis_versions):
    store = pageversion.versions()
    first = pagecache.current_version()
    admin = redis.Redis.from_url(redis_versions)
    before = admin.info("stats")["total_commands_processed"]
    for _ in range(200):
        assert pagecache.current_version() == first
    # Only the first INFO itself.
    assert admin.info("stats")["total_commands_processed"] - before == 1
    assert store.listener is not None


def test_a_bump_by_another_worker_is_seen_on_the_very_next_read(redis_versions):
    this_worker = pageversion.versions()
    other_worker = pageversion.RedisVersion()
    before = pagecache.current_version()
    for n in range(1, 501):
        other_worker.bump()
        assert this_worker.read()[0] == before + n


def test_a_lost_listener_sends_the_next_read_back_to_redis(redis_versions):
    store = pageversion.versions()
    before = pagecache.current_version()
    admin = redis.Redis.from_url(redis_versions)
    admin.client_kill_filter(_type="pubsub")
    admin.incr(pageversion.VERSION_KEY)  # moved on while nobody listened: no message
    assert pagecache.current_version() == before + 1
    assert store.listener is not None  # listening again


def test_an_old_read_is_not_trusted_forever(redis_versions, monkeypatch):
    """A listener that hears nothing (a link dead without closing) is trusted only for
    TRUST_SECONDS: then the version is read again."""
    monkeypatch.setattr(pageversion.RedisVersion, "TRUST_SECONDS", 0.2)
    before = pagecache.current_version()
    redis.Redis.from_url(redis_versions).incr(pageversion.VERSION_KEY)  # no message
    deadline = time.monotonic() + 5
    while pagecache.current_version() == before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert pagecache.current_version() == before + 1


def test_an_edit_reaches_a_page_kept_under_a_known_version(redis_versions):
    article = make_article(title="Judul lama")
    client = Client()
    assert "Judul lama" in client.get(article.get_absolute_url()).content.decode()
    article.title = "Judul baru"
    article.save()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Judul baru" in page and "Judul lama" not in page
