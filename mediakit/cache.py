"""Built media kits kept on this host's disk: the one owner of their names, what fills
them and what empties them (docs/caching.md).

    MEDIAKIT_CACHE_DIR/<article id>-<version>.zip

The version (kit.Kit.version) is a digest of everything the kit says: the article's
row as saved (updated_at), its photos (files, captions, credits, photographers), the
site's name and address and the kit's format. A kit is served only under the version
computed for the request, so a change anywhere in it makes a new file, never a stale
download.

- Filled by a download whose version has no file: the ZIP is written to a temporary
  name while it streams, and renamed into place only once complete (os.replace, atomic
  on one file system). Two downloads building at once each write their own temporary
  file; the last rename wins, with the same content. A download cut off half-way
  leaves nothing behind.
- Emptied: the article's other versions when a new one is in place; every kit of an
  article when it is saved or deleted (a takedown removes its kit at once, signals in
  mediakit/apps.py); temporary files older than an hour (a worker killed mid-build)
  whenever a kit is built.

The folder is not public (the view checks that the article is published on every
request before it opens a file) and not shared between hosts: each host builds its own.
"""

import os
import time
import uuid
from pathlib import Path

from django.conf import settings

TEMPORARY_PREFIX = ".tmp-"
STALE_TEMPORARY_SECONDS = 3600


def folder() -> Path:
    return Path(settings.MEDIAKIT_CACHE_DIR)


def path_for(article_id: int, version: str) -> Path:
    return folder() / f"{article_id}-{version}.zip"


def cached(article_id: int, version: str) -> Path | None:
    path = path_for(article_id, version)
    return path if path.is_file() else None


class Filling:
    """A kit being written: `file` to write to, then commit() or abort()."""

    def __init__(self, article_id: int, version: str):
        self.article_id, self.version = article_id, version
        folder().mkdir(parents=True, exist_ok=True)
        sweep_temporary()
        self.temporary = folder() / f"{TEMPORARY_PREFIX}{article_id}-{uuid.uuid4().hex}"
        self.file = open(self.temporary, "wb")  # noqa: SIM115 - closed by commit/abort

    def commit(self):
        self.file.close()
        os.replace(self.temporary, path_for(self.article_id, self.version))
        for other in folder().glob(f"{self.article_id}-*.zip"):
            if other.name != path_for(self.article_id, self.version).name:
                other.unlink(missing_ok=True)

    def abort(self):
        self.file.close()
        self.temporary.unlink(missing_ok=True)


def forget(article_id: int) -> None:
    """Remove every kit of an article (it was saved or deleted)."""
    if folder().is_dir():
        for path in folder().glob(f"{article_id}-*.zip"):
            path.unlink(missing_ok=True)


def article_changed(sender, instance, **kwargs):
    """post_save and post_delete of Article (connected in mediakit/apps.py)."""
    forget(instance.pk)


def sweep_temporary(max_age=STALE_TEMPORARY_SECONDS) -> None:
    limit = time.time() - max_age
    for path in folder().glob(f"{TEMPORARY_PREFIX}*"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except FileNotFoundError:
            pass  # another worker swept it
