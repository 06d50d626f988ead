from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.utils import timezone

from audit.events import record, system_user
from ppid import deadlines, letters
from ppid.workdays import is_working_day


class Command(BaseCommand):
    help = (
        "Mail the PPID group's members (active, with an email address) the requests and "
        "objections that are overdue or due within 2 working days. Sends nothing when "
        "there are none, and on weekends and holidays. Run it every morning from cron "
        "(docs/ppid.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print the mail; send nothing.")
        parser.add_argument(
            "--any-day",
            action="store_true",
            help="Send on a weekend or holiday too (normally those mornings are skipped).",
        )

    def handle(self, *args, dry_run=False, any_day=False, verbosity=1, **options):
        today = timezone.localdate()
        if not any_day and not is_working_day(today):
            # Nobody is at the desk; what is due waits for the next working morning,
            # and the clock does not run on this day either.
            if verbosity >= 1:
                self.stdout.write("Not a working day: no mail.")
            return
        urgent = deadlines.urgent(today=today)
        if not urgent:
            if verbosity >= 1:
                self.stdout.write("Nothing overdue or due soon: no mail.")
            return
        recipients = list(
            get_user_model()
            .objects.filter(groups__name="PPID", is_active=True)
            .exclude(email="")
            .order_by("pk")
            .values_list("email", flat=True)
            .distinct()
        )
        overdue = len(urgent.overdue_requests) + len(urgent.overdue_objections)
        soon = len(urgent.due_soon_requests) + len(urgent.due_soon_objections)
        subject, body = letters.render(
            "reminders",
            {
                "urgent": urgent,
                "overdue_count": overdue,
                "due_soon_count": soon,
                "admin_url": settings.SITE_URL,
            },
        )
        if dry_run or verbosity >= 2:
            self.stdout.write(f"To: {', '.join(recipients) or '-'}\nSubject: {subject}\n\n{body}")
        if dry_run:
            self.stdout.write("Dry run: nothing sent.")
            return
        if not recipients:
            self.stderr.write(
                "Overdue or due-soon requests, but nobody to mail: put the PPID staff in the "
                "PPID group and give them an email address."
            )
            return
        # One mail each: the staff's addresses are not shown to one another.
        for address in recipients:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        record(
            "ppid.reminders_sent",
            details={
                "overdue": overdue,
                "due_soon": soon,
                "recipients": len(recipients),
                "run_by": system_user(),
            },
        )
        if verbosity >= 1:
            self.stdout.write(
                f"{overdue} overdue, {soon} due soon: mailed to {len(recipients)} PPID staff."
            )
