from django.core.management.base import BaseCommand

from integrity.services import AlreadyRunning, check_integrity


class Command(BaseCommand):
    help = (
        "Look for defacement: spam phrases, hidden text or links and new outbound domains "
        "in published content; script files, files that are not what their name says and "
        "files no record owns in the media storage and the private folder; staff accounts "
        "created, given more rights or a new password, and staff without a second factor. "
        "Saves a report (Admin > Integrity watch) and mails new findings to the "
        "administrators. Run it daily from cron (docs/integrity.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print what would be reported; save nothing and mail nobody.",
        )
        parser.add_argument(
            "--no-mail", action="store_true", help="Save the report but mail nobody."
        )

    def handle(self, *args, dry_run=False, no_mail=False, verbosity=1, **options):
        # The run saves its report in one transaction of its own (services.py); the
        # listing of files before it writes nothing.
        try:
            outcome = check_integrity(dry_run=dry_run, mail=not no_mail)
        except AlreadyRunning as running:
            self.stderr.write(f"Another check has been running since {running}; not started.")
            return
        report = outcome.report
        if verbosity >= 2:
            for finding in outcome.findings:
                marker = "NEW " if finding in outcome.new else ""
                self.stdout.write(
                    f"{marker}[{finding.get_severity_display()}] {finding.get_kind_display()}: "
                    f"{finding.object_repr or finding.where} ({finding.where}) {finding.excerpt}"
                )
        if verbosity >= 1:
            prefix = "Dry run: " if dry_run else ""
            self.stdout.write(
                f"{prefix}{report.findings_count} findings, {report.new_count} new, "
                f"{report.open_count} not reviewed."
            )
            if outcome.baseline:
                self.stdout.write(
                    "First check: the staff accounts and outbound domains are recorded; "
                    "changes to them are reported from the next check on."
                )
            if outcome.recipients:
                self.stdout.write(f"Mailed to {len(outcome.recipients)} administrators.")
            elif outcome.mail_failed:
                self.stderr.write("The mail to the administrators could not be sent (see the log).")
            elif outcome.new and not dry_run and not no_mail:
                self.stderr.write(
                    "New findings, but no administrator to mail: set ADMINS, or give a "
                    "superuser an email address."
                )
