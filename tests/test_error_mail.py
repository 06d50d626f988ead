"""Errors reach the operators by mail (ADMINS), without the visitor's personal data."""

import json

import pytest
from django.core import mail
from django.test import Client
from django.urls import path

from humas import urls as site_urls

from .factories import make_reader
from .test_settings import run_python

pytestmark = pytest.mark.django_db


def broken_view(request):
    raise RuntimeError("the view broke")


# This module is the URLconf of the tests that set ROOT_URLCONF to it: the site's pages plus
# one that fails.
urlpatterns = [path("rusak/", broken_view), *site_urls.urlpatterns]

PERSONAL = {
    "email": "ani.rahasia@x.go.id",
    "display_name": "Ani Rahasia",
    "posted": "Jalan Melati 7, Semarang",
    "query": "nik-3374011234560001",
    "authorization": "Bearer token-rahasia-123",
    "address": "198.51.100.77",
    "forwarded": "203.0.113.99",
    "agent": "AniPhone/1.0 (perangkat Ani)",
    "referer": "https://contoh.go.id/?email=ani.rahasia@x.go.id",
}


@pytest.fixture
def error_mail_settings(settings):
    settings.ROOT_URLCONF = __name__
    settings.ADMINS = [("Tim TI", "ti@jatengprov.go.id"), ("", "ops@jatengprov.go.id")]
    return settings


def fail_a_signed_in_request():
    client = Client(raise_request_exception=False)
    reader = make_reader(email=PERSONAL["email"], display_name=PERSONAL["display_name"])
    client.force_login(reader)
    client.cookies["csrftoken"] = "csrf-nilai-rahasia-abc"
    response = client.post(
        f"/rusak/?q={PERSONAL['query']}",
        {"alamat": PERSONAL["posted"], "email": PERSONAL["email"]},
        REMOTE_ADDR=PERSONAL["address"],
        HTTP_X_FORWARDED_FOR=PERSONAL["forwarded"],
        HTTP_AUTHORIZATION=PERSONAL["authorization"],
        HTTP_USER_AGENT=PERSONAL["agent"],
        HTTP_REFERER=PERSONAL["referer"],
    )
    return client, response


def test_an_error_mails_the_admins_once_without_personal_data(error_mail_settings):
    client, response = fail_a_signed_in_request()
    assert response.status_code == 500
    (message,) = mail.outbox
    assert message.to == ["ti@jatengprov.go.id", "ops@jatengprov.go.id"]
    assert "/rusak/" in message.subject
    body = message.body
    # What the operators need: what failed, where.
    assert "RuntimeError" in body and "the view broke" in body
    assert "broken_view" in body and "/rusak/" in body
    # Not who, from where, or what they sent.
    session_key = client.cookies["sessionid"].value
    for secret in [*PERSONAL.values(), session_key, "csrf-nilai-rahasia-abc", "ani.rahasia"]:
        assert secret not in body, secret
    assert message.alternatives == []  # no HTML report (it would show local variables)


def test_a_page_not_found_mails_nobody(error_mail_settings, client):
    assert client.get("/tidak-ada-halaman-ini/").status_code == 404
    assert mail.outbox == []


def test_a_forged_host_header_mails_nobody(error_mail_settings, client):
    """Robots send them all day long; django.security's errors are logged, not mailed."""
    assert client.get("/", HTTP_HOST="penipu.example").status_code == 400
    assert mail.outbox == []


def test_without_admins_an_error_mails_nobody(error_mail_settings):
    error_mail_settings.ADMINS = []
    fail_a_signed_in_request()
    assert mail.outbox == []


ADMINS_PROBE = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'admins': s.ADMINS, 'server_email': s.SERVER_EMAIL}))"
)


def test_admins_are_read_from_the_environment():
    result = run_python(
        ADMINS_PROBE,
        SECRET_KEY="x" * 50,
        ADMINS='Tim TI <ti@jatengprov.go.id>, ops@jatengprov.go.id, "Budi, Humas" <budi@x.go.id>',
    )
    assert result.returncode == 0, result.stderr
    admins = json.loads(result.stdout)["admins"]
    assert admins == [
        ["Tim TI", "ti@jatengprov.go.id"],
        ["", "ops@jatengprov.go.id"],
        ["Budi, Humas", "budi@x.go.id"],
    ]
    unset = json.loads(run_python(ADMINS_PROBE, SECRET_KEY="x" * 50).stdout)["admins"]
    assert unset == []


def test_a_mistyped_admin_address_stops_the_start_with_a_message():
    result = run_python(ADMINS_PROBE, SECRET_KEY="x" * 50, ADMINS="ti@jatengprov.go.id, ops")
    assert result.returncode != 0
    assert "ADMINS" in result.stderr and "'ops'" in result.stderr
