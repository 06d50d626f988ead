"""`make bench-scale`: the public pages at 1,000 and at 100,000 articles, on PostgreSQL.

A throw-away PostgreSQL 15 cluster is started the way `.ci/run` starts one (as root,
through `su postgres`), unless DATABASE_URL names a PostgreSQL server to use (two
databases are created next to the one it names). Both databases are migrated and seeded
with `seed_demo --scale 1000`; one is then grown to 100,000 articles. Each is served by
its own gunicorn (2 workers, DEBUG off, page caches off so that every request pays its
SQL) and every page is loaded with wrk, alternating between the two sites round after
round, so that whatever else the machine does weighs on both alike.

Per page it prints the median over the rounds of p50/p99 latency and requests per
second at both sizes with their ratio, the SQL queries of a request with every cache
empty and their time in the database (which the one-minute caches of "most read" and of
the menu hide from wrk).
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from tests.live import free_port, gunicorn, manage, site_env  # noqa: E402

PG_BIN = Path("/usr/lib/postgresql/15/bin")
SEARCH_WORD = "jembatan"  # in about one article in sixteen of the seeded archive
USER_AGENT = "Mozilla/5.0 (Linux; Android 13; SM-A546E) AppleWebKit/537.36 Chrome/120.0"

# Prints the pages to measure as JSON: they depend on what the archive holds.
PAGES_SCRIPT = """
import json
from articles.models import Article, Category
from articles.views import CategoryArticleListView
published = Article.objects.published().order_by("published_at", "pk")
total = published.count()
middle = published[total // 2]
oldest = published.first()
category = Category.objects.get(slug="pemerintahan")
in_category = Article.objects.published().in_category(category).count()
per_page = CategoryArticleListView.paginate_by
url = category.get_absolute_url()
tag = middle.tags.order_by("name").first()
print(json.dumps({
    "articles": total,
    "pages": [
        ["home", "/"],
        ["article, middle of the archive", middle.get_absolute_url()],
        ["article, oldest", oldest.get_absolute_url()],
        ["category", url],
        ["category, middle page", f"{url}?page={max(1, in_category // per_page // 2)}"],
        ["category, last page", f"{url}?page={max(1, -(-in_category // per_page))}"],
        ["search", "/cari/?q=%s"],
        ["most read", "/populer/"],
        ["tag", f"/tag/{tag.slug}/"],
        ["archive", "/arsip/"],
    ],
}))
"""

# For each page: its SQL queries and their time with every cache empty (median of 5,
# after one request to warm up the process).
COLD_SCRIPT = """
import json, statistics
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client(HTTP_HOST="localhost", HTTP_USER_AGENT=%r)
result = {}
for name, url in %r:
    runs = []
    for _ in range(6):
        for alias in ("default", "pages"):
            caches[alias].clear()
        with CaptureQueriesContext(connection) as queries:
            status = client.get(url).status_code
        assert status == 200, (url, status)
        runs.append((len(queries), sum(float(q["time"]) for q in queries.captured_queries)))
    result[name] = {
        "queries": runs[-1][0],
        "sql_ms": statistics.median(sql for _n, sql in runs[1:]) * 1000,
    }
print(json.dumps(result))
"""


def run(command, **kwargs):
    return subprocess.run(command, check=True, text=True, **kwargs)


def shell(env, script):
    """The last line `script` prints, run by `manage.py shell` (no time limit)."""
    command = [sys.executable, "manage.py", "shell", "-v0", "-c", script]
    return run(command, cwd=BASE_DIR, env=env, capture_output=True).stdout.splitlines()[-1]


@contextmanager
def postgres_cluster(tmp):
    """A PostgreSQL 15 cluster on loopback in `tmp`, as `.ci/run` starts one; yields the
    URL of its `postgres` database."""
    if os.geteuid() != 0:
        sys.exit("Starting a PostgreSQL cluster needs root (su postgres); or set DATABASE_URL.")
    if not (PG_BIN / "initdb").exists():
        sys.exit(f"PostgreSQL 15 is not installed ({PG_BIN}): apt-get install postgresql-15")
    data, port = tmp / "pg", free_port()
    data.mkdir()
    shutil.chown(data, "postgres")
    tmp.chmod(0o755)

    def as_postgres(command):
        run(["su", "postgres", "-s", "/bin/sh", "-c", command], stdout=subprocess.DEVNULL)

    as_postgres(f"{PG_BIN}/initdb -D '{data}/data' -U postgres --auth=trust -E UTF8")
    as_postgres(
        f"{PG_BIN}/pg_ctl -D '{data}/data' -w -l '{data}/log' "
        f"-o '-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off' start"
    )
    try:
        yield f"postgres://postgres@127.0.0.1:{port}/postgres"
    finally:
        as_postgres(f"{PG_BIN}/pg_ctl -D '{data}/data' -m fast stop")


def create_databases(server_url, names):
    """Databases `names` (emptied if they exist) on the server of `server_url`; their URLs."""
    import psycopg

    parts = urlsplit(server_url)
    with psycopg.connect(server_url, autocommit=True) as connection:
        for name in names:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
    return [urlunsplit(parts._replace(path=f"/{name}")) for name in names]


def seed(env, articles):
    """Grow the site's archive to `articles` published articles; the seconds it took."""
    started = time.monotonic()
    run(
        [sys.executable, "manage.py", "seed_demo", "--scale", str(articles)],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return time.monotonic() - started


def wrk(url, *, seconds, connections):
    out = run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
         "-H", f"User-Agent: {USER_AGENT}", url],
        capture_output=True,
    ).stdout  # fmt: skip

    def latency(pct):
        found = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not found:  # no request finished within wrk's timeout
            return float("inf")
        value, unit = found.groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency(50),
        "p99": latency(99),
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
    }


