"""One address cannot inflate a count: at most VIEW_MAX_READERS_PER_ADDRESS new readers per
article and window, on both backends; what is beyond is held back, counted apart."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from articles import viewcount
from articles.models import Article, ArticleDailyViews, ViewMark
from articles.models.views import ViewAddress

from .factories import make_article, make_reader
from .test_viewcount import read, views
from .test_viewcount_redis import flush, redis_backend, redis_url  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def rotating_agent(n):
    """A browser user agent of its own for each n, as a script rotating them would send."""
    return (
        f"Mozilla/5.0 (Linux; Android 13; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/120.0.{6000 + n}.{n % 97} Mobile Safari/537.36"
    )


def held_back(article):
    article.refresh_from_db()
    return article.views_held_back


@pytest.fixture
def article():
    return make_article(title="Harga Beras Stabil Jelang Ramadan")


def test_the_default_leaves_room_for_carrier_grade_nat(settings):
    assert settings.VIEW_MAX_READERS_PER_ADDRESS == 30


def test_one_address_rotating_its_user_agent_adds_at_most_the_limit(client, article, settings):
    limit = settings.VIEW_MAX_READERS_PER_ADDRESS
    for n in range(200):
        response = read(client, article, ua=rotating_agent(n), ip="203.0.113.66")
        assert response.status_code == 200
    assert "dibaca : 30" in response.content.decode()  # a held-back view shows the total
    assert views(article) == limit
    assert held_back(article) == 200 - limit
    assert ArticleDailyViews.objects.get(article=article).views == limit
    # Those held back are readers too: reloading within the window adds nothing more.
    for n in range(195, 200):
        read(client, article, ua=rotating_agent(n), ip="203.0.113.66")
    assert (views(article), held_back(article)) == (limit, 200 - limit)
    # Other addresses, and the same address on another article, are not affected.
    read(client, article, ip="203.0.113.67")
    other = make_article(title="Operasi Pasar di Kudus")
    read(client, other, ip="203.0.113.66")
    assert (views(article), views(other)) == (limit + 1, 1)


def test_distinct_addresses_still_count_exactly(client, article):
    for n in range(100):
        read(client, article, ua=rotating_agent(n), ip=f"198.51.100.{n}")
    assert (views(article), held_back(article)) == (100, 0)


def test_logged_in_readers_count_under_the_same_address_limit(client, article, settings):
    """Accounts are cheap to make: many of them from one address are limited alike."""
    settings.VIEW_MAX_READERS_PER_ADDRESS = 3
    for _ in range(5):
        client.force_login(make_reader())
        read(client, article, ip="203.0.113.80")
    assert (views(article), held_back(article)) == (3, 2)
    assert ViewMark.objects.filter(reader__startswith="u").count() == 5


def test_ipv6_addresses_in_one_64_share_the_limit_other_64s_do_not(client, article, settings):
    settings.VIEW_MAX_READERS_PER_ADDRESS = 3
    # A phone may use any address of its /64, and a new one for each connection.
    for n in range(5):
        read(client, article, ua=rotating_agent(n), ip=f"2001:db8:40:1::{n + 1:x}")
    assert (views(article), held_back(article)) == (3, 2)
    read(client, article, ip="2001:db8:40:2::1")  # the next /64: another subscriber
    read(client, article, ip="2001:db8:41:1::1")
    assert (views(article), held_back(article)) == (5, 2)
    # IPv4 addresses are each their own.
    for n in range(4):
        read(client, article, ip=f"198.51.100.{n + 1}")
    assert (views(article), held_back(article)) == (9, 2)


def test_an_ipv4_mapped_ipv6_address_is_its_ipv4_address(client, article, settings):
    settings.VIEW_MAX_READERS_PER_ADDRESS = 1
    read(client, article, ip="198.51.100.9")
    read(client, article, ua=rotating_agent(1), ip="::ffff:198.51.100.9")
    assert (views(article), held_back(article)) == (1, 1)


def test_the_address_gets_room_again_after_the_window(client, article, settings):
    settings.VIEW_MAX_READERS_PER_ADDRESS = 2
    for n in range(3):
        read(client, article, ua=rotating_agent(n), ip="203.0.113.90")
    assert (views(article), held_back(article)) == (2, 1)
    past = timezone.now() - timedelta(minutes=31)
    ViewMark.objects.update(seen_at=past)
    ViewAddress.objects.update(window_start=past)
    for n in range(3, 6):
        read(client, article, ua=rotating_agent(n), ip="203.0.113.90")
    assert (views(article), held_back(article)) == (4, 2)
    # Ended windows are pruned with the reader marks.
    ViewAddress.objects.update(window_start=past)
    viewcount.backend().prune()
    assert not ViewAddress.objects.exists()


def test_no_limit_when_set_to_zero(client, article, settings):
    settings.VIEW_MAX_READERS_PER_ADDRESS = 0
    for n in range(40):
        read(client, article, ua=rotating_agent(n), ip="203.0.113.70")
    assert (views(article), held_back(article)) == (40, 0)
    assert not ViewAddress.objects.exists()


def test_no_raw_address_is_stored(client, article):
    read(client, article, ip="203.0.113.77")
    read(client, article, ip="2001:db8:77:1::5")
    stored = " ".join(ViewAddress.objects.values_list("address", flat=True))
    assert "203.0.113" not in stored and "2001" not in stored
    assert all(len(a) == 40 for a in stored.split())


def test_staff_see_views_held_back_next_to_the_views(admin_client, article, settings):
    settings.VIEW_MAX_READERS_PER_ADDRESS = 2
    for n in range(5):
        read(Client(), article, ua=rotating_agent(n), ip="203.0.113.5")
    assert (views(article), held_back(article)) == (2, 3)
    listing = admin_client.get("/admin/articles/article/").content.decode()
    assert '<td class="field-view_count">2</td>' in listing
    assert '<td class="field-held_back">3</td>' in listing
    change = admin_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "ditahan" in change


# --- Redis --------------------------------------------------------------------------------


def test_redis_one_address_rotating_its_user_agent_adds_at_most_the_limit(
    client,
    article,
    settings,
    redis_backend,  # noqa: F811
):
    limit = settings.VIEW_MAX_READERS_PER_ADDRESS
    for n in range(200):
        response = read(client, article, ua=rotating_agent(n), ip="203.0.113.66")
    assert f"dibaca : {limit}" in response.content.decode()
    assert (views(article), held_back(article)) == (0, 0)  # all still in Redis
    assert viewcount.held_back_totals([article]) == {article.pk: 200 - limit}
    assert f"{limit} views moved" in flush()
    assert (views(article), held_back(article)) == (limit, 200 - limit)
    assert ArticleDailyViews.objects.get(article=article).views == limit
    assert viewcount.held_back_totals([article]) == {article.pk: 200 - limit}
    assert "0 views moved" in flush()
    assert (views(article), held_back(article)) == (limit, 200 - limit)


def test_redis_ipv6_addresses_in_one_64_share_the_limit(
    client,
    article,
    settings,
    redis_backend,  # noqa: F811
):
    settings.VIEW_MAX_READERS_PER_ADDRESS = 3
    for n in range(5):
        read(client, article, ua=rotating_agent(n), ip=f"2001:db8:40:1::{n + 1:x}")
    read(client, article, ip="2001:db8:40:2::1")
    flush()
    assert (views(article), held_back(article)) == (4, 2)


def test_redis_views_held_back_alone_are_flushed(
    client,
    article,
    settings,
    redis_backend,  # noqa: F811
):
    settings.VIEW_MAX_READERS_PER_ADDRESS = 1
    read(client, article, ip="203.0.113.3")
    assert "1 views moved" in flush()
    # Now only views held back are buffered: the next flush must still take them.
    for n in range(3):
        read(client, article, ua=rotating_agent(n), ip="203.0.113.3")
    assert "0 views moved" in flush()
    assert (views(article), held_back(article)) == (1, 3)
    assert not redis_backend.redis.exists(viewcount.PENDING_HELD, viewcount.INFLIGHT_HELD)


def test_redis_held_back_views_are_applied_exactly_once(
    client,
    article,
    settings,
    redis_backend,  # noqa: F811
):
    settings.VIEW_MAX_READERS_PER_ADDRESS = 1
    for n in range(4):
        read(client, article, ua=rotating_agent(n), ip="203.0.113.4")
    r = redis_backend.redis
    # A flush killed after its claim: the next one finishes the batch.
    assert redis_backend.claim_script(keys=viewcount.CLAIM_KEYS, args=["killed"]) == b"killed"
    read(client, article, ua=rotating_agent(9), ip="203.0.113.4")  # meanwhile: held back
    assert viewcount.held_back_totals([article]) == {article.pk: 4}
    assert "1 views moved" in flush()
    assert (views(article), held_back(article)) == (1, 3)
    # A flush killed after its commit, before Redis was told: not applied twice.
    batch = redis_backend.claim_script(keys=viewcount.CLAIM_KEYS, args=["committed"]).decode()
    held = {int(k): int(v) for k, v in r.hgetall(viewcount.INFLIGHT_HELD).items()}
    assert held == {article.pk: 1}
    assert redis_backend.apply(batch, {}, held) == 0
    assert held_back(article) == 4
    assert "0 views moved" in flush()
    assert (views(article), held_back(article)) == (1, 4)
    assert not r.exists(viewcount.INFLIGHT_HELD, viewcount.INFLIGHT_ID)


def test_redis_held_back_views_of_a_deleted_article_are_dropped(
    client,
    settings,
    redis_backend,  # noqa: F811
):
    settings.VIEW_MAX_READERS_PER_ADDRESS = 1
    kept, deleted = make_article(), make_article()
    for n in range(2):
        read(client, kept, ua=rotating_agent(n), ip="203.0.113.8")
        read(client, deleted, ua=rotating_agent(n), ip="203.0.113.8")
    deleted.delete()
    assert "1 views moved" in flush()
    assert (views(kept), held_back(kept)) == (1, 1)


# --- concurrency, PostgreSQL --------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_readers_of_one_address_never_exceed_the_limit_on_postgresql(settings):
    """Requests from one address in parallel, each on its own connection: the address's
    row lock orders them, so exactly `limit` of them count. (SQLite writers take turns
    anyway; its concurrent case is the gunicorn drill in test_viewcount_exactness.py.)"""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: DATABASE_URL=postgres://... (CI's second pass sets it)")
    settings.VIEW_MAX_READERS_PER_ADDRESS = limit = 10
    article = make_article()
    threads, per_thread = 16, 10
    store = viewcount.DatabaseBackend()
    start = threading.Barrier(threads)
    errors = []

    def reader(t):
        try:
            start.wait()
            for n in range(per_thread):
                store.record(article.pk, f"reader-{t}-{n}", "one-address")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=reader, args=(t,)) for t in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors
    article = Article.objects.get(pk=article.pk)
    assert article.view_count == limit
    assert article.views_held_back == threads * per_thread - limit
    assert ArticleDailyViews.objects.get(article=article).views == limit
    assert ViewAddress.objects.get(article=article).readers == threads * per_thread
