from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import viewcount
from articles.models import Article, ArticleDailyViews, ViewMark

from .factories import make_article, make_user

pytestmark = pytest.mark.django_db

CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 13; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Mobile Safari/537.36"
)
BROWSERS = [
    CHROME_ANDROID,
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0",
    "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
]
BOTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; "
    "+https://openai.com/gptbot)",
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; "
    "+claudebot@anthropic.com)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)",
    "WhatsApp/2.23.20.0",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "TelegramBot (like TwitterBot)",
    "Twitterbot/1.0",
    "curl/8.5.0",
    "Wget/1.21.4",
    "python-requests/2.31.0",
    "Python-urllib/3.11",
    "Go-http-client/1.1",
    "",
]


@pytest.fixture
def article():
    return make_article(title="Pasar Murah Jelang Lebaran")


def views(article):
    article.refresh_from_db()
    return article.view_count


def read(client, article, ua=CHROME_ANDROID, ip="203.0.113.7", **headers):
    return client.get(article.get_absolute_url(), HTTP_USER_AGENT=ua, REMOTE_ADDR=ip, **headers)


def test_a_reader_opening_an_article_counts_once_and_sees_their_own_view(client, article):
    response = read(client, article)
    assert response.status_code == 200
    assert "dibaca : 1" in response.content.decode()
    assert views(article) == 1
    bucket = ArticleDailyViews.objects.get(article=article)
    assert (bucket.day, bucket.views) == (timezone.localdate(), 1)


def test_reloading_within_the_window_counts_once(client, article):
    for _ in range(5):
        response = read(client, article)
    assert views(article) == 1
    assert "dibaca : 1" in response.content.decode()


def test_the_same_reader_counts_again_after_the_window(client, article):
    read(client, article)
    ViewMark.objects.update(seen_at=timezone.now() - timedelta(minutes=31))
    read(client, article)
    assert views(article) == 2
    assert ArticleDailyViews.objects.get(article=article).views == 2


@pytest.mark.parametrize("ua", BROWSERS)
def test_browsers_count(client, article, ua):
    read(client, article, ua=ua)
    assert views(article) == 1


@pytest.mark.parametrize("ua", BOTS)
def test_bots_crawlers_previews_and_http_libraries_do_not_count(client, article, ua):
    response = read(client, article, ua=ua)
    assert response.status_code == 200
    assert views(article) == 0
    assert not ArticleDailyViews.objects.exists()


@pytest.mark.parametrize(
    "header",
    [
        {"HTTP_SEC_PURPOSE": "prefetch"},
        {"HTTP_SEC_PURPOSE": "prefetch;prerender"},
        {"HTTP_PURPOSE": "prefetch"},
        {"HTTP_X_MOZ": "prefetch"},
        {"HTTP_X_PURPOSE": "preview"},
    ],
)
def test_prefetch_and_prerender_do_not_count(client, article, header):
    assert read(client, article, **header).status_code == 200
    assert views(article) == 0


def test_head_and_other_methods_do_not_count(client, article):
    assert (
        client.head(article.get_absolute_url(), HTTP_USER_AGENT=CHROME_ANDROID).status_code == 200
    )
    assert (
        client.post(article.get_absolute_url(), HTTP_USER_AGENT=CHROME_ANDROID).status_code == 405
    )
    assert views(article) == 0


def test_different_readers_behind_one_address_count_separately(client, article):
    for ua in BROWSERS:
        read(client, article, ua=ua)
    for ip in ("198.51.100.1", "198.51.100.2"):
        read(client, article, ip=ip)
    assert views(article) == len(BROWSERS) + 2


def test_logged_in_reader_is_one_reader_whatever_the_device(client, article):
    client.force_login(make_user())
    for ua in BROWSERS:
        read(client, article, ua=ua)
    assert views(article) == 1
    assert ViewMark.objects.get().reader.startswith("u")


def test_staff_reading_do_not_count(client, article):
    client.force_login(make_user(is_staff=True))
    read(client, article)
    assert views(article) == 0


def test_no_raw_ip_address_is_stored(client, article):
    read(client, article, ip="203.0.113.77")
    (mark,) = ViewMark.objects.all()
    assert "203.0.113.77" not in mark.reader
    assert len(mark.reader) == 40 and int(mark.reader, 16) >= 0


def test_the_salt_changes_daily(rf, monkeypatch):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/", HTTP_USER_AGENT=CHROME_ANDROID, REMOTE_ADDR="203.0.113.7")
    request.user = AnonymousUser()
    today = viewcount.reader_key(request)
    assert viewcount.reader_key(request) == today
    tomorrow = timezone.now() + timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)  # the clock
    assert viewcount.reader_key(request) != today


