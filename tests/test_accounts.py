import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from accounts.tokens import email_verification_token
from articles.models import Comment

from .factories import make_article, make_reader, make_user

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "kopi-tubruk-semarang-2026"


def register(client, **overrides):
    data = {
        "email": "pembaca@example.com",
        "display_name": "Pembaca Setia",
        "password": PASSWORD,
        "consent": "on",
        **overrides,
    }
    return client.post("/akun/daftar/", data, REMOTE_ADDR=overrides.pop("ip", "203.0.113.5"))


def link_in(message):
    return re.search(r"https?://\S+", message.body).group(0)


def test_registration_creates_an_unverified_reader_and_mails_a_link(client):
    response = register(client)
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/daftar/selesai/")
    user = User.objects.get(email="pembaca@example.com")
    assert not user.email_verified and not user.is_staff
    assert user.privacy_consent_at is not None
    assert user.check_password(PASSWORD)
    (message,) = mail.outbox
    assert message.to == ["pembaca@example.com"]
    assert "/akun/verifikasi/" in link_in(message)
    page = client.get(response["Location"]).content.decode()
    assert "Periksa email Anda" in page


@pytest.mark.parametrize(
    "email", ["pembaca@example.com", "PEMBACA@Example.COM", " Pembaca@example.com "]
)
def test_registering_a_taken_address_looks_the_same_and_creates_nothing(client, email):
    owner = make_user(email="pembaca@example.com", display_name="Pemilik")
    before = client.cookies.get("sessionid")
    response = register(
        client, email=email, display_name="Penyusup", password="lain-sandi-panjang-99"
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/daftar/selesai/")
    assert User.objects.count() == 1
    owner.refresh_from_db()
    assert owner.display_name == "Pemilik"
    (message,) = mail.outbox
    assert message.to == ["pembaca@example.com"]
    assert "sudah memiliki akun" in message.body
    assert client.cookies.get("sessionid") == before  # not logged in either way


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"consent": ""}, "consent", "persetujuan"),
        ({"password": "pendek"}, "password", "terlalu pendek"),
        ({"password": "password123"}, "password", "terlalu umum"),
        ({"password": "48213957206"}, "password", "seluruhnya terdiri dari angka"),
        ({"email": "bukan-email"}, "email", "alamat email yang valid"),
        ({"display_name": " "}, "display_name", "tidak boleh kosong"),
        ({"display_name": "x" * 81}, "display_name", "paling banyak 80"),
    ],
)
def test_registration_refuses_bad_input_with_a_message_and_stores_nothing(
    client, overrides, field, message
):
    response = register(client, **overrides)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors.lower() or message in errors
    assert not User.objects.exists()
    assert not mail.outbox


def test_long_passphrases_are_welcome(client):
    register(client, password="kalimat sandi yang panjang sekali " * 3)
    assert User.objects.get().check_password("kalimat sandi yang panjang sekali " * 3)


def test_display_name_is_plain_text_without_bidi_tricks(client):
    register(client, display_name="<b>Ani</b>\u202e\u0000 ꦲꦤꦶ 😀")
    user = User.objects.get()
    assert user.display_name == "<b>Ani</b> ꦲꦤꦶ 😀"


def test_verification_link_works_once(client):
    register(client)
    url = link_in(mail.outbox[0])
    response = client.get(url)
    assert response.status_code == 200
    assert "Alamat email dikonfirmasi" in response.content.decode()
    assert User.objects.get().email_verified
    again = client.get(url)
    assert again.status_code == 400
    assert "sudah dikonfirmasi" in again.content.decode()


@pytest.mark.parametrize(
    "mangle",
    [
        lambda u: u[:-3] + "xyz/",
        lambda u: u.replace("/verifikasi/", "/verifikasi/AAAA"),
        lambda u: u + "x/",
    ],
)
def test_tampered_verification_links_fail(client, mangle):
    register(client)
    response = client.get(mangle(link_in(mail.outbox[0])))
    assert response.status_code in (400, 404)
    assert not User.objects.get().email_verified


def test_verification_link_expires(client, monkeypatch):
    register(client)
    url = link_in(mail.outbox[0])
    later = email_verification_token._now() + timedelta(days=3)
    monkeypatch.setattr(email_verification_token, "_now", lambda: later)  # the clock
    assert client.get(url).status_code == 400
    assert not User.objects.get().email_verified


