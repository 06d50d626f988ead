"""The audit log records each staff action through the interface that makes it: sign-in,
failed sign-in, lockout, sign-out, model changes in the admin with the fields changed,
publish and takedown, comment moderation, groups and permissions, exports, imports and
settings; and nothing when a reader reads."""

import io
import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import Client

from articles.models import Article, Comment, SiteSettings
from audit.events import record
from audit.models import Entry

from .factories import make_article, make_category, make_reader, make_user
from .test_admin import gallery_management
from .test_pages import make_page, page_form, page_roles  # noqa: F401 - a fixture
from .test_queries import BROWSER, COUNTED

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("roles")]

PASSWORD = "kata-sandi-yang-panjang-sekali"
OFFICE = "203.0.113.7"


def staff(role, **fields):
    user = make_user(is_staff=True, password=PASSWORD, **fields)
    user.groups.add(Group.objects.get(name=role))
    return user


def logged_in(user):
    client = Client(REMOTE_ADDR=OFFICE)
    client.force_login(user)
    return client


@pytest.fixture
def editor():
    return staff("Editor", username="editor", email="editor@jatengprov.go.id")


@pytest.fixture
def admin(db):
    return staff("Admin", username="admin-humas", email="admin@jatengprov.go.id")


def entries(**filters):
    return list(Entry.objects.filter(**filters).order_by("pk"))


def only(**filters):
    found = entries(**filters)
    assert len(found) == 1, found
    return found[0]


def everything_recorded() -> str:
    return json.dumps(
        list(Entry.objects.values("changes", "additional_data", "object_repr", "changes_text")),
        default=str,
    )


