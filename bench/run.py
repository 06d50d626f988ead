"""`make bench`: throughput and latency of the public pages next to a trivial view.

The honest worst case. The demo site is served by gunicorn (2 workers, DEBUG off,
behind-proxy mode) and loaded with wrk (2 threads, 16 connections). Every request
comes from a different reader: its own X-Forwarded-For address and its own browser user
agent (realistic Android, iPhone and desktop strings whose build numbers come from a
request counter, so no two requests in the whole run share one), and, logged in, its
own session. Nothing keyed on the reader is ever hit twice.

Scenarios, on the db backend (SQLite) and, when redis-server is installed, on the
redis backend (REDIS_URL and VIEW_COUNTER_BACKEND=redis):
  trivial      a view that returns "ok" (BENCHMARK_VIEW=true adds it), the yardstick
  article      the article page, anonymous readers (each counted)
  logged-in    the article page, logged-in readers (each counted, never from a cache)
  home         the home page, anonymous readers
  category     a category listing, anonymous readers
After --warmup seconds of every page, each page is measured in --rounds rounds of
--seconds that alternate with the trivial view (trivial, page, trivial, page, ...); its
ratio is the median over the rounds of page req/s / the req/s of the trivial round just
before it, so that whatever else the machine does weighs on both. req/s is over all
rounds; p50 is the median round's and p99 the worst round's.

Every page is fetched once first and must answer 200 with the right content (the
article's title and its "dibaca" counter; logged-in, the profile link). The table gives
each target PASS or FAIL and a last line sums them up; the exit status is 0 whatever
the figures (this is a measurement, not a test). Then the SQL queries per page, cold
(empty caches) and warm (the next request, from another reader).

    make bench                          # about 3.5 minutes on 2 cores
    make bench BENCH_ARGS="--seconds 2 --rounds 1 --warmup 1 --readers 2000"  # a quick look
    make bench BENCH_ARGS=--profile     # where one anonymous article request spends its time

--profile measures no throughput: on the same prepared sites it sends --requests
anonymous article requests (each from a different reader) through django.test.Client
in one process under cProfile, and prints the mean time per request (with and without
the profiler) and the top 25 functions by cumulative and by own time.
"""

import argparse
import html
import http.client
import itertools
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from tests.live import free_port, gunicorn, manage, site_env  # noqa: E402

LUA = BASE_DIR / "bench" / "wrk_readers.lua"
SLUG = "bench-artikel"
CATEGORY = "pemerintahan"
THREADS = 2

# (key, label, path, logged in, minimum ratio to the trivial view: db, redis)
SCENARIOS = [
    ("article", "article, anonymous", f"/berita/{SLUG}/", False, (0.6, 0.75)),
    ("logged-in", "article, logged-in", f"/berita/{SLUG}/", True, (0.3, 0.3)),
    ("home", "home, anonymous", "/", False, (0.85, 0.85)),
    ("category", "category, anonymous", f"/kategori/{CATEGORY}/", False, (0.85, 0.85)),
]
TRIVIAL = "/bench/trivial/"
P99_LIMIT_MS = 40  # the anonymous article


# Readers. The same functions as in wrk_readers.lua, for the requests sent from here.
ANDROID = ["SM-A546E", "Redmi Note 12", "CPH2591", "V2207", "SM-A155F", "RMX3710",
           "23021RAA2Y", "SM-S918B", "Infinix X6833B", "2201117TG"]  # fmt: skip
PICK = [1, 1, 1, 1, 2, 1, 3, 4, 5, 6]


