"""Signed-in sessions through the test client: staff sessions end when idle or old, the
profile lists a user's sessions and ends the others, and a password change ends them."""

import re
import time

import pytest
from django.core import mail
from django.test import Client

from accounts import sessions
from accounts.models import UserSession
from audit.models import Entry

from .factories import make_article, make_reader, make_user

pytestmark = pytest.mark.django_db
PASSWORD = "kopi-tubruk-semarang-2026"
FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)


def sign_in(user, user_agent=FIREFOX_WINDOWS, address="36.72.81.9"):
    """A browser signing in with the login form (the test settings ask staff for no code)."""
    client = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)
    response = client.post(
        "/akun/masuk/", {"username": user.username, "password": PASSWORD, "next": "/akun/profil/"}
    )
    assert response.status_code == 302
    return client


def age(client, *, idle_minutes=0.0, signed_in_hours=0.0):
    """Make the session look this old: what the clock would have done."""
    session = client.session
    now = time.time()
    session[sessions.SEEN_KEY] = now - idle_minutes * 60
    session[sessions.SIGNED_IN_KEY] = now - signed_in_hours * 3600 - idle_minutes * 60
    session.save()


def test_a_staff_session_idle_for_an_hour_ends(settings):
    settings.STAFF_SESSION_IDLE_MINUTES = 60
    editor = make_user(username="editor", password=PASSWORD, is_staff=True, is_superuser=True)
    client = sign_in(editor)
    age(client, idle_minutes=59)
    assert client.get("/admin/").status_code == 200
    age(client, idle_minutes=61)
    response = client.get("/admin/articles/article/")
    assert response["Location"] == "/akun/masuk/?next=/admin/articles/article/"
    assert client.get("/admin/").status_code == 302
    assert not UserSession.objects.filter(user=editor).exists()
    page = client.get("/akun/masuk/").content.decode()
    assert "Sesi Anda telah berakhir" in page


