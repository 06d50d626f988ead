"""Loaded by pytest before Django (see `addopts` in pyproject.toml).

Tests run with DEBUG off, as production does, and settings then require a SECRET_KEY;
give the test run one unless the environment already has one.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
