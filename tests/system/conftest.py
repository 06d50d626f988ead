"""System drills: the real site and the services it runs with, started by the tests
themselves (gunicorn, nginx, PostgreSQL, Redis, moto's S3 server, Chromium).

Every test collected here is marked `system`, so `pytest -m "not system"` runs the unit
tests alone, in seconds; `make test` and CI run both.
"""

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)  # before pytest's own -m selection reads the marks
def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in item.path.resolve().parents:
            item.add_marker(pytest.mark.system)
