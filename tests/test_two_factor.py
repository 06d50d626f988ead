"""Two-factor sign-in through the test client: staff give a code after the password, the
admin never opens without one, the code step is under the same lockout as the password,
recovery codes work once, enrolment needs a code mailed to the account, and an
administrator's reset ends the user's sessions and is audited."""

import base64
import re
import subprocess
import sys
from datetime import timedelta
from io import StringIO

import pyotp
import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import URLResolver
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from two_factor.plugins.webauthn.models import WebauthnDevice

from audit.models import Entry

from .factories import make_article, make_reader, make_user
from .live import BASE_DIR, site_env

pytestmark = pytest.mark.django_db
PASSWORD = "kopi-tubruk-semarang-2026"
ADDRESS = "198.51.100.20"
LOGIN = "/akun/masuk/"


@pytest.fixture(autouse=True)
def _two_factor_required(settings):
    settings.STAFF_2FA_REQUIRED = True


def make_staff(**fields):
    fields.setdefault("is_staff", True)
    return make_user(password=PASSWORD, **fields)


def enrol(user):
    """An authenticator app set up for `user`, as the enrolment leaves it."""
    return TOTPDevice.objects.create(user=user, name="default", confirmed=True)


def code(device):
    """What the authenticator app shows now."""
    return pyotp.TOTP(base64.b32encode(bytes.fromhex(device.key)).decode()).now()


def password_step(client, username, password=PASSWORD, next_url="/admin/", ip=ADDRESS):
    return client.post(
        f"{LOGIN}?next={next_url}",
        {"login_view-current_step": "auth", "username": username, "password": password},
        REMOTE_ADDR=ip,
    )


def code_step(client, token, next_url="/admin/", ip=ADDRESS, step="token"):
    return client.post(
        f"{LOGIN}?next={next_url}",
        {"login_view-current_step": step, f"{step}-otp_token": token},
        REMOTE_ADDR=ip,
    )


