"""Delete audit entries older than AUDIT_RETENTION_DAYS: the only way entries leave.

On PostgreSQL a trigger refuses to delete entries (audit/migrations/0002_append_only.py);
this command sets the transaction-local flag that the trigger lets through, so it holds
only for this command's own transaction. Run it daily from cron (docs/audit.md).
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from audit.events import record, system_user
from audit.models import Entry


class Command(BaseCommand):
    help = (
        "Delete audit log entries older than AUDIT_RETENTION_DAYS days (default 730). "
        "Run it daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only count the entries that would be deleted.",
        )

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        days = settings.AUDIT_RETENTION_DAYS
        if days < 1:
            raise CommandError(f"AUDIT_RETENTION_DAYS must be at least 1 (it is {days}).")
        cutoff = timezone.now() - timedelta(days=days)
        old = Entry.objects.filter(timestamp__lt=cutoff)
        when = timezone.localtime(cutoff).strftime("%Y-%m-%d %H:%M")
        if dry_run:
            if verbosity >= 1:
                self.stdout.write(f"Dry run: {old.count()} entries older than {when} would go.")
            return
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL humas.audit_retention = 'on'")
            deleted, _ = old.delete()
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    # Off again at once, even inside a caller's longer transaction.
                    cursor.execute("SET LOCAL humas.audit_retention = 'off'")
            record(
                "audit.pruned",
                details={
                    "deleted": deleted,
                    "before": cutoff.isoformat(),
                    "retention_days": days,
                    "system_user": system_user(),
                },
            )
        if verbosity >= 1:
            self.stdout.write(f"Deleted {deleted} audit entries older than {when}.")
