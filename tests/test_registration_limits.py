"""Registrations per address: sign-ups count, refused forms do not, so an office or a mobile
carrier behind one address is not blocked for an hour by one reader's mistyped password."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "kopi-tubruk-semarang-2026"
OFFICE = "203.0.113.5"


@pytest.fixture(autouse=True)
def _mid_hour(monkeypatch):
    """The clock set to the middle of an hour, so that no test's sign-ups straddle two of
    the limit's hourly windows (humas/throttle.py)."""
    real = time.time
    shift = 1800 - real() % 3600
    monkeypatch.setattr(time, "time", lambda: real() + shift)  # the clock


def register(client, email, password=PASSWORD, ip=OFFICE):
    data = {"email": email, "display_name": "Pembaca", "password": password, "consent": "on"}
    return client.post("/akun/daftar/", data, REMOTE_ADDR=ip)


def test_refused_forms_do_not_count_towards_the_limit(client):
    for i in range(15):
        response = register(client, f"pembaca{i}@x.go.id", password="12345678")  # too common
        assert response.status_code == 200
    response = register(client, "pembaca@x.go.id")
    assert response.status_code == 302
    assert User.objects.filter(email="pembaca@x.go.id").exists()


def test_the_21st_sign_up_from_one_address_within_an_hour_is_refused(client):
    for i in range(20):
        assert register(client, f"pembaca{i}@x.go.id").status_code == 302
    mail.outbox.clear()
    response = register(client, "pembaca20@x.go.id")
    assert response.status_code == 429
    assert "Terlalu banyak pendaftaran dari jaringan Anda" in response.content.decode()
    assert User.objects.count() == 20
    assert not User.objects.filter(email="pembaca20@x.go.id").exists()
    assert mail.outbox == []  # nothing created, nothing sent
    # Another address is not affected.
    assert register(client, "pembaca20@x.go.id", ip="203.0.113.6").status_code == 302


def test_sign_ups_of_taken_addresses_count_like_new_ones(client):
    """The form answers both the same way (no enumeration), so both count."""
    register(client, "pembaca@x.go.id")
    for _ in range(19):
        assert register(client, "pembaca@x.go.id").status_code == 302
    assert register(client, "baru@x.go.id").status_code == 429


def test_the_limit_is_a_setting(client, settings):
    settings.REGISTRATIONS_PER_ADDRESS_PER_HOUR = 2
    for i in range(2):
        assert register(client, f"pembaca{i}@x.go.id").status_code == 302
    assert register(client, "pembaca2@x.go.id").status_code == 429
