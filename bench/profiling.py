"""Run inside a site's own environment (bench/run.py --worker ...): Django is set up there.
The SQL queries per page, and the --profile in-process cProfile mode."""

import itertools
import os
import sys
import time
from pathlib import Path

from bench.sites import CATEGORY, SLUG
from bench.wrk import address, user_agent

BASE_DIR = Path(__file__).resolve().parent.parent


def clear_caches():
    """Empty every cache: the page cache's own clear() where there is one, and every
    configured Django cache. A module that does not exist (yet, or any more) is skipped."""
    import importlib

    from django.conf import settings
    from django.core.cache import caches

    for name in ("humas.pagecache", "articles.pagecache"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if callable(getattr(module, "clear", None)):
            module.clear()
    for alias in settings.CACHES:
        caches[alias].clear()


def reader_client(sessions=None):
    """A test client whose every request comes from the next reader, like wrk's; with
    `sessions` (lines "name=key" of the site's cookie file), each signed in as the next."""
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    # Far from the numbers wrk and verify() use on the same site, so no reader repeats.
    counter = itertools.count(2**21)
    sessions = itertools.cycle(sessions) if sessions else None

    def get(path):
        n = next(counter)
        client.cookies.clear()  # no reader carries another's cookies
        if sessions is not None:
            for cookie in next(sessions).split("; "):
                name, _, value = cookie.partition("=")
                client.cookies[name] = value
        return client.get(
            path, HTTP_USER_AGENT=user_agent(n), HTTP_X_FORWARDED_FOR=address(n)
        )  # fmt: skip

    return get


def worker_queries():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles.models import Article

    pages = [("home", "/"), ("article", f"/berita/{SLUG}/"),
             ("category", f"/kategori/{CATEGORY}/")]  # fmt: skip
    tag = Article.objects.get(slug=SLUG).tags.first()
    if tag:
        pages.append(("tag", f"/tag/{tag.slug}/"))
    pages += [("most read", "/populer/"), ("search", "/cari/?q=jembatan"), ("archive", "/arsip/")]
    get = reader_client()
    for name, url in pages:
        clear_caches()
        with CaptureQueriesContext(connection) as cold:
            status = get(url).status_code
        with CaptureQueriesContext(connection) as warm:
            get(url)
        cold_n, warm_n = len(cold.captured_queries), len(warm.captured_queries)
        print(f"{name:<10} {url:<40.40} cold {cold_n:>2}  warm {warm_n:>2}  (status {status})")


def worker_profile(requests, cookies=None):
    import cProfile
    import pstats
    import sysconfig

    get = reader_client(Path(cookies).read_text().splitlines() if cookies else None)
    path = f"/berita/{SLUG}/"
    for _ in range(min(200, requests)):  # warm: imports, templates, connections
        if (status := get(path).status_code) != 200:
            sys.exit(f"{path} answered {status}")

    def mean_us(url):
        started = time.perf_counter()
        for _ in range(requests):
            get(url)
        return (time.perf_counter() - started) / requests * 1e6

    for _ in range(min(200, requests)):
        get("/bench/trivial/")
    trivial = mean_us("/bench/trivial/")
    plain = mean_us(path)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(requests):
        get(path)
    profiler.disable()
    profiled = (time.perf_counter() - started) / requests * 1e6
    who = "signed-in" if cookies else "anonymous"
    print(f"{requests} {who} article requests, each a different reader, django.test.Client")
    print(f"mean per request: {plain:.0f} us ({profiled:.0f} us under cProfile); the trivial"
          f" view through the same client: {trivial:.0f} us, so the page costs"
          f" {plain - trivial:.0f} us more\n")  # fmt: skip

    # Paths shortened to the project's or the installed package's, not to a bare file name
    # (there are several middleware.py).
    def short(function):
        path, line, name = function
        path = path.split("site-packages/")[-1].removeprefix(f"{BASE_DIR}/")
        path = path.removeprefix(f"{sysconfig.get_paths()['stdlib']}/")
        return path, line, name

    pstats.func_strip_path = short
    if out := os.environ.get("BENCH_PROFILE_OUT"):  # the raw profile, for pstats or snakeviz
        profiler.dump_stats(f"{out}.{os.environ.get('VIEW_COUNTER_BACKEND', 'db')}")
    stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs()
    stats.sort_stats("cumulative").print_stats(25)
    stats.sort_stats("tottime").print_stats(25)