def user_agent(n):
    """Request n's user agent: its version numbers are a one-to-one function of n."""
    major, build, patch = 116 + n % 9, 5845 + n // 9 % 1000, n // 9000
    chrome = f"{major}.0.{build}.{patch}"
    device = ANDROID[n // 10 % len(ANDROID)]
    webkit = "AppleWebKit/537.36 (KHTML, like Gecko)"
    return {
        1: f"Mozilla/5.0 (Linux; Android {11 + n % 4}; {device}) {webkit} "
        f"Chrome/{chrome} Mobile Safari/537.36",
        2: f"Mozilla/5.0 (Linux; Android {12 + n % 3}; {device}) {webkit} "
        f"SamsungBrowser/{20 + n % 6}.0 Chrome/{chrome} Mobile Safari/537.36",
        3: f"Mozilla/5.0 (iPhone; CPU iPhone OS {16 + n % 2}_{n % 8} like Mac OS X) "
        f"AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/{chrome} Mobile/15E148 Safari/604.1",
        4: f"Mozilla/5.0 (Windows NT 10.0; Win64; x64) {webkit} Chrome/{chrome} Safari/537.36",
        5: f"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) {webkit} "
        f"Chrome/{chrome} Safari/537.36",
        6: f"Mozilla/5.0 (Windows NT 10.0; Win64; x64) {webkit} Chrome/{chrome} "
        f"Safari/537.36 Edg/{major}.0.{build - 3000}.{patch}",
    }[PICK[n % 10]]


def address(n):
    """Request n's address, in 100.64.0.0/10."""
    return f"100.{64 + n // 65536 % 64}.{n // 256 % 256}.{n % 256}"


class Load:
    """wrk runs that never reuse a reader: request numbers (address and user agent) and
    session cookies go on from one run to the next."""

    def __init__(self, connections):
        self.connections = connections
        self.next_reader = 0
        self.next_cookie = 0

    def reader(self):
        """(address, user agent) of one more reader, for a request sent from here."""
        n = self.next_reader
        self.next_reader += 1
        return address(n), user_agent(n)

    def run(self, url, seconds, cookies=None):
        env = {
            **os.environ,
            "BENCH_OFFSET": str(self.next_reader),
            "BENCH_THREADS": str(THREADS),
            "BENCH_COOKIES": str(cookies or ""),
            "BENCH_COOKIE_OFFSET": str(self.next_cookie),
        }
        command = ["wrk", f"-t{THREADS}", f"-c{self.connections}", f"-d{seconds}s", "-s", str(LUA)]
        out = subprocess.run(
            [*command, url], env=env, capture_output=True, text=True, check=True
        ).stdout
        line = re.search(r"^bench-result (.*)$", out, re.M)
        if not line:
            sys.exit(f"wrk printed no result:\n{out}")
        r = {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", line.group(1))}
        self.next_reader += r["sent"] + THREADS
        if cookies:
            self.next_cookie += r["sent"] + THREADS
        return {
            "requests": r["requests"],
            "seconds": r["duration_us"] / 1e6,
            "rps": r["requests"] / (r["duration_us"] / 1e6),
            "p50": r["p50_us"] / 1000,
            "p99": r["p99_us"] / 1000,
            # connect/read/write/timeout: socket errors; status: answers 400 and up
            "errors": sum(r[k] for k in ("connect", "read", "write", "status", "timeout")),
        }


def fetch(base, path, *, reader, cookie=None):
    """(status, body) of one GET, redirects not followed (a redirect is a wrong answer)."""
    ip, ua = reader
    headers = {"User-Agent": ua, "X-Forwarded-For": ip}
    if cookie:
        headers["Cookie"] = cookie
    connection = http.client.HTTPConnection(urlsplit(base).netloc, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        connection.close()


def verify(base, load, site):
    """Each page answers 200 with what a reader expects, before anything is measured."""
    cookie = site["cookies"].read_text().splitlines()[0]
    title = html.escape(site["title"])
    expectations = {
        "trivial": (TRIVIAL, None, ["ok"]),
        "article": (SCENARIOS[0][2], None, [title, "dibaca"]),
        "logged-in": (SCENARIOS[1][2], cookie, [title, 'href="/akun/profil/"']),
        "home": ("/", None, ["</html>"]),
        "category": (SCENARIOS[3][2], None, ["</html>"]),
    }
    for key, (path, with_cookie, needles) in expectations.items():
        status, body = fetch(base, path, reader=load.reader(), cookie=with_cookie)
        missing = [needle for needle in needles if needle.lower() not in body.lower()]
        if status != 200 or missing:
            sys.exit(f"{key} {path}: status {status}, missing {missing}: not measured")


def prepare(tmp, readers, **extra):
    """A seeded demo site under tmp with `readers` logged-in sessions; its env and facts."""
    env = site_env(tmp, BEHIND_PROXY="true", BENCHMARK_VIEW="true", **extra)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "seed_demo", "-v0")
    cookie_file, title_file = tmp / "cookies.txt", tmp / "title.txt"
    manage(env, "shell", "-c", (
        "from django.conf import settings\n"
        "from django.contrib.auth import get_user_model\n"
        "from importlib import import_module\n"
        "from articles.models import Article\n"
        "a = Article.objects.published().order_by('-published_at').first()\n"
        f"Article.objects.filter(pk=a.pk).update(slug='{SLUG}')\n"
        f"open('{title_file}', 'w').write(a.title)\n"
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
    return {"env": env, "cookies": cookie_file, "title": title_file.read_text()}


def combine(rounds):
    """One figure from a scenario's rounds: req/s over all, p50 median, p99 worst."""
    requests = sum(r["requests"] for r in rounds)
    return {
        "requests": requests,
        "rps": requests / sum(r["seconds"] for r in rounds),
        "p50": statistics.median(r["p50"] for r in rounds),
        "p99": max(r["p99"] for r in rounds),
        "errors": sum(r["errors"] for r in rounds),
    }


def run_backend(backend, site, args, tmp):
    """Rows of (backend, key, label, figures, minimum ratio) for one backend."""
    load = Load(args.connections)
    trivial_rounds, rows = [], []
    with gunicorn(site["env"], workers=2, log_path=tmp / f"gunicorn-{backend}.log") as base:
        verify(base, load, site)
        trivial = base + TRIVIAL
        if args.warmup:  # every page once: imports, templates, connections, caches
            load.run(trivial, args.warmup)
            for _key, _label, path, logged_in, _minimum in SCENARIOS:
                load.run(base + path, args.warmup, site["cookies"] if logged_in else None)
        for key, label, path, logged_in, minimum in SCENARIOS:
            cookies = site["cookies"] if logged_in else None
            pairs = []
            for _ in range(args.rounds):
                before = load.run(trivial, args.seconds)
                pairs.append((before, load.run(base + path, args.seconds, cookies)))
            trivial_rounds += [t for t, _ in pairs]
            figures = combine([p for _, p in pairs])
            figures["ratios"] = [p["rps"] / t["rps"] for t, p in pairs]
            figures["ratio"] = statistics.median(figures["ratios"])
            rows.append((backend, key, label, figures, minimum[backend == "redis"]))
        readers = site["cookies"].read_text().count("\n") + 1
        if load.next_cookie > readers:
            print(f"note: {backend}: {load.next_cookie} logged-in requests, {readers} sessions: "
                  "some readers came twice (raise --readers)")  # fmt: skip
    figures = combine(trivial_rounds)
    figures["ratio"], figures["ratios"] = 1.0, []
    return [(backend, "trivial", "trivial view", figures, None), *rows]


def targets(rows):
    """(row index, target, passed) for every target."""
    checks = []
    article = {}
    for i, (backend, key, _label, r, minimum) in enumerate(rows):
        if minimum is not None:
            checks.append((i, f"ratio>={minimum:.2f}", r["ratio"] >= minimum))
        if key == "article":
            checks.append((i, f"p99<{P99_LIMIT_MS}ms", r["p99"] < P99_LIMIT_MS))
            article[backend] = (i, r["rps"])
        checks.append((i, "errors=0", r["errors"] == 0))
    if "db" in article and "redis" in article:
        (i, redis), (_, db) = article["redis"], article["db"]
        checks.append((i, "req/s>=db's", redis >= db))
    return sorted(checks, key=lambda check: check[0])


def report(rows, checks, counts, args):
    load = " ".join(f"{n:.1f}" for n in os.getloadavg())
    print(
        f"\ngunicorn 2 workers, wrk {THREADS} threads x {args.connections} connections, "
        f"{os.cpu_count()} cores, load average now {load}.\n"
        "Every request a different reader (address, user agent, session).\n"
        f"Each page: {args.rounds} round(s) of {args.seconds} s, each after a round of the "
        "trivial view; ratio: the median over the\nrounds of page/trivial req/s; req/s: over "
        "all rounds; p50: the median round's; p99: the worst round's.\n"
    )
    header = (
        f"{'backend':<7} {'scenario':<20} {'req/s':>6} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'errors':>6} {'ratio':>5} {'by round':<16} {'targets':<41} result"
    )
    print(header)
    print("-" * (len(header) + 20))
    for i, (backend, _key, label, r, _minimum) in enumerate(rows):
        mine = [(what, passed) for row, what, passed in checks if row == i]
        failed = [what for what, passed in mine if not passed]
        result = "PASS" if not failed else "FAIL " + " ".join(failed)
        by_round = "/".join(f"{ratio:.2f}" for ratio in r["ratios"])
        print(
            f"{backend:<7} {label:<20} {r['rps']:>6.0f} {r['p50']:>7.2f} {r['p99']:>7.2f} "
            f"{r['errors']:>6} {r['ratio']:>5.2f} {by_round:<16} "
            f"{' '.join(what for what, _ in mine):<41} {result}"
        )
    failed = [f"{rows[row][0]} {rows[row][1]} {what}" for row, what, passed in checks if not passed]
    print(
        f"\nSUMMARY: {len(checks) - len(failed)}/{len(checks)} targets pass"
        + (f"; FAIL: {', '.join(failed)}" if failed else "")
    )
    print("\nSQL queries per page (anonymous; cold: empty caches, warm: the next request, "
          "another reader):")  # fmt: skip
    for line in counts:
        print("  " + line)


# Run inside the site's own environment (bench/run.py --worker ...): Django is set up there.


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


def reader_client():
    """A test client whose every request comes from the next reader, like wrk's."""
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    # Far from the numbers wrk and verify() use on the same site, so no reader repeats.
    counter = itertools.count(2**21)

    def get(path):
        n = next(counter)
        client.cookies.clear()  # no reader carries another's cookies
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


def worker_profile(requests):
    import cProfile
    import pstats
    import sysconfig

    get = reader_client()
    path = f"/berita/{SLUG}/"
    for _ in range(min(200, requests)):  # warm: imports, templates, connections
        if (status := get(path).status_code) != 200:
            sys.exit(f"{path} answered {status}")
    started = time.perf_counter()
    for _ in range(requests):
        get(path)
    plain = (time.perf_counter() - started) / requests * 1e6
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(requests):
        get(path)
    profiler.disable()
    profiled = (time.perf_counter() - started) / requests * 1e6
    print(f"{requests} anonymous article requests, each a different reader, django.test.Client")
    print(f"mean per request: {plain:.0f} us ({profiled:.0f} us under cProfile)\n")

    # Paths shortened to the project's or the installed package's, not to a bare file name
    # (there are several middleware.py).
    def short(function):
        path, line, name = function
        path = path.split("site-packages/")[-1].removeprefix(f"{BASE_DIR}/")
        path = path.removeprefix(f"{sysconfig.get_paths()['stdlib']}/")
        return path, line, name

    pstats.func_strip_path = short
    stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs()
    stats.sort_stats("cumulative").print_stats(25)
    stats.sort_stats("tottime").print_stats(25)


def in_site(site, *args):
    """Run bench/run.py --worker ... in the site's environment; its output, or an error."""
    result = subprocess.run(
        [sys.executable, __file__, "--worker", *args],
        cwd=BASE_DIR, env=site["env"], capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    if result.returncode:
        return f"(failed, exit {result.returncode})\n{result.stdout}{result.stderr[-3000:]}"
    return result.stdout


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


def backends(tmp, readers):
    """Yield (name, prepared site) for the db backend, then redis if it is installed."""
    (tmp / "db").mkdir()
    yield "db", prepare(tmp / "db", readers)
    redis_url, redis_process = start_redis(tmp)
    if not redis_url:
        print("redis-server not installed: the redis backend is not measured.")
        return
    try:
        (tmp / "redis").mkdir()
        yield (
            "redis",
            prepare(tmp / "redis", readers, REDIS_URL=redis_url, VIEW_COUNTER_BACKEND="redis"),
        )
    finally:
        redis_process.terminate()
        redis_process.wait()


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=3, help="seconds per measured round")
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds per page (each: trivial, page)"
    )
    parser.add_argument("--warmup", type=int, default=2, help="warm-up seconds of each page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--readers", type=int, default=10000, help="logged-in readers (sessions)")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile anonymous article requests instead"
    )
    parser.add_argument(
        "--requests", type=int, default=2000, help="requests to profile (--profile)"
    )
    parser.add_argument("--worker", choices=["queries", "profile"], help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:  # in the site's environment
        import django

        django.setup()
        worker_queries() if args.worker == "queries" else worker_profile(args.requests)
        return

    if args.profile:
        with tempfile.TemporaryDirectory() as tmpdir:
            for name, site in backends(Path(tmpdir), min(args.readers, 10)):
                print(f"\n=== {name} backend ===")
                print(in_site(site, "profile", "--requests", str(args.requests)))
        return

    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    rows = []
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        counts = []
        for name, site in backends(tmp, args.readers):
            if name == "db":
                counts = in_site(site, "queries").splitlines()
            rows += run_backend(name, site, args, tmp)
    report(rows, targets(rows), counts, args)


if __name__ == "__main__":
    try:
        main()
    except subprocess.CalledProcessError as error:  # the site did not set up or serve
        sys.exit(f"{' '.join(map(str, error.cmd))} failed:\n{(error.stderr or '')[-3000:]}")
