"""The public side of requests for information: the form and what it refuses, the
registration number and its mail, the identity scan (private, shown to PPID staff
only, deleted after its time), and the status page."""

import io
import os
import re
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from PIL import Image

from audit.models import Entry
from ppid import services
from ppid.models import InformationRequest, Objection, RequestCounter, RequestStep

from .factories import jpeg_bytes, make_user
from .test_documents import make_document
from .test_documents_upload import pdf_bytes

pytestmark = pytest.mark.django_db

DEPLOY = Path(__file__).resolve().parent.parent / "docs" / "deploy.md"
WIB = timezone.get_fixed_timezone(7 * 60)
FORM = "/ppid/permohonan/"
STATUS = "/ppid/status/"
NUMBER = re.compile(r"PPID-\d{4}-\d{5}")
# Siti, born 5 July 1990 (a woman: 05 + 40 = 45), registered in Semarang (33 74 01).
NIK = "3374014507900002"
VALID = {
    "applicant_kind": "perorangan",
    "name": "Siti Aminah",
    "nik": NIK,
    "organisation": "",
    "address": "Jl. Pemuda No. 1, Semarang",
    "phone": "0812-3456-7890",
    "email": "siti.aminah@example.com",
    "information": "Daftar penerima beasiswa Jateng Cerdas tahun 2025.",
    "purpose": "Penelitian skripsi.",
    "receive_method": "salinan-elektronik",
    "copy_method": "email",
    "consent": "on",
}


