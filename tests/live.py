"""Run the real site in separate processes: manage.py commands and gunicorn.

Used by tests that must see the site as production serves it (DEBUG off, collected
static files, several worker processes) and by the benchmark.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def site_env(tmp_path, **extra):
    """An environment for a throw-away site under tmp_path (SQLite unless overridden)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.pop("DEBUG", None)
    env.update(
        SECRET_KEY="live-test-secret-key-" + "x" * 40,
        DATABASE_URL=f"sqlite:///{tmp_path}/site.sqlite3",
        MEDIA_ROOT=str(tmp_path / "media"),
        PRIVATE_MEDIA_ROOT=str(tmp_path / "private_media"),
        STATIC_ROOT=str(tmp_path / "static"),
        SERVE_MEDIA="true",
        DJANGO_SETTINGS_MODULE="humas.settings",
        # Staff sign in with the password alone unless a test asks for two factors.
        STAFF_2FA_REQUIRED="false",
    )
    env.update(extra)
    return env


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(env, *, workers=2, log_path=None):
    """Serve the site with gunicorn; yields its base URL; stops it afterwards."""
    with gunicorn_master(env, workers=workers, log_path=log_path) as (base, _master):
        yield base


@contextmanager
def gunicorn_master(env, *, workers=2, log_path=None):
    """gunicorn() for tests that need its processes: yields (base URL, master Popen)."""
    port = free_port()
    log = open(log_path or os.devnull, "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "humas.wsgi",
            "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers),
            "--access-logfile", "-",
        ],
        cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start (exit {process.poll()})") from None
                time.sleep(0.2)
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def worker_pids(master_pid):
    """gunicorn's workers: the master's child processes, read from /proc (Linux)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # "pid (command) state ppid ...": the command may contain spaces and ")".
            state, ppid = stat.read_text().rsplit(")", 1)[1].split()[:2]
        except (OSError, ValueError):
            continue  # the process ended while we looked
        if int(ppid) == master_pid and state != "Z":  # a killed worker not yet reaped
            pids.append(int(stat.parent.name))
    return sorted(pids)


def fetch(url, **headers):
    """(status, headers, body) of a GET, without raising on 4xx/5xx."""
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode(errors="replace")