def test_unverified_reader_can_log_in_and_ask_for_a_new_link(client):
    register(client)
    response = client.post(
        "/akun/masuk/", {"username": "Pembaca@Example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    html = client.get("/akun/profil/").content.decode()
    assert "Alamat email Anda belum dikonfirmasi" in html
    response = client.post("/akun/verifikasi/kirim-ulang/", follow=True)
    assert "Kami telah mengirim tautan konfirmasi baru" in response.content.decode()
    assert len(mail.outbox) == 2
    client.get(link_in(mail.outbox[1]))
    assert User.objects.get().email_verified


def test_resending_is_limited(client):
    user = make_reader(verified=False)
    client.force_login(user)
    for _ in range(3):
        client.post("/akun/verifikasi/kirim-ulang/")
    response = client.post("/akun/verifikasi/kirim-ulang/", follow=True)
    assert "Coba lagi satu jam lagi" in response.content.decode()
    assert len(mail.outbox) == 3


def test_login_returns_to_the_article(client):
    make_reader(email="ani@example.com", password=PASSWORD)
    article = make_article()
    url = article.get_absolute_url()
    page = client.get(f"/akun/masuk/?next={url}").content.decode()
    assert f'name="next" value="{url}"' in page
    response = client.post(
        "/akun/masuk/", {"username": "ani@example.com", "password": PASSWORD, "next": url}
    )
    assert response["Location"] == url


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"],
)
def test_login_never_sends_the_reader_to_another_site(client, next_url):
    make_reader(email="ani@example.com", password=PASSWORD)
    response = client.post(
        "/akun/masuk/", {"username": "ani@example.com", "password": PASSWORD, "next": next_url}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_wrong_password_says_so_in_indonesian(client):
    make_reader(email="ani@example.com", password=PASSWORD)
    response = client.post("/akun/masuk/", {"username": "ani@example.com", "password": "salah"})
    assert response.status_code == 200
    assert "Email atau kata sandi salah." in response.content.decode()


def fail_login(client, username, ip="198.51.100.9", url="/akun/masuk/"):
    return client.post(url, {"username": username, "password": "salah-terus"}, REMOTE_ADDR=ip)


def test_five_failures_lock_the_username_from_that_address(client):
    make_reader(email="ani@example.com", password=PASSWORD)
    for _ in range(4):
        assert fail_login(client, "ani@example.com").status_code == 200
    locked = fail_login(client, "ANI@example.com ")  # the fifth, in other letter case
    assert locked.status_code == 429
    assert "Terlalu banyak percobaan" in locked.content.decode()
    right = client.post(
        "/akun/masuk/",
        {"username": "ani@example.com", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.9",
    )
    assert right.status_code == 429  # even the right password, until the cool-off ends
    other_address = client.post(
        "/akun/masuk/",
        {"username": "ani@example.com", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.10",
    )
    assert other_address.status_code == 302


def test_unknown_usernames_lock_the_same_way(client):
    for _ in range(5):
        response = fail_login(client, "tidak-ada@example.com")
    assert response.status_code == 429


def test_admin_login_is_protected_too(client):
    """The admin's login is the site's (one way in, with its lockout and second factor)."""
    make_user(username="editor", password=PASSWORD, is_staff=True)
    admin_login = client.get("/admin/login/?next=/admin/articles/")
    assert admin_login["Location"] == "/akun/masuk/?next=/admin/articles/"
    for _ in range(5):
        response = fail_login(client, "editor", url=admin_login["Location"])
    assert response.status_code == 429
    assert "Terlalu banyak percobaan" in response.content.decode()


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(client):
    make_reader(email="ani@example.com", password=PASSWORD)
    known = client.post("/akun/sandi/reset/", {"email": "ANI@example.com"})
    unknown = client.post("/akun/sandi/reset/", {"email": "siapa@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/akun/sandi/reset/terkirim/"
    (message,) = mail.outbox
    assert message.to == ["ani@example.com"]
    link = link_in(message)
    response = client.get(link, follow=True)
    new_password = "teh-poci-tegal-2027"
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert response["Location"] == "/akun/sandi/reset/selesai/"
    assert User.objects.get().check_password(new_password)


def test_password_reset_is_rate_limited(client):
    for _ in range(10):
        client.post("/akun/sandi/reset/", {"email": "siapa@example.com"})
    response = client.post("/akun/sandi/reset/", {"email": "siapa@example.com"})
    assert response.status_code == 429


def test_reader_changes_password(client):
    user = make_reader(password=PASSWORD)
    client.force_login(user)
    response = client.post(
        "/akun/sandi/ubah/",
        {
            "old_password": PASSWORD,
            "new_password1": "baru-sekali-2027",
            "new_password2": "baru-sekali-2027",
        },
    )
    assert response["Location"] == "/akun/sandi/ubah/selesai/"
    user.refresh_from_db()
    assert user.check_password("baru-sekali-2027")


def test_logout_needs_a_post(client):
    client.force_login(make_reader())
    assert client.get("/akun/keluar/").status_code == 405
    assert client.post("/akun/keluar/").status_code == 302
    assert client.get("/akun/profil/").status_code == 302


def test_profile_needs_login(client):
    response = client.get("/akun/profil/")
    assert response["Location"] == "/akun/masuk/?next=/akun/profil/"


def test_reader_changes_display_name_and_sees_own_comments(client):
    user = make_reader(display_name="Lama")
    Comment.objects.create(
        article=make_article(title="Pasar Murah"), user=user, body="Mantap sekali"
    )
    client.force_login(user)
    html = client.get("/akun/profil/").content.decode()
    assert "Mantap sekali" in html and "Pasar Murah" in html and "Menunggu moderasi" in html
    response = client.post("/akun/profil/", {"display_name": "  Baru  "})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == "Baru"


def test_reader_downloads_their_data(client):
    user = make_reader(email="ani@example.com", display_name="Ani")
    Comment.objects.create(article=make_article(), user=user, body="Komentar saya")
    client.force_login(user)
    response = client.get("/akun/profil/data/")
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = response.json()
    assert data["account"]["email"] == "ani@example.com"
    assert data["account"]["privacy_consent_at"] is None
    assert [c["text"] for c in data["comments"]] == ["Komentar saya"]


def test_deleting_an_account_needs_the_password_and_keeps_comments_anonymous(client):
    user = make_reader(email="ani@example.com", password=PASSWORD, display_name="Ani Rahasia")
    article = make_article()
    Comment.objects.create(article=article, user=user, body="Tetap ada", status="approved")
    client.force_login(user)
    response = client.post("/akun/profil/hapus/", {"password": "salah"}, follow=True)
    assert "Kata sandi salah." in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()
    response = client.post("/akun/profil/hapus/", {"password": PASSWORD}, follow=True)
    assert "Akun dan data pribadi Anda telah dihapus." in response.content.decode()
    assert not User.objects.filter(pk=user.pk).exists()
    comment = Comment.objects.get()
    assert comment.user is None
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Tetap ada" in html and "Pengguna yang telah dihapus" in html
    assert "Ani Rahasia" not in html
    login = client.post("/akun/masuk/", {"username": "ani@example.com", "password": PASSWORD})
    assert login.status_code == 200


def test_privacy_notice_is_public(client):
    response = client.get("/akun/privasi/")
    assert response.status_code == 200
    assert "UU PDP" in response.content.decode()


def test_email_backend_failure_does_not_break_registration(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    response = register(client)
    assert response.status_code == 302
    assert User.objects.filter(email="pembaca@example.com").exists()


def test_behind_a_proxy_lockout_follows_the_address_the_proxy_saw(client, settings):
    settings.BEHIND_PROXY = True
    make_reader(email="ani@example.com", password=PASSWORD)
    for _ in range(5):
        locked = client.post(
            "/akun/masuk/",
            {"username": "ani@example.com", "password": "salah"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.20",  # the client wrote 1.2.3.4
        )
    assert locked.status_code == 429
    # The attacker changing what they write does not escape the lock...
    spoofed = client.post(
        "/akun/masuk/",
        {"username": "ani@example.com", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="9.9.9.9, 198.51.100.20",
    )
    assert spoofed.status_code == 429
    # ...and another reader behind the same proxy is not locked out.
    other = client.post(
        "/akun/masuk/",
        {"username": "ani@example.com", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.21",
    )
    assert other.status_code == 302


def test_a_forwarded_entry_that_is_not_an_address_falls_back_to_the_proxy(rf, settings):
    """A proxy passing "unknown" must not put a non-address where PostgreSQL stores inet."""
    from humas.clientip import client_ip

    settings.BEHIND_PROXY = True
    for hop in ("unknown", "198.51.100.20:443", "<script>", "1.2.3.4.5"):
        request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=hop)
        assert client_ip(request) == "127.0.0.1"
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="2001:DB8::1")
    assert client_ip(request) == "2001:db8::1"


def test_the_signed_in_user_is_loaded_as_the_orm_loads_them():
    from accounts.backends import EmailOrUsernameBackend

    user = make_reader()
    loaded = EmailOrUsernameBackend().get_user(user.pk)
    expected = type(user).objects.get(pk=user.pk)
    assert loaded == expected
    for field in type(user)._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(expected, field.attname), field.name
    assert not loaded._state.adding
    assert EmailOrUsernameBackend().get_user(user.pk + 1000) is None
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert EmailOrUsernameBackend().get_user(user.pk) is None