def verified_client(user, device=None):
    """A client signed in as `user` in a session that gave its second factor."""
    client = Client()
    client.force_login(user)
    device = device or enrol(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def a_while_ago():
    """The clock moved on past django-otp's wait after wrong codes (it doubles with each)."""
    TOTPDevice.objects.update(throttling_failure_timestamp=timezone.now() - timedelta(hours=1))


def signed_in(client):
    return "_auth_user_id" in client.session


def test_without_the_variable_staff_must_use_two_factors(tmp_path):
    env = site_env(tmp_path, DEBUG="true")
    env.pop("STAFF_2FA_REQUIRED")
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings;"
         " print(settings.STAFF_2FA_REQUIRED, settings.STAFF_2FA_EXEMPT_GROUPS)"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert result.stdout.split() == ["True", "[]"]


def test_staff_with_a_device_cannot_open_the_admin_with_the_password_alone(client):
    staff = make_staff(username="redaktur", is_superuser=True)
    enrol(staff)
    response = password_step(client, "redaktur")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kode dari aplikasi autentikator" in page and 'name="token-otp_token"' in page
    assert not signed_in(client)
    assert client.get("/admin/")["Location"] == "/admin/login/?next=/admin/"
    assert client.get("/admin/login/?next=/admin/")["Location"] == f"{LOGIN}?next=/admin/"
    # Nor by skipping the code: posting the last step, or asking for the step after it.
    assert code_step(client, "").status_code == 200
    client.post(LOGIN, {"login_view-current_step": "token", "wizard_goto_step": "backup"})
    client.post(LOGIN, {"login_view-current_step": "backup", "backup-otp_token": ""})
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302


def test_password_and_code_open_the_admin(client):
    staff = make_staff(username="redaktur", is_superuser=True)
    device = enrol(staff)
    password_step(client, "redaktur")
    token = code(device)
    response = code_step(client, token)
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    # The code was used: replayed in another sign-in, it opens nothing.
    other = Client()
    password_step(other, "redaktur")
    assert code_step(other, token).status_code == 200
    assert not signed_in(other)


def test_a_wrong_code_is_a_failed_sign_in_and_five_lock_the_account_out(client):
    staff = make_staff(username="redaktur")
    device = enrol(staff)
    password_step(client, "redaktur")
    wrong = code_step(client, "000000")
    assert wrong.status_code == 200
    assert "Kode salah atau sudah kedaluwarsa." in wrong.content.decode()
    for _ in range(3):
        # (django-otp also makes the device wait a little longer after each wrong code.)
        assert code_step(client, "000000").status_code == 200
    locked = code_step(client, "000000")
    assert locked.status_code == 429
    assert "Terlalu banyak percobaan" in locked.content.decode()
    # Locked: the right code opens nothing, nor does the password step again.
    assert code_step(client, code(device)).status_code == 429
    assert password_step(client, "redaktur").status_code == 429
    assert not signed_in(client)
    # Elsewhere the owner still signs in, once the device's own wait is over.
    a_while_ago()
    owner = Client()
    password_step(owner, "redaktur", ip="203.0.113.77")
    assert code_step(owner, code(device), ip="203.0.113.77")["Location"] == "/admin/"


def test_wrong_passwords_and_wrong_codes_share_one_counter(client):
    staff = make_staff(username="redaktur")
    enrol(staff)
    for _ in range(3):
        assert password_step(client, "redaktur", password="salah").status_code == 200
    password_step(client, "redaktur")
    assert code_step(client, "111111").status_code == 200
    assert code_step(client, "222222").status_code == 429


def test_a_name_locked_out_meanwhile_cannot_pass_the_code_step(client):
    """The lockout is checked before the code: a password given before the lockout began
    does not let the code through after."""
    staff = make_staff(username="redaktur")
    device = enrol(staff)
    password_step(client, "redaktur")
    attacker = Client()
    for _ in range(5):
        password_step(attacker, "redaktur", password="tebakan")
    response = code_step(client, code(device))
    assert response.status_code == 429
    assert not signed_in(client)


def test_an_address_over_its_limit_across_names_cannot_pass_the_code_step(client, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    staff = make_staff(username="redaktur")
    device = enrol(staff)
    password_step(client, "redaktur")
    sprayer = Client()
    for name in ("ani", "budi", "citra"):
        password_step(sprayer, name, password="Rahasia123")
    assert code_step(client, code(device)).status_code == 429
    assert not signed_in(client)


def test_a_recovery_code_signs_in_once(client):
    staff = make_staff(username="redaktur")
    enrol(staff)
    backup = StaticDevice.objects.create(user=staff, name="backup")
    backup.token_set.create(token="abcd2345")
    backup.token_set.create(token="efgh6789")
    password_step(client, "redaktur")
    page = client.post(
        LOGIN, {"login_view-current_step": "token", "wizard_goto_step": "backup"}
    ).content.decode()
    assert "Kode pemulihan" in page
    assert code_step(client, "abcd2345", step="backup")["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200

    again = Client()
    password_step(again, "redaktur")
    again.post(LOGIN, {"login_view-current_step": "token", "wizard_goto_step": "backup"})
    assert code_step(again, "abcd2345", step="backup").status_code == 200
    assert not signed_in(again)
    assert list(StaticToken.objects.values_list("token", flat=True)) == ["efgh6789"]


def test_staff_without_a_verified_session_are_sent_to_enrol_or_to_give_the_code(client):
    article = make_article()
    newcomer = make_staff(username="baru")
    client.force_login(newcomer)
    for path in ("/admin/", "/", article.get_absolute_url(), "/akun/profil/", "/admin/logout/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/akun/dua-langkah/pasang/?next="), path
    enrol(newcomer)
    response = client.get("/admin/articles/article/")
    assert (
        response["Location"]
        == "/akun/dua-langkah/verifikasi/?next=%2Fadmin%2Farticles%2Farticle%2F"
    )
    # What stays open: the steps themselves, signing out, static files, the language.
    assert client.get("/akun/dua-langkah/verifikasi/").status_code == 200
    assert client.get("/bahasa/en/?next=/").status_code == 302
    assert client.post("/akun/keluar/")["Location"] == "/"


def admin_paths():
    """Every address of the admin, each parameter filled with a stand-in ("1")."""

    def walk(patterns, prefix):
        for entry in patterns:
            route = str(entry.pattern).removeprefix("^").removesuffix("$")
            if "app_label" in route:  # the app index: a pattern of the apps' labels
                route = "accounts/"
            route = re.sub(r"<(?:\w+:)?\w+>|\(\?P<\w+>[^)]*\)", "1", route)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + route)
            else:
                yield prefix + route

    return sorted(set(walk(admin.site.get_urls(), "/admin/")))


def test_every_admin_address_sends_staff_without_a_second_factor_away():
    paths = admin_paths()
    assert len(paths) > 60  # every model's add, change, delete, history, and ours
    assert "/admin/accounts/user/1/dua-langkah/reset/" in paths
    unenrolled = Client()
    unenrolled.force_login(make_staff(username="redaktur", is_superuser=True))
    editor = make_staff(username="editor", is_superuser=True)
    enrol(editor)
    unverified = Client()
    unverified.force_login(editor)
    for path in paths:
        for client, step in ((unenrolled, "pasang"), (unverified, "verifikasi")):
            for method in (client.get, client.post):
                response = method(path)
                assert response.status_code == 302, (path, method)
                assert response["Location"].startswith(f"/akun/dua-langkah/{step}/"), path


def test_a_verified_staff_session_opens_the_admin():
    staff = make_staff(username="redaktur", is_superuser=True)
    client = verified_client(staff)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200


def test_an_exempt_group_signs_in_with_the_password_and_only_that_group(settings):
    settings.STAFF_2FA_EXEMPT_GROUPS = ["Kontributor Daerah"]
    contributors = Group.objects.create(name="Kontributor Daerah")
    other_group = Group.objects.create(name="Editor Daerah")
    exempt = make_staff(username="kontributor", is_superuser=True)
    exempt.groups.add(contributors)
    not_exempt = make_staff(username="editor", is_superuser=True)
    not_exempt.groups.add(other_group)

    client = Client()
    assert password_step(client, "kontributor")["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    client = Client()
    assert password_step(client, "editor")["Location"] == "/admin/"
    assert client.get("/admin/")["Location"].startswith("/akun/dua-langkah/pasang/")
    settings.STAFF_2FA_EXEMPT_GROUPS = []
    client = Client()
    password_step(client, "kontributor")
    assert client.get("/admin/")["Location"].startswith("/akun/dua-langkah/pasang/")


def test_with_the_requirement_off_staff_sign_in_with_the_password(client, settings):
    settings.STAFF_2FA_REQUIRED = False
    make_staff(username="redaktur", is_superuser=True)
    assert password_step(client, "redaktur")["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def enrol_through_the_site(client, user):
    """The whole enrolment as a person does it; returns the secret the page showed."""
    response = client.get("/akun/dua-langkah/pasang/?next=/admin/")
    assert response["Location"] == "/akun/dua-langkah/konfirmasi-email/?next=%2Fadmin%2F"
    page = client.get(response["Location"]).content.decode()
    assert "u***@" in page or "***@" in page
    client.post("/akun/dua-langkah/konfirmasi-email/?next=/admin/", {"send": "1"})
    mailed = re.search(r"^(\d{8})$", mail.outbox[-1].body, re.M).group(1)
    response = client.post("/akun/dua-langkah/konfirmasi-email/?next=/admin/", {"code": mailed})
    assert response["Location"] == "/akun/dua-langkah/pasang/?next=%2Fadmin%2F"
    client.get(response["Location"])
    client.post("/akun/dua-langkah/pasang/?next=/admin/", {"setup_view-current_step": "welcome"})
    page = client.post(
        "/akun/dua-langkah/pasang/?next=/admin/",
        {"setup_view-current_step": "method", "method-method": "generator"},
    ).content.decode()
    secret = re.search(r'<code id="secret-key">([A-Z2-7]+)</code>', page).group(1)
    assert '<img src="/akun/dua-langkah/pasang/kode-qr/"' in page
    qr = client.get("/akun/dua-langkah/pasang/kode-qr/")
    assert qr["Content-Type"].startswith("image/svg+xml")
    response = client.post(
        "/akun/dua-langkah/pasang/?next=/admin/",
        {"setup_view-current_step": "generator", "generator-token": pyotp.TOTP(secret).now()},
    )
    assert response["Location"] == "/akun/dua-langkah/pasang/selesai/?next=%2Fadmin%2F"
    return secret


def test_first_enrolment_needs_the_code_mailed_to_the_account(client):
    staff = make_staff(username="redaktur", email="redaktur@humas.example.go.id")
    client.force_login(staff)
    # Without the mailed code, the enrolment does not open.
    assert client.get("/akun/dua-langkah/pasang/")["Location"].startswith(
        "/akun/dua-langkah/konfirmasi-email/"
    )
    client.post("/akun/dua-langkah/konfirmasi-email/", {"send": "1"})
    (message,) = mail.outbox
    assert message.to == ["redaktur@humas.example.go.id"]
    assert "kata sandi Anda" in message.body
    wrong = client.post("/akun/dua-langkah/konfirmasi-email/", {"code": "12345678"})
    assert wrong.status_code == 400
    assert client.get("/akun/dua-langkah/pasang/")["Location"].startswith(
        "/akun/dua-langkah/konfirmasi-email/"
    )
    assert not TOTPDevice.objects.exists()

    mail.outbox.clear()
    secret = enrol_through_the_site(client, staff)
    device = TOTPDevice.objects.get(user=staff)
    assert device.confirmed and pyotp.TOTP(secret).now() == code(device)
    page = client.get("/akun/dua-langkah/pasang/selesai/?next=/admin/").content.decode()
    assert page.count("<li><code>") == 10  # the recovery codes, made with it
    assert client.get("/admin/").status_code == 200
    assert [m.subject for m in mail.outbox][-1].startswith("Verifikasi dua langkah")
    assert Entry.objects.filter(event="otp.enrol", object_pk=str(staff.pk)).exists()


def test_a_mailed_code_is_void_after_five_wrong_tries_and_for_anyone_else(client):
    staff = make_staff(username="redaktur")
    client.force_login(staff)
    client.post("/akun/dua-langkah/konfirmasi-email/", {"send": "1"})
    mailed = re.search(r"^(\d{8})$", mail.outbox[-1].body, re.M).group(1)
    # Another account's session cannot use it.
    intruder = Client()
    intruder.force_login(make_staff(username="penyusup"))
    intruder.post("/akun/dua-langkah/konfirmasi-email/", {"send": "1"})
    assert intruder.post("/akun/dua-langkah/konfirmasi-email/", {"code": mailed}).status_code == 400
    for _ in range(5):
        client.post("/akun/dua-langkah/konfirmasi-email/", {"code": "00000000"})
    response = client.post("/akun/dua-langkah/konfirmasi-email/", {"code": mailed})
    assert response.status_code == 400


def test_staff_without_an_email_address_are_told_an_administrator_must_set_it_up(client):
    staff = make_staff(username="tanpa-email", email="")
    client.force_login(staff)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert "administrator" in response.content.decode()
    assert client.post("/akun/dua-langkah/konfirmasi-email/", {"send": "1"}).status_code == 403
    assert not mail.outbox


def test_a_session_signed_in_without_the_code_gives_it_to_continue(client):
    staff = make_staff(username="redaktur", is_superuser=True)
    device = enrol(staff)
    client.force_login(staff)
    response = client.get("/admin/")
    assert response["Location"] == "/akun/dua-langkah/verifikasi/?next=%2Fadmin%2F"
    wrong = client.post(response["Location"], {"otp_token": "000000"}, REMOTE_ADDR=ADDRESS)
    assert wrong.status_code == 200
    assert "Kode salah atau sudah kedaluwarsa." in wrong.content.decode()
    assert Entry.objects.get(event="auth.login_failed").additional_data["username"] == "redaktur"
    # A recovery code is taken here too.
    backup = StaticDevice.objects.create(user=staff, name="backup")
    backup.token_set.create(token="abcd2345")
    other = Client()
    other.force_login(staff)
    assert other.post(response["Location"], {"otp_token": "abcd2345"})["Location"] == "/admin/"
    a_while_ago()
    right = client.post(response["Location"], {"otp_token": code(device)}, REMOTE_ADDR=ADDRESS)
    assert right["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_staff_cannot_turn_off_their_second_factor_but_a_reader_can(client):
    staff = make_staff(username="redaktur")
    client = verified_client(staff)
    response = client.post("/akun/dua-langkah/matikan/", {"understand": "on"})
    assert response["Location"] == "/akun/dua-langkah/"
    assert TOTPDevice.objects.filter(user=staff).exists()

    reader = make_reader(email="pembaca@example.com")
    client = verified_client(reader)
    response = client.post("/akun/dua-langkah/matikan/", {"understand": "on"})
    assert response["Location"] == "/akun/profil/"
    assert not TOTPDevice.objects.filter(user=reader).exists()
    assert mail.outbox[-1].to == ["pembaca@example.com"]


def test_readers_may_enrol_and_then_sign_in_with_the_code(client):
    reader = make_reader(email="pembaca@example.com", password=PASSWORD)
    client.force_login(reader)
    profile = client.get("/akun/profil/").content.decode()
    assert 'href="/akun/dua-langkah/"' in profile  # optional: nothing sends them there
    enrol_through_the_site(client, reader)
    client.post("/akun/keluar/")
    assert password_step(client, "pembaca@example.com", next_url="/").status_code == 200
    assert not signed_in(client)
    device = TOTPDevice.objects.get(user=reader)
    assert code_step(client, code(device), next_url="/")["Location"] == "/"


def test_an_administrator_resets_a_lost_phone_ending_the_users_sessions(client):
    chief = make_staff(username="kepala", is_superuser=True)
    admin_client = verified_client(chief)
    staff = make_staff(username="redaktur", email="redaktur@humas.example.go.id")
    device = enrol(staff)
    StaticDevice.objects.create(user=staff, name="backup").token_set.create(token="abcd2345")
    staff_browser = verified_client(staff, device)
    assert staff_browser.get("/akun/profil/").status_code == 200
    url = f"/admin/accounts/user/{staff.pk}/dua-langkah/reset/"
    change_page = admin_client.get(f"/admin/accounts/user/{staff.pk}/change/").content.decode()
    assert url in change_page
    confirm = admin_client.get(url)
    assert confirm.status_code == 200 and TOTPDevice.objects.filter(user=staff).exists()
    response = admin_client.post(url)
    assert response["Location"] == f"/admin/accounts/user/{staff.pk}/change/"
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert not StaticDevice.objects.filter(user=staff).exists()
    assert staff_browser.get("/akun/profil/")["Location"].startswith(LOGIN)
    entry = Entry.objects.get(event="otp.reset")
    assert (entry.actor, entry.object_pk) == (chief, str(staff.pk))
    assert entry.additional_data["sessions_ended"] == 1
    assert mail.outbox[-1].to == ["redaktur@humas.example.go.id"]
    assert admin_client.get("/admin/").status_code == 200  # the administrator's stays


def test_only_administrators_with_the_permission_reset_and_never_a_superusers(client):
    target = make_staff(username="redaktur")
    enrol(target)
    superuser = make_staff(username="kepala", is_superuser=True)
    enrol(superuser)
    user_admin = make_staff(username="pengelola")
    user_admin.user_permissions.add(
        Permission.objects.get(codename="change_user"),
        Permission.objects.get(codename="view_user"),
    )
    client = verified_client(user_admin)
    url = f"/admin/accounts/user/{target.pk}/dua-langkah/reset/"
    assert client.post(url).status_code == 403
    user_admin.user_permissions.add(Permission.objects.get(codename="reset_second_factor"))
    assert client.get(f"/admin/accounts/user/{superuser.pk}/dua-langkah/reset/").status_code == 403
    assert client.post(f"/admin/accounts/user/{superuser.pk}/dua-langkah/reset/").status_code == 403
    assert TOTPDevice.objects.filter(user=superuser).exists()
    # Their own: through their profile, not this page.
    assert (
        client.post(f"/admin/accounts/user/{user_admin.pk}/dua-langkah/reset/").status_code == 403
    )
    # Without the CSRF token nothing happens either.
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.cookies = client.cookies
    assert csrf_client.post(url).status_code == 403
    assert TOTPDevice.objects.filter(user=target).exists()
    assert client.post(url).status_code == 302
    assert not TOTPDevice.objects.filter(user=target).exists()


def test_takeover_drill_a_leaked_staff_password_opens_no_admin_and_is_in_the_audit_log(client):
    """An attacker holds the password of an enrolled editor: every way in stays shut and
    every attempt is recorded."""
    editor = make_staff(username="redaktur", is_superuser=True)
    enrol(editor)
    attacker = Client(REMOTE_ADDR="203.0.113.66")
    response = attacker.post(
        "/admin/login/", {"username": "redaktur", "password": PASSWORD}, follow=True
    )
    assert not signed_in(attacker)
    for guess in ("123456", "000000", "111111", "654321", "999999"):
        password_step(attacker, "redaktur", ip="203.0.113.66")
        response = code_step(attacker, guess, ip="203.0.113.66")
    assert response.status_code == 429
    for path in ("/admin/", "/admin/accounts/user/", "/admin/articles/article/add/"):
        assert attacker.get(path)["Location"].startswith("/admin/login/")
    failures = Entry.objects.filter(event="auth.login_failed")
    assert failures.count() == 5
    assert {e.additional_data["username"] for e in failures} == {"redaktur"}
    assert {e.remote_addr for e in failures} == {"203.0.113.66"}
    assert Entry.objects.filter(event="auth.lockout").exists()
    assert not Entry.objects.filter(event="auth.login").exists()
    staff_page = make_article(status="draft")
    assert attacker.get(f"/admin/articles/article/{staff_page.pk}/change/").status_code == 302


def test_the_demo_site_says_that_two_factor_sign_in_is_off_and_how_to_turn_it_on(settings):
    run = re.search(r"^run:.*?(?=^\S)", (BASE_DIR / "Makefile").read_text(), re.M | re.S).group()
    assert run.count("STAFF_2FA_REQUIRED=false") == 2  # seed_demo and runserver
    settings.STAFF_2FA_REQUIRED = False
    out = StringIO()
    call_command("seed_demo", stdout=out)
    printed = out.getvalue()
    login = printed.index("Demo staff login")
    assert printed.index("Two-factor sign-in is OFF on this demo site") > login
    assert "STAFF_2FA_REQUIRED=true" in printed
    settings.STAFF_2FA_REQUIRED = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "Demo staff login" in out.getvalue() and "OFF" not in out.getvalue()


def passkey(user):
    """A passkey as the enrolment leaves it (its key is never checked here: every answer
    below is refused before that)."""
    return WebauthnDevice.objects.create(
        user=user, name="default", confirmed=True, public_key="pQ", key_handle="a2V5", sign_count=0
    )


def test_a_passkey_is_asked_for_and_a_refused_answer_is_a_failed_sign_in(client):
    staff = make_staff(username="redaktur", is_superuser=True)
    passkey(staff)
    page = password_step(client, "redaktur").content.decode()
    assert "Peramban Anda kini meminta kunci sandi" in page
    assert '<script src="/akun/dua-langkah/webauthn/get_credential.js"' in page
    script = client.get("/akun/dua-langkah/webauthn/get_credential.js")
    assert script["Content-Type"].startswith("text/javascript")
    assert b"allowCredentials" in script.content
    forged = code_step(
        client,
        '{"id": "a2V5", "rawId": "a2V5", "type": "public-key", "response": {"clientDataJSON":'
        ' "e30", "authenticatorData": "AAAA", "signature": "AAAA", "userHandle": null}}',
    )
    assert forged.status_code == 200
    assert "Kunci sandi tidak diterima" in forged.content.decode()
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302
    assert Entry.objects.get(event="auth.login_failed").additional_data["username"] == "redaktur"
    # The page can ask again (a new challenge), and a replayed post is refused, not a 500.
    assert client.get("/akun/dua-langkah/webauthn/get_credential.js").status_code == 200
    for _ in range(2):
        assert code_step(client, "bukan-json").status_code == 200
    assert not signed_in(client)


def test_a_session_without_the_passkey_is_sent_to_sign_in_again(client):
    staff = make_staff(username="redaktur", is_superuser=True)
    passkey(staff)
    client.force_login(staff)
    verify = client.get("/admin/")["Location"]
    assert verify.startswith("/akun/dua-langkah/verifikasi/")
    assert client.get(verify)["Location"] == f"{LOGIN}?next=/admin/"
    assert not signed_in(client)


def test_a_passkey_the_browser_did_not_make_is_refused_at_enrolment(client):
    staff = make_staff(username="redaktur")
    client.force_login(staff)
    client.post("/akun/dua-langkah/konfirmasi-email/", {"send": "1"})
    mailed = re.search(r"^(\d{8})$", mail.outbox[-1].body, re.M).group(1)
    client.post("/akun/dua-langkah/konfirmasi-email/", {"code": mailed})
    setup = "/akun/dua-langkah/pasang/"
    client.get(setup)
    client.post(setup, {"setup_view-current_step": "welcome"})
    page = client.post(
        setup, {"setup_view-current_step": "method", "method-method": "webauthn"}
    ).content.decode()
    assert '<script src="/akun/dua-langkah/webauthn/create_credential.js"' in page
    assert client.get("/akun/dua-langkah/webauthn/create_credential.js").status_code == 200
    well_formed = (
        '{"id": "AAAA", "rawId": "AAAA", "type": "public-key",'
        ' "response": {"clientDataJSON": "e30", "attestationObject": "oA"}}'
    )
    for token in ("bukan-json", '{"id": "x", "type": "public-key", "response": {}}', well_formed):
        response = client.post(
            setup, {"setup_view-current_step": "webauthn", "webauthn-token": token}
        )
        assert response.status_code == 200
        assert "Peramban tidak membuat kunci sandi" in response.content.decode()
    assert not WebauthnDevice.objects.exists()
    assert client.get("/akun/dua-langkah/webauthn/create_credential.js").status_code == 200
