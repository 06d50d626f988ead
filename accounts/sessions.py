"""Signed-in sessions: where and when each is used, staff sessions' limits, ending them.

A session holds its own two timestamps (signed in, last seen), so checking a staff
session's limits costs no query. The last-seen time is written to the session and to the
user's UserSession row: for staff at most once a minute (STAFF_SEEN_WRITE_SECONDS; their
idle limit is counted from it), for readers at most once an hour
(READER_SEEN_WRITE_SECONDS). A signed-in reader's page view therefore reads only the
session and the user, as before, and writes two rows once an hour of reading. Measured
with `make bench` (every request a different signed-in reader): writing them once a
minute cost the logged-in article page 40% of its throughput, since a reader is rarely
seen twice in one minute but usually is within an hour of signing in.
"""

import ipaddress
import re
import time
from datetime import UTC, datetime
from importlib import import_module

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.utils.translation import gettext as _

from humas.clientip import client_ip

from .models import UserSession

SIGNED_IN_KEY = "_signed_in_at"
SEEN_KEY = "_seen_at"
STAFF_SEEN_WRITE_SECONDS = 60
READER_SEEN_WRITE_SECONDS = 3600


def session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def end_sessions(user, *, keep_session_key: str | None = None) -> int:
    """End every session of `user` but the kept one; how many were ended.

    Each is deleted from the session store itself (the database, and the cache in front
    of it with cached_db), so its cookie opens nothing from the next request on.
    """
    rows = UserSession.objects.filter(user=user)
    if keep_session_key:
        rows = rows.exclude(session_key=keep_session_key)
    keys = list(rows.values_list("session_key", flat=True))
    store = session_store()()
    for key in keys:
        store.delete(key)
    UserSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


def rekey(old_key: str | None, new_key: str | None) -> None:
    """The session got a new key (Django cycles it when the password changes)."""
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


def active_sessions(user) -> list[UserSession]:
    """The user's sessions that still open something, most recently used first; rows of
    sessions that ended on their own (expired, or a staff session's limits) go."""
    rows = list(UserSession.objects.filter(user=user).order_by("-last_seen"))
    store = session_store()()
    now = time.time()
    alive, dead = [], []
    for row in rows:
        over = user.is_staff and limits_passed(
            signed_in=row.created_at.timestamp(), seen=row.last_seen.timestamp(), now=now
        )
        (dead if over or not store.exists(row.session_key) else alive).append(row)
    if dead:
        UserSession.objects.filter(pk__in=[row.pk for row in dead]).delete()
    return alive


def listing(user, *, current_key: str | None) -> list[dict]:
    """The profile's list: device, last seen, masked address, and which is this one."""
    return [
        {
            "device": describe_device(row.user_agent),
            "last_seen": row.last_seen,
            "place": masked_address(row.address),
            "current": row.session_key == current_key,
        }
        for row in active_sessions(user)
    ]


def limits_passed(*, signed_in: float, seen: float, now: float) -> bool:
    """Whether a staff session is over: idle too long, or signed in too long ago.

    `seen` is written at most once a minute for staff, so a session may end up to a minute before
    its idle time is quite up, never after.
    """
    idle = settings.STAFF_SESSION_IDLE_MINUTES * 60
    longest = settings.STAFF_SESSION_MAX_HOURS * 3600
    return now - seen > idle or now - signed_in > longest


@receiver(user_logged_in, dispatch_uid="accounts_session_started")
def started(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):  # a login outside a request
        return
    now = time.time()
    request.session[SIGNED_IN_KEY] = now
    request.session[SEEN_KEY] = now
    if request.session.session_key is None:
        request.session.save()
    when = _datetime(now)
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
            "address": client_ip(request)[:64],
            "created_at": when,
            "last_seen": when,
        },
    )


@receiver(user_logged_out, dispatch_uid="accounts_session_ended")
def ended(sender, request, user, **kwargs):
    if request is not None and request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()


class SessionActivityMiddleware:
    """Ends a staff session idle for STAFF_SESSION_IDLE_MINUTES or signed in more than
    STAFF_SESSION_MAX_HOURS ago (to the login, to come back); notes when a session was
    last seen, at most once a minute."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            session = request.session
            now = time.time()
            signed_in, seen = session.get(SIGNED_IN_KEY), session.get(SEEN_KEY)
            if signed_in is None or seen is None:
                # Signed in before sessions were tracked: tracked from now on.
                signed_in, seen = now, 0.0
                session[SIGNED_IN_KEY] = now
            elif request.user.is_staff and limits_passed(signed_in=signed_in, seen=seen, now=now):
                logout(request)
                messages.info(request, _("Your session has ended. Please sign in again."))
                return redirect_to_login(request.get_full_path())
            every = STAFF_SEEN_WRITE_SECONDS if request.user.is_staff else READER_SEEN_WRITE_SECONDS
            if now - seen >= every:
                session[SEEN_KEY] = now
                seen_now(request, now)
        return self.get_response(request)


def seen_now(request, now: float) -> None:
    values = {
        "last_seen": _datetime(now),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        "address": client_ip(request)[:64],
    }
    key = request.session.session_key
    if not UserSession.objects.filter(session_key=key).update(**values):
        signed_in = request.session.get(SIGNED_IN_KEY, now)
        UserSession.objects.create(
            session_key=key, user=request.user, created_at=_datetime(signed_in), **values
        )


def _datetime(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=UTC)


# What the profile shows of a session: a readable device and a masked address.

BROWSERS = (
    ("Edg/", "Edge"),
    ("EdgA/", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("UCBrowser/", "UC Browser"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
)
SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
)


def describe_device(user_agent: str) -> str:
    """ "Chrome, Android" from a user agent; an unknown one is named as unknown. Browsers
    name several others for compatibility (Chrome says "Safari"), so the first match in
    BROWSERS, which lists the specific ones first, wins."""
    browser = next((name for token, name in BROWSERS if token in user_agent), "")
    system = next((name for token, name in SYSTEMS if token in user_agent), "")
    if re.search(r"HeadlessChrome/", user_agent):
        browser = "Chrome"
    parts = [part for part in (browser, system) if part]
    return ", ".join(parts) if parts else _("Unknown browser")


def masked_address(address: str) -> str:
    """Enough of the address to recognise a network, not a subscriber: 36.72.x.x."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return _("unknown")
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.version == 4:
        first, second, _third, _fourth = str(ip).split(".")
        return f"{first}.{second}.x.x"
    groups = ip.exploded.split(":")
    return f"{int(groups[0], 16):x}:{int(groups[1], 16):x}:x:x:x:x:x:x"
