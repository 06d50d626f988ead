# ruff: noqa: S608 - SQL built from our own model's table name only; every value is a parameter.
"""Registering a request for information: its number, its deadline, its first step
and the applicant's mail, all or nothing; and the housekeeping of identity scans."""

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from articles.models import SiteSettings
from audit.events import record
from humas import throttle
from humas.clientip import address_group, client_ip
from humas.links import absolute_url

from .models import ANSWER_WORKING_DAYS, InformationRequest, RequestCounter, RequestStep
from .workdays import add_working_days

logger = logging.getLogger(__name__)


class RequestRefused(Exception):
    """A request not taken, with the message for the applicant and the HTTP status."""

    def __init__(self, message, code, status=429):
        super().__init__(message)
        self.message, self.code, self.status = message, code, status


def take_number(key: str) -> int:
    """The next number of the counter `key` (1 for a new key), in one statement: two
    transactions asking at once each get their own, as the row's update serialises
    them (PostgreSQL: a row lock; SQLite: one writer at a time)."""
    table = RequestCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, last) VALUES (%s, 1) "
            f"ON CONFLICT (key) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [key],
        )
        (number,) = cursor.fetchone()
    return number


def request_number(year: int) -> str:
    """PPID-2026-00123: the year's own sequence, counted from 1 each year (WIB). Easy to
    read out on the phone and to type, and sorts in order."""
    return f"PPID-{year}-{take_number(f'permohonan-{year}'):05d}"


def register_request(
    *,
    request,
    applicant_kind: str,
    name: str,
    nik: str,
    organisation: str = "",
    address: str,
    phone: str,
    email: str,
    information: str,
    purpose: str,
    receive_method: str,
    copy_method: str,
    id_scan=None,
    id_scan_kind: str = "",
) -> InformationRequest:
    """Register a request from the public form (values already cleaned by RequestForm),
    or raise RequestRefused (rate limits).

    One transaction: the limits' counts, the number, the row with its scan, the first
    step and the audit entry stand or fall together, and a scan written to disk by a
    transaction that then fails is deleted again. The applicant's mail leaves after the
    commit; a mail server that is down loses the mail (logged), never the request.
    """
    address_key = address_group(client_ip(request))
    info = None
    try:
        with transaction.atomic():
            # Counted inside the transaction: a refused or failed request gives its count
            # back, as comments do (articles/comments.py).
            if not throttle.hit(
                f"ppid-request:{address_key}",
                limit=settings.PPID_REQUESTS_PER_ADDRESS_PER_HOUR,
                window_seconds=3600,
            ):
                raise RequestRefused(
                    _(
                        "Too many requests have come from your network in the last hour. "
                        "Please try again later, or contact the PPID directly."
                    ),
                    "address",
                )
            if not throttle.hit(
                f"ppid-request-email:{email.lower()}",
                limit=settings.PPID_REQUESTS_PER_EMAIL_PER_DAY,
                window_seconds=24 * 3600,
            ):
                raise RequestRefused(
                    _(
                        "Too many requests have been sent with this email address today. "
                        "Please try again tomorrow, or contact the PPID directly."
                    ),
                    "email",
                )
            now = timezone.now()
            today = timezone.localdate(now)  # WIB: TIME_ZONE is Asia/Jakarta
            info = InformationRequest(
                number=request_number(today.year),
                registered_at=now,
                due_date=add_working_days(today, ANSWER_WORKING_DAYS),
                applicant_kind=applicant_kind,
                name=name,
                nik=nik,
                organisation=organisation,
                address=address,
                phone=phone,
                email=email,
                information=information,
                purpose=purpose,
                receive_method=receive_method,
                copy_method=copy_method,
            )
            if id_scan is not None:
                # A name of our own: the applicant's file name is theirs, and says nothing.
                info.id_scan = File(id_scan, name=f"{secrets.token_hex(16)}.{id_scan_kind}")
            info.full_clean()
            info.save()  # writes the scan to PRIVATE_MEDIA_ROOT
            RequestStep.objects.create(request=info, status=InformationRequest.Status.RECEIVED)
            record(
                "ppid.request_registered",
                request=request,
                target=info,
                details={"number": info.number, "id_scan": bool(info.id_scan)},
            )
            status_url = absolute_url(
                request, f"{reverse('ppid:status')}?{urlencode({'nomor': info.number})}"
            )
            transaction.on_commit(lambda: send_receipt(info, status_url), robust=True)
    except BaseException:
        if info is not None and info.id_scan.name:
            info.id_scan.storage.delete(info.id_scan.name)
        raise
    return info


def contact() -> dict:
    """The PPID's own contact (PPID_CONTACT_*), each part the site's where not set."""
    site = SiteSettings.current()
    return {
        "email": settings.PPID_CONTACT_EMAIL or site["email"],
        "phone": settings.PPID_CONTACT_PHONE or site["phone"],
        "address": settings.PPID_CONTACT_ADDRESS or site["address"],
        "hours": settings.PPID_SERVICE_HOURS,
    }


def send_receipt(info: InformationRequest, status_url: str) -> bool:
    """Mail the applicant the number, the due date and the status page; never raises."""
    context = {
        "info": info,
        "status_url": status_url,
        "site_name": settings.SITE_NAME,
        "contact": contact(),
    }
    subject = render_to_string("ppid/email/request_received_subject.txt", context)
    body = render_to_string("ppid/email/request_received_body.txt", context)
    message = EmailMultiAlternatives(
        " ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [info.email]
    )
    try:
        message.send()
    except Exception:
        logger.exception("could not mail the receipt of request %s", info.number)
        return False
    return True


def expired_id_scans(now=None):
    """Requests whose identity scan has been kept PPID_ID_RETENTION_DAYS days after the
    request ended: closed, or answered when nobody closed it. A scan stays while an
    objection against the request is open: it may be needed there."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.PPID_ID_RETENTION_DAYS)
    return (
        InformationRequest.objects.exclude(id_scan="")
        .filter(
            Q(closed_at__lt=cutoff)
            | Q(
                closed_at__isnull=True,
                status=InformationRequest.Status.ANSWERED,
                answered_at__lt=cutoff,
            )
        )
        .exclude(objections__status__in=("received", "in_progress"))
        .only("pk", "number", "id_scan")
    )


def delete_id_scan(info: InformationRequest, *, now=None) -> None:
    """Forget the scan: the row first, the file once that is committed (a file left by
    a crash is an orphan the next run removes; a row pointing at nothing would not be)."""
    name = info.id_scan.name
    storage = info.id_scan.storage
    with transaction.atomic():
        InformationRequest.objects.filter(pk=info.pk).update(
            id_scan="", id_scan_deleted_at=now or timezone.now()
        )
        transaction.on_commit(lambda: storage.delete(name))
