"""Two-factor sign-in in a real browser (Chromium via Playwright), in Indonesian.

A staff member opening the admin is sent to sign in, then (having no second factor yet)
to enrol: a code mailed to them first, then the QR code and the secret on the page, which
an authenticator app (pyotp here, with the secret the page shows) turns into the code
that finishes the enrolment. Signed out, they sign in again with the password and a real
code and reach the admin. Then the takeover drill: someone holding the same password
gets nowhere in the admin, and the attempt is in the audit log.

The site runs in pytest-django's live_server, a thread of this process: the mail it sends
lands in django.core.mail.outbox and its database is the test's.
"""

import re

import pyotp
import pytest
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect
from two_factor.plugins.webauthn.models import WebauthnDevice

from audit.models import Entry

from ..factories import make_user
from .test_accessibility import audit, axe_script, describe  # noqa: F401
from .test_browser_journey import TIMEOUT_MS, browser, label, new_page  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

USERNAME = "redaktur"
EMAIL = "redaktur@humas.example.go.id"
PASSWORD = "kopi-tubruk-semarang-2026"


def sign_in_with_password(page, base, username=USERNAME, password=PASSWORD):
    page.goto(base + "/admin/")
    # The admin's login is the site's.
    expect(page).to_have_url(re.compile(rf"^{re.escape(base)}/akun/masuk/\?next=/admin/$"))
    expect(page.get_by_role("heading", name="Masuk")).to_be_visible()
    page.get_by_label(label("Email")).fill(username)
    page.get_by_label(label("Kata sandi")).fill(password)
    page.get_by_role("button", name="Masuk", exact=True).click()


def start_enrolment(page, base):
    """From the admin's address to the choice of a second factor, through the code mailed
    to the account."""
    sign_in_with_password(page, base)
    expect(page).to_have_url(re.compile(rf"^{re.escape(base)}/akun/dua-langkah/konfirmasi-email/"))
    expect(page.get_by_role("heading", name="Pasang verifikasi dua langkah")).to_be_visible()
    expect(page.get_by_text("r***@humas.example.go.id")).to_be_visible()
    page.get_by_role("button", name="Kirimi saya kode lewat email").click()
    expect(page.get_by_text("Kami telah mengirim kode ke alamat email Anda.")).to_be_visible()
    mailed = re.search(r"^(\d{8})$", mail.outbox[-1].body, re.M).group(1)
    page.get_by_label(label("Kode dari email")).fill(mailed)
    page.get_by_role("button", name="Konfirmasi", exact=True).click()
    expect(page.get_by_text("Pasang aplikasi autentikator di ponsel Anda")).to_be_visible()
    page.get_by_role("button", name="Berikutnya").click()


def test_staff_enrol_sign_in_with_a_real_code_and_a_leaked_password_opens_nothing(
    live_server,
    new_page,  # noqa: F811
    settings,
):
    settings.STAFF_2FA_REQUIRED = True
    make_user(username=USERNAME, email=EMAIL, password=PASSWORD, is_staff=True, is_superuser=True)
    base = live_server.url
    page = new_page()

    # 1. The password alone leads to the enrolment, which first mails a code.
    start_enrolment(page, base)
    assert [m.to for m in mail.outbox] == [[EMAIL]]

    # 2. The enrolment: the QR code (made by the site itself) and the secret beside it.
    page.get_by_label("Aplikasi autentikator di ponsel Anda (kode enam angka)").check()
    page.get_by_role("button", name="Berikutnya").click()
    qr = page.get_by_role("img", name="Kode QR untuk aplikasi autentikator Anda")
    expect(qr).to_be_visible()
    # Loaded and drawn: an image that failed to load has no natural size.
    page.wait_for_function(
        "image => image.complete && image.naturalWidth > 0", arg=qr.element_handle()
    )
    secret = page.locator("#secret-key").inner_text()
    app = pyotp.TOTP(secret)
    page.get_by_label(label("Kode yang ditampilkan aplikasi")).fill(app.now())
    page.get_by_role("button", name="Aktifkan").click()
    expect(page.get_by_role("heading", name="Verifikasi dua langkah aktif")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="Lanjutkan").click()
    expect(page).to_have_url(base + "/admin/")
    expect(page.get_by_role("heading", name="Administrasi situs")).to_be_visible()

    # 3. Signed out, back in with the password and the app's code.
    page.get_by_role("button", name="Keluar").click()
    sign_in_with_password(page, base)
    expect(page.get_by_text("Buka aplikasi autentikator di ponsel Anda")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"^{re.escape(base)}/akun/masuk/"))
    page.get_by_label(label("Kode dari aplikasi autentikator")).fill(app.now())
    page.get_by_role("button", name="Verifikasi", exact=True).click()
    expect(page).to_have_url(base + "/admin/")
    expect(page.get_by_role("heading", name="Administrasi situs")).to_be_visible()

    # 4. The takeover drill: the password is known to an attacker, the phone is not.
    logins = Entry.objects.filter(event="auth.login").count()
    intruder = new_page()
    sign_in_with_password(intruder, base)
    expect(intruder.get_by_text("Buka aplikasi autentikator di ponsel Anda")).to_be_visible()
    intruder.get_by_label(label("Kode dari aplikasi autentikator")).fill("000000")
    intruder.get_by_role("button", name="Verifikasi", exact=True).click()
    expect(intruder.get_by_text("Kode salah atau sudah kedaluwarsa.")).to_be_visible()
    for path in ("/admin/", "/admin/accounts/user/", "/admin/articles/article/add/"):
        intruder.goto(base + path)
        expect(intruder).to_have_url(re.compile(rf"^{re.escape(base)}/akun/masuk/\?next="))
    failed = Entry.objects.filter(event="auth.login_failed")
    assert [entry.additional_data["username"] for entry in failed] == [USERNAME]
    assert Entry.objects.filter(event="auth.login").count() == logins


