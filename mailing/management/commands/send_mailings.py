from django.conf import settings
from django.core.management.base import BaseCommand
from django.db.models import Count

from mailing.models import Delivery
from mailing.services import queue_due, send_pending


class Command(BaseCommand):
    help = (
        "Send pending list mail (press releases, digests) in batches, one connection to "
        "the mail server per batch. Run it from cron every minute (docs/mailing.md). "
        "A delivery left 'sending' by a crash is never sent again by this command."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=None,
            help="Deliveries per batch (default MAILING_BATCH_SIZE).",
        )
        parser.add_argument(
            "--batches",
            type=int,
            default=None,
            help="Stop after this many batches (default MAILING_BATCHES_PER_RUN).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what is pending; send nothing."
        )

    def handle(self, *args, batch_size=None, batches=None, dry_run=False, verbosity=1, **opts):
        if dry_run:
            pending = (
                Delivery.objects.filter(status=Delivery.Status.PENDING)
                .values("message_key")
                .annotate(n=Count("pk"))
                .order_by("message_key")
            )
            for row in pending:
                self.stdout.write(f"{row['message_key']}: {row['n']} pending")
            if verbosity >= 1:
                self.stdout.write("Dry run: nothing sent.")
            return
        queue_due()
        size = batch_size or settings.MAILING_BATCH_SIZE
        total = {"sent": 0, "failed": 0, "skipped": 0, "returned": 0, "uncertain": 0}
        for _ in range(batches or settings.MAILING_BATCHES_PER_RUN):
            report = send_pending(batch_size=size)
            for key in total:
                total[key] += getattr(report, key)
            for error in report.errors:
                if verbosity >= 2 or report.returned or report.uncertain:
                    self.stderr.write(error)
            if report.returned or report.uncertain or report.claimed < size:
                # The mail server is away, or nothing is left: the next run carries on.
                break
        if verbosity >= 1 and any(total.values()):
            self.stdout.write(
                "Sent {sent}, failed {failed}, skipped {skipped}, left pending {returned}.".format(
                    **total
                )
            )
