"""What django-axes counts sign-in failures by, and the second limit read from its counts.

django-axes keeps one row of failures per typed username, address and user agent
(axes.models.AccessAttempt), filled from Django's `user_login_failed` signal: a wrong
password, and a wrong code at the two-factor step, are reported there. It locks a
username + address pair (AXES_LOCKOUT_PARAMETERS) after AXES_FAILURE_LIMIT failures. It
holds one limit only, so the per-address limit across usernames (password spraying) is
read from the same rows here, and enforced by accounts.backends.AddressLimitBackend:
one channel, one counter, two limits.
"""

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.utils import timezone

from humas.clientip import address_group, client_ip


def lockout_username(request, credentials):
    """The name django-axes counts failures for: one account's one identity ("user:<pk>"),
    whether it was typed as its email address or its username, in any letter case, with
    spaces around; so failing by email and then trying the username meets the same lock.

    What names no account is counted as typed (trimmed, lower-cased): it locks the same
    way after the same number of failures, and costs the same one indexed query, so the
    lock tells nobody which names exist.
    """
    typed = (credentials or {}).get("username") or request.POST.get("username") or ""
    typed = typed.strip()
    # django-axes asks several times per attempt (is it locked, count, lock, reset).
    known = request.__dict__.setdefault("_lockout_usernames", {})
    if typed not in known:
        known[typed] = _account_identity(typed)
    return known[typed]


def _account_identity(typed: str) -> str:
    if not typed:
        return ""
    User = get_user_model()
    # As accounts.backends.EmailOrUsernameBackend reads what was typed: with an "@" it is
    # an email address (unique whatever the case), otherwise a username.
    if "@" in typed:
        matches = User._default_manager.filter(email__iexact=typed)
    else:
        matches = User._default_manager.filter(username__iexact=typed)
    accounts = list(matches.values_list("pk", "username")[:10])
    exact = [pk for pk, username in accounts if username == typed]
    if exact:
        return f"user:{exact[0]}"
    if len(accounts) == 1:
        return f"user:{accounts[0][0]}"
    # None, or usernames that differ only in letter case and none typed exactly.
    return typed.lower()


def lockout_address(request, *args, **kwargs) -> str:
    """The address django-axes counts failures for: the client's (humas/clientip.py, so
    proxies are handled once), an IPv6 one as the first address of its /64, since a
    subscriber gets a whole /64 and picks addresses in it at will."""
    return address_group(client_ip(request)).removesuffix("/64")


def address_failures(request) -> int:
    """Failed sign-ins from the request's address, for any username, within the cool-off.

    A row counts while its last failure is within AXES_COOLOFF_TIME, which is also how
    long django-axes keeps it; refused attempts count too (django-axes records them,
    AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT), so an address that keeps trying stays
    refused until it has been quiet for a cool-off.
    """
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return (
        AccessAttempt.objects.filter(
            ip_address=lockout_address(request), attempt_time__gt=since
        ).aggregate(failures=Sum("failures_since_start"))["failures"]
        or 0
    )
