"""Helpers for the agenda's tests: times in WIB, events and coverage, the agenda's
permissions on the newsroom's roles, and staff in a role."""

from datetime import datetime, timedelta
from importlib import import_module
from itertools import count

from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from agenda.models import Coverage, Event

from .factories import make_user

WIB = timezone.get_fixed_timezone(7 * 60)
AGENDA_ROLES_MIGRATION = ("agenda", "0003_roles")
_seq = count(1)


def wib(year, month, day, hour=0, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WIB)


def freeze(monkeypatch, moment: datetime) -> datetime:
    """Now is `moment`, for everything that asks django.utils.timezone."""
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def make_event(start=None, hours=2, **fields) -> Event:
    n = next(_seq)
    fields.setdefault("title", f"Rapat koordinasi nomor {n}")
    fields.setdefault("place", "Gedung Gradhika Bhakti Praja, Semarang")
    fields.setdefault("is_public", True)
    start = start or timezone.now() + timedelta(days=1)
    fields.setdefault("end", start + timedelta(hours=hours))
    leaders = fields.pop("leaders", ())
    event = Event.objects.create(start=start, **fields)
    if leaders:
        event.leaders.add(*leaders)
    return event


def make_coverage(event, **fields) -> Coverage:
    return Coverage.objects.create(event=event, **fields)


def make_staff(group, **fields):
    user = make_user(is_staff=True, **fields)
    user.groups.add(group)
    return user


def with_agenda_permissions(roles):
    """The newsroom's roles (the `roles` fixture) with the agenda's permissions, as
    agenda's migration 0003 grants them; granted again when a transactional test emptied
    the tables (`roles` then makes the groups again without them)."""
    if not roles["Editor"].permissions.filter(codename="assign_coverage").exists():
        state = MigrationLoader(connection).project_state(AGENDA_ROLES_MIGRATION)
        migration = import_module(
            f"{AGENDA_ROLES_MIGRATION[0]}.migrations.{AGENDA_ROLES_MIGRATION[1]}"
        )
        migration.grant(state.apps, None)
    return {name: Group.objects.get(name=name) for name in roles}
