"""Delete photo files that no Photo row references: what a killed upload leaves behind.

An upload writes the photo's file and renditions, then commits its row
(articles/images.save_photo). A worker killed in between (SIGKILL, the OOM killer, a
power cut) rolls the row back but cannot delete the files. No write order avoids that:
staging files under temporary names and renaming them before the commit leaves the same
orphans after a kill between rename and commit, and renaming after the commit leaves a
row without its files after a kill there, which is worse. So files come first, the row
last, and this sweep removes what no row claims once it is older than any upload can
take (gunicorn kills a request after 60 s; the default margin is an hour).
"""

from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.utils import timezone

from articles.models import Photo

SWEPT = ("photos", "renditions")


def stored_files(storage, directory):
    """Every file under `directory` in the storage (names relative to its root)."""
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{directory}/{name}"
    for sub in directories:
        yield from stored_files(storage, f"{directory}/{sub}")


def referenced_names():
    names = set()
    for image, renditions in Photo.objects.values_list("image", "renditions").iterator():
        names.add(image)
        names.update(r["name"] for r in renditions)
    return names


class Command(BaseCommand):
    help = (
        "Delete files under photos/ and renditions/ in the media storage that belong to no "
        "photo and are older than --older-than minutes (default 60): what an upload killed "
        "half-way leaves. Run it daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=60,
            metavar="MINUTES",
            help="Only files older than this; younger ones may belong to an upload that "
            "has not committed yet (default 60).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List the files; delete nothing."
        )

    def handle(self, *args, older_than=60, dry_run=False, verbosity=1, **options):
        # No database transaction: nothing is written there. Files are listed before the
        # rows are read, so a file whose upload commits meanwhile is either too young to
        # be touched or already referenced.
        cutoff = timezone.now() - timedelta(minutes=older_than)
        candidates = [
            name
            for directory in SWEPT
            for name in stored_files(default_storage, directory)
            if default_storage.get_modified_time(name) < cutoff
        ]
        referenced = referenced_names()
        orphans = sorted(name for name in candidates if name not in referenced)
        for name in orphans:
            if not dry_run:
                default_storage.delete(name)
            if verbosity >= 2:
                self.stdout.write(f"{'would delete' if dry_run else 'deleted'} {name}")
        if verbosity >= 1:
            if dry_run:
                self.stdout.write(f"{len(orphans)} orphan files would be deleted.")
            else:
                self.stdout.write(f"{len(orphans)} orphan files deleted.")
