"""Staff accounts: created, given more rights or a new password since the last check,
and without a second factor while one is required.

Each report keeps a snapshot of every staff account; this run's is compared with the
last one. The snapshot holds a SHA-256 of the stored password hash, never the hash: it
only shows that the hash changed. A hash also changes when Django re-hashes a password
at sign-in after an upgrade raised its iterations; the finding says when the hashing
setting changed with it. The first check only takes the snapshot.
"""

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from django_otp import user_has_device

from ..models import Finding
from .registry import Issue, check


def password_scheme(encoded: str) -> str:
    """The algorithm and its work factor ("pbkdf2_sha256$1000000"): not secret."""
    parts = (encoded or "").split("$")
    return "$".join(parts[:2]) if len(parts) > 2 else ""


def snapshot(users) -> dict:
    return {
        str(user.pk): {
            "username": user.get_username(),
            "is_active": user.is_active,
            "is_staff": user.is_staff,
            "is_superuser": user.is_superuser,
            "groups": sorted(group.name for group in user.groups.all()),
            "password": hashlib.sha256((user.password or "").encode()).hexdigest(),
            "scheme": password_scheme(user.password),
            "joined": user.date_joined.isoformat(),
        }
        for user in users
    }


def describe(state) -> str:
    rights = [gettext("staff")] if state["is_staff"] else []
    if state["is_superuser"]:
        rights.append(gettext("superuser"))
    if state["groups"]:
        rights.append(gettext("roles: %(roles)s") % {"roles": ", ".join(state["groups"])})
    if not state["is_active"]:
        rights.append(gettext("inactive"))
    return "; ".join(rights)


@check
def staff_accounts(context):
    users = {
        str(user.pk): user
        for user in get_user_model()
        .objects.filter(Q(is_staff=True) | Q(is_superuser=True))
        .prefetch_related("groups")
    }
    context.accounts = snapshot(users.values())
    if context.previous is None:
        return
    since = context.previous.started_at
    # Events, not states: the last report's id in the key makes each its own finding.
    window = context.previous.pk
    for pk, now in context.accounts.items():
        user, before = users[pk], context.previous.accounts.get(pk)
        if before is None:
            joined = parse_datetime(now["joined"])
            created = joined is not None and joined >= since
            yield Issue(
                kind=Finding.Kind.ACCOUNT_CREATED if created else Finding.Kind.ACCOUNT_PROMOTED,
                severity=Finding.Severity.HIGH if now["is_superuser"] else Finding.Severity.MEDIUM,
                obj=user,
                where="is_staff",
                excerpt=describe(now),
                key=(window,),
            )
            continue
        gained = []
        if now["is_superuser"] and not before["is_superuser"]:
            gained.append(gettext("superuser"))
        if now["is_staff"] and not before["is_staff"]:
            gained.append(gettext("staff"))
        if now["is_active"] and not before["is_active"]:
            gained.append(gettext("active again"))
        gained += sorted(set(now["groups"]) - set(before["groups"]))
        if gained:
            yield Issue(
                kind=Finding.Kind.ACCOUNT_PROMOTED,
                severity=(
                    Finding.Severity.HIGH
                    if now["is_superuser"] and not before["is_superuser"]
                    else Finding.Severity.MEDIUM
                ),
                obj=user,
                where="groups",
                excerpt=gettext("now: %(rights)s (new: %(gained)s)")
                % {"rights": describe(now), "gained": ", ".join(gained)},
                key=(window, *gained),
            )
        if now["password"] != before["password"]:
            note = gettext("the password was set or changed")
            if now["scheme"] != before.get("scheme"):
                note += " " + gettext(
                    "(the hashing setting changed too: Django re-hashes a password at "
                    "sign-in after an upgrade, so this may be that)"
                )
            yield Issue(
                kind=Finding.Kind.PASSWORD_CHANGED,
                severity=Finding.Severity.MEDIUM,
                obj=user,
                where="password",
                excerpt=note,
                key=(now["password"],),
            )


@check
def staff_without_second_factor(context):
    if not getattr(settings, "STAFF_2FA_REQUIRED", True):
        return
    exempt = set(getattr(settings, "STAFF_2FA_EXEMPT_GROUPS", []))
    staff = get_user_model().objects.filter(is_active=True, is_staff=True)
    for user in staff.prefetch_related("groups"):
        if exempt & {group.name for group in user.groups.all()}:
            continue
        if user_has_device(user, confirmed=True):
            continue
        yield Issue(
            kind=Finding.Kind.NO_2FA,
            severity=Finding.Severity.HIGH if user.is_superuser else Finding.Severity.MEDIUM,
            obj=user,
            where="two-factor",
            excerpt=describe(snapshot([user])[str(user.pk)]),
        )
