"""Subscribing, confirming, unsubscribing, queueing and sending (see mailing/__init__.py)."""

import contextlib
import logging
import smtplib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.db import IntegrityError, connection, transaction
from django.db.models import F, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from humas import throttle
from humas.clientip import address_group, client_ip
from humas.links import absolute_url

from . import registry
from .models import UNSUBSCRIBE_SALT, Delivery, Subscriber

logger = logging.getLogger(__name__)

CONFIRM_SALT = "mailing.confirm"
ONE_CLICK = "List-Unsubscribe=One-Click"


class SubscribeRefused(Exception):
    """Too many subscriptions from one address, or for one email: `message` says so."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# Subscribing


def subscribe(*, list_key, email, user=None, options=None, consent_text, request) -> None:
    """Ask `email` to confirm its subscription to `list_key` (double opt-in).

    The visitor learns nothing about the address from what follows: a new or
    unconfirmed subscription (or one that ended) gets the confirmation mail, a confirmed
    one a "you are already subscribed" mail, and the caller shows the same page either
    way. Nothing about a confirmed subscription changes here: someone else typing its
    address must not change what its owner receives.
    """
    email = email.strip()
    address = address_group(client_ip(request))
    if not throttle.hit(
        f"mailing-subscribe:{address}",
        limit=settings.MAILING_SUBSCRIBES_PER_ADDRESS_PER_HOUR,
        window_seconds=3600,
    ):
        raise SubscribeRefused(_("Too many subscriptions from your network. Try again later."))
    if not throttle.hit(
        f"mailing-subscribe-email:{email.lower()}",
        limit=settings.MAILING_SUBSCRIBES_PER_EMAIL_PER_DAY,
        window_seconds=24 * 3600,
    ):
        raise SubscribeRefused(
            _("Too many subscription requests for this address today. Try again tomorrow.")
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            subscriber = (
                Subscriber.objects.select_for_update()
                .filter(list_key=list_key, email__iexact=email)
                .first()
            )
            if subscriber is not None and subscriber.is_active:
                template = "already_subscribed"
            else:
                template = "confirm"
                subscriber = subscriber or Subscriber(list_key=list_key, email=email)
                subscriber.user = user if user is not None else subscriber.user
                subscriber.options = options or {}
                subscriber.consent_text = consent_text
                subscriber.consent_at = now
                subscriber.language = translation.get_language() or ""
                subscriber.save()
    except IntegrityError:
        # Someone subscribed the same address at the same moment: theirs gets the mail.
        return
    context = {"subscriber": subscriber, "list_title": registry.title(list_key)}
    if template == "confirm":
        token = confirm_token(subscriber)
        context["confirm_url"] = absolute_url(
            request, reverse("mailing:confirm", kwargs={"token": token})
        )
        context["days"] = settings.MAILING_CONFIRM_DAYS
    context["unsubscribe_url"] = absolute_url(request, subscriber.unsubscribe_path())
    send_notice(template, subscriber=subscriber, context=context)


def confirm_token(subscriber) -> str:
    return signing.dumps(
        {"s": subscriber.pk, "e": subscriber.email.lower(), "t": int(time.time())},
        salt=CONFIRM_SALT,
    )


def subscriber_to_confirm(token) -> Subscriber | None:
    """The subscription a confirmation link is for, or None when the link is forged,
    older than MAILING_CONFIRM_DAYS, for an address since changed, or older than the
    subscriber's unsubscribe (an old link must not undo a later "stop")."""
    try:
        data = signing.loads(
            token, salt=CONFIRM_SALT, max_age=settings.MAILING_CONFIRM_DAYS * 24 * 3600
        )
    except signing.BadSignature:
        return None
    subscriber = Subscriber.objects.filter(pk=data.get("s")).first()
    if subscriber is None or subscriber.email.lower() != data.get("e"):
        return None
    if subscriber.unsubscribed_at and subscriber.unsubscribed_at.timestamp() > data.get("t", 0):
        return None
    return subscriber


def confirm(subscriber) -> None:
    """Start the subscription (a second confirmation changes nothing)."""
    if subscriber.is_active:
        return
    subscriber.confirmed_at = timezone.now()
    subscriber.unsubscribed_at = None
    subscriber.save(update_fields=["confirmed_at", "unsubscribed_at"])


