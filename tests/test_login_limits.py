"""Sign-in limits: one account has one counter whatever name it is typed by, and one
address is refused after many failures across usernames (password spraying), without
locking out an office behind one address for a few typos."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from .factories import make_reader, make_user

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "kopi-tubruk-semarang-2026"
SPRAYED = "Jateng-2026!"  # the one password an attacker tries against every account
ATTACKER = "198.51.100.66"


def sign_in(client, username, password, ip=ATTACKER, url="/akun/masuk/", **headers):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip, **headers)


def signed_in(client):
    return "_auth_user_id" in client.session


def test_spraying_one_password_over_199_accounts_is_refused_well_before_the_end(client):
    victims = [make_reader(username=f"pembaca{i}", email=f"pembaca{i}@x.go.id") for i in range(199)]
    owner = victims[-1]
    owner.set_password(SPRAYED)  # the last account really uses the sprayed password
    owner.save()
    statuses = [sign_in(client, user.email, SPRAYED).status_code for user in victims]
    first_refusal = statuses.index(429)
    assert first_refusal <= 31, statuses[:40]
    assert set(statuses[first_refusal:]) == {429}  # refused to the end, never slowed less
    assert not signed_in(client)
    # The owner's real password does not pass from that address either, until the cool-off.
    response = sign_in(client, owner.email, SPRAYED)
    assert response.status_code == 429
    assert "dari jaringan Anda, untuk beberapa akun" in response.content.decode()
    assert not signed_in(client)


def test_staff_are_refused_from_a_spraying_address_too(client):
    """The admin signs in through the site's login (accounts/twofactor/)."""
    make_user(username="redaktur", password=PASSWORD, is_staff=True)
    for i in range(30):
        sign_in(client, f"staf{i}", SPRAYED)
    response = sign_in(client, "redaktur", PASSWORD, url="/akun/masuk/?next=/admin/")
    assert response.status_code == 429
    assert not signed_in(client)


def test_another_address_is_unaffected_by_a_spraying_one(client):
    reader = make_reader(email="ani@x.go.id", password=PASSWORD)
    for i in range(40):
        sign_in(client, f"orang{i}@x.go.id", SPRAYED)
    assert sign_in(client, reader.email, PASSWORD).status_code == 429
    response = sign_in(client, reader.email, PASSWORD, ip="198.51.100.67")
    assert response.status_code == 302
    assert signed_in(client)


def test_a_few_typos_behind_one_office_address_lock_nobody_out(client):
    """Twenty colleagues behind one NAT, each mistyping twice before getting it right."""
    colleagues = [make_reader(email=f"staf{i}@x.go.id", password=PASSWORD) for i in range(20)]
    for user in colleagues:
        for _ in range(2):
            assert sign_in(client, user.email, "salah-ketik").status_code == 200
        assert sign_in(client, user.email, PASSWORD).status_code == 302
        client.logout()


def test_the_address_lock_ends_after_the_cool_off(client, monkeypatch, settings):
    reader = make_reader(email="ani@x.go.id", password=PASSWORD)
    for i in range(30):
        sign_in(client, f"orang{i}@x.go.id", SPRAYED)
    assert sign_in(client, reader.email, PASSWORD).status_code == 429
    later = timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)  # the clock
    assert sign_in(client, reader.email, PASSWORD).status_code == 302


def test_behind_a_proxy_one_address_with_many_user_agents_counts_as_one(client, settings):
    settings.BEHIND_PROXY = True
    reader = make_reader(email="ani@x.go.id", password=PASSWORD)
    for i in range(30):
        sign_in(
            client,
            f"orang{i}@x.go.id",
            SPRAYED,
            ip="127.0.0.1",
            # The client writes whatever it likes left of what our proxy appended.
            HTTP_X_FORWARDED_FOR=f"10.0.0.{i}, 198.51.100.20",
            HTTP_USER_AGENT=f"Mozilla/5.0 (robot {i})",
        )
    response = sign_in(
        client, reader.email, PASSWORD, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.20"
    )
    assert response.status_code == 429
    # Another reader behind the same proxy signs in.
    response = sign_in(
        client, reader.email, PASSWORD, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.21"
    )
    assert response.status_code == 302


def test_ipv6_addresses_of_one_subscriber_count_as_one(client):
    """A subscriber picks addresses in their /64 at will."""
    reader = make_reader(email="ani@x.go.id", password=PASSWORD)
    for i in range(30):
        sign_in(client, f"orang{i}@x.go.id", SPRAYED, ip=f"2001:db8:1:2::{i + 1:x}")
    assert sign_in(client, reader.email, PASSWORD, ip="2001:db8:1:2::ffff").status_code == 429
    assert sign_in(client, reader.email, PASSWORD, ip="2001:db8:1:3::1").status_code == 302


def test_the_address_limit_is_a_setting(client, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    reader = make_reader(email="ani@x.go.id", password=PASSWORD)
    for i in range(3):
        sign_in(client, f"orang{i}@x.go.id", SPRAYED)
    assert sign_in(client, reader.email, PASSWORD).status_code == 429


# One account, one counter.


@pytest.mark.parametrize(
    ("failing_as", "then_as"),
    [
        ("reader7@x.go.id", "reader7"),
        ("reader7", "reader7@x.go.id"),
        (" Reader7@X.go.id ", "READER7 "),
    ],
)
def test_five_failures_by_one_name_lock_the_account_by_its_other_names(client, failing_as, then_as):
    make_reader(username="reader7", email="reader7@x.go.id", password=PASSWORD)
    for _ in range(5):
        response = sign_in(client, failing_as, "salah-terus")
    assert response.status_code == 429
    response = sign_in(client, then_as, PASSWORD)
    assert response.status_code == 429
    assert not signed_in(client)
    response = sign_in(client, "reader7", PASSWORD, ip="198.51.100.67")
    assert response.status_code == 302  # another address is not locked


def test_failures_mixing_names_of_one_account_add_up(client):
    make_reader(username="reader7", email="reader7@x.go.id", password=PASSWORD)
    for name in ("reader7", "reader7@x.go.id", "READER7@x.go.id", "reader7", "reader7@x.go.id"):
        response = sign_in(client, name, "salah-terus")
    assert response.status_code == 429


def test_unknown_names_are_counted_as_typed(client):
    make_reader(username="reader7", email="reader7@x.go.id", password=PASSWORD)
    for _ in range(5):
        response = sign_in(client, " Siapa@X.go.id", "salah-terus")
    assert response.status_code == 429  # locked like a real account: nothing to learn
    assert sign_in(client, "siapa@x.go.id", "apa-saja").status_code == 429
    assert sign_in(client, "reader7", PASSWORD).status_code == 302  # a real one is not


def test_a_successful_sign_in_by_username_clears_failures_made_by_email(client):
    make_reader(username="reader7", email="reader7@x.go.id", password=PASSWORD)
    for _ in range(4):
        sign_in(client, "reader7@x.go.id", "salah-terus")
    assert sign_in(client, "reader7", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert sign_in(client, "reader7@x.go.id", "salah-terus").status_code == 200


def test_the_lockout_page_says_the_cool_off_the_site_is_set_to(client, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=45)
    make_reader(email="ani@x.go.id", password=PASSWORD)
    for _ in range(5):
        response = sign_in(client, "ani@x.go.id", "salah")
    assert response.status_code == 429
    assert "coba lagi dalam 45 menit" in response.content.decode()
