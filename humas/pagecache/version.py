"""The version of everything public, and the hub that moves it on.

Every cached public page is tagged with the version it was rendered under and served
only while that version is current. The version lives where every worker and host reads
it: Redis with REDIS_URL (RedisVersion), else a file mapped into memory beside a SQLite
database (FileVersion), else the database (DatabaseVersion, PostgreSQL without Redis). Apps
declare what shows on their public pages with watch() and what comes due by itself with
watch_schedule(); saving or deleting such a row calls changed(). kept() keeps data that
is costly to compute under the current version.
"""

import os
import time
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models.signals import post_delete, post_save

from .stores import (  # noqa: F401 - the stores are named here too (tests, docs)
    DUE_KEY,
    VERSION_KEY,
    DatabaseVersion,
    FileVersion,
    RedisVersion,
    schedules,
)

_store = None


def versions():
    global _store
    if _store is None:
        if settings.REDIS_URL:
            _store = RedisVersion()
        elif path := _sqlite_file():
            _store = FileVersion(f"{path}-pageversion")
        else:
            _store = DatabaseVersion()
    return _store


def _sqlite_file():
    """The database's file when it is a SQLite file (not one in memory)."""
    if connection.vendor != "sqlite":
        return None
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return None
    return name


def forget_store():
    """Read the settings again on next use (tests switch REDIS_URL; a forked process
    must not share its parent's listening connection)."""
    global _store
    if isinstance(_store, RedisVersion):
        _store._stop_listening()
    elif isinstance(_store, FileVersion):
        _store.close()
    _store = None


os.register_at_fork(after_in_child=lambda: globals().update(_store=None))


def current_version():
    """The version to serve pages of, or None when it cannot be known (Redis away):
    then pages are rendered for each request and not kept."""
    store = versions()
    version, due = store.read()
    if version is None:
        return None
    if due and time.time() >= due:
        store.bump(expected=version)
        version, _due = store.read()
    return version


# The hub: what moves the version on.


def changed(**kwargs):
    """Everything public may have changed: move the version on (now and after commit)."""
    store = versions()
    store.bump()
    store.bump_after_commit()


def watch(model, *, fields=None, on_create=True, shows=None):
    """Move the version on whenever `model` is saved or deleted.

    fields: only saves that may touch these fields count (a save naming other
    update_fields, like the login's last_login, does not). on_create=False: a new row
    shows nowhere yet (a new user account). shows(instance): whether the row is, or was
    when loaded, on a public page (a comment waiting for moderation is not).
    """
    fields = frozenset(fields or ())

    def saved(sender, instance, created=False, update_fields=None, **kwargs):
        if created and not on_create:
            return
        if fields and update_fields is not None and not fields & set(update_fields):
            return
        if shows is not None and not shows(instance):
            return
        changed()

    def deleted(sender, instance, **kwargs):
        if shows is None or shows(instance):
            changed()

    uid = f"pagecache:{model._meta.label}"
    post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"{uid}:save")
    post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=f"{uid}:delete")


def watch_schedule(next_change):
    """`next_change()` gives the time at which content of an app becomes public by
    itself (a scheduled article); pages go stale then."""
    schedules.append(next_change)


# Data kept under the version: counts and lists that are costly to compute, used while
# rendering pages.


# The version a page is being rendered under, so that what it keeps while rendering
# does not read the version again.
rendering_version = ContextVar("rendering_version", default=None)


def kept(name, compute, seconds):
    """compute(), kept until the version moves on, and at most `seconds` (for what
    changes without a save, such as most-read lists)."""
    version = rendering_version.get() or current_version()
    if version is None:
        return compute()
    key = f"pagecache:kept:{version}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value