def scan_jpeg():
    return ContentFile(jpeg_bytes(size=(800, 500)), name="ktp saya.jpg")


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (600, 380), (200, 200, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def submit(client, *, ip="203.0.113.5", id_scan=None, **fields):
    data = {**VALID, **fields}
    if id_scan is not None:
        data["id_scan"] = id_scan
    return client.post(FORM, data, REMOTE_ADDR=ip)


def files_under(root) -> list[Path]:
    root = Path(root)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def nothing_saved(settings):
    assert not InformationRequest.objects.exists()
    assert not RequestStep.objects.exists()
    assert not files_under(settings.PRIVATE_MEDIA_ROOT)
    assert not files_under(settings.MEDIA_ROOT)
    return True


def make_request(*, scan=True, **fields):
    """A registered request as the service leaves it, without the form (for the status
    page and the housekeeping)."""
    now = timezone.now()
    fields.setdefault("number", services.request_number(now.year))
    fields.setdefault("registered_at", now)
    fields.setdefault("due_date", now.date() + timedelta(days=14))
    for name in ("applicant_kind", "name", "nik", "address", "phone", "email"):
        fields.setdefault(name, VALID[name])
    for name in ("information", "purpose", "receive_method", "copy_method"):
        fields.setdefault(name, VALID[name])
    info = InformationRequest(**fields)
    if scan:
        info.id_scan.save("ktp.jpg", ContentFile(jpeg_bytes()), save=False)
    info.save()
    RequestStep.objects.create(request=info, status=info.status)
    return info


def ppid_staff(**fields):
    user = make_user(is_staff=True, **fields)
    user.user_permissions.add(Permission.objects.get(codename="view_identity_scan"))
    return user


# The form: what a citizen gets


def test_the_form_page_asks_for_everything_the_law_lists(client):
    response = client.get(FORM)
    assert response.status_code == 200
    html = response.content.decode()
    for name in (*VALID, "id_scan"):
        assert f'name="{name}"' in html, name
    assert 'enctype="multipart/form-data"' in html
    assert "csrfmiddlewaretoken" in html
    assert response.headers["Cache-Control"].startswith("max-age=0")


def test_a_citizen_files_a_request_and_gets_a_number_a_step_and_a_mail(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, id_scan=scan_jpeg())
    assert response.status_code == 302
    assert response.url == "/ppid/permohonan/terkirim/"
    info = InformationRequest.objects.get()
    assert NUMBER.fullmatch(info.number)
    assert info.number == f"PPID-{timezone.localdate().year}-00001"
    assert (info.nik, info.phone, info.status) == (NIK, "081234567890", "received")
    assert info.organisation == ""
    assert list(info.steps.values_list("status", flat=True)) == ["received"]
    assert info.id_scan.name.startswith("ppid/identitas/")
    assert info.id_scan.name.endswith(".jpg") and "saya" not in info.id_scan.name
    # The thank-you page shows the number; nothing personal is in its address.
    done = client.get(response.url)
    assert done.status_code == 200
    assert info.number in done.content.decode()
    # The mail: the number, the due date and the status link.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["siti.aminah@example.com"]
    assert info.number in message.subject
    assert info.number in message.body
    assert f"/ppid/status/?nomor={info.number}" in message.body
    assert Entry.objects.filter(event="ppid.request_registered").count() == 1


def test_the_audit_trail_keeps_no_applicants_identity(client):
    """Audit entries are kept for years; a citizen's NIK, contact and scan are not in them,
    whether the request is filed or its contact details corrected later."""
    submit(client, id_scan=scan_jpeg())
    info = InformationRequest.objects.get()
    info.phone, info.email = "081299998888", "siti.baru@example.com"
    info.save()
    recorded = " ".join(
        f"{entry.changes} {entry.additional_data} {entry.object_repr}"
        for entry in Entry.objects.all()
    )
    assert Entry.objects.filter(object_pk=str(info.pk)).exists()
    for personal in (NIK, "Siti Aminah", "siti.aminah", "siti.baru", "Pemuda", "3456", "9999"):
        assert personal not in recorded


def test_numbers_follow_each_other_and_start_again_each_year(monkeypatch):
    assert [services.request_number(2026) for _ in range(3)] == [
        "PPID-2026-00001",
        "PPID-2026-00002",
        "PPID-2026-00003",
    ]
    assert services.request_number(2027) == "PPID-2027-00001"
    assert RequestCounter.objects.get(key="permohonan-2026").last == 3


def test_the_due_date_follows_the_holiday_calendar(client, monkeypatch):
    """Filed on Friday 13 March 2026 at 16:45 WIB, before Nyepi and Lebaran: due 6 April."""
    friday = datetime(2026, 3, 13, 16, 45, tzinfo=WIB)
    monkeypatch.setattr(timezone, "now", lambda: friday)
    assert submit(client).status_code == 302
    info = InformationRequest.objects.get()
    assert info.number == "PPID-2026-00001"
    assert info.due_date == date(2026, 4, 6)


def test_a_request_filed_late_on_new_years_eve_belongs_to_the_new_year_in_wib(client, monkeypatch):
    # 17:30 UTC on 31 December is 00:30 WIB on 1 January.
    moment = datetime(2026, 12, 31, 17, 30, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    assert submit(client).status_code == 302
    info = InformationRequest.objects.get()
    assert info.number == "PPID-2027-00001"
    # 1 January is a holiday, 5 January too: 4, 6, 7, 8, 11-15 and 18 January.
    assert info.due_date == date(2027, 1, 18)


def test_an_organisation_gives_its_name(client, settings):
    response = submit(client, applicant_kind="badan-hukum", organisation="")
    assert response.status_code == 400
    assert "organisation" in response.context["form"].errors
    assert nothing_saved(settings)
    response = submit(client, applicant_kind="badan-hukum", organisation="LBH Semarang")
    assert response.status_code == 302
    assert InformationRequest.objects.get().organisation == "LBH Semarang"


def test_a_person_never_stores_an_organisation_name(client):
    assert submit(client, organisation="Sesuatu").status_code == 302
    assert InformationRequest.objects.get().organisation == ""


@pytest.mark.parametrize(
    ("nik", "code"),
    [
        ("337401450790000", "nik_length"),  # 15 digits
        ("33740145079000021", "nik_length"),  # 17 digits
        ("3374O14507900002", "nik_digits"),  # a letter O
        (
            NIK.translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"}),
            "nik_digits",
        ),  # full-width digits
        ("1111111111111111", "nik_repeated"),
        ("0074014507900002", "nik_province"),
        ("2074014507900002", "nik_province"),
        ("9974014507900002", "nik_province"),
        ("3374013213900002", "nik_birth_date"),  # day 32
        ("3374017213900002", "nik_birth_date"),  # day 72 (a woman's 32)
        ("3374010013900002", "nik_birth_date"),  # day 00
        ("3374011513900002", "nik_birth_date"),  # month 13
        ("3374013002900002", "nik_birth_date"),  # 30 February
        ("3374012902010002", "nik_birth_date"),  # 29 February 1901 / 2001
        ("", "required"),
    ],
)
def test_a_bad_nik_is_refused_with_its_reason_and_nothing_is_saved(client, settings, nik, code):
    response = submit(client, nik=nik)
    assert response.status_code == 400
    assert [e.code for e in response.context["form"].errors.as_data()["nik"]] == [code]
    assert nothing_saved(settings)


@pytest.mark.parametrize(
    "nik",
    [
        "3374 0145 0790 0002",  # as printed, with spaces
        "3374010507900002",  # a man, born 5 July 1990
        "9601012902000001",  # Papua Barat Daya; 29 February 2000
        "1101014101050001",  # Aceh; a woman born 1 January 2005
    ],
)
def test_well_formed_niks_are_accepted(client, nik):
    assert submit(client, nik=nik).status_code == 302
    assert InformationRequest.objects.get().nik == nik.replace(" ", "")


@pytest.mark.parametrize(
    ("phone", "stored"),
    [
        ("081234567890", "081234567890"),
        ("+62 812-3456-7890", "081234567890"),
        ("62812345678", "0812345678"),
        ("(024) 8311174", "0248311174"),
    ],
)
def test_indonesian_phone_numbers_are_accepted_in_their_usual_forms(client, phone, stored):
    assert submit(client, phone=phone).status_code == 302
    assert InformationRequest.objects.get().phone == stored


@pytest.mark.parametrize(
    "phone",
    ["12345", "0812", "+1 202 555 0100", "0012345678901", "08123456789012345", "08abc4567890"],
)
def test_a_bad_phone_number_is_refused(client, settings, phone):
    response = submit(client, phone=phone)
    assert response.status_code == 400
    assert "phone" in response.context["form"].errors
    assert nothing_saved(settings)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "N" * 201),
        ("organisation", "O" * 201),
        ("address", "A" * 501),
        ("information", "I" * 4001),
        ("purpose", "P" * 2001),
        ("email", "x" * 250 + "@example.com"),
        ("email", "bukan-email"),
        ("receive_method", "teleport"),
        ("copy_method", ""),
        ("applicant_kind", "alien"),
        ("consent", ""),
        ("name", "   "),
    ],
)
def test_bad_or_overlong_fields_are_refused_and_nothing_is_saved(client, settings, field, value):
    response = submit(client, **{field: value})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert nothing_saved(settings)


