"""The restore drill of docs/deploy.md, run for real: pg_dump, pg_restore into a new
database, media copied, and the site served from the copy.

Runs in the suite's PostgreSQL pass (`.ci/run`, or `DATABASE_URL=postgres://... make
test`); on SQLite it is skipped with that message.
"""

import os
import re
import shutil
import subprocess
import sys
import uuid

import environ
import pytest

from ..live import BASE_DIR, fetch, gunicorn, manage, site_env
from ..services import require

PG_BIN = "/usr/lib/postgresql/15/bin"


@pytest.fixture
def server():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip(
            "needs PostgreSQL: run `.ci/run`, or start PostgreSQL 15 and run "
            "`DATABASE_URL=postgres://USER@HOST:PORT/humas make test`"
        )
    return environ.Env.db_url_config(url)


def tool(name):
    path = os.path.join(PG_BIN, name)
    return path if os.access(path, os.X_OK) else require(name, "postgresql-client-15")


def connection_args(config):
    return ["-h", config["HOST"] or "127.0.0.1", "-p", str(config["PORT"] or 5432),
            "-U", config["USER"]]  # fmt: skip


def tool_env(config):
    return {**os.environ, "PGPASSWORD": config.get("PASSWORD") or ""}


def site_url(config, name):
    password = f":{config['PASSWORD']}" if config.get("PASSWORD") else ""
    host = config["HOST"] or "127.0.0.1"
    return f"postgres://{config['USER']}{password}@{host}:{config['PORT'] or 5432}/{name}"


def test_a_pg_dump_and_the_media_copy_restore_a_working_site(server, tmp_path):
    suffix = uuid.uuid4().hex[:8]
    live_db, restored_db = f"drill_live_{suffix}", f"drill_restored_{suffix}"
    args, env = connection_args(server), tool_env(server)
    for name in (live_db, restored_db):
        subprocess.run([tool("createdb"), *args, name], env=env, check=True)
    try:
        live = site_env(tmp_path / "live", DATABASE_URL=site_url(server, live_db))
        (tmp_path / "live").mkdir()
        manage(live, "migrate", "--noinput", "-v0")
        manage(live, "collectstatic", "--noinput", "-v0")
        manage(live, "seed_demo", "-v0")
        counts = manage(live, "shell", "-c", COUNTS).stdout.strip()

        # The backup: a custom-format dump and a copy of the media directory.
        dump = tmp_path / "humas.dump"
        subprocess.run(
            [tool("pg_dump"), *args, "-Fc", "-f", str(dump), live_db], env=env, check=True
        )
        shutil.copytree(tmp_path / "live" / "media", tmp_path / "restored-media")

        # The restore, into an empty database, owned by whoever restores it.
        subprocess.run(
            [tool("pg_restore"), *args, "--no-owner", "-d", restored_db, str(dump)],
            env=env, check=True,
        )  # fmt: skip
        restored = site_env(
            tmp_path / "live",
            DATABASE_URL=site_url(server, restored_db),
            MEDIA_ROOT=str(tmp_path / "restored-media"),
        )
        # The schema is current: no migration left to run.
        check = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--check"],
            env=restored, cwd=BASE_DIR, capture_output=True, text=True,
        )  # fmt: skip
        assert check.returncode == 0, check.stdout + check.stderr
        assert manage(restored, "shell", "-c", COUNTS).stdout.strip() == counts

        with gunicorn(restored, workers=1) as base:
            status, _, home = fetch(base + "/")
            assert status == 200
            slug = re.search(r'href="/berita/([^/"]+)/"', home).group(1)
            status, _, page = fetch(f"{base}/berita/{slug}/")
            assert status == 200
            image = re.search(r'<img src="(/media/renditions/[^"]+)"', page).group(1)
            assert fetch(base + image)[0] == 200
    finally:
        for name in (live_db, restored_db):
            subprocess.run(
                [tool("dropdb"), *args, "--if-exists", "--force", name], env=env, check=False
            )


COUNTS = (
    "from articles.models import Article, Photo, Category; from accounts.models import User; "
    "print(Article.objects.count(), Photo.objects.count(), Category.objects.count(), "
    "User.objects.count())"
)
