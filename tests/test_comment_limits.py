"""Comments that are not conversation: many accounts behind one address, and text that
shows nothing. Through the article's comment form, as a reader posts."""

import time

import pytest
from django.test import Client

from accounts.models import User
from articles.models import Comment
from humas import throttle

from .factories import make_article, make_reader

pytestmark = pytest.mark.django_db

OFFICE = "203.0.113.7"


@pytest.fixture
def article():
    return make_article(title="Jembatan Baru Diresmikan")


def reader_at(address, **fields):
    client = Client(REMOTE_ADDR=address)
    client.force_login(make_reader(**fields))
    return client


def post(client, article, body):
    return client.post(f"{article.get_absolute_url()}komentar/", {"body": body})


# --- one address, many accounts ------------------------------------------------------


def test_five_accounts_behind_one_address_are_stopped_at_its_ceiling(article):
    """Five verified accounts, five comments each (each within its own limit): the
    address's ceiling (20 in 10 minutes by default) stops the rest, with a 429."""
    statuses = []
    for account in range(5):
        client = reader_at(OFFICE)
        for n in range(5):
            response = post(client, article, f"Komentar {n} dari akun {account}")
            statuses.append(response.status_code)
    assert statuses == [302] * 20 + [429] * 5
    assert Comment.objects.count() == 20
    assert "Terlalu banyak komentar dari jaringan Anda" in response.content.decode()
    assert response["Retry-After"].isdigit()
    # Another address is not affected.
    assert post(reader_at("198.51.100.9"), article, "Dari kantor lain").status_code == 302
    assert Comment.objects.count() == 21


def test_the_ceiling_is_set_from_the_environment_and_counts_stored_comments_only(article, settings):
    settings.COMMENT_MAX_PER_ADDRESS = 3
    client = reader_at(OFFICE)
    assert post(client, article, "x").status_code == 400  # too short: not counted
    for n in range(3):
        assert post(client, article, f"Komentar nomor {n}").status_code == 302
    assert post(reader_at(OFFICE), article, "Komentar keempat").status_code == 429
    assert post(reader_at(OFFICE), article, "Komentar kelima").status_code == 429
    assert Comment.objects.count() == 3


def test_addresses_of_one_ipv6_subscriber_share_a_ceiling(article, settings):
    """A subscriber picks any address in its /64: they count as one."""
    settings.COMMENT_MAX_PER_ADDRESS = 2
    assert post(reader_at("2001:db8:1:2::10"), article, "Komentar satu").status_code == 302
    assert post(reader_at("2001:db8:1:2::11"), article, "Komentar dua").status_code == 302
    assert post(reader_at("2001:db8:1:2:ffff::1"), article, "Komentar tiga").status_code == 429
    assert post(reader_at("2001:db8:1:3::1"), article, "Tetangga").status_code == 302


def test_the_ceiling_opens_again_after_its_window(article, settings, monkeypatch):
    settings.COMMENT_MAX_PER_ADDRESS = 1
    assert post(reader_at(OFFICE), article, "Komentar pertama").status_code == 302
    assert post(reader_at(OFFICE), article, "Komentar kedua").status_code == 429
    later = time.time() + settings.COMMENT_ADDRESS_WINDOW_MINUTES * 60
    monkeypatch.setattr(throttle.time, "time", lambda: later)  # the clock
    assert post(reader_at(OFFICE), article, "Komentar kedua").status_code == 302


def test_the_default_ceiling_is_generous_for_an_office_behind_one_address(settings):
    """More than four readers at their own full rate (5 in 10 minutes)."""
    assert settings.COMMENT_MAX_PER_ADDRESS == 20
    assert settings.COMMENT_ADDRESS_WINDOW_MINUTES == 10


# --- text that shows nothing ----------------------------------------------------------

