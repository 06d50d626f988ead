"""`make bench`: throughput and latency of the article page next to a trivial view.

The demo site is served by gunicorn (2 workers, DEBUG off, behind-proxy mode so that
each request can come from a different reader) and loaded with wrk (16 connections).
Scenarios, each measured after a warm-up, in one run:
  trivial      a view that returns "ok" (BENCHMARK_VIEW=true adds it), the yardstick
  anonymous    the article page, every request a different anonymous reader (counted)
  logged-in    the article page, every request a different logged-in reader (counted,
               never from the page cache)
on the db backend (SQLite) and, when redis-server is installed, the redis backend.
Each figure is printed with its ratio to the trivial view of the same server.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from tests.live import free_port, gunicorn, manage, site_env  # noqa: E402

LUA = BASE_DIR / "bench" / "wrk_readers.lua"
SLUG = "bench-artikel"


def wrk(url, *, seconds, connections, cookies=None, offset=0):
    env = {**os.environ, "BENCH_COOKIES": str(cookies or ""), "BENCH_OFFSET": str(offset)}
    result = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(LUA), url],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    out = result.stdout

    def latency(pct):
        value, unit = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    requests = int(re.search(r"(\d+) requests in", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(int(n) for n in socket.groups()) if socket else 0
    )
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency(50),
        "p99": latency(99),
        "requests": requests,
        "errors": errors,
    }


def check_logged_in(base, cookie_file):
    """The logged-in scenario must really be logged in: its readers see their profile link."""
    import urllib.request

    cookie = cookie_file.read_text().splitlines()[0]
    request = urllib.request.Request(
        f"{base}/berita/{SLUG}/", headers={"Cookie": cookie, "User-Agent": "Mozilla/5.0 Firefox"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        page = response.read().decode()
    if 'href="/akun/profil/"' not in page:
        sys.exit("the benchmark's session cookies do not log readers in")


def prepare(tmp, readers, **extra):
    env = site_env(tmp, BEHIND_PROXY="true", BENCHMARK_VIEW="true", **extra)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "seed_demo", "-v0")
    cookie_file = tmp / "cookies.txt"
    manage(env, "shell", "-c", (
        "from django.conf import settings\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.contrib.sessions.backends.base import SessionBase\n"
        "from importlib import import_module\n"
        "from articles.models import Article\n"
        "a = Article.objects.published().order_by('-published_at').first()\n"
        f"Article.objects.filter(pk=a.pk).update(slug='{SLUG}')\n"
        "User = get_user_model()\n"
        f"users = User.objects.bulk_create([User(username=f'pembaca{{i}}', "
        f"email=f'pembaca{{i}}@example.com', password='!') for i in range({readers})])\n"
        "Store = import_module(settings.SESSION_ENGINE).SessionStore\n"
        "lines = []\n"
        "for user in User.objects.filter(username__startswith='pembaca'):\n"
        "    s = Store()\n"
        "    s['_auth_user_id'] = str(user.pk)\n"
        "    s['_auth_user_backend'] = settings.AUTHENTICATION_BACKENDS[-1]\n"
        "    s['_auth_user_hash'] = user.get_session_auth_hash()\n"
        "    s.create()\n"
        "    lines.append(f'{settings.SESSION_COOKIE_NAME}={s.session_key}')\n"
        f"open('{cookie_file}', 'w').write(chr(10).join(lines))\n"
    ))  # fmt: skip
    return env, cookie_file


def run_backend(name, env, cookie_file, args, tmp):
    rows = []
    with gunicorn(env, workers=2, log_path=tmp / f"gunicorn-{name}.log") as base:
        check_logged_in(base, cookie_file)
        plans = [
            ("trivial view", f"{base}/bench/trivial/", None),
            ("article, anonymous readers", f"{base}/berita/{SLUG}/", None),
            ("article, logged-in readers", f"{base}/berita/{SLUG}/", cookie_file),
            ("home, anonymous", f"{base}/", None),
            ("category, anonymous", f"{base}/kategori/pemerintahan/", None),
        ]
        if name.startswith("redis"):
            plans = plans[:3]  # the listing pages do not depend on the counter
        for label, url, cookies in plans:
            wrk(url, seconds=args.warmup, connections=args.connections, cookies=cookies)
            result = wrk(
                url, seconds=args.seconds, connections=args.connections, cookies=cookies,
                offset=args.readers // 4,
            )  # fmt: skip
            rows.append((name, label, result))
    trivial = rows[0][2]["rps"]
    for row in rows:
        row[2]["ratio"] = row[2]["rps"] / trivial
    return rows


QUERY_COUNT_SCRIPT = """
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from articles.models import Article
pages = [("home", "/"), ("article", "/berita/%s/"), ("category", "/kategori/pemerintahan/"),
         ("tag", "/tag/" + Article.objects.get(slug="%s").tags.first().slug + "/"),
         ("most read", "/populer/"), ("search", "/cari/?q=jembatan"), ("archive", "/arsip/")]
client = Client(HTTP_HOST="localhost", HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux) Firefox/121.0")
for name, url in pages:
    for cache in ("default", "pages"):
        caches[cache].clear()
    with CaptureQueriesContext(connection) as cold:
        client.get(url)
    with CaptureQueriesContext(connection) as warm:
        client.get(url)
    cold_n, warm_n = len(cold.captured_queries), len(warm.captured_queries)
    print(f"{name:<10} {url:<50.50} cold {cold_n:>2}  warm {warm_n:>2}")
"""


def query_counts(env):
    out = manage(env, "shell", "-c", QUERY_COUNT_SCRIPT % (SLUG, SLUG)).stdout
    return [line for line in out.splitlines() if " cold " in line]


def start_redis(tmp):
    binary = shutil.which("redis-server")
    if not binary:
        return None, None
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp)],
        stdout=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    return f"redis://127.0.0.1:{port}/0", process


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="measured seconds per scenario")
    parser.add_argument("--warmup", type=int, default=3, help="warm-up seconds per scenario")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--readers", type=int, default=30000, help="logged-in readers (sessions) to create"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")

    rows = []
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        (tmp / "db").mkdir()
        env, cookies = prepare(tmp / "db", args.readers)
        counts = query_counts(env)
        rows += run_backend("db (SQLite)", env, cookies, args, tmp)
        redis_url, redis_process = start_redis(tmp)
        if redis_url:
            try:
                (tmp / "redis").mkdir()
                env, cookies = prepare(
                    tmp / "redis", args.readers, REDIS_URL=redis_url, VIEW_COUNTER_BACKEND="redis"
                )
                rows += run_backend("redis", env, cookies, args, tmp)
            finally:
                redis_process.terminate()
        else:
            print("redis-server not installed: the redis backend is not measured.")

    print(
        f"\ngunicorn 2 workers, wrk 2 threads x {args.connections} connections, "
        f"{args.seconds} s per scenario after {args.warmup} s warm-up, on {os.cpu_count()} cores\n"
    )
    header = (
        f"{'backend':<13} {'scenario':<28} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'errors':>6} {'ratio':>6}"
    )
    print(header)
    print("-" * len(header))
    for backend, label, r in rows:
        print(
            f"{backend:<13} {label:<28} {r['rps']:>8.0f} {r['p50']:>7.2f} {r['p99']:>7.2f} "
            f"{r['errors']:>6} {r['ratio']:>6.2f}"
        )
    print("\nSQL queries per page (anonymous; cold: empty caches, warm: the next request):")
    for line in counts:
        print("  " + line)


if __name__ == "__main__":
    main()
