"""Running the integrity check, and marking its findings as reviewed.

    check_integrity(*, dry_run=False, mail=True) -> Outcome   (or AlreadyRunning)
    mark_reviewed(*, findings, user, request=None) -> int

A run saves one Report, moves every finding it made to that report (one row per
fingerprint, created the first time), remembers the outbound domains it saw and mails
the administrators the findings that are new: not in the last report, and not reviewed.
A finding that comes back after a run without it is new again; a reviewed one stays
quiet for as long as its fingerprint is the same.
"""

import logging
import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from audit.events import record

from .checks import Context, run_checks
from .checks.content import own_hosts
from .models import AllowedDomain, Finding, Pattern, Report, SeenDomain

logger = logging.getLogger(__name__)

RUNNING = "integrity:check-running"
RUN_LIMIT_SECONDS = 3600  # a run killed half-way keeps the next one out at most this long


@dataclass
class Outcome:
    report: Report  # unsaved on a dry run
    findings: list = field(default_factory=list)  # Finding rows (unsaved on a dry run)
    new: list = field(default_factory=list)  # those to tell the administrators about
    recipients: list = field(default_factory=list)
    baseline: bool = False  # the first run: accounts and domains learnt, not compared
    mail_failed: bool = False


def build_context(now):
    previous = Report.objects.filter(finished_at__isnull=False).first()
    patterns = []
    for pattern in Pattern.objects.filter(is_active=True):
        regex = pattern.regex()
        if regex is not None:
            patterns.append((pattern, regex))
    allowed = list(AllowedDomain.objects.values_list("domain", "include_subdomains"))
    return Context(
        now=now,
        previous=previous,
        patterns=patterns,
        allowed=allowed + own_hosts(),
        seen_domains=set(SeenDomain.objects.values_list("domain", flat=True)),
    )


class AlreadyRunning(Exception):
    """Another check started at the time given and has not finished."""


def check_integrity(*, dry_run: bool = False, mail: bool = True) -> Outcome:
    """One run, or AlreadyRunning while another is under way (cron copied to every app
    server: two runs would mail the same findings twice). The mark is in the shared
    cache; with the cache away, runs are not kept apart rather than not run at all."""
    if dry_run:
        return run(dry_run=True, mail=False)
    if not cache.add(RUNNING, timezone.now().isoformat(), timeout=RUN_LIMIT_SECONDS):
        started = cache.get(RUNNING)
        if started is not None:
            raise AlreadyRunning(started)
    try:
        return run(dry_run=False, mail=mail)
    finally:
        cache.delete(RUNNING)


def run(*, dry_run: bool, mail: bool) -> Outcome:
    now = timezone.now()
    context = build_context(now)
    issues = {}
    for issue in run_checks(context):
        issues.setdefault(issue.fingerprint, issue)
    existing = Finding.objects.in_bulk(list(issues), field_name="fingerprint")
    previous_id = context.previous.pk if context.previous else None
    report = Report(started_at=now, accounts=context.accounts, scanned=dict(context.scanned))
    findings, new = [], []
    for fingerprint, issue in issues.items():
        finding = existing.get(fingerprint) or Finding(fingerprint=fingerprint, first_seen=now)
        was_in_last_report = finding.pk is not None and finding.report_id == previous_id
        finding.report = report
        finding.kind = issue.kind
        finding.severity = issue.severity
        finding.content_type = issue.content_type
        finding.object_id = issue.object_id
        finding.object_repr = issue.object_repr[:200]
        finding.admin_url = issue.admin_url[:300]
        finding.where = issue.where[:300]
        finding.excerpt = issue.excerpt[:2000]
        finding.last_seen = now
        findings.append(finding)
        if not finding.is_reviewed and not was_in_last_report:
            new.append(finding)
    findings.sort(key=lambda f: (-f.severity, f.kind, f.where))
    new.sort(key=lambda f: (-f.severity, f.kind, f.where))
    report.findings_count = len(findings)
    report.new_count = len(new)
    report.open_count = sum(not finding.is_reviewed for finding in findings)
    outcome = Outcome(report=report, findings=findings, new=new, baseline=previous_id is None)
    if dry_run:
        return outcome
    with transaction.atomic():
        report.finished_at = timezone.now()
        report.save()
        for finding in findings:
            finding.report = report
            finding.save()
        remember_domains(context)
    # After the commit: a mail server that is down loses the mail, not the report (the
    # findings are in the admin either way, and the error goes to the log).
    if mail and new:
        recipients = administrators()
        try:
            send_findings(report, new, recipients)
        except (OSError, smtplib.SMTPException):
            logger.exception("integrity: could not mail the new findings")
            outcome.mail_failed = True
        else:
            outcome.recipients = recipients
            report.mailed_to = len(recipients)
            report.save(update_fields=["mailed_to"])
    return outcome


def remember_domains(context):
    """The outbound domains of this run become those "seen at the last check"."""
    SeenDomain.objects.exclude(domain__in=list(context.domains)).delete()
    known = set(SeenDomain.objects.values_list("domain", flat=True))
    SeenDomain.objects.bulk_create(
        SeenDomain(domain=domain, first_seen=context.now)
        for domain in sorted(context.domains)
        if domain not in known
    )


def administrators() -> list:
    """ADMINS and every active superuser with an email address, each address once."""
    addresses = []
    for entry in settings.ADMINS:
        addresses.append(entry[1] if isinstance(entry, list | tuple) else entry)
    superusers = get_user_model().objects.filter(is_active=True, is_superuser=True)
    addresses += superusers.exclude(email="").order_by("pk").values_list("email", flat=True)
    unique = {}
    for address in addresses:
        unique.setdefault(address.strip().lower(), address.strip())
    return [address for key, address in unique.items() if key]


def site_address(path: str) -> str:
    return settings.SITE_URL + path if path.startswith("/") else path


def send_findings(report, findings, recipients):
    if not recipients:
        return
    # In Indonesian, whatever language the run happened in: the bureau's staff read it.
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "report": report,
            "findings": findings,
            "site_name": settings.SITE_NAME,
            "report_url": site_address(report_admin_path()),
            "links": [site_address(f.admin_url) if f.admin_url else "" for f in findings],
        }
        context["items"] = list(zip(findings, context["links"], strict=True))
        subject = render_to_string("integrity/mail/findings_subject.txt", context)
        body = render_to_string("integrity/mail/findings_body.txt", context)
    send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, recipients)


def report_admin_path():
    return reverse("admin:integrity_report_changelist")


@transaction.atomic
def mark_reviewed(*, findings, user, request=None) -> int:
    """Mark `findings` (a queryset) reviewed by `user`; each is recorded in the audit
    log. Findings already reviewed keep who reviewed them first."""
    now = timezone.now()
    marked = 0
    # Without the admin's joins: PostgreSQL locks no row on the nullable side of one.
    locked = findings.filter(reviewed_at__isnull=True).select_related(None).select_for_update()
    for finding in locked:
        finding.reviewed_by, finding.reviewed_at = user, now
        finding.save(update_fields=["reviewed_by", "reviewed_at"])
        record(
            "integrity.reviewed",
            request=request,
            actor=user,
            target=finding,
            details={"kind": finding.kind, "where": finding.where, "object": finding.object_repr},
        )
        marked += 1
    return marked