def measure(sites, args):
    """{site: {page: figures}}, wrk alternating between the sites page by page."""
    results = {site["label"]: {} for site in sites}
    for index in range(len(sites[0]["pages"])):
        runs = {site["label"]: [] for site in sites}
        for round_ in range(args.rounds):
            order = sites if round_ % 2 == 0 else sites[::-1]
            for site in order:
                name, url = site["pages"][index]
                if round_ == 0:  # the first turn of each site on a page warms it up
                    wrk(site["base"] + url, seconds=args.warmup, connections=args.connections)
                runs[site["label"]].append(
                    wrk(site["base"] + url, seconds=args.seconds, connections=args.connections)
                )
        for site in sites:
            name, url = site["pages"][index]
            figures = runs[site["label"]]
            results[site["label"]][name] = {
                "url": url,
                **{k: statistics.median(r[k] for r in figures) for k in ("rps", "p50", "p99")},
                "errors": sum(r["errors"] for r in figures),
                **site["cold"][name],
            }
        print(
            f"  {name:<31}"
            + "".join(f" {results[s['label']][name]['p50']:>7.1f} ms" for s in sites),
            flush=True,
        )
    return results


def print_table(sizes, small, large, seeding, args):
    n_small, n_large = sizes
    print(
        f"\ngunicorn 2 workers per site, wrk 2 threads x {args.connections} connections, "
        f"{args.rounds} rounds of {args.seconds} s per page and site, on {os.cpu_count()} "
        f"cores, PostgreSQL.\nlatency and req/s: median over the rounds, page caches off; "
        f"queries and SQL ms: a request with every cache empty.\n"
        f"ratio: p50 at {n_large:,} articles / p50 at {n_small:,}.\n"
    )
    header = (
        f"{'page':<31} {'p50 ms':>13} {'p99 ms':>13} {'req/s':>11} {'ratio':>5} "
        f"{'queries':>7} {'SQL ms':>11}"
    )
    both = f"{'1k':>6} {'100k':>6}"
    print(f"{'':<31} {both} {both} {'1k':>5} {'100k':>5} {'':>5} {'1k/100k':>7} {both[2:]}")
    print(header)
    print("-" * len(header))
    worst = 0
    for name, a in small.items():
        b = large[name]
        ratio = b["p50"] / a["p50"] if 0 < a["p50"] < float("inf") else float("inf")
        worst = max(worst, ratio)
        queries = f"{a['queries']}/{b['queries']}"
        print(
            f"{name:<31} {a['p50']:>6.1f} {b['p50']:>6.1f} {a['p99']:>6.1f} {b['p99']:>6.1f} "
            f"{a['rps']:>5.0f} {b['rps']:>5.0f} {ratio:>5.2f} {queries:>7} "
            f"{a['sql_ms']:>4.1f} {b['sql_ms']:>6.1f}"
        )
        if a["errors"] or b["errors"]:
            print(f"  ! non-2xx responses: {a['errors']} at 1k, {b['errors']} at 100k")
    print(
        f"\nseeding: {n_small:,} articles in {seeding[0]:.0f} s; "
        f"{n_small:,} -> {n_large:,} in {seeding[1]:.0f} s. Worst p50 ratio {worst:.2f}."
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1000, help="articles, first site")
    parser.add_argument("--large", type=int, default=100000, help="articles, second site")
    parser.add_argument("--rounds", type=int, default=3, help="wrk runs per page and site")
    parser.add_argument("--seconds", type=int, default=4, help="seconds per wrk run")
    parser.add_argument("--warmup", type=int, default=1, help="warm-up seconds, first round")
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument(
        "--keep", action="store_true", help="keep the cluster running at the end (for psql)"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")

    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmpdir, ExitStack() as stack:
        tmp = Path(tmpdir)
        server = os.environ.get("DATABASE_URL", "")
        if not server:
            server = stack.enter_context(postgres_cluster(tmp))
        elif not server.startswith(("postgres://", "postgresql://")):
            sys.exit("DATABASE_URL must name a PostgreSQL server for this benchmark.")
        urls = create_databases(server, ["bench_scale_small", "bench_scale_large"])
        sites = []
        for label, url in zip(("small", "large"), urls, strict=True):
            (tmp / label).mkdir()
            env = site_env(
                tmp / label, DATABASE_URL=url, PAGE_CACHE_SECONDS="0",
            )  # fmt: skip
            manage(env, "migrate", "--noinput", "-v0")
            manage(env, "collectstatic", "--noinput", "-v0")
            sites.append({"label": label, "env": env, "url": url})
        print(f"seeding {args.small:,} articles (twice) ...", flush=True)
        seeding = [seed(site["env"], args.small) for site in sites][-1:]
        print(f"growing the second site to {args.large:,} articles ...", flush=True)
        seeding.append(seed(sites[1]["env"], args.large))
        sizes = []
        for site in sites:
            info = json.loads(shell(site["env"], PAGES_SCRIPT))
            sizes.append(info["articles"])
            site["pages"] = [
                (name, url % SEARCH_WORD if "%s" in url else url) for name, url in info["pages"]
            ]
            site["cold"] = json.loads(shell(site["env"], COLD_SCRIPT % (USER_AGENT, site["pages"])))
            log = tmp / f"gunicorn-{site['label']}.log"
            site["base"] = stack.enter_context(gunicorn(site["env"], workers=2, log_path=log))
        print(f"measuring (p50 at {sizes[0]:,} and at {sizes[1]:,} articles) ...", flush=True)
        results = measure(sites, args)
        print_table(sizes, results["small"], results["large"], seeding, args)
        if args.keep:
            print(f"\nDATABASE_URL={sites[1]['url']} (press Enter to stop the cluster)")
            input()


if __name__ == "__main__":
    main()
