"""The integrity watch on staff accounts: created, given more rights or a new password
since the last check, and staff without a second factor while one is required."""

import json
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from integrity.models import Finding, Report

from .factories import make_reader, make_user

pytestmark = pytest.mark.django_db


def check():
    call_command("check_integrity", stdout=StringIO(), stderr=StringIO())
    return {(f.kind, f.object_repr) for f in Report.objects.first().findings.all()}


@pytest.fixture
def ops(settings):
    settings.ADMINS = [("Tim TI", "ti@example.go.id")]


def test_the_first_check_only_takes_the_snapshot(ops):
    make_user(username="lama", is_staff=True, is_superuser=True)
    assert check() == set()
    assert mail.outbox == []
    assert "lama" in json.dumps(Report.objects.get().accounts)


def test_a_new_superuser_is_reported_and_mailed(ops):
    check()
    make_user(username="siluman", display_name="Siluman", is_staff=True, is_superuser=True)
    assert check() == {(Finding.Kind.ACCOUNT_CREATED, "Siluman")}
    finding = Finding.objects.get()
    assert finding.severity == Finding.Severity.HIGH
    assert "superuser" in finding.excerpt
    [message] = mail.outbox
    assert "Siluman" in message.body
    assert f"/admin/accounts/user/{finding.object_id}/change/" in message.body
    assert check() == set()  # reported once


def test_promotions_are_reported(ops, roles):
    reader = make_reader(username="pembaca", display_name="Pembaca")
    writer = make_user(username="tulis", display_name="Penulis Satu", is_staff=True)
    editor = make_user(username="sunting", display_name="Editor Satu", is_staff=True)
    check()
    reader.is_staff = True
    reader.save()
    writer.is_superuser = True
    writer.save()
    editor.groups.add(roles["Admin"])
    assert check() == {
        (Finding.Kind.ACCOUNT_PROMOTED, "Pembaca"),
        (Finding.Kind.ACCOUNT_PROMOTED, "Penulis Satu"),
        (Finding.Kind.ACCOUNT_PROMOTED, "Editor Satu"),
    }
    assert Finding.objects.get(object_repr="Penulis Satu").severity == Finding.Severity.HIGH
    assert "Admin" in Finding.objects.get(object_repr="Editor Satu").excerpt


def test_a_password_set_in_the_admin_is_reported_and_the_report_keeps_no_hash(ops, admin_client):
    staff = make_user(username="redaktur", display_name="Redaktur", is_staff=True)
    check()
    response = admin_client.post(
        f"/admin/accounts/user/{staff.pk}/password/",
        {"password1": "sandi-baru-yang-panjang-2026", "password2": "sandi-baru-yang-panjang-2026"},
    )
    assert response.status_code == 302
    found = check()
    assert (Finding.Kind.PASSWORD_CHANGED, "Redaktur") in found
    staff.refresh_from_db()
    snapshot = json.dumps(list(Report.objects.values_list("accounts", flat=True)))
    assert staff.password not in snapshot
    assert staff.password.split("$")[-1] not in snapshot  # nor any part of it
    assert (Finding.Kind.PASSWORD_CHANGED, "Redaktur") not in check()


def test_a_password_change_of_a_reader_is_not_reported(ops):
    reader = make_reader()
    check()
    reader.set_password("sandi-baru-yang-panjang-2026")
    reader.save()
    assert check() == set()


def test_staff_without_a_second_factor_are_reported_only_while_it_is_required(ops, settings):
    make_user(username="tanpa", display_name="Tanpa 2FA", is_staff=True)
    protected = make_user(username="dengan", display_name="Dengan 2FA", is_staff=True)
    TOTPDevice.objects.create(user=protected, name="Aplikasi", confirmed=True)
    unconfirmed = make_user(username="belum", display_name="Belum Selesai", is_staff=True)
    TOTPDevice.objects.create(user=unconfirmed, name="Aplikasi", confirmed=False)
    make_user(username="keluar", display_name="Nonaktif", is_staff=True, is_active=False)
    make_reader(username="pembaca")
    mail.outbox.clear()  # the enrolment mail to the user (accounts/twofactor)

    settings.STAFF_2FA_REQUIRED = False
    assert check() == set()

    settings.STAFF_2FA_REQUIRED = True
    assert check() == {
        (Finding.Kind.NO_2FA, "Tanpa 2FA"),
        (Finding.Kind.NO_2FA, "Belum Selesai"),
    }
    assert len(mail.outbox) == 1
    assert check() == {
        (Finding.Kind.NO_2FA, "Tanpa 2FA"),
        (Finding.Kind.NO_2FA, "Belum Selesai"),
    }
    assert len(mail.outbox) == 1  # still listed, mailed once


def test_groups_exempt_from_the_second_factor_are_not_reported(ops, settings, roles):
    settings.STAFF_2FA_REQUIRED = True
    settings.STAFF_2FA_EXEMPT_GROUPS = ["Fotografer"]
    photographer = make_user(username="foto", display_name="Fotografer", is_staff=True)
    photographer.groups.add(roles["Fotografer"])
    writer = make_user(username="tulis", display_name="Penulis", is_staff=True)
    writer.groups.add(roles["Penulis"])
    assert check() == {(Finding.Kind.NO_2FA, "Penulis")}