def test_forwarded_for_is_ignored_unless_behind_a_proxy(client, article, settings):
    for spoofed in ("1.1.1.1", "2.2.2.2"):
        read(client, article, HTTP_X_FORWARDED_FOR=spoofed)
    assert views(article) == 1  # one reader: the real address, 203.0.113.7


def test_behind_a_proxy_only_the_address_the_proxy_saw_counts(client, article, settings):
    settings.BEHIND_PROXY = True
    # The client writes anything on the left; nginx appends the address it saw.
    read(client, article, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.9")
    read(client, article, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="2.2.2.2, 198.51.100.9")
    assert views(article) == 1
    read(client, article, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.10")
    assert views(article) == 2


@pytest.mark.parametrize(
    "fields",
    [{"status": Article.Status.DRAFT}, {"published_at": timezone.now() + timedelta(days=1)}],
    ids=["draft", "scheduled"],
)
def test_unpublished_articles_are_not_counted(client, fields):
    article = make_article(**fields)
    assert read(client, article).status_code == 404
    assert views(article) == 0


def test_cached_page_still_counts_every_reader_and_shows_the_new_total(
    client, article, django_assert_max_num_queries
):
    read(client, article, ip="198.51.100.1")
    # The page is now cached: the page cache checks its content version, then only
    # counting runs (a savepoint, the reader mark, the address's readers, the increment,
    # the daily bucket, the release); no query reads the article.
    with django_assert_max_num_queries(7):
        response = read(client, article, ip="198.51.100.2")
    assert "dibaca : 2" in response.content.decode()
    assert views(article) == 2


def test_editing_an_article_refreshes_its_cached_page(client, article):
    read(client, article)
    article.title = "Pasar Murah Diperpanjang"
    article.save()
    assert "Pasar Murah Diperpanjang" in read(client, article).content.decode()
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    article.refresh_from_db()
    article.save()
    assert read(client, article).status_code == 404


def test_large_counts_are_grouped_the_indonesian_way(client, article):
    Article.objects.filter(pk=article.pk).update(view_count=1233)
    assert "dibaca : 1.234" in read(client, article).content.decode()


SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin"}


def beacon(client, article, ua=CHROME_ANDROID, **headers):
    return client.post(f"/berita/{article.slug}/dibaca/", HTTP_USER_AGENT=ua, **headers)


def test_beacon_counts_with_the_same_rules(client, article, settings):
    settings.VIEW_COUNT_MODE = "beacon"
    url = f"/berita/{article.slug}/dibaca/"
    page = read(client, article).content.decode()
    assert views(article) == 0  # in beacon mode the page itself does not count
    assert f'data-view-beacon="{url}"' in page
    response = beacon(client, article, **SAME_ORIGIN, HTTP_ORIGIN="http://testserver")
    assert response.json() == {"views": 1, "display": "1"}
    assert response["Cache-Control"] == "no-store"
    assert beacon(client, article, **SAME_ORIGIN).json()["views"] == 1  # a reload
    assert beacon(client, article, ua="Googlebot/2.1", **SAME_ORIGIN).status_code == 200
    assert views(article) == 1
    assert client.get(url).status_code == 405
    assert client.post("/berita/tidak-ada/dibaca/", **SAME_ORIGIN).status_code == 404


@pytest.mark.parametrize(
    "headers",
    [
        {},  # no Sec-Fetch-Site: no browser's fetch from the page (curl, a script)
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},  # another subdomain
        {"HTTP_SEC_FETCH_SITE": "none"},  # typed into the address bar
        {"HTTP_ORIGIN": "https://example.net"},
        {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "https://example.net"},
        {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "null"},
        {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "https://testserver"},  # http
    ],
    ids=[
        "no-sec-fetch-site", "cross-site", "same-site", "none", "foreign-origin-only",
        "same-origin-foreign-origin", "null-origin", "other-scheme",
    ],
)  # fmt: skip
def test_beacon_refuses_requests_not_from_the_page_itself(client, article, settings, headers):
    settings.VIEW_COUNT_MODE = "beacon"
    for n in range(3):
        response = beacon(client, article, ua=BROWSERS[n], **headers)
        assert response.status_code == 403
    assert views(article) == 0


def test_beacon_behind_https_takes_its_own_https_origin(client, article, settings):
    settings.VIEW_COUNT_MODE = "beacon"
    assert (
        beacon(client, article, secure=True, **SAME_ORIGIN, HTTP_ORIGIN="https://testserver")
    ).json()["views"] == 1
    assert (
        beacon(client, article, ua=BROWSERS[1], secure=True, **SAME_ORIGIN,
               HTTP_ORIGIN="http://testserver").status_code
        == 403
    )  # fmt: skip


def test_beacon_is_not_there_in_server_mode(client, article):
    for headers in ({}, SAME_ORIGIN):
        assert beacon(client, article, **headers).status_code == 404
    assert views(article) == 0


def test_beacon_refuses_unpublished_articles(client, settings):
    settings.VIEW_COUNT_MODE = "beacon"
    article = make_article(status=Article.Status.DRAFT)
    assert beacon(client, article, **SAME_ORIGIN).status_code == 404
    assert views(article) == 0


def test_beacon_allowed(rf, settings):
    def allowed(method="post", **headers):
        return viewcount.beacon_allowed(getattr(rf, method)("/berita/x/dibaca/", **headers))

    origin = {"HTTP_ORIGIN": "http://testserver"}
    assert not allowed(**SAME_ORIGIN)  # server mode
    settings.VIEW_COUNT_MODE = "beacon"
    assert allowed(**SAME_ORIGIN)
    assert allowed(**SAME_ORIGIN, **origin)
    assert allowed(**SAME_ORIGIN, HTTP_ORIGIN="HTTP://TESTSERVER")
    assert not allowed("get", **SAME_ORIGIN, **origin)
    assert not allowed(**origin)
    assert not allowed(HTTP_SEC_FETCH_SITE="cross-site", **origin)
    assert not allowed(**SAME_ORIGIN, HTTP_ORIGIN="http://testserver:8000")
    assert not allowed(**SAME_ORIGIN, HTTP_ORIGIN="http://testserver.evil.example")
    assert not allowed(**SAME_ORIGIN, **origin, HTTP_HOST="not-allowed.example")


def test_most_read_ranks_by_daily_buckets(client):
    today = timezone.localdate()
    old_hit = make_article(title="Populer Bulan Lalu")
    weekly = make_article(title="Populer Minggu Ini")
    daily = make_article(title="Populer Hari Ini")
    ArticleDailyViews.objects.create(article=old_hit, day=today - timedelta(days=20), views=500)
    ArticleDailyViews.objects.create(article=weekly, day=today - timedelta(days=3), views=50)
    ArticleDailyViews.objects.create(article=weekly, day=today, views=2)
    ArticleDailyViews.objects.create(article=daily, day=today, views=9)
    make_article(title="Draf", status=Article.Status.DRAFT).daily_views.create(day=today, views=99)
    assert list(Article.objects.popular(days=1)) == [daily, weekly]
    assert list(Article.objects.popular(days=7)) == [weekly, daily]
    assert list(Article.objects.popular(days=30)) == [old_hit, weekly, daily]
    assert Article.objects.popular(days=7)[0].period_views == 52
    html = client.get("/populer/").content.decode()
    assert "Terpopuler" in html and "Hari ini" in html and "30 hari" in html
    assert "Populer Bulan Lalu" in html and "Draf" not in html
    assert "Populer Minggu Ini" in client.get("/").content.decode()
    assert "Populer Minggu Ini" in client.get(daily.get_absolute_url()).content.decode()


def test_a_failing_counter_never_breaks_the_page(client, article, settings):
    settings.VIEW_COUNTER_BACKEND = "redis"
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    viewcount.backend.cache_clear()
    response = read(client, article)
    assert response.status_code == 200
    assert "dibaca : 0" in response.content.decode()


def test_most_read_reads_the_daily_index_not_every_row():
    """The popular query must range-scan the (day, article, views) index."""
    article = make_article()
    ArticleDailyViews.objects.create(article=article, day=timezone.localdate(), views=3)
    with CaptureQueriesContext(connection) as ranked:
        popular = Article.objects.popular(days=7)
    sql = ranked.captured_queries[0]["sql"]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            ranking_plan = str(cursor.fetchall())
        articles_plan = popular.explain()
        assert "COVERING INDEX dailyviews_day_article_idx (day>?)" in ranking_plan
        assert "USING INTEGER PRIMARY KEY (rowid=?)" in articles_plan
        assert "SCAN" not in ranking_plan + articles_plan
    else:
        # PostgreSQL rightly scans tiny tables whole; forbid that to see what it *can* use.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql)
            ranking_plan = " ".join(row[0] for row in cursor.fetchall())
        assert "dailyviews_day_article_idx" in ranking_plan
