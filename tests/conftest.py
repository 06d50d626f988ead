import pytest
from django.core.cache import caches


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Fast, isolated settings for every test.

    Static files come from the finders (no collectstatic needed), uploads go to a
    temporary folder, and passwords hash quickly.
    """
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for alias in ("default", "pages"):
        caches[alias].clear()
    yield
    for alias in ("default", "pages"):
        caches[alias].clear()


@pytest.fixture(autouse=True)
def _fresh_view_counter():
    """Tests switch VIEW_COUNTER_BACKEND; the backend is built once per process."""
    from articles import viewcount

    viewcount.backend.cache_clear()
    yield
    viewcount.backend.cache_clear()