def test_every_error_is_tied_to_its_field_and_said_in_the_form(client):
    response = submit(client, nik="123", phone="1")
    html = response.content.decode()
    assert 'id="id_nik_error"' in html
    assert 'id="id_phone_error"' in html
    assert 'aria-invalid="true"' in html


# The identity scan on the form


@pytest.mark.parametrize(
    ("content", "suffix"),
    [(jpeg_bytes(), ".jpg"), (png_bytes(), ".png"), (pdf_bytes("KTP"), ".pdf")],
)
def test_a_jpeg_png_or_pdf_scan_is_kept_privately_under_its_checked_type(
    client, settings, content, suffix
):
    # Named the wrong way round on purpose: the content decides.
    response = submit(client, id_scan=ContentFile(content, name="scan.gif"))
    assert response.status_code == 302
    info = InformationRequest.objects.get()
    stored = Path(settings.PRIVATE_MEDIA_ROOT) / info.id_scan.name
    assert stored.suffix == suffix
    assert stored.read_bytes() == content
    assert not files_under(settings.MEDIA_ROOT)
    with pytest.raises(ValueError):
        info.id_scan.url  # noqa: B018 - a private file has no URL


@pytest.mark.parametrize(
    "upload",
    [
        ContentFile(b"<?php system($_GET['c']); ?>", name="ktp.jpg"),
        ContentFile(b"<html><script>alert(1)</script></html>", name="ktp.png"),
        ContentFile(b"MZ\x90\x00" + b"\x00" * 200, name="ktp.pdf"),
        ContentFile(jpeg_bytes()[:300], name="ktp.jpg"),  # a truncated photo
        ContentFile(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, name="ktp.png"),  # a PNG's header only
        ContentFile(b"%PDF-1.4\n<html>not really</html>", name="ktp.pdf"),
        ContentFile(b"GIF89a" + b"\x00" * 64, name="ktp.gif"),
    ],
    ids=["php", "html", "exe", "truncated-jpeg", "png-header", "broken-pdf", "gif"],
)
def test_a_forged_or_broken_scan_is_refused_and_nothing_is_saved(client, settings, upload):
    response = submit(client, id_scan=upload)
    assert response.status_code == 400
    assert "id_scan" in response.context["form"].errors
    assert nothing_saved(settings)


