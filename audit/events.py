"""Recording an event that is not a model change: audit.events.record("auth.login", ...)."""

import getpass
import ipaddress
import json

from auditlog.cid import get_cid
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder

from audit.context import current_request
from audit.models import Entry
from humas.clientip import client_ip

# Keys in details whose (text) values are never stored: a password typed, a secret, a token.
SECRET_KEYS = {"password", "key", "secret", "token", "code", "session_key", "session_data"}
SECRET_SUFFIXES = ("password", "_key", "_secret", "_token")
MASK = "********"


def record(
    event: str, *, request=None, actor=None, target=None, details: dict | None = None
) -> None:
    """Write one audit entry for `event` (a dotted name, e.g. "auth.login").

    who: `actor`, or the signed-in user of `request` (or of the request being served);
    where from: the client's address of that request (humas.clientip.client_ip);
    about what: `target`, a model instance (optional); `details`: a JSON-able dict, with
    values under secret-sounding keys (password, secret, token, key, code...) masked.
    """
    if request is None:
        request = current_request.get()
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    entry = Entry(action=Entry.Action.EVENT, event=event[:64], cid=get_cid())
    set_actor(entry, actor)
    set_address(entry, request)
    data = clean_details(details or {})
    if target is not None:
        entry.content_type = ContentType.objects.get_for_model(target)
        entry.object_pk = str(target.pk)
        if isinstance(target.pk, int):
            entry.object_id = target.pk
        entry.object_repr = str(target)[:1000]
    if request is not None and entry.remote_addr is None and client_ip(request):
        # Not an address (REMOTE_ADDR of some servers); kept as text.
        data.setdefault("address", client_ip(request)[:100])
    entry.additional_data = data or None
    entry.save()


def set_actor(entry: Entry, actor) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False) or actor.pk is None:
        return
    entry.actor = actor
    entry.actor_username = actor.get_username()[:150]
    entry.actor_email = (getattr(actor, "email", "") or "")[:254]


def set_address(entry: Entry, request) -> None:
    """The client's address, when it is one (an inet column refuses anything else)."""
    if request is None:
        return
    address = client_ip(request)
    try:
        entry.remote_addr = str(ipaddress.ip_address(address))
    except ValueError:
        entry.remote_addr = None


def clean_details(details: dict) -> dict:
    """`details` as plain JSON, with secret values masked."""
    plain = json.loads(json.dumps(details, cls=DjangoJSONEncoder, default=str))
    return mask(plain)


def mask(value):
    if isinstance(value, dict):
        return {
            key: MASK if is_secret(key) and isinstance(value[key], str) else mask(value[key])
            for key in value
        }
    if isinstance(value, list):
        return [mask(item) for item in value]
    return value


def is_secret(key: str) -> bool:
    key = str(key).lower()
    return key in SECRET_KEYS or key.endswith(SECRET_SUFFIXES)


def system_user() -> str:
    """Who runs a management command, as the operating system knows them (there is no
    signed-in user): for details of events recorded from cron or a shell."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""