def test_a_staff_session_ends_twelve_hours_after_sign_in_however_busy(settings):
    settings.STAFF_SESSION_MAX_HOURS = 12
    editor = make_user(username="editor", password=PASSWORD, is_staff=True, is_superuser=True)
    client = sign_in(editor)
    age(client, signed_in_hours=11.9)
    assert client.get("/admin/").status_code == 200
    age(client, signed_in_hours=12.1)
    assert client.get("/admin/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_readers_session_has_no_such_limits():
    reader = make_reader(password=PASSWORD)
    client = sign_in(reader)
    age(client, idle_minutes=24 * 60, signed_in_hours=48)
    assert client.get("/akun/profil/").status_code == 200


def test_a_readers_last_seen_is_written_at_most_once_an_hour():
    reader = make_reader(password=PASSWORD)
    client = sign_in(reader)
    article = make_article()
    client.get(article.get_absolute_url())  # the page cache's copy made
    row = UserSession.objects.get(user=reader)
    age(client, idle_minutes=59)
    client.get(article.get_absolute_url(), REMOTE_ADDR="36.72.200.1")
    assert UserSession.objects.get(user=reader).last_seen == row.last_seen
    age(client, idle_minutes=61)
    client.get(article.get_absolute_url(), REMOTE_ADDR="36.72.200.1")
    seen = UserSession.objects.get(user=reader)
    assert seen.last_seen > row.last_seen
    assert seen.address == "36.72.200.1"


def test_a_staff_members_last_seen_is_written_at_most_once_a_minute():
    editor = make_user(username="editor", password=PASSWORD, is_staff=True, is_superuser=True)
    client = sign_in(editor)
    row = UserSession.objects.get(user=editor)
    age(client, idle_minutes=0.5)
    client.get("/admin/", REMOTE_ADDR="36.72.200.1")
    assert UserSession.objects.get(user=editor).last_seen == row.last_seen
    age(client, idle_minutes=1.5)
    client.get("/admin/", REMOTE_ADDR="36.72.200.1")
    assert UserSession.objects.get(user=editor).last_seen > row.last_seen


def test_the_profile_lists_the_sessions_and_marks_this_one():
    reader = make_reader(password=PASSWORD)
    laptop = sign_in(reader, FIREFOX_WINDOWS, "36.72.81.9")
    sign_in(reader, CHROME_ANDROID, "2001:db8:1234:5678::1")
    page = laptop.get("/akun/profil/").content.decode()
    listed = re.search(r'<ul class="session-list">(.*?)</ul>', page, re.S).group(1)
    items = re.findall(r"<li.*?</li>", listed, re.S)
    assert len(items) == 2
    this = next(item for item in items if "aria-current" in item)
    assert "Firefox, Windows" in this and "perangkat ini" in this and "36.72.x.x" in this
    other = next(item for item in items if "aria-current" not in item)
    assert "Chrome, Android" in other and "2001:db8:x:x:x:x:x:x" in other
    assert "36.72.81.9" not in page and "1234" not in listed
    assert re.search(r"Terakhir aktif \d+ \w+ \d{4} \d\d:\d\d WIB", this)


def test_ending_the_other_sessions_signs_the_other_browsers_out():
    reader = make_reader(password=PASSWORD)
    laptop = sign_in(reader, FIREFOX_WINDOWS)
    phone = sign_in(reader, CHROME_ANDROID)
    tablet = sign_in(reader, CHROME_ANDROID, "36.80.1.1")
    someone_else = sign_in(make_reader(password=PASSWORD))
    response = laptop.post("/akun/profil/sesi/akhiri/")
    assert response["Location"] == "/akun/profil/#sesi"
    assert "2 sesi lain telah diakhiri." in laptop.get("/akun/profil/").content.decode()
    for client in (phone, tablet):
        assert client.get("/akun/profil/")["Location"].startswith("/akun/masuk/")
    assert laptop.get("/akun/profil/").status_code == 200
    assert someone_else.get("/akun/profil/").status_code == 200
    entry = Entry.objects.get(event="session.ended_others")
    assert entry.actor == reader and entry.additional_data["sessions"] == 2


def test_ending_sessions_needs_a_post_with_the_csrf_token():
    reader = make_reader(password=PASSWORD)
    laptop = sign_in(reader)
    phone = sign_in(reader, CHROME_ANDROID)
    assert laptop.get("/akun/profil/sesi/akhiri/").status_code == 405
    forged = Client(enforce_csrf_checks=True)
    forged.cookies = laptop.cookies
    assert forged.post("/akun/profil/sesi/akhiri/").status_code == 403
    assert phone.get("/akun/profil/").status_code == 200


@pytest.mark.parametrize("engine", ["db", "cached_db"])
def test_end_sessions_removes_them_from_the_store(settings, engine):
    settings.SESSION_ENGINE = f"django.contrib.sessions.backends.{engine}"
    reader = make_reader(password=PASSWORD)
    kept = sign_in(reader)
    ended = [sign_in(reader, CHROME_ANDROID) for _ in range(3)]
    key = kept.cookies["sessionid"].value
    assert sessions.end_sessions(reader, keep_session_key=key) == 3
    store = sessions.session_store()()
    for client in ended:
        assert not store.exists(client.cookies["sessionid"].value)
        assert client.get("/akun/profil/").status_code == 302
    assert kept.get("/akun/profil/").status_code == 200
    assert sessions.end_sessions(reader) == 1
    assert kept.get("/akun/profil/").status_code == 302


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one():
    reader = make_reader(password=PASSWORD)
    laptop = sign_in(reader)
    phone = sign_in(reader, CHROME_ANDROID)
    response = laptop.post(
        "/akun/sandi/ubah/",
        {
            "old_password": PASSWORD,
            "new_password1": "teh-poci-tegal-2027",
            "new_password2": "teh-poci-tegal-2027",
        },
    )
    assert response["Location"] == "/akun/sandi/ubah/selesai/"
    assert laptop.get("/akun/profil/").status_code == 200
    assert phone.get("/akun/profil/").status_code == 302
    # The session that stayed is still listed (under its new key) and can end others.
    (row,) = UserSession.objects.filter(user=reader)
    assert row.session_key == laptop.cookies["sessionid"].value
    entry = Entry.objects.get(event="session.ended_others")
    assert entry.additional_data == {"reason": "password_change", "sessions": 1}


def test_a_password_reset_ends_every_session():
    reader = make_reader(email="ani@example.com", password=PASSWORD)
    phone = sign_in(reader, CHROME_ANDROID)
    client = Client()
    client.post("/akun/sandi/reset/", {"email": "ani@example.com"})
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": "teh-poci-2027!", "new_password2": "teh-poci-2027!"})
    assert phone.get("/akun/profil/").status_code == 302
    assert not UserSession.objects.filter(user=reader).exists()
    assert Entry.objects.get(event="session.ended_others").additional_data["reason"] == (
        "password_reset"
    )


def test_an_administrator_setting_a_password_ends_that_users_sessions(admin_client):
    editor = make_user(username="editor", password=PASSWORD, is_staff=True)
    editor_browser = sign_in(editor)
    response = admin_client.post(
        f"/admin/accounts/user/{editor.pk}/password/",
        {
            "password1": "sandi-baru-2027!",
            "password2": "sandi-baru-2027!",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    assert editor_browser.get("/akun/profil/").status_code == 302
    assert admin_client.get("/admin/").status_code == 200
    entry = Entry.objects.get(event="session.ended_others")
    assert entry.additional_data == {"reason": "admin_password_change", "sessions": 1}


@pytest.mark.parametrize(
    ("user_agent", "device"),
    [
        (FIREFOX_WINDOWS, "Firefox, Windows"),
        (CHROME_ANDROID, "Chrome, Android"),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari, iOS",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
            "Edge, Windows",
        ),
        ("curl/8.5.0", "Peramban tidak dikenal"),
        ("", "Peramban tidak dikenal"),
    ],
)
def test_devices_are_named_from_the_user_agent(user_agent, device):
    assert sessions.describe_device(user_agent) == device


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("36.72.81.9", "36.72.x.x"),
        ("::ffff:36.72.81.9", "36.72.x.x"),
        ("2001:db8:1234:5678::1", "2001:db8:x:x:x:x:x:x"),
        ("", "tidak diketahui"),
        ("bukan-alamat", "tidak diketahui"),
    ],
)
def test_addresses_are_shown_masked(address, masked):
    assert sessions.masked_address(address) == masked