def test_a_scan_over_the_size_limit_is_refused(client, settings):
    settings.PPID_ID_SCAN_MAX_MB = 1
    big = jpeg_bytes() + b"\x00" * (1024 * 1024)
    response = submit(client, id_scan=ContentFile(big, name="ktp.jpg"))
    assert response.status_code == 400
    assert [e.code for e in response.context["form"].errors.as_data()["id_scan"]] == [
        "scan_too_large"
    ]
    assert nothing_saved(settings)


def test_a_body_over_the_forms_own_limit_is_refused_before_it_is_read(client, settings):
    settings.FORM_UPLOAD_PATHS = {FORM: 2 * 1024 * 1024}
    big = ContentFile(b"\xff\xd8\xff" + b"\x00" * (3 * 1024 * 1024), name="ktp.jpg")
    response = submit(client, id_scan=big)
    assert response.status_code == 413
    assert nothing_saved(settings)


def test_the_form_takes_a_scan_larger_than_other_public_forms_bodies(client, settings):
    """MAX_FORM_MB (1 MB) holds for the comment form; this form takes a phone's photo."""
    photo = jpeg_bytes() + b"\x00" * (int(1.5 * 1024 * 1024))
    assert submit(client, id_scan=ContentFile(photo, name="ktp.jpg")).status_code == 302


def test_when_the_scan_is_required_a_request_without_one_is_refused(client, settings):
    settings.PPID_ID_SCAN = "required"
    response = submit(client)
    assert response.status_code == 400
    assert "id_scan" in response.context["form"].errors
    assert nothing_saved(settings)
    assert submit(client, id_scan=scan_jpeg()).status_code == 302


def test_when_scans_are_off_the_form_has_no_field_and_ignores_a_posted_file(client, settings):
    settings.PPID_ID_SCAN = "off"
    assert 'name="id_scan"' not in client.get(FORM).content.decode()
    assert submit(client, id_scan=scan_jpeg()).status_code == 302
    assert InformationRequest.objects.get().id_scan.name == ""
    assert not files_under(settings.PRIVATE_MEDIA_ROOT)


def test_the_form_refuses_a_post_without_its_csrf_token(settings):
    client = Client(enforce_csrf_checks=True)
    response = submit(client, id_scan=scan_jpeg())
    assert response.status_code == 403
    assert nothing_saved(settings)


def test_a_failure_after_the_scan_was_written_leaves_no_request_and_no_file(
    client, settings, monkeypatch
):
    """The step's insert fails (a database error, say): the row goes with the
    transaction, and the file written before it is deleted."""

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(RequestStep.objects, "create", fail)
    with pytest.raises(RuntimeError):
        submit(client, id_scan=scan_jpeg())
    assert nothing_saved(settings)
    assert not RequestCounter.objects.exists()


def test_a_mail_server_that_is_down_does_not_lose_the_request(
    client, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client)
    assert response.status_code == 302
    assert InformationRequest.objects.count() == 1


# Rate limits