def admin_form_data(client, url) -> dict:
    """What the admin's change form would post back unchanged."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        bound = form[name]
        widget = bound.field.widget
        value = bound.value()
        if hasattr(widget, "widgets"):  # split date and time
            parts = widget.decompress(value) if not isinstance(value, list) else value
            for i, part in enumerate(parts):
                data[f"{name}_{i}"] = "" if part is None else str(part)
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = str(value)
    return data


# -- signing in and out ------------------------------------------------------------------


def test_signing_in_through_the_login_form_is_recorded_with_who_and_where(client):
    reader = make_reader(username="ani", email="ani@example.com", password=PASSWORD)
    response = client.post(
        "/akun/masuk/", {"username": "ani@example.com", "password": PASSWORD}, REMOTE_ADDR=OFFICE
    )
    assert response.status_code == 302
    entry = only(event="auth.login")
    assert (entry.actor, entry.actor_username, entry.actor_email) == (
        reader,
        "ani",
        "ani@example.com",
    )
    assert entry.remote_addr == OFFICE
    assert entry.admin_url() == f"/admin/accounts/user/{reader.pk}/change/"
    # The sign-in's last_login is not a change of the account of its own.
    assert not entries(action=Entry.Action.UPDATE, object_pk=str(reader.pk))


def test_the_address_is_the_one_our_proxy_saw_not_what_the_client_wrote(client, settings):
    settings.BEHIND_PROXY = True
    settings.PROXY_COUNT = 1
    make_reader(email="ani@example.com", password=PASSWORD)
    client.post(
        "/akun/masuk/",
        {"username": "ani@example.com", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.20",  # 1.2.3.4 is the client's own claim
    )
    assert only(event="auth.login").remote_addr == "198.51.100.20"


def test_a_forwarded_value_that_is_not_an_address_is_recorded_as_the_proxys(rf, settings):
    """A misconfigured proxy could pass anything on; the address column takes only
    addresses (PostgreSQL's inet refuses the rest): client_ip falls back to the proxy's."""
    settings.BEHIND_PROXY = True
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="<script>")
    record("export.csv", request=request)
    entry = only(event="export.csv")
    assert entry.remote_addr == "10.0.0.2" and entry.additional_data is None


def test_a_request_without_an_address_is_recorded_without_one(rf):
    """A server on a Unix socket may give no REMOTE_ADDR at all."""
    record("export.csv", request=rf.get("/", REMOTE_ADDR=""))
    entry = only(event="export.csv")
    assert entry.remote_addr is None and entry.additional_data is None


def test_a_failed_sign_in_records_the_name_typed_never_the_password(client):
    make_reader(email="ani@example.com", password=PASSWORD)
    client.post(
        "/akun/masuk/",
        {"username": "ani@example.com", "password": "tebakan-rahasia-123"},
        REMOTE_ADDR=OFFICE,
    )
    entry = only(event="auth.login_failed")
    assert entry.additional_data == {"username": "ani@example.com"}
    assert entry.actor is None and entry.remote_addr == OFFICE
    assert "tebakan-rahasia-123" not in everything_recorded()


def test_five_failures_lock_out_and_the_lockout_is_recorded(client):
    make_user(username="editor", password=PASSWORD, is_staff=True)
    for _ in range(5):
        response = client.post(
            "/akun/masuk/", {"username": "editor", "password": "salah"}, REMOTE_ADDR=OFFICE
        )
    assert response.status_code == 429
    assert len(entries(event="auth.login_failed")) == 5
    lockout = only(event="auth.lockout")
    assert lockout.additional_data["username"] == "editor"
    assert lockout.remote_addr == OFFICE


def test_signing_out_is_recorded(client):
    reader = make_reader(password=PASSWORD)
    client.force_login(reader)
    client.post("/akun/keluar/")
    assert only(event="auth.logout").actor == reader


def test_a_staff_password_known_to_an_attacker_opens_nothing_and_leaves_a_trace(client, settings):
    """The takeover drill, as the audit log sees it: the right password and no code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.STAFF_2FA_REQUIRED = True
    victim = make_user(username="redaktur", password=PASSWORD, is_staff=True, is_superuser=True)
    TOTPDevice.objects.create(user=victim, name="default", confirmed=True)
    attacker = "198.51.100.66"
    response = client.post(
        "/akun/masuk/", {"username": "redaktur", "password": PASSWORD}, REMOTE_ADDR=attacker
    )
    assert response.status_code == 200  # the code step
    assert client.get("/admin/", REMOTE_ADDR=attacker).status_code == 302  # still closed
    asked = only(event="auth.second_factor_asked")
    assert asked.object_pk == str(victim.pk) and asked.remote_addr == attacker
    assert asked.actor is None and asked.additional_data == {"username": "redaktur"}
    # A guessed code is a failed sign-in with the name typed; no sign-in is recorded.
    client.post(
        "/akun/masuk/",
        {"login_view-current_step": "token", "token-otp_token": "000000"},
        REMOTE_ADDR=attacker,
    )
    failed = only(event="auth.login_failed")
    assert failed.additional_data == {"username": "redaktur"} and failed.remote_addr == attacker
    assert not entries(event="auth.login")


def test_adding_and_removing_a_second_factor_is_recorded_and_its_key_never_is():
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = make_user(username="editor", is_staff=True)
    device = TOTPDevice.objects.create(user=user, name="Ponsel", confirmed=True)
    enrol = only(event="otp.enrol")
    assert enrol.object_pk == str(user.pk) and enrol.additional_data["device"] == "TOTPDevice"
    created = only(action=Entry.Action.CREATE, content_type__model="totpdevice")
    assert created.changes["key"] == ["None", "********"]
    assert device.key not in everything_recorded()

    # Signing in with a code updates the device's bookkeeping: no entry for that.
    code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    assert device.verify_token(code)
    assert not entries(action=Entry.Action.UPDATE, content_type__model="totpdevice")

    device.delete()
    removed = only(event="otp.removed")
    assert removed.object_pk == str(user.pk)
    assert removed.additional_data == {"device": "TOTPDevice", "name": "Ponsel"}


# -- model changes in the admin ----------------------------------------------------------


def test_creating_changing_and_deleting_an_article_in_the_admin_is_recorded(editor):
    client = logged_in(editor)
    category = make_category(name="Ekonomi")
    form = {
        "title": "UMKM Naik Kelas",
        "dateline": "SEMARANG",
        "lead": "Ringkasan",
        "body": "<p>Isi.</p>",
        "category": category.pk,
        "tags": "umkm",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "slug": "",
        "workflow_comment": "",
        "takedown_reason": "",
        **gallery_management(),
    }
    response = client.post("/admin/articles/article/add/", form, HTTP_X_CORRELATION_ID="palsu")
    assert response.status_code == 302
    article = Article.objects.get(title="UMKM Naik Kelas")
    created = only(action=Entry.Action.CREATE, object_pk=str(article.pk), object_repr=article.title)
    assert created.actor == editor and created.remote_addr == OFFICE
    assert created.changes["title"] == ["None", "UMKM Naik Kelas"]

    # One request, one correlation id (made by the server: a client's header is ignored).
    assert created.cid and len(created.cid) == 32 and created.cid != "palsu"
    same_request = {e.cid for e in entries(content_type__model__in=["article", "taggeditem"])}
    assert same_request == {created.cid}

    form.update(title="UMKM Jateng Naik Kelas", slug=article.slug, author=editor.pk)
    url = f"/admin/articles/article/{article.pk}/change/"
    assert client.post(url, form).status_code == 302
    changed = only(action=Entry.Action.UPDATE, content_type__model="article")
    assert changed.changes == {"title": ["UMKM Naik Kelas", "UMKM Jateng Naik Kelas"]}
    assert changed.actor_username == "editor" and changed.remote_addr == OFFICE
    assert changed.admin_url() == url

    delete_url = f"/admin/articles/article/{article.pk}/delete/"
    assert client.post(delete_url, {"post": "yes"}).status_code == 302
    deleted = only(action=Entry.Action.DELETE, content_type__model="article")
    assert deleted.actor == editor and deleted.object_repr == "UMKM Jateng Naik Kelas"
    assert deleted.admin_url() == ""  # the object is gone: no link to a missing page


def test_publishing_and_taking_down_an_article_are_events_with_the_fields_changed(editor):
    from .test_workflow import article_form

    client = logged_in(editor)
    article = make_article(status="review", author=editor)
    url = f"/admin/articles/article/{article.pk}/change/"
    assert client.post(url, article_form(article, status="published")).status_code == 302
    published = only(event="article.publish")
    assert published.changes["status"] == ["review", "published"]
    assert published.actor == editor and published.object_repr == article.title

    response = client.post(
        url,
        article_form(article, status="unpublished", takedown_reason="Data belum terverifikasi"),
    )
    assert response.status_code == 302
    takedown = only(event="article.unpublish")
    assert takedown.changes["status"] == ["published", "unpublished"]
    assert takedown.changes["takedown_reason"][1] == "Data belum terverifikasi"


@pytest.mark.usefixtures("page_roles")
def test_publishing_and_unpublishing_a_page_are_events(editor):
    client = logged_in(editor)
    page = make_page(title="Kontak", status="review")
    url = f"/admin/pages/page/{page.pk}/change/"
    assert client.post(url, page_form(page, status="published")).status_code == 302
    published = only(event="page.publish")
    assert published.changes["status"] == ["review", "published"]
    assert published.actor == editor and published.admin_url() == url
    page.refresh_from_db()
    assert client.post(url, page_form(page, status="unpublished")).status_code == 302
    assert only(event="page.unpublish").changes["status"] == ["published", "unpublished"]


def test_bulk_publish_and_unpublish_leave_one_event_per_article(editor):
    articles = [make_article(status="review") for _ in range(2)]
    client = logged_in(editor)
    ids = [a.pk for a in articles]
    client.post("/admin/articles/article/", {"action": "publish_selected", "_selected_action": ids})
    client.post(
        "/admin/articles/article/", {"action": "unpublish_selected", "_selected_action": ids}
    )
    assert sorted(int(e.object_pk) for e in entries(event="article.publish")) == sorted(ids)
    assert sorted(int(e.object_pk) for e in entries(event="article.unpublish")) == sorted(ids)
    changes = entries(event__in=("article.publish", "article.unpublish"))
    assert {e.actor for e in changes} == {editor}


def test_comment_moderation_is_recorded(editor):
    article = make_article()
    reader = make_reader()
    waiting = [
        Comment.objects.create(article=article, user=reader, body=f"Komentar {i}") for i in range(3)
    ]
    client = logged_in(editor)
    client.post(
        "/admin/articles/comment/",
        {"action": "approve", "_selected_action": [waiting[0].pk]},
    )
    approved = only(event="comment.approve")
    assert approved.actor == editor and approved.object_pk == str(waiting[0].pk)
    assert approved.changes["status"] == ["pending", "approved"]

    client.post(
        "/admin/articles/comment/",
        {"action": "hide", "_selected_action": [waiting[1].pk], "reason": "Menghina", "apply": "1"},
    )
    assert [e.object_pk for e in entries(event="comment.reject")] == [str(waiting[1].pk)]

    delete_url = f"/admin/articles/comment/{waiting[2].pk}/delete/"
    assert client.post(delete_url, {"post": "yes"}).status_code == 302
    assert only(event="comment.delete").object_repr == str(waiting[2])


def test_a_groups_permissions_changed_in_the_admin_are_recorded(client, admin_user):
    client.force_login(admin_user)
    group = Group.objects.create(name="Humas Kabupaten")
    publish = Permission.objects.get(codename="publish_article")
    url = f"/admin/auth/group/{group.pk}/change/"
    response = client.post(url, {"name": "Humas Kabupaten", "permissions": [publish.pk]})
    assert response.status_code == 302
    entry = only(event="group.permissions")
    assert entry.changes["permissions"]["operation"] == "add"
    assert entry.changes["permissions"]["objects"] == [str(publish)]
    assert entry.actor == admin_user


def test_making_someone_staff_and_setting_their_password_are_recorded(client, admin_user):
    client.force_login(admin_user)
    user = make_user(username="calon-editor", password=PASSWORD)
    url = f"/admin/accounts/user/{user.pk}/change/"
    data = admin_form_data(client, url)
    data.update(is_staff="on", groups=[Group.objects.get(name="Editor").pk])
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    changes = {}
    for entry in entries(event="user.access"):
        changes.update(entry.changes)
    assert changes["is_staff"] == ["False", "True"]
    assert changes["groups"]["objects"] == ["Editor"]

    password_url = f"/admin/accounts/user/{user.pk}/password/"
    new = "sandi-baru-yang-panjang-9"
    response = client.post(password_url, {"password1": new, "password2": new})
    assert response.status_code == 302
    entry = only(event="user.password")
    assert entry.changes["password"] == ["********", "********"]
    user.refresh_from_db()
    assert user.password not in everything_recorded()
    assert user.password[20:] not in everything_recorded()  # not even half of the hash


def test_changing_the_site_settings_is_recorded(client, admin_user):
    client.force_login(admin_user)
    SiteSettings.objects.get_or_create(pk=1)
    url = "/admin/articles/sitesettings/1/change/"
    data = admin_form_data(client, url)
    data["phone"] = "(024) 3546 000"
    assert client.post(url, data).status_code == 302
    entry = only(action=Entry.Action.UPDATE, content_type__model="sitesettings")
    assert entry.changes == {"phone": ["(024) 8311174", "(024) 3546 000"]}
    assert entry.actor == admin_user


# -- exports and imports -----------------------------------------------------------------


def test_the_most_read_csv_export_is_recorded(editor):
    client = logged_in(editor)
    response = client.get(
        "/admin/articles/article/terpopuler/",
        {"start": "2026-01-01", "end": "2026-01-31", "format": "csv"},
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    entry = only(event="export.csv")
    assert entry.actor == editor and entry.remote_addr == OFFICE
    assert entry.additional_data["report"] == "most_read"
    assert entry.additional_data["start"] == "2026-01-01"


def test_a_reader_downloading_their_own_data_is_recorded(client):
    reader = make_reader()
    client.force_login(reader)
    assert client.get("/akun/profil/data/").status_code == 200
    assert only(event="export.account_data").actor == reader


def test_a_wordpress_import_is_one_event_with_its_counts(tmp_path):
    export = Path(__file__).parent / "data" / "wordpress" / "humas-export.xml"
    call_command("import_wordpress", str(export), stdout=io.StringIO(), stderr=io.StringIO())
    assert Article.objects.count() == 7
    entry = only(event="import.wordpress")
    assert entry.additional_data["counts"]["posts imported (published)"] == 2
    assert entry.additional_data["export"] == "humas-export.xml"
    # Thousands of imported rows do not each write an entry.
    assert Entry.objects.count() == 1


def test_a_wordpress_dry_run_records_nothing():
    export = Path(__file__).parent / "data" / "wordpress" / "humas-export.xml"
    call_command(
        "import_wordpress", str(export), dry_run=True, stdout=io.StringIO(), stderr=io.StringIO()
    )
    assert not Entry.objects.exists()


# -- what is not recorded ----------------------------------------------------------------


def test_every_model_is_watched_but_bookkeeping():
    from auditlog.registry import auditlog
    from django.apps import apps

    watched = {model._meta.label for model in auditlog.get_models()}
    for label in (
        "accounts.User", "auth.Group", "articles.Article", "articles.Comment",
        "articles.SiteSettings", "articles.Photo", "pages.Page", "documents.Document",
        "videos.Video", "menus.MenuItem", "otp_totp.TOTPDevice",
    ):  # fmt: skip
        assert label in watched, label
    for label in (
        "sessions.Session", "humas.Throttle", "humas.PageVersion", "axes.AccessAttempt",
        "axes.AccessLog", "axes.AccessFailureLog", "articles.ViewMark", "articles.ViewAddress",
        "articles.ArticleDailyViews", "documents.DownloadMark", "admin.LogEntry", "audit.Entry",
        "auditlog.LogEntry",
    ):  # fmt: skip
        assert label not in watched, label
    fields = auditlog.get_model_fields(apps.get_model("accounts.User"))
    assert "last_login" in fields["exclude_fields"] and "password" in fields["mask_fields"]
    assert auditlog._registry[apps.get_model("accounts.User")]["m2m_fields"] == {
        "groups",
        "user_permissions",
    }


def test_a_reader_reading_an_article_writes_no_entry_and_costs_no_query(
    client, settings, django_assert_max_num_queries
):
    settings.VIEW_COUNTER_BACKEND = "db"
    version = 0 if settings.REDIS_URL else 1
    article = make_article()
    before = Entry.objects.count()  # the test's own setup
    url = article.get_absolute_url()
    client.get(url, HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.1")  # kept, then counted
    with django_assert_max_num_queries(version + COUNTED):
        response = client.get(url, HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.2")
    assert response.status_code == 200
    assert Entry.objects.count() == before


def test_pruning_old_view_marks_writes_no_entry(settings, django_assert_num_queries):
    """The counters' housekeeping deletes thousands of rows: one DELETE, no entries."""
    from datetime import timedelta

    from django.utils import timezone

    from articles.models.views import ViewAddress, ViewMark

    settings.VIEW_COUNTER_BACKEND = "db"
    article = make_article()
    before = Entry.objects.count()
    old = timezone.now() - timedelta(days=2)
    for n in range(3):
        ViewMark.objects.create(article=article, reader=f"r{n}", seen_at=old)
        ViewAddress.objects.create(article=article, address=f"203.0.113.{n}", window_start=old)
    with django_assert_num_queries(2):  # a fast delete each, nothing fetched row by row
        call_command("flush_views", stdout=io.StringIO())
    assert not ViewMark.objects.exists()
    assert Entry.objects.count() == before


# -- record() ----------------------------------------------------------------------------


def test_record_masks_secrets_in_details_and_keeps_the_rest(rf):
    request = rf.get("/", REMOTE_ADDR=OFFICE)
    request.user = make_user(username="operator")
    record(
        "integrity.reviewed",
        request=request,
        details={"password": "rahasia", "otp_key": "JBSW", "count": 3, "nested": {"token": "x"}},
    )
    entry = only(event="integrity.reviewed")
    assert entry.additional_data == {
        "password": "********",
        "otp_key": "********",
        "count": 3,
        "nested": {"token": "********"},
    }
    assert entry.actor_username == "operator" and entry.remote_addr == OFFICE


def test_an_entry_keeps_who_it_was_after_the_user_is_deleted(client, admin_user):
    operator = make_user(username="operator-lama", email="lama@jatengprov.go.id")
    record("export.csv", actor=operator, details={"report": "most_read"})
    client.force_login(admin_user)
    response = client.post(f"/admin/accounts/user/{operator.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    entry = only(event="export.csv")
    assert entry.actor is None
    assert (entry.actor_username, entry.actor_email) == ("operator-lama", "lama@jatengprov.go.id")
    assert only(action=Entry.Action.DELETE, object_repr=str(operator)).actor == admin_user
    assert not get_user_model().objects.filter(username="operator-lama").exists()