def subscriber_to_unsubscribe(token) -> Subscriber | None:
    """The subscription an unsubscribe link is for (the link never expires), or None."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Subscriber.objects.filter(pk=data.get("s")).first()


def unsubscribe(subscriber) -> None:
    """End the subscription at once; again, it changes nothing (RFC 8058 asks idempotence)."""
    if subscriber.unsubscribed_at is None:
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["unsubscribed_at"])


# Mail


def list_headers(subscriber, unsubscribe_url=None) -> dict:
    """RFC 2369 and RFC 8058 headers: mail programs show an "unsubscribe" button that
    POSTs to the link, and Gmail and Yahoo require them of bulk senders."""
    url = unsubscribe_url or subscriber.unsubscribe_url()
    links = [f"<{url}>"]
    if settings.MAILING_UNSUBSCRIBE_MAILTO:
        links.append(f"<mailto:{settings.MAILING_UNSUBSCRIBE_MAILTO}?subject=unsubscribe>")
    return {"List-Unsubscribe": ", ".join(links), "List-Unsubscribe-Post": ONE_CLICK}


def prepare(message: EmailMessage, subscriber) -> EmailMessage:
    """Address a rendered mail to its subscriber, with the list's headers, whatever the
    renderer set."""
    message.to = [subscriber.email]
    message.cc = []
    message.bcc = []
    message.from_email = message.from_email or settings.DEFAULT_FROM_EMAIL
    message.extra_headers = {**message.extra_headers, **list_headers(subscriber)}
    return message


def send_notice(template, *, subscriber, context) -> bool:
    """A confirmation or "already subscribed" mail, sent now; never raises (a mail server
    that is down must not become a 500, nor tell the visitor anything)."""
    context = {"site_name": settings.SITE_NAME, **context}
    subject = render_to_string(f"mailing/email/{template}_subject.txt", context)
    body = render_to_string(f"mailing/email/{template}_body.txt", context)
    message = EmailMultiAlternatives(
        " ".join(subject.split()),
        body,
        settings.DEFAULT_FROM_EMAIL,
        [subscriber.email],
        headers=list_headers(subscriber, context.get("unsubscribe_url")),
    )
    try:
        message.send()
    except Exception:
        logger.exception("could not send the %s mail", template)
        return False
    return True


# Queueing and sending


def enqueue(*, list_key, message_key, recipients: Iterable[Subscriber] | None = None) -> int:
    """Queue `message_key` for the list's active subscribers (or those of `recipients`
    that are); returns how many deliveries were added. The (subscriber, message key)
    constraint makes a second call add only those not queued before."""
    targets = Subscriber.objects.on_list(list_key).active()
    if isinstance(recipients, QuerySet):
        targets = targets.filter(pk__in=recipients.values("pk"))  # a subquery, any size
    elif recipients is not None:
        targets = targets.filter(pk__in=[getattr(r, "pk", r) for r in recipients])
    ids = list(targets.values_list("pk", flat=True))
    with transaction.atomic():
        before = Delivery.objects.filter(message_key=message_key).count()
        Delivery.objects.bulk_create(
            [Delivery(subscriber_id=pk, message_key=message_key) for pk in ids],
            ignore_conflicts=True,
            batch_size=500,
        )
        return Delivery.objects.filter(message_key=message_key).count() - before


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    returned: int = 0  # put back to pending: the mail server could not be reached
    uncertain: int = 0  # left "sending": the connection broke while it was being sent
    errors: list = field(default_factory=list)

    @property
    def claimed(self):
        return self.sent + self.failed + self.skipped + self.returned + self.uncertain


def claim(batch_size: int, message_key: str | None = None) -> list[Delivery]:
    """Take up to `batch_size` pending deliveries and commit them as "sending" before
    any mail goes out. On PostgreSQL, two senders skip each other's locked rows; SQLite
    takes its write lock at BEGIN (settings.py), so there they take turns."""
    with transaction.atomic():
        pending = Delivery.objects.filter(status=Delivery.Status.PENDING).order_by("pk")
        if message_key is not None:
            pending = pending.filter(message_key=message_key)
        if connection.features.has_select_for_update_skip_locked:
            pending = pending.select_for_update(skip_locked=True)
        ids = list(pending.values_list("pk", flat=True)[:batch_size])
        Delivery.objects.filter(pk__in=ids, status=Delivery.Status.PENDING).update(
            status=Delivery.Status.SENDING,
            claimed_at=timezone.now(),
            attempts=F("attempts") + 1,
        )
    return list(Delivery.objects.filter(pk__in=ids).select_related("subscriber").order_by("pk"))


def mark(delivery, status, error="") -> None:
    delivery.status = status
    delivery.error = error[:2000]
    delivery.sent_at = timezone.now() if status == Delivery.Status.SENT else None
    delivery.save(update_fields=["status", "error", "sent_at"])


def release(report, deliveries, error) -> None:
    """Back to pending: the mail server was not reached, so none of these went out."""
    Delivery.objects.filter(
        pk__in=[d.pk for d in deliveries], status=Delivery.Status.SENDING
    ).update(status=Delivery.Status.PENDING, error=f"mail server: {error}"[:2000])
    report.returned += len(deliveries)
    report.errors.append(f"mail server: {error}")


def send_pending(
    *,
    batch_size: int | None = None,
    render: Callable[[Delivery], EmailMessage] | None = None,
    message_key: str | None = None,
) -> SendReport:
    """Send one batch of pending deliveries over one connection to the mail server.

    At most once: each delivery is committed as "sending" before its mail goes out, and
    marked "sent" right after. A crash in between leaves it "sending", and nothing sends
    it again by itself (staff decide in the admin). A recipient the server refuses is
    marked failed and the batch goes on. When the server cannot be reached, the batch
    goes back to pending for the next run; when the connection breaks mid-batch, the
    mail being sent stays "sending" (it may have arrived) and the rest go back.
    """
    report = SendReport()
    claimed = claim(batch_size or settings.MAILING_BATCH_SIZE, message_key)
    if not claimed:
        return report
    backend = get_connection()
    try:
        backend.open()
    except OSError as error:  # smtplib.SMTPException included
        release(report, claimed, error)
        return report
    try:
        for index, delivery in enumerate(claimed):
            subscriber = delivery.subscriber
            if not subscriber.is_active:
                mark(delivery, Delivery.Status.SKIPPED)
                report.skipped += 1
                continue
            try:
                message = render_one(delivery, render)
            except Exception as error:
                logger.exception("could not render delivery %s", delivery.pk)
                mark(delivery, Delivery.Status.FAILED, f"render: {error!r}")
                report.failed += 1
                continue
            if message is None:
                # The renderer has nothing to send any more (a release withdrawn since).
                mark(delivery, Delivery.Status.SKIPPED, "nothing to send")
                report.skipped += 1
                continue
            try:
                backend.send_messages([prepare(message, subscriber)])
            except smtplib.SMTPRecipientsRefused as error:
                # A bounce at the door: this one fails, the others still get theirs.
                mark(delivery, Delivery.Status.FAILED, smtp_error(error))
                report.failed += 1
                report.errors.append(smtp_error(error))
            except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
                # The server refused this message, and answered: it did not take it.
                mark(delivery, Delivery.Status.FAILED, smtp_error(error))
                report.failed += 1
                report.errors.append(smtp_error(error))
            except OSError as error:
                # The connection broke (smtplib.SMTPServerDisconnected, a reset, a
                # timeout). This mail may have reached the server just before: it stays
                # "sending" for staff to decide, the rest wait for the next run.
                delivery.error = f"connection lost while sending, may have arrived: {error}"
                delivery.save(update_fields=["error"])
                report.uncertain += 1
                release(report, claimed[index + 1 :], error)
                break
            else:
                mark(delivery, Delivery.Status.SENT)
                report.sent += 1
    finally:
        with contextlib.suppress(OSError):
            backend.close()
    return report


def queue_due() -> None:
    """Let each list enqueue what has come due (its `queue` hook); one list's failure
    does not keep the others' mail from going out."""
    for mailing_list in registry.all_lists():
        if mailing_list.queue is None:
            continue
        try:
            mailing_list.queue()
        except Exception:
            logger.exception("could not queue the due mail of list %s", mailing_list.key)


def render_one(delivery, render=None) -> EmailMessage | None:
    if render is None:
        mailing_list = registry.get(delivery.subscriber.list_key)
        if mailing_list is None:
            raise LookupError(f"no renderer for list {delivery.subscriber.list_key!r}")
        render = mailing_list.render
    language = delivery.subscriber.language or settings.LANGUAGE_CODE
    with translation.override(language):
        return render(delivery)


def smtp_error(error) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{address}: {code} {reply.decode(errors='replace')}"
            for address, (code, reply) in error.recipients.items()
        )
    return f"{type(error).__name__}: {error}"