def test_one_network_files_at_most_the_limit_per_hour(client, settings):
    settings.PPID_REQUESTS_PER_ADDRESS_PER_HOUR = 2
    for n in range(2):
        assert submit(client, email=f"warga{n}@example.com").status_code == 302
    refused = submit(client, email="warga9@example.com", id_scan=scan_jpeg())
    assert refused.status_code == 429
    assert "Terlalu banyak" in refused.content.decode() or "Too many" in refused.content.decode()
    assert InformationRequest.objects.count() == 2
    assert len(files_under(settings.PRIVATE_MEDIA_ROOT)) == 0
    # Another subscriber is not affected; one IPv6 /64 is one network.
    assert submit(client, ip="198.51.100.7", email="lain@example.com").status_code == 302
    assert submit(client, ip="2001:db8:1:2::1", email="v6a@example.com").status_code == 302
    assert submit(client, ip="2001:db8:1:2::2", email="v6b@example.com").status_code == 302
    assert submit(client, ip="2001:db8:1:2::3", email="v6c@example.com").status_code == 429


def test_one_email_address_gets_at_most_the_limit_per_day(client, settings):
    settings.PPID_REQUESTS_PER_EMAIL_PER_DAY = 2
    for n in range(2):
        assert submit(client, ip=f"198.51.100.{n}").status_code == 302
    assert submit(client, ip="198.51.100.50", email="SITI.aminah@example.com").status_code == 429
    assert InformationRequest.objects.count() == 2


def test_concurrent_requests_never_share_a_number_on_postgresql(settings, transactional_db):
    """Requests registered in parallel, each on its own connection, get distinct
    numbers with no gaps: the counter's upsert serialises them. (SQLite writers take
    turns anyway; its case is the sequential test above.)"""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: DATABASE_URL=postgres://... (CI's second pass sets it)")
    threads, per_thread = 8, 5
    start = threading.Barrier(threads)
    numbers, errors = [], []

    def register(t):
        try:
            start.wait()
            for _ in range(per_thread):
                numbers.append(services.request_number(2026))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=register, args=(t,)) for t in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors
    assert sorted(numbers) == [f"PPID-2026-{n:05d}" for n in range(1, threads * per_thread + 1)]


def test_concurrent_forms_on_postgresql_each_get_their_own_request(settings, transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: DATABASE_URL=postgres://... (CI's second pass sets it)")
    threads = 6
    start = threading.Barrier(threads)
    codes, errors = [], []

    def citizen(t):
        try:
            start.wait()
            codes.append(submit(Client(), ip=f"198.51.100.{t}", email=f"w{t}@example.com"))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=citizen, args=(t,)) for t in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors
    assert [response.status_code for response in codes] == [302] * threads
    numbers = set(InformationRequest.objects.values_list("number", flat=True))
    assert len(numbers) == threads


# The identity scan is for PPID staff only


def test_the_scan_is_never_under_media_root_and_has_no_public_address(client, settings):
    assert submit(client, id_scan=scan_jpeg()).status_code == 302
    info = InformationRequest.objects.get()
    assert not files_under(settings.MEDIA_ROOT)
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / info.id_scan.name).is_file()
    for guess in (
        f"/media/{info.id_scan.name}",
        f"/private_media/{info.id_scan.name}",
        f"/ppid/{info.id_scan.name}",
    ):
        assert client.get(guess).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in_for_a_scan(client):
    info = make_request()
    url = f"/ppid/identitas/{info.pk}/"
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/akun/masuk/") and "next=/ppid/identitas/" in response.url


def test_writers_editors_and_readers_without_the_permission_get_403(client, roles):
    info = make_request()
    writer = make_user(is_staff=True)
    writer.groups.add(roles["Penulis"])
    editor = make_user(is_staff=True)
    editor.groups.add(roles["Editor"])
    reader = make_user()
    for user in (writer, editor, reader):
        client.force_login(user)
        assert client.get(f"/ppid/identitas/{info.pk}/").status_code == 403
    assert not Entry.objects.filter(event="ppid.identity_viewed").exists()


