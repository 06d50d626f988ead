from django.conf import settings
from django.core.management.base import BaseCommand

from articles import viewcount


class Command(BaseCommand):
    help = (
        "Move view counts buffered in Redis into the database (VIEW_COUNTER_BACKEND=redis; "
        "run it every minute from cron). Safe to kill and run again: a batch is applied "
        "exactly once. Also prunes expired reader marks. With the db backend there is "
        "nothing to move."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say how many views wait; move nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        # Each batch is applied in its own transaction (see RedisBackend.apply).
        applied = viewcount.backend().flush(dry_run=dry_run)
        if options["verbosity"] >= 1:
            backend = settings.VIEW_COUNTER_BACKEND
            if dry_run:
                self.stdout.write(f"{applied} buffered views would be moved ({backend} backend).")
            else:
                self.stdout.write(f"{applied} views moved into the database ({backend} backend).")
