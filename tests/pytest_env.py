"""Loaded by pytest before Django (see `addopts` in pyproject.toml).

Tests run with DEBUG off, as production does, and settings then require a SECRET_KEY;
give the test run one unless the environment already has one.

STATIC_ROOT is an empty folder of this run's own, whatever the environment or `.env`
says. Tests take static files from the finders (tests/conftest.py), but WhiteNoise scans
STATIC_ROOT whenever a request handler starts (every test's client, the live server), so
the checkout's ./staticfiles made the suite depend on what collectstatic last left there:
a stale copy, or one being rewritten (collectstatic deletes and writes its hashed files
again as it goes), failed whichever test started a client at that moment with a missing
hashed file. Sites that tests start in processes of their own get theirs (tests/live.py).
"""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")

STATIC_ROOT = tempfile.mkdtemp(prefix="humas-tests-static-")
atexit.register(shutil.rmtree, STATIC_ROOT, ignore_errors=True)
os.environ["STATIC_ROOT"] = STATIC_ROOT