def test_ppid_staff_with_the_permission_see_the_scan_as_a_private_attachment(client):
    info = make_request()
    staff = ppid_staff()
    client.force_login(staff)
    response = client.get(f"/ppid/identitas/{info.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == jpeg_bytes()
    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert info.number.lower() in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]
    assert "private" in response.headers["Cache-Control"]
    entry = Entry.objects.get(event="ppid.identity_viewed")
    assert entry.actor == staff
    assert entry.object_pk == str(info.pk)


def test_a_request_without_a_scan_or_a_deleted_one_is_not_found(client):
    client.force_login(ppid_staff())
    assert client.get(f"/ppid/identitas/{make_request(scan=False).pk}/").status_code == 404
    assert client.get("/ppid/identitas/999999/").status_code == 404


# Deleting scans after PPID_ID_RETENTION_DAYS


def test_housekeeping_deletes_old_scans_and_keeps_recent_and_open_ones(
    settings, django_capture_on_commit_callbacks
):
    settings.PPID_ID_RETENTION_DAYS = 90
    now = timezone.now()
    old, recent = now - timedelta(days=91), now - timedelta(days=89)
    closed_long_ago = make_request(status="closed", closed_at=old, answered_at=old,
                                   decision="granted")  # fmt: skip
    answered_long_ago = make_request(status="answered", answered_at=old, decision="granted")
    closed_recently = make_request(status="closed", closed_at=recent, answered_at=old,
                                   decision="granted")  # fmt: skip
    still_open = make_request(registered_at=old)
    under_objection = make_request(
        status="closed", closed_at=old, answered_at=old, decision="refused",
        refusal_basis="Pasal 17 huruf h",
    )  # fmt: skip
    Objection.objects.create(
        request=under_objection, number="KEB-2026-00001", registered_at=recent,
        due_date=date.today() + timedelta(days=30), grounds="a", case="Ditolak.",
    )  # fmt: skip
    paths = {
        info.pk: Path(settings.PRIVATE_MEDIA_ROOT) / info.id_scan.name
        for info in (closed_long_ago, answered_long_ago, closed_recently, still_open,
                     under_objection)
    }  # fmt: skip

    out = io.StringIO()
    call_command("ppid_delete_id_scans", "--dry-run", stdout=out)
    assert "would be deleted: 2" in out.getvalue()
    assert all(path.exists() for path in paths.values())

    with django_capture_on_commit_callbacks(execute=True):  # files go after the commit
        call_command("ppid_delete_id_scans", stdout=io.StringIO(), verbosity=0)
    for info in (closed_long_ago, answered_long_ago):
        info.refresh_from_db()
        assert info.id_scan.name == ""
        assert info.id_scan_deleted_at is not None
        assert not paths[info.pk].exists()
    for info in (closed_recently, still_open, under_objection):
        info.refresh_from_db()
        assert info.id_scan.name and info.id_scan_deleted_at is None
        assert paths[info.pk].exists()
    entry = Entry.objects.get(event="ppid.identity_scans_deleted")
    assert sorted(entry.additional_data["requests"]) == sorted(
        [closed_long_ago.number, answered_long_ago.number]
    )
    # Once deleted, a second run finds nothing, and staff find nothing to see.
    out = io.StringIO()
    call_command("ppid_delete_id_scans", stdout=out)
    assert "deleted: 0" in out.getvalue()


def test_housekeeping_deletes_scan_files_no_request_refers_to(settings):
    kept = make_request()
    folder = Path(settings.PRIVATE_MEDIA_ROOT) / "ppid/identitas/2026/01"
    folder.mkdir(parents=True, exist_ok=True)
    orphan, fresh = folder / "left-behind.jpg", folder / "being-written.jpg"
    orphan.write_bytes(b"x")
    fresh.write_bytes(b"x")
    two_hours_ago = time.time() - 7200
    os.utime(orphan, (two_hours_ago, two_hours_ago))
    out = io.StringIO()
    call_command("ppid_delete_id_scans", stdout=out, verbosity=2)
    assert "orphan" in out.getvalue()
    assert not orphan.exists()
    assert fresh.exists()  # an upload whose transaction may not have committed yet
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / kept.id_scan.name).exists()


