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
  documents    the document listing /dokumen/, anonymous readers (figures, no target)
  page         a page of the tree, two levels down, anonymous readers (figures, no target)
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
    make bench BENCH_ARGS="--only article,redis"  # one scenario, one backend
    make bench BENCH_ARGS=--profile     # where one anonymous article request spends its time
    make bench BENCH_ARGS="--profile --signed-in"  # the same for signed-in readers

--profile measures no throughput: on the same prepared sites it sends --requests
anonymous article requests (each from a different reader) through django.test.Client
in one process under cProfile, and prints the mean time per request (with and without
the profiler) and the top 25 functions by cumulative and by own time.
"""

import argparse
import html
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.profiling import worker_profile, worker_queries  # noqa: E402
from bench.sites import CATEGORY, PAGE_PATH, SLUG, backends, in_site  # noqa: E402
from bench.wrk import THREADS, Load, fetch  # noqa: E402
from tests.live import gunicorn  # noqa: E402

# (key, label, path, logged in, minimum ratio to the trivial view: db, redis)
SCENARIOS = [
    ("article", "article, anonymous", f"/berita/{SLUG}/", False, (0.6, 0.75)),
    ("logged-in", "article, logged-in", f"/berita/{SLUG}/", True, (0.3, 0.3)),
    ("home", "home, anonymous", "/", False, (0.85, 0.85)),
    ("category", "category, anonymous", f"/kategori/{CATEGORY}/", False, (0.85, 0.85)),
    # Figures without a target (issue 14): the document listing and a page of the tree.
    ("documents", "documents, anonymous", "/dokumen/", False, (None, None)),
    ("page", "page, anonymous", PAGE_PATH, False, (None, None)),
]
TRIVIAL = "/bench/trivial/"
P99_LIMIT_MS = 40  # the anonymous article


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
        "documents": ("/dokumen/", None, ["Peraturan Gubernur Nomor"]),
        "page": (PAGE_PATH, None, ["Visi dan Misi", "</html>"]),
    }
    for key, (path, with_cookie, needles) in expectations.items():
        status, body = fetch(base, path, reader=load.reader(), cookie=with_cookie)
        missing = [needle for needle in needles if needle.lower() not in body.lower()]
        if status != 200 or missing:
            sys.exit(f"{key} {path}: status {status}, missing {missing}: not measured")


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


def chosen(args, name, kind):
    """Whether --only lets `name` (a scenario or a backend of `kind`) be measured: yes
    when --only names none of `kind`."""
    only = set(args.only.split(",")) if args.only else set()
    return name in only or not only & set(kind)


def run_backend(backend, site, args, tmp):
    """Rows of (backend, key, label, figures, minimum ratio) for one backend."""
    load = Load(args.connections)
    trivial_rounds, rows = [], []
    with gunicorn(site["env"], workers=2, log_path=tmp / f"gunicorn-{backend}.log") as base:
        verify(base, load, site)
        trivial = base + TRIVIAL
        if args.warmup:  # every page once: imports, templates, connections, caches
            load.run(trivial, args.warmup)
            for key, _label, path, logged_in, _minimum in SCENARIOS:
                if chosen(args, key, [scenario[0] for scenario in SCENARIOS]):
                    load.run(base + path, args.warmup, site["cookies"] if logged_in else None)
        for key, label, path, logged_in, minimum in SCENARIOS:
            if not chosen(args, key, [scenario[0] for scenario in SCENARIOS]):
                continue
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
        "--signed-in", action="store_true", help="--profile signed-in readers' requests"
    )
    parser.add_argument("--cookies", help=argparse.SUPPRESS)
    parser.add_argument(
        "--requests", type=int, default=2000, help="requests to profile (--profile)"
    )
    parser.add_argument(
        "--only", default="", help="measure only these scenarios and backends, e.g. article,redis"
    )
    parser.add_argument("--worker", choices=["queries", "profile"], help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:  # in the site's environment
        import django

        django.setup()
        worker_queries() if args.worker == "queries" else worker_profile(
            args.requests, args.cookies
        )
        return

    if args.profile:
        with tempfile.TemporaryDirectory() as tmpdir:
            for name, site in backends(Path(tmpdir), min(args.readers, 10)):
                print(f"\n=== {name} backend ===")
                extra = ["--cookies", str(site["cookies"])] if args.signed_in else []
                print(in_site(site, "profile", "--requests", str(args.requests), *extra))
        return

    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    rows = []
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        counts = []
        for name, site in backends(tmp, args.readers):
            if not chosen(args, name, ["db", "redis"]):
                continue
            if name == "db":
                counts = in_site(site, "queries").splitlines()
            rows += run_backend(name, site, args, tmp)
    report(rows, targets(rows), counts, args)


if __name__ == "__main__":
    try:
        main()
    except subprocess.CalledProcessError as error:  # the site did not set up or serve
        sys.exit(f"{' '.join(map(str, error.cmd))} failed:\n{(error.stderr or '')[-3000:]}")
