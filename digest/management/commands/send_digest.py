from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from digest import periods, services


class Command(BaseCommand):
    help = (
        "Queue and send the readers' news digest of a past day or week (WIB) to each "
        "confirmed subscriber of that frequency with articles in their categories. Cron: "
        "daily at 06:00 WIB, weekly on Monday at 06:00. Safe to run again: a period is "
        "mailed to a subscriber at most once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--frequency", required=True, choices=periods.FREQUENCIES)
        parser.add_argument(
            "--date",
            help="A day of the period to send, YYYY-MM-DD (default: yesterday, or last week).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be sent; queue nothing."
        )

    def handle(self, *args, frequency, date=None, dry_run=False, verbosity=1, **options):
        period = self.period(frequency, date)
        if not period.is_over():
            raise CommandError(
                f"The period {period.key} is not over yet: articles may still come out in it."
            )
        queued = services.queue(period, dry_run=dry_run)
        if verbosity >= 1:
            self.stdout.write(
                f"{period.message_key}: {queued.articles} articles, "
                f"{queued.recipients} subscribers with something to read"
            )
        if dry_run:
            if verbosity >= 1:
                self.stdout.write("Dry run: nothing queued, nothing sent.")
            return
        reports = services.send(period)
        if verbosity >= 1:
            sent = sum(report.sent for report in reports)
            failed = sum(report.failed for report in reports)
            skipped = sum(report.skipped for report in reports)
            self.stdout.write(
                f"queued {queued.added}, sent {sent}, failed {failed}, skipped {skipped}"
            )
            if reports and (reports[-1].returned or reports[-1].uncertain):
                self.stdout.write("The mail server stopped answering: send_mailings goes on.")
        if verbosity >= 2:
            for report in reports:
                for error in report.errors:
                    self.stdout.write(f"  {error}")

    def period(self, frequency, text):
        if text is None:
            return periods.last_complete(frequency)
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise CommandError(f"--date: {text!r} is not a date such as 2026-12-01.") from None
        if day >= timezone.localdate():
            raise CommandError(f"--date: {day} is not over yet: articles may still come out.")
        return periods.period_of(frequency, day)