# The status page


def look_up(client, number, email, ip="203.0.113.9"):
    return client.post(STATUS, {"number": number, "email": email}, REMOTE_ADDR=ip)


def test_the_right_number_and_email_show_the_request(client):
    info = make_request(due_date=date(2026, 4, 6))
    response = look_up(client, f" {info.number.lower()} ", "SITI.Aminah@Example.com")
    assert response.status_code == 302
    assert response.url == STATUS
    page = client.get(STATUS)
    html = page.content.decode()
    assert page.status_code == 200
    assert info.number in html
    assert 'id="request-state"' in html
    assert "2026-04-06" in html
    assert page.context["info"] == info
    assert [step.status for step in page.context["steps"]] == ["received"]


def test_a_wrong_email_and_a_wrong_number_get_the_same_answer(client):
    info = make_request()
    other = make_request(email="orang.lain@example.com")
    wrong_email = look_up(client, info.number, "orang.lain@example.com")
    wrong_number = look_up(client, "PPID-2026-99999", VALID["email"])
    crossed = look_up(client, other.number, VALID["email"])
    answers = [r.context["form"].non_field_errors() for r in (wrong_email, wrong_number, crossed)]
    assert answers[0] == answers[1] == answers[2]
    assert {r.status_code for r in (wrong_email, wrong_number, crossed)} == {200}
    assert client.get(STATUS).context["info"] is None


def test_status_lookups_are_limited_per_network(client, settings):
    settings.PPID_STATUS_LOOKUPS_PER_ADDRESS_PER_HOUR = 3
    info = make_request()
    for n in range(3):
        look_up(client, f"PPID-2026-{n:05d}", "tebak@example.com")
    refused = look_up(client, info.number, VALID["email"])
    assert refused.status_code == 429
    assert refused.context["info"] is None
    assert look_up(Client(), info.number, VALID["email"], ip="198.51.100.99").status_code == 302


def test_the_status_link_in_the_mail_fills_in_the_number(client):
    response = client.get(STATUS, {"nomor": "PPID-2026-00042"})
    assert response.status_code == 200
    assert 'value="PPID-2026-00042"' in response.content.decode()


def test_the_clock_says_which_working_day_it_is_and_when_it_is_late(client, monkeypatch):
    registered = datetime(2026, 3, 13, 9, 0, tzinfo=WIB)
    info = make_request(registered_at=registered, due_date=date(2026, 4, 6))
    assert look_up(client, info.number, VALID["email"]).status_code == 302
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 3, 26, 10, 0, tzinfo=WIB))
    clock = client.get(STATUS).context["clock"]
    assert (clock.used, clock.allowed, clock.overdue) == (4, 10, False)
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 4, 8, 10, 0, tzinfo=WIB))
    page = client.get(STATUS)
    assert page.context["clock"].overdue
    assert page.context["late_days"] == 2


def test_an_extension_shows_its_new_date_and_reason(client):
    info = make_request(
        due_date=date(2026, 4, 6),
        extended_due_date=date(2026, 4, 15),
        extension_reason="Dokumen berada di arsip daerah.",
        status="extended",
    )
    look_up(client, info.number, VALID["email"])
    html = client.get(STATUS).content.decode()
    assert "2026-04-15" in html
    assert "Dokumen berada di arsip daerah." in html
    assert client.get(STATUS).context["clock"].allowed == 17


