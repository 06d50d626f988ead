"""Second-factor writes: the mailed enrolment code, an administrator's reset, turning it
off, and the mail that tells the account's owner each time a factor is added or removed.

Adding and removing a device is audited by the audit app's device signals (otp.enrol,
otp.removed); a reset is recorded here (otp.reset), with the sessions it ended.
"""

import secrets
import time

from django.db import transaction
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice
from two_factor.plugins.webauthn.models import WebauthnDevice

from audit.events import record
from humas import throttle
from humas.clientip import client_ip
from humas.links import absolute_url

from .. import emails
from ..sessions import end_sessions

ENROL_CODE_KEY = "twofactor_enrol_code"
ENROL_CONFIRMED_KEY = "twofactor_enrol_confirmed"
ENROL_CODE_SECONDS = 15 * 60  # a mailed code is good this long
ENROL_CONFIRMED_SECONDS = 30 * 60  # and the enrolment it opens must be finished in this
ENROL_CODE_TRIES = 5  # wrong codes before it is void
ENROL_CODES_PER_HOUR = 5  # mails per account


def send_enrol_code(*, request) -> bool:
    """Mail the signed-in user a one-time code that lets this session enrol a second factor.

    A session without a second factor is only as good as the password: if the password
    leaked, whoever holds it could enrol an authenticator of their own and keep the
    account. The code proves the mailbox too, and the mail warns the owner. False when
    too many codes were sent this hour (nothing is sent).
    """
    user = request.user
    if not throttle.hit(f"enrol-code:{user.pk}", limit=ENROL_CODES_PER_HOUR, window_seconds=3600):
        return False
    code = f"{secrets.randbelow(10**8):08d}"
    request.session[ENROL_CODE_KEY] = {
        "user": user.pk,
        "hash": _code_hash(user, code),
        "expires": time.time() + ENROL_CODE_SECONDS,
        "tries": 0,
    }
    emails.send(
        "otp_enrol_code",
        to=user.email,
        context={
            "user": user,
            "code": code,
            "minutes": ENROL_CODE_SECONDS // 60,
            "address": client_ip(request),
            "reset_url": absolute_url(request, reverse("password_reset")),
        },
    )
    return True


def check_enrol_code(*, request, code: str) -> bool:
    """Whether `code` is the one mailed to this session's user; a right code opens
    enrolment for ENROL_CONFIRMED_SECONDS, and ENROL_CODE_TRIES wrong ones void it."""
    pending = request.session.get(ENROL_CODE_KEY)
    user = request.user
    if not pending or pending["user"] != user.pk or pending["expires"] < time.time():
        return False
    if constant_time_compare(pending["hash"], _code_hash(user, code.strip())):
        del request.session[ENROL_CODE_KEY]
        request.session[ENROL_CONFIRMED_KEY] = {
            "user": user.pk,
            "until": time.time() + ENROL_CONFIRMED_SECONDS,
        }
        return True
    pending["tries"] += 1
    if pending["tries"] >= ENROL_CODE_TRIES:
        del request.session[ENROL_CODE_KEY]
    else:
        request.session[ENROL_CODE_KEY] = pending
    return False


def enrol_code_pending(request) -> bool:
    pending = request.session.get(ENROL_CODE_KEY)
    return bool(pending) and pending["user"] == request.user.pk


def enrolment_open(request) -> bool:
    """Whether this session may enrol a second factor: it gave one already (adding
    another), or it confirmed a mailed code a short while ago."""
    if request.user.is_verified():
        return True
    confirmed = request.session.get(ENROL_CONFIRMED_KEY)
    return (
        bool(confirmed)
        and confirmed["user"] == request.user.pk
        and confirmed["until"] >= time.time()
    )


def close_enrolment(request) -> None:
    request.session.pop(ENROL_CONFIRMED_KEY, None)


def _code_hash(user, code: str) -> str:
    return salted_hmac("accounts.twofactor.enrol_code", f"{user.pk}:{code}").hexdigest()


@transaction.atomic
def reset_second_factor(*, user, request) -> dict:
    """An administrator's reset (a lost phone): every device of `user` goes, and every
    session of theirs ends, so the next sign-in enrols again (with a mailed code)."""
    devices = list(devices_for_user(user, confirmed=None))
    for device in devices:
        device.delete()
    ended = end_sessions(user)
    result = {"devices": len(devices), "sessions_ended": ended}
    record("otp.reset", request=request, target=user, details=result)
    if user.email:
        emails.send(
            "otp_reset",
            to=user.email,
            context={"user": user, "login_url": absolute_url(request, reverse("login"))},
        )
    return result


@transaction.atomic
def turn_off(*, user, request) -> None:
    """The owner turns two-step sign-in off for their own account."""
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    if user.email:
        emails.send(
            "otp_removed",
            to=user.email,
            context={
                "user": user,
                "address": client_ip(request),
                "reset_url": absolute_url(request, reverse("password_reset")),
            },
        )


def mail_on_enrolment(sender, instance, created, raw=False, **kwargs):
    """Tell the owner whenever an authenticator is added to their account, whoever added
    it (themselves, or an administrator in the admin)."""
    if not created or raw or not instance.confirmed or not instance.user.email:
        return
    emails.send("otp_enrolled", to=instance.user.email, context={"user": instance.user})


def connect_signals() -> None:
    for model in (TOTPDevice, WebauthnDevice):
        post_save.connect(mail_on_enrolment, sender=model, dispatch_uid=f"otp_enrol_mail_{model}")