def test_staff_enrol_a_passkey_and_sign_in_with_it(
    live_server,
    new_page,  # noqa: F811
    settings,
):
    """A passkey (WebAuthn) instead of the app: Chromium's virtual authenticator (the
    DevTools protocol's WebAuthn domain) stands in for the fingerprint reader."""
    settings.STAFF_2FA_REQUIRED = True
    staff = make_user(
        username=USERNAME, email=EMAIL, password=PASSWORD, is_staff=True, is_superuser=True
    )
    base = live_server.url
    page = new_page()
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    authenticator = devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )["authenticatorId"]

    start_enrolment(page, base)
    page.get_by_label(re.compile("Kunci sandi atau kunci keamanan")).check()
    page.get_by_role("button", name="Berikutnya").click()
    # The page's script asks the browser for a new passkey and posts it.
    expect(page.get_by_role("heading", name="Verifikasi dua langkah aktif")).to_be_visible()
    (credential,) = devtools.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})[
        "credentials"
    ]
    device = WebauthnDevice.objects.get(user=staff)
    assert device.name == "default" and device.confirmed
    page.get_by_role("link", name="Lanjutkan").click()
    expect(page.get_by_role("heading", name="Administrasi situs")).to_be_visible()

    page.get_by_role("button", name="Keluar").click()
    sign_in_with_password(page, base)
    # The sign-in page's script asks for the passkey and posts its answer.
    expect(page).to_have_url(base + "/admin/")
    expect(page.get_by_role("heading", name="Administrasi situs")).to_be_visible()
    device.refresh_from_db()
    assert device.last_used_at is not None
    assert credential["signCount"] >= 0


def test_the_sign_in_enrolment_and_session_pages_have_no_serious_accessibility_violations(
    live_server,
    browser,  # noqa: F811
    axe_script,  # noqa: F811
    settings,
):
    """axe-core (as tests/system/test_accessibility.py runs it) on each page of the flow."""
    settings.STAFF_2FA_REQUIRED = True
    newcomer = make_user(username="baru", email=EMAIL, password=PASSWORD, is_staff=True)
    enrolled = make_user(username=USERNAME, password=PASSWORD, is_staff=True)
    TOTPDevice.objects.create(user=enrolled, name="default", confirmed=True)
    base = live_server.url
    context = browser.new_context(bypass_csp=True)  # axe goes in as an inline script
    context.set_default_timeout(TIMEOUT_MS)
    failures = []

    def check(page, where):
        failing, _others = audit(page, axe_script)
        if failing:
            failures.append(f"{where} {page.url}:\n{describe(failing)}")

    try:
        page = context.new_page()
        sign_in_with_password(page, base)
        expect(page.get_by_label(label("Kode dari aplikasi autentikator"))).to_be_visible()
        check(page, "code step")

        context.clear_cookies()
        other = context.new_page()
        sign_in_with_password(other, base, username=newcomer.username)
        expect(other.get_by_role("button", name="Kirimi saya kode lewat email")).to_be_visible()
        check(other, "mailed code")
        other.get_by_role("button", name="Kirimi saya kode lewat email").click()
        mailed = re.search(r"^(\d{8})$", mail.outbox[-1].body, re.M).group(1)
        other.get_by_label(label("Kode dari email")).fill(mailed)
        check(other, "mailed code, sent")
        other.get_by_role("button", name="Konfirmasi", exact=True).click()
        expect(other.get_by_role("button", name="Berikutnya")).to_be_visible()
        check(other, "welcome")
        other.get_by_role("button", name="Berikutnya").click()
        check(other, "method")
        other.get_by_label("Aplikasi autentikator di ponsel Anda (kode enam angka)").check()
        other.get_by_role("button", name="Berikutnya").click()
        expect(other.locator("#secret-key")).to_be_visible()
        check(other, "QR code")
        secret = other.locator("#secret-key").inner_text()
        other.get_by_label(label("Kode yang ditampilkan aplikasi")).fill(pyotp.TOTP(secret).now())
        other.get_by_role("button", name="Aktifkan").click()
        expect(other.get_by_role("heading", name="Verifikasi dua langkah aktif")).to_be_visible()
        check(other, "recovery codes")
        for path in ("/akun/profil/", "/akun/dua-langkah/", "/akun/dua-langkah/kode-cadangan/"):
            other.goto(base + path)
            check(other, path)
    finally:
        context.close()
    assert not failures, "\n".join(failures)