def test_an_answered_request_shows_the_answer_documents_and_letter_to_this_session_only(
    client, settings
):
    published = make_document(title="Daftar Penerima Beasiswa 2025")
    unpublished = make_document(title="Lampiran Internal", is_published=False)
    info = make_request(status="answered", decision="granted", answered_at=timezone.now(),
                        answer="Informasi yang Anda minta kami lampirkan.")  # fmt: skip
    info.answer_letter.save("surat.pdf", ContentFile(pdf_bytes("Surat jawaban")))
    info.documents.add(published, unpublished)
    assert look_up(client, info.number, VALID["email"]).status_code == 302
    page = client.get(STATUS)
    html = page.content.decode()
    assert "Informasi yang Anda minta kami lampirkan." in html
    assert f'href="{published.get_absolute_url()}"' in html
    assert "Lampiran Internal" in html
    assert f'href="{unpublished.get_absolute_url()}"' not in html
    assert 'href="/ppid/status/surat-jawaban/"' in html
    letter = client.get("/ppid/status/surat-jawaban/")
    assert letter.status_code == 200
    assert b"".join(letter.streaming_content).startswith(b"%PDF-")
    assert letter.headers["Content-Disposition"].startswith("attachment;")
    assert letter.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in letter.headers["Cache-Control"]
    # Another browser, without the lookup, gets nothing.
    assert Client().get("/ppid/status/surat-jawaban/").status_code == 404


def test_the_lookup_expires_from_the_session(client, monkeypatch):
    info = make_request()
    look_up(client, info.number, VALID["email"])
    assert client.get(STATUS).context["info"] == info
    later = time.time() + 3 * 3600
    monkeypatch.setattr(time, "time", lambda: later)
    assert client.get(STATUS).context["info"] is None


def test_the_status_page_reads_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    """One request, its public steps, its documents and its objections: no query per
    step or document (of the 11, five are the site's frame: page version, site settings,
    menu)."""
    info = make_request(status="answered", decision="granted", answered_at=timezone.now())
    for n in range(8):
        RequestStep.objects.create(request=info, status="in_progress", note=f"Langkah {n}")
    RequestStep.objects.create(request=info, status="in_progress", note="Intern", is_public=False)
    info.documents.add(*(make_document(title=f"Dokumen {n}") for n in range(5)))
    look_up(client, info.number, VALID["email"])
    with django_assert_max_num_queries(11):
        page = client.get(STATUS)
    assert "Intern" not in page.content.decode()
    assert len(page.context["steps"]) == 9


def test_the_thank_you_page_needs_the_session_that_filed_the_request(client):
    assert client.get("/ppid/permohonan/terkirim/").status_code == 302
    assert submit(client).status_code == 302
    assert Client().get("/ppid/permohonan/terkirim/").status_code == 302


def test_the_form_and_the_thank_you_page_read_a_bounded_number_of_queries(
    client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        assert client.get(FORM).status_code == 200
    submit(client)
    with django_assert_max_num_queries(8):
        assert client.get("/ppid/permohonan/terkirim/").status_code == 200


def test_the_landing_page_links_to_the_services_and_gives_the_contact(client, settings):
    settings.PPID_CONTACT_EMAIL = "ppid@jatengprov.go.id"
    response = client.get("/ppid/")
    assert response.status_code == 200
    html = response.content.decode()
    for path in (
        "/ppid/permohonan/",
        "/ppid/status/",
        "/ppid/daftar-informasi/",
        "/ppid/keberatan/",
        "/ppid/laporan/",
    ):
        assert f'href="{path}"' in html
    assert "ppid@jatengprov.go.id" in html


def test_nginx_in_docs_takes_the_request_forms_scan_and_nothing_larger(settings):
    """docs/deploy.md's exact location for the form allows what Django allows there."""
    site = re.findall(r"```nginx\n(.*?)```", DEPLOY.read_text(), re.S)[0]
    location = re.search(r"^    location = /ppid/permohonan/ \{.*?^    \}", site, re.S | re.M)
    assert location is not None
    (size,) = re.findall(r"client_max_body_size (\d+)m;", location.group(0))
    assert int(size) * 1024 * 1024 == settings.FORM_UPLOAD_PATHS[FORM]
    assert "proxy_pass http://humas_app;" in location.group(0)


def test_an_empty_post_is_the_form_again_with_its_errors(client, settings):
    response = client.post(FORM, {}, REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 400
    assert "nik" in response.context["form"].errors
    assert nothing_saved(settings)
    response = client.post(STATUS, {}, REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 400
    assert "number" in response.context["form"].errors
