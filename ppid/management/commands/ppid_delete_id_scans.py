"""Delete applicants' identity scans PPID_ID_RETENTION_DAYS days after their request
ended (ppid.services.expired_id_scans), and scan files no request refers to. Run it
daily from cron (docs/ppid.md)."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.events import record, system_user
from ppid import services
from ppid.models import InformationRequest

SCAN_FOLDER = "ppid/identitas"
# A file being written by a request that has not committed yet has no row yet either.
ORPHAN_AGE_SECONDS = 3600


class Command(BaseCommand):
    help = (
        "Delete identity scans of requests closed (or answered) more than "
        "PPID_ID_RETENTION_DAYS days ago (default 90), and scan files no request refers "
        "to. Run it daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only list what would be deleted."
        )

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        days = settings.PPID_ID_RETENTION_DAYS
        if days < 1:
            raise CommandError(f"PPID_ID_RETENTION_DAYS must be at least 1 (it is {days}).")
        now = timezone.now()
        expired = list(services.expired_id_scans(now))
        orphans = self.orphans()
        for info in expired:
            if verbosity >= 2:
                self.stdout.write(
                    f"{'would delete' if dry_run else 'deleting'} the scan of {info.number}"
                )
            if not dry_run:
                services.delete_id_scan(info, now=now)
        for path in orphans:
            if verbosity >= 2:
                self.stdout.write(f"{'would delete' if dry_run else 'deleting'} orphan {path}")
            if not dry_run:
                path.unlink(missing_ok=True)
        verb = "would be deleted" if dry_run else "deleted"
        if verbosity >= 1:
            self.stdout.write(
                f"Identity scans {verb}: {len(expired)} of requests ended more than {days} "
                f"days ago, {len(orphans)} without a request."
            )
        if not dry_run and (expired or orphans):
            record(
                "ppid.identity_scans_deleted",
                details={
                    "requests": [info.number for info in expired],
                    "orphans": len(orphans),
                    "retention_days": days,
                    "system_user": system_user(),
                },
            )

    def orphans(self) -> list[Path]:
        """Scan files under the private folder that no request refers to (a request
        deleted in the admin, a worker killed mid-write), older than an hour."""
        root = Path(settings.PRIVATE_MEDIA_ROOT)
        folder = root / SCAN_FOLDER
        if not folder.is_dir():
            return []
        known = set(
            InformationRequest.objects.exclude(id_scan="").values_list("id_scan", flat=True)
        )
        cutoff = time.time() - ORPHAN_AGE_SECONDS
        return [
            path
            for path in sorted(folder.rglob("*"))
            if path.is_file()
            and path.relative_to(root).as_posix() not in known
            and path.stat().st_mtime < cutoff
        ]
