from importlib import import_module

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.management.sql import emit_post_migrate_signal
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.migrations.loader import MigrationLoader

from humas import pagecache


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
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private_media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Each test's database starts again at the first page version: copies rendered in
    # another test must not pass for current.
    caches["default"].clear()
    pagecache.clear()
    yield
    caches["default"].clear()
    pagecache.clear()


@pytest.fixture(autouse=True)
def _staff_sign_in_with_password(settings):
    """Tests not about the second factor sign staff in with the password alone (the
    test client's force_login, or the login form); tests/test_two_factor*.py switch
    STAFF_2FA_REQUIRED back on."""
    settings.STAFF_2FA_REQUIRED = False


@pytest.fixture(autouse=True)
def _fresh_view_counter():
    """Tests switch VIEW_COUNTER_BACKEND; the backend is built once per process."""
    from articles import viewcount

    viewcount.backend.cache_clear()
    yield
    viewcount.backend.cache_clear()


ROLE_MIGRATION = ("articles", "0006_roles")


@pytest.fixture
def roles():
    """The "Penulis" and "Editor" groups, as the data migration makes them.

    A transactional test empties every table when it ends, and rows made by data
    migrations, such as these groups, do not come back: after another live_server test
    (the reader's journey, say) they are gone. `serialized_rollback` would restore them,
    but loading its snapshot collides with the content types that such a flush
    re-creates (UNIQUE constraint failed: django_content_type). So put the database
    back the way `migrate` leaves it: content types and permissions through the
    post_migrate signal (a flush by a serialized_rollback test skips it, leaving none),
    then the groups through the migration's own forward step, which is written to be
    re-run, with the historical models it was written for.
    """
    names = ("Penulis", "Editor", "Fotografer", "Admin")
    if Group.objects.filter(name__in=names).count() < len(names):
        emit_post_migrate_signal(verbosity=0, interactive=False, db=DEFAULT_DB_ALIAS)
        state = MigrationLoader(connection).project_state(ROLE_MIGRATION)
        migration = import_module(f"{ROLE_MIGRATION[0]}.migrations.{ROLE_MIGRATION[1]}")
        migration.create_roles(state.apps, None)
    return {name: Group.objects.get(name=name) for name in names}


PPID_GROUP_MIGRATION = ("ppid", "0002_ppid_group")


@pytest.fixture
def ppid_group(roles):
    """The "PPID" group (and the Admin role's view rights), as ppid's data migration
    makes them; put back like `roles` when a transactional test emptied the tables."""
    if not Group.objects.filter(name="PPID").exists():
        state = MigrationLoader(connection).project_state(PPID_GROUP_MIGRATION)
        migration = import_module(f"{PPID_GROUP_MIGRATION[0]}.migrations.{PPID_GROUP_MIGRATION[1]}")
        migration.grant(state.apps, None)
    return Group.objects.get(name="PPID")
