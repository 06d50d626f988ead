"""Real services for tests: throw-away redis-server and PostgreSQL 15 from Debian's binaries.

On a developer's machine without the binary, tests that need it are skipped with a
message saying how to get it; in CI (CI=true) a missing service fails the run instead.
"""

import os
import shutil
import signal
import subprocess
import tempfile
import time
from contextlib import suppress
from pathlib import Path

import pytest

from .live import free_port

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(binary, package):
    path = shutil.which(binary) or (
        f"/usr/bin/{binary}" if os.path.exists(f"/usr/bin/{binary}") else None
    )
    if path:
        return path
    message = f"{binary} not found: install it with `apt-get install {package}` to run this test"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def start_redis(tmp_path, port=None):
    """Start redis-server on a free loopback port (or on `port`, to restart one that was
    stopped); returns (url, process). Nothing is persisted, as in .ci/run."""
    binary = require("redis-server", "redis-server")
    port = port or free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    import redis

    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.05)
    return f"redis://127.0.0.1:{port}/0", process


PG_BIN = Path("/usr/lib/postgresql/15/bin")


class PostgreSQL:
    """A throw-away PostgreSQL 15 cluster on a free loopback port, started and stopped at
    will. Like .ci/run, it runs as the `postgres` user (initdb refuses root), so it needs
    root and Debian's postgresql-15; without them the test is skipped (fails in CI)."""

    def __init__(self):
        if os.geteuid() != 0 or not (PG_BIN / "initdb").exists():
            message = (
                "PostgreSQL runs here as the postgres user, which needs root"
                if os.geteuid() != 0
                else f"{PG_BIN}/initdb not found: `apt-get install postgresql-15` to run this test"
            )
            if IN_CI:
                pytest.fail(message)
            pytest.skip(message)
        # Not pytest's tmp_path: its parents are private to root and postgres must get in.
        self.dir = Path(tempfile.mkdtemp(prefix="humas-pg-"))
        self.dir.chmod(0o755)
        shutil.chown(self.dir, "postgres")
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/humas"
        try:
            self.as_postgres(
                f"{PG_BIN}/initdb -D {self.dir}/data -U postgres --auth=trust -E UTF8 --no-sync"
            )
            self.start()
            self.as_postgres(f"{PG_BIN}/createdb -h 127.0.0.1 -p {self.port} humas")
        except BaseException:
            self.remove()
            raise

    def as_postgres(self, command):
        return subprocess.run(
            ["su", "postgres", "-s", "/bin/sh", "-c", command],
            check=True, capture_output=True, text=True, timeout=60,
        )  # fmt: skip

    def start(self):
        self.as_postgres(
            f"{PG_BIN}/pg_ctl -D {self.dir}/data -w -l {self.dir}/log -o '-p {self.port} "
            f"-k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off' start"
        )

    def stop(self):
        self.as_postgres(f"{PG_BIN}/pg_ctl -D {self.dir}/data -m fast -w stop")

    def remove(self):
        """Stop the server at once (SIGQUIT to its postmaster) and delete the cluster."""
        pid_file = self.dir / "data" / "postmaster.pid"
        if pid_file.exists():
            pid = int(pid_file.read_text().split()[0])
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGQUIT)
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline:
                    os.kill(pid, 0)  # ProcessLookupError once it is gone
                    time.sleep(0.05)
        shutil.rmtree(self.dir, ignore_errors=True)
