"""On PostgreSQL the database itself keeps the audit log append-only: a trigger refuses
every UPDATE and DELETE of an entry except the retention command's and the emptying of
the actor when a user is deleted (audit/migrations/0002_append_only.py).

These run in the suite's PostgreSQL pass (`.ci/run`, or `DATABASE_URL=postgres://...
make test`); on SQLite they are skipped with that message.
"""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit.events import record
from audit.models import Entry

from .factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: run `.ci/run`, or start PostgreSQL 15 and run "
            "`DATABASE_URL=postgres://USER@HOST:PORT/humas make test`"
        )


def refused(action) -> bool:
    try:
        with transaction.atomic():
            action()
    except DatabaseError as error:
        assert "audit entries cannot be changed or deleted" in str(error)
        return True
    return False


def an_entry(**fields) -> Entry:
    fields.setdefault("event", "auth.login_failed")
    return Entry.objects.create(action=Entry.Action.EVENT, **fields)


def test_the_database_refuses_to_change_an_entry():
    entry = an_entry(remote_addr="198.51.100.9")
    assert refused(lambda: Entry.objects.filter(pk=entry.pk).update(remote_addr="10.0.0.1"))
    entry.event = "auth.login"
    assert refused(entry.save)

    def raw():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_entry SET event = 'x' WHERE id = %s", [entry.pk])

    assert refused(raw)
    entry.refresh_from_db()
    assert (entry.event, entry.remote_addr) == ("auth.login_failed", "198.51.100.9")


def test_the_database_refuses_to_delete_an_entry():
    entry = an_entry()
    assert refused(lambda: Entry.objects.filter(pk=entry.pk).delete())
    assert refused(entry.delete)

    def raw():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_entry")

    assert refused(raw)
    assert Entry.objects.filter(pk=entry.pk).exists()


def test_deleting_a_user_empties_the_actor_and_keeps_the_name():
    user = make_user(username="operator-lama")
    record("export.csv", actor=user)
    user.delete()
    entry = Entry.objects.get(event="export.csv")
    assert entry.actor_id is None and entry.actor_username == "operator-lama"


def test_emptying_the_actor_cannot_smuggle_in_another_change():
    user = make_user()
    record("export.csv", actor=user)
    entry = Entry.objects.get(event="export.csv")
    assert refused(
        lambda: Entry.objects.filter(pk=entry.pk).update(actor=None, actor_username="orang-lain")
    )


def test_prune_audit_deletes_old_entries_and_the_guard_is_back_right_after():
    old = an_entry(timestamp=timezone.now() - timedelta(days=800))
    recent = an_entry()
    call_command("prune_audit", stdout=io.StringIO())
    assert not Entry.objects.filter(pk=old.pk).exists()
    # The flag was local to the command's transaction (here, inside the test's own).
    assert refused(lambda: Entry.objects.filter(pk=recent.pk).delete())
    assert Entry.objects.filter(pk=recent.pk).exists()


def test_the_flag_is_the_only_way_through():
    entry = an_entry()

    def wrong_value():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL humas.audit_retention = 'yes'")
        Entry.objects.filter(pk=entry.pk).delete()

    assert refused(wrong_value)
    assert Entry.objects.filter(pk=entry.pk).exists()