INVISIBLE = {
    "zero width space": "\u200b",
    "zero width non-joiner": "\u200c",
    "zero width joiner": "\u200d",
    "byte order mark": "\ufeff",
    "word joiner": "\u2060",
    "soft hyphen": "\u00ad",
    "hangul filler": "\u3164",
    "hangul choseong filler": "\u115f",
    "hangul jungseong filler": "\u1160",
    "halfwidth hangul filler": "\uffa0",
    "left-to-right mark": "\u200e",
    "right-to-left mark": "\u200f",
    "arabic letter mark": "\u061c",
    "variation selector 16": "\ufe0f",
    "variation selector 1": "\ufe00",
    "combining acute accent": "\u0301",
    "combining grapheme joiner": "\u034f",
    "no-break space": "\u00a0",
    "ideographic space": "\u3000",
    "em space": "\u2003",
    "line separator": "\u2028",
    "braille blank": "\u2800",
    "tag space": "\U000e0020",
}


@pytest.mark.parametrize("char", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_a_comment_of_one_invisible_character_repeated_is_refused(article, char):
    response = post(reader_at(OFFICE), article, char * 50)
    assert response.status_code == 400
    # Whitespace is stripped like the browser's spaces: what is left is an empty form.
    message = "Tulis komentar Anda" if char.isspace() else "tidak berisi teks yang terlihat"
    assert message in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        "".join(INVISIBLE.values()) * 3,
        "\u200b\u200c\ufeff" * 17,
        " \u00a0\u3000\n\u200b\n\t\u2060 \u00ad\u3164\u115f",
        "\u200e\u200f\ufe0f\u0301\u0301\u0301\u200d",
    ],
    ids=["every-kind", "zwsp-zwnj-bom", "whitespace-and-fillers", "marks-and-selectors"],
)
def test_a_comment_of_mixed_invisible_characters_is_refused(article, body):
    response = post(reader_at(OFFICE), article, body)
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_one_visible_letter_in_a_sea_of_invisible_ones_is_too_short(article):
    response = post(reader_at(OFFICE), article, "\u200b" * 30 + "a" + "\ufeff" * 30)
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_invisible_characters_around_a_comment_are_stripped(article):
    post(reader_at(OFFICE), article, "\u200b\ufeff\u3164 Setuju sekali\u200b\u2060\u00a0")
    assert Comment.objects.get().body == "Setuju sekali"


def test_an_indonesian_comment_with_emoji_sequences_passes_unchanged(article):
    body = "Mantap, Pak Gubernur! 👍🏽 Keluarga kami 👨\u200d👩\u200d👧 bangga ❤\ufe0f"
    assert post(reader_at(OFFICE), article, body).status_code == 302
    assert Comment.objects.get().body == body


def test_a_flag_sequence_ending_in_tag_characters_is_kept_whole(article):
    scotland = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
    body = f"Salam dari Skotlandia {scotland}"
    assert post(reader_at(OFFICE), article, body).status_code == 302
    assert Comment.objects.get().body == body


# --- display names --------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["\u200b" * 10, "\u3164\u3164\u3164", "\u00a0\u200e\u200f\u00a0", "\u115f\u1160"]
)
def test_a_display_name_that_shows_nothing_is_refused_at_registration(client, name):
    response = client.post(
        "/akun/daftar/",
        {"email": "warga@example.com", "display_name": name,
         "password": "kata-sandi-yang-panjang-1", "consent": "on"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Nama tidak berisi huruf yang terlihat" in response.content.decode()
    assert not User.objects.filter(email="warga@example.com").exists()


def test_a_display_name_that_shows_nothing_is_refused_on_the_profile(client):
    user = make_reader(display_name="Pembaca Setia")
    client.force_login(user)
    response = client.post("/akun/profil/", {"display_name": "\u3164" * 5})
    assert "Nama tidak berisi huruf yang terlihat" in response.content.decode()
    user.refresh_from_db()
    assert user.display_name == "Pembaca Setia"


def test_invisible_characters_around_a_display_name_are_stripped(client):
    user = make_reader(display_name="Pembaca Setia")
    client.force_login(user)
    client.post("/akun/profil/", {"display_name": "\u200bBu Sri\u3164\u200f"})
    user.refresh_from_db()
    assert user.display_name == "Bu Sri"
