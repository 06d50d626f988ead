"""Real services for tests: a throw-away redis-server started from Debian's binary.

On a developer's machine without the binary, tests that need it are skipped with a
message saying how to get it; in CI (CI=true) a missing service fails the run instead.
"""

import os
import shutil
import subprocess
import time

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


def start_redis(tmp_path):
    """Start redis-server on a free loopback port; returns (url, process)."""
    binary = require("redis-server", "redis-server")
    port = free_port()
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
