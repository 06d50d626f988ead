"""Proof of exactness: the real site under gunicorn with 4 workers, hit concurrently.

200 distinct readers, one reader reloading 5 times, and bots, HEADs, prefetches and
POSTs all at once: the count rises by exactly 201 and no request fails. Meanwhile one
address sends 120 requests to another article, each with a user agent of its own: that
count rises by exactly VIEW_MAX_READERS_PER_ADDRESS (30), and the other 90 are held back.
"""

import random
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from ..live import BASE_DIR, gunicorn, manage, site_env
from ..services import start_redis
from ..test_viewcount import BOTS, CHROME_ANDROID
from ..test_viewcount_address import rotating_agent

SLUG = "uji-ketepatan-penghitung"
ONE_ADDRESS_SLUG = "uji-batas-satu-alamat"
LIMIT = 30  # VIEW_MAX_READERS_PER_ADDRESS's default
ROTATING = 120  # requests from one address, each with a user agent of its own


def request(base, *, method="GET", ip="198.51.100.250", ua=CHROME_ANDROID, slug=SLUG, **headers):
    req = urllib.request.Request(
        f"{base}/berita/{slug}/",
        method=method,
        headers={"User-Agent": ua, "X-Forwarded-For": ip, **headers},
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def traffic():
    """(kwargs, expected status) for every request of the drill, shuffled."""
    readers = [f"198.51.100.{i}" for i in range(1, 101)] + [f"203.0.113.{i}" for i in range(1, 101)]
    plan = [({"ip": ip}, 200) for ip in readers]
    plan += [({"ip": "192.0.2.77"}, 200)] * 5  # one reader reloading
    plan += [({"ip": f"192.0.2.{i}", "ua": ua}, 200) for i, ua in enumerate(BOTS * 2)]
    plan += [({"ip": f"192.0.2.{100 + i}", "method": "HEAD"}, 200) for i in range(20)]
    plan += [
        ({"ip": f"192.0.2.{130 + i}", "Sec-Purpose": "prefetch;prerender"}, 200) for i in range(20)
    ]
    plan += [({"ip": f"192.0.2.{160 + i}", "method": "POST"}, 403) for i in range(10)]  # CSRF
    plan += [
        ({"ip": "192.0.2.250", "ua": rotating_agent(n), "slug": ONE_ADDRESS_SLUG}, 200)
        for n in range(ROTATING)
    ]
    random.Random(7).shuffle(plan)
    return plan


def database_counts(db_path, slug=SLUG):
    with sqlite3.connect(db_path) as db:
        (views,) = db.execute(
            "SELECT view_count FROM articles_article WHERE slug = ?", [slug]
        ).fetchone()
        (daily,) = db.execute(
            "SELECT COALESCE(SUM(views), 0) FROM articles_articledailyviews d "
            "JOIN articles_article a ON a.id = d.article_id WHERE a.slug = ?",
            [slug],
        ).fetchone()
    return views, daily


def held_back(db_path, slug=ONE_ADDRESS_SLUG):
    with sqlite3.connect(db_path) as db:
        return db.execute(
            "SELECT views_held_back FROM articles_article WHERE slug = ?", [slug]
        ).fetchone()[0]


def prepare_site(tmp_path, **extra):
    env = site_env(tmp_path, BEHIND_PROXY="true", **extra)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "seed_demo", "-v0")
    manage(
        env, "shell", "-c",
        "from articles.models import Article; a, b = Article.objects.published()[:2]; "
        f"Article.objects.filter(pk=a.pk).update(slug='{SLUG}', view_count=1000); "
        f"Article.objects.filter(pk=b.pk).update(slug='{ONE_ADDRESS_SLUG}', view_count=500); "
        "a.daily_views.all().delete(); b.daily_views.all().delete()",
    )  # fmt: skip
    return env


def run_drill(base):
    plan = traffic()
    with ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(lambda item: (request(base, **item[0]), item[1]), plan))
    failures = [(got, expected) for got, expected in results if got != expected]
    assert not failures, f"{len(failures)} requests failed: {failures[:5]}"
    return len(plan)


def kill_flushes_midway(env, times=8):
    """Start flush_views and SIGKILL it at random moments, as a crashed cron job would."""
    rng = random.Random(3)
    for _ in range(times):
        process = subprocess.Popen(
            [sys.executable, "manage.py", "flush_views"], cwd=BASE_DIR, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(rng.uniform(0.2, 1.2))  # start-up takes most of that; the kill lands anywhere
        process.send_signal(signal.SIGKILL)
        process.wait()


def test_sqlite_counts_exactly_under_concurrent_load(tmp_path):
    env = prepare_site(tmp_path)
    with gunicorn(env, workers=4, log_path=tmp_path / "gunicorn.log") as base:
        run_drill(base)
    db = tmp_path / "site.sqlite3"
    assert database_counts(db) == (1201, 201)
    assert database_counts(db, ONE_ADDRESS_SLUG) == (500 + LIMIT, LIMIT)
    assert held_back(db) == ROTATING - LIMIT
    assert "Traceback" not in (tmp_path / "gunicorn.log").read_text()


def test_redis_counts_exactly_under_concurrent_load_and_flushes_exactly_once(tmp_path):
    redis_url, redis_process = start_redis(tmp_path)
    try:
        env = prepare_site(tmp_path, REDIS_URL=redis_url, VIEW_COUNTER_BACKEND="redis")
        with gunicorn(env, workers=4, log_path=tmp_path / "gunicorn.log") as base:
            run_drill(base)
            db = tmp_path / "site.sqlite3"
            assert database_counts(db) == (1000, 0)  # all buffered
            assert (database_counts(db, ONE_ADDRESS_SLUG), held_back(db)) == ((500, 0), 0)
            kill_flushes_midway(env)
            manage(env, "flush_views")
            assert database_counts(db) == (1201, 201)
            manage(env, "flush_views")
            assert database_counts(db) == (1201, 201)
            assert database_counts(db, ONE_ADDRESS_SLUG) == (500 + LIMIT, LIMIT)
            assert held_back(db) == ROTATING - LIMIT
            status_page = (
                urllib.request.urlopen(
                    urllib.request.Request(
                        f"{base}/berita/{SLUG}/", headers={"User-Agent": "curl/8"}
                    )
                )
                .read()
                .decode()
            )
            assert "dibaca : 1.201" in status_page
        assert "Traceback" not in (tmp_path / "gunicorn.log").read_text()
    finally:
        redis_process.terminate()
        redis_process.wait(timeout=10)
