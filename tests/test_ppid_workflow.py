"""The PPID staff's side: the workflow in the admin (take, extend, answer by mail with
the letter and documents, close), what it refuses, the dashboard, the morning reminder,
and who may see requests at all."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from audit.models import Entry
from ppid.models import InformationRequest, RequestStep

from .factories import make_user
from .ppid_staff import freeze, make_objection, make_request, make_staff
from .test_documents import make_document
from .test_documents_upload import pdf_bytes

pytestmark = pytest.mark.django_db

# Wednesday 2 December 2026: a request registered today is due on Wednesday 16
# December; extended by 7 working days it is due on Tuesday 29 December (24 and 25
# December, Christmas and its joint leave day, do not count).
TODAY = date(2026, 12, 2)
DUE = date(2026, 12, 16)
EXTENDED = date(2026, 12, 29)


def change_url(info):
    return f"/admin/ppid/informationrequest/{info.pk}/change/"


def step_url(info, step):
    return f"/admin/ppid/informationrequest/{info.pk}/{step}/"


def ppid_events(info):
    return list(
        Entry.objects.filter(event__startswith="ppid.", object_pk=str(info.pk))
        .order_by("pk")
        .values_list("event", flat=True)
    )


@pytest.fixture
def today(monkeypatch):
    freeze(monkeypatch, TODAY)
    return TODAY


@pytest.fixture
def staff(ppid_group):
    return make_staff(ppid_group, username="petugas", email="petugas@jatengprov.go.id")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def fresh(today):
    return make_request(registered=today, due=DUE)


@pytest.fixture
def taken(staff_client, fresh):
    staff_client.post(step_url(fresh, "ambil"))
    fresh.refresh_from_db()
    return fresh


def test_staff_take_extend_answer_with_a_document_and_close_a_request(staff_client, staff, fresh):
    document = make_document(title="Daftar Penerima Beasiswa 2025", is_published=False)

    page = staff_client.get(change_url(fresh))
    assert page.status_code == 200
    assert b'id="ppid-take"' in page.content
    assert b'id="ppid-answer"' not in page.content  # taken first

    assert staff_client.post(step_url(fresh, "ambil")).status_code == 302
    fresh.refresh_from_db()
    assert (fresh.status, fresh.assigned_to) == ("in_progress", staff)

    page = staff_client.get(step_url(fresh, "perpanjang"))
    assert page.status_code == 200
    assert b'id="ppid-new-due"' in page.content
    response = staff_client.post(
        step_url(fresh, "perpanjang"), {"reason": "Dokumen masih dihimpun dari tiga OPD."}
    )
    assert response.status_code == 302
    fresh.refresh_from_db()
    assert fresh.status == "extended"
    assert fresh.extended_due_date == EXTENDED
    assert fresh.extension_reason == "Dokumen masih dihimpun dari tiga OPD."
    [notice] = mail.outbox
    assert notice.to == ["siti.aminah@example.com"]
    assert "Dokumen masih dihimpun dari tiga OPD." in notice.body
    assert "2026" in notice.body and "29" in notice.body

    mail.outbox.clear()
    response = staff_client.post(
        step_url(fresh, "jawab"),
        {
            "decision": "granted",
            "answer": "Bersama ini kami sampaikan daftar penerima beasiswa yang Saudara minta.",
            "documents": [document.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    fresh.refresh_from_db()
    assert (fresh.status, fresh.decision) == ("answered", "granted")
    assert fresh.answered_at is not None
    assert list(fresh.documents.all()) == [document]

    [answer] = mail.outbox
    assert answer.to == ["siti.aminah@example.com"]
    assert fresh.number in answer.subject
    assert "Bersama ini kami sampaikan daftar penerima beasiswa" in answer.body
    [(name, content, mimetype)] = answer.attachments
    assert name == document.filename
    assert content.startswith(b"%PDF-")
    assert mimetype == "application/pdf"

    steps = list(fresh.steps.order_by("at", "pk"))
    assert [step.status for step in steps] == ["in_progress", "extended", "answered"]
    assert all(step.by == staff for step in steps)
    assert steps[-1].note == answer.body  # the mail as sent is kept

    assert staff_client.post(step_url(fresh, "tutup")).status_code == 302
    fresh.refresh_from_db()
    assert fresh.status == "closed" and fresh.closed_at is not None
    assert ppid_events(fresh) == ["ppid.take", "ppid.extend", "ppid.answer", "ppid.close"]


def test_the_change_page_shows_the_clock_due_date_and_steps(staff_client, taken):
    page = staff_client.get(change_url(taken)).content.decode()
    assert 'id="ppid-clock"' in page
    assert "0/10" in page  # registered today: no working day has run
    assert 'id="ppid-steps"' in page
    assert 'id="ppid-extend"' in page and 'id="ppid-answer"' in page


def test_the_workflow_owns_status_numbers_dates_and_decision(staff_client, taken):
    """A change-form POST cannot set what only the steps may."""
    page = staff_client.get(change_url(taken)).content.decode()
    assert 'name="status"' not in page and 'name="decision"' not in page
    assert 'name="due_date"' not in page and 'name="number"' not in page
    assert 'name="email"' in page  # a mistyped address can be put right


def test_an_extension_is_refused_without_a_reason_and_a_second_time(staff_client, taken):
    response = staff_client.post(step_url(taken, "perpanjang"), {"reason": "   "})
    assert response.status_code == 200
    assert b"errorlist" in response.content
    taken.refresh_from_db()
    assert taken.extended_due_date is None and taken.status == "in_progress"
    assert mail.outbox == []

    staff_client.post(step_url(taken, "perpanjang"), {"reason": "Data masih dikumpulkan."})
    mail.outbox.clear()
    again = staff_client.post(step_url(taken, "perpanjang"), {"reason": "Belum selesai."})
    assert again.status_code == 302  # back to the request, with the refusal as a message
    taken.refresh_from_db()
    assert taken.extended_due_date == EXTENDED
    assert taken.extension_reason == "Data masih dikumpulkan."
    assert mail.outbox == []
    assert ppid_events(taken) == ["ppid.take", "ppid.extend"]


def test_an_extension_after_the_first_due_date_is_refused(staff_client, staff, today):
    late = make_request(
        registered=date(2026, 11, 2), due=date(2026, 11, 16), status="in_progress",
        assigned_to=staff,
    )  # fmt: skip
    response = staff_client.post(step_url(late, "perpanjang"), {"reason": "Terlambat."})
    assert response.status_code == 302
    late.refresh_from_db()
    assert late.extended_due_date is None and late.status == "in_progress"
    assert mail.outbox == []


def test_a_refusal_without_its_legal_basis_is_refused_and_nothing_is_saved(staff_client, taken):
    response = staff_client.post(
        step_url(taken, "jawab"), {"decision": "refused", "answer": "Permohonan ditolak."}
    )
    assert response.status_code == 200
    assert b"errorlist" in response.content or b"errornote" in response.content
    taken.refresh_from_db()
    assert taken.status == "in_progress" and taken.decision == "" and taken.answered_at is None
    assert mail.outbox == []
    assert list(taken.steps.values_list("status", flat=True)) == ["in_progress"]
    assert ppid_events(taken) == ["ppid.take"]


def test_a_refusal_with_its_legal_basis_is_sent(staff_client, taken):
    basis = "Pasal 17 huruf h UU 14/2008: rahasia pribadi; uji konsekuensi terlampir."
    response = staff_client.post(
        step_url(taken, "jawab"),
        {"decision": "refused", "answer": "Permohonan ditolak.", "refusal_basis": basis},
    )
    assert response.status_code == 302
    taken.refresh_from_db()
    assert (taken.decision, taken.refusal_basis) == ("refused", basis)
    [answer] = mail.outbox
    assert basis in answer.body


def test_a_forwarded_answer_names_where(staff_client, taken):
    response = staff_client.post(
        step_url(taken, "jawab"), {"decision": "forwarded", "answer": "Diteruskan."}
    )
    assert response.status_code == 200
    response = staff_client.post(
        step_url(taken, "jawab"),
        {"decision": "forwarded", "answer": "Diteruskan.", "forwarded_to": "BPS Jawa Tengah"},
    )
    assert response.status_code == 302
    taken.refresh_from_db()
    assert taken.forwarded_to == "BPS Jawa Tengah"


def test_the_signed_letter_must_be_a_pdf_and_is_kept_privately(staff_client, taken, settings):
    page = staff_client.post(
        step_url(taken, "jawab"),
        {
            "decision": "granted",
            "answer": "Terlampir.",
            "letter": SimpleUploadedFile("surat.pdf", b"<html><script>x</script></html>"),
        },
    )
    assert page.status_code == 200
    assert mail.outbox == []
    response = staff_client.post(
        step_url(taken, "jawab"),
        {
            "decision": "granted",
            "answer": "Terlampir.",
            "letter": SimpleUploadedFile("surat.pdf", pdf_bytes("Surat Jawaban")),
        },
    )
    assert response.status_code == 302
    taken.refresh_from_db()
    assert taken.answer_letter.name.startswith("ppid/jawaban/")
    assert taken.answer_letter.storage.path(taken.answer_letter.name).startswith(
        str(settings.PRIVATE_MEDIA_ROOT)
    )
    [answer] = mail.outbox
    [(name, content, _type)] = answer.attachments
    assert name == f"surat-jawaban-{taken.number}.pdf"
    assert content.startswith(b"%PDF-")
    letter = staff_client.get(step_url(taken, "surat-jawaban"))
    assert letter.status_code == 200
    assert b"".join(letter.streaming_content).startswith(b"%PDF-")


def test_published_documents_over_the_ceiling_are_linked_and_unpublished_ones_refused(
    staff_client, taken, settings
):
    settings.PPID_MAX_ATTACHMENT_MB = 0
    public = make_document(title="Laporan Kinerja 2025", is_published=True)
    private = make_document(title="Daftar Internal", is_published=False)
    data = {"decision": "granted", "answer": "Terlampir."}
    refused = staff_client.post(step_url(taken, "jawab"), {**data, "documents": [private.pk]})
    assert refused.status_code == 200
    assert b"errornote" in refused.content
    assert mail.outbox == []
    taken.refresh_from_db()
    assert taken.status == "in_progress"

    sent = staff_client.post(step_url(taken, "jawab"), {**data, "documents": [public.pk]})
    assert sent.status_code == 302
    [answer] = mail.outbox
    assert answer.attachments == []
    assert f"/dokumen/{public.slug}/" in answer.body


def test_a_mail_server_that_refuses_leaves_the_request_as_it_was(staff_client, taken, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    response = staff_client.post(
        step_url(taken, "jawab"), {"decision": "granted", "answer": "Terlampir."}
    )
    assert response.status_code == 200
    assert b"errornote" in response.content
    taken.refresh_from_db()
    assert taken.status == "in_progress" and taken.answered_at is None
    assert ppid_events(taken) == ["ppid.take"]


def test_a_closed_or_answered_request_cannot_be_answered_again(staff_client, staff, today):
    done = make_request(
        registered=date(2026, 11, 2), due=date(2026, 11, 16), status="closed",
        decision="granted", answer="Sudah.", assigned_to=staff,
    )  # fmt: skip
    for step in ("jawab", "perpanjang"):
        assert staff_client.get(step_url(done, step)).status_code == 302
        data = {"decision": "granted", "answer": "Lagi.", "reason": "Lagi."}
        assert staff_client.post(step_url(done, step), data).status_code == 302
    done.refresh_from_db()
    assert (done.status, done.answer) == ("closed", "Sudah.")
    assert mail.outbox == []
    assert staff_client.get(step_url(done, "ambil")).status_code == 405  # POST only


# The dashboard, the list and the morning reminder -------------------------------------


@pytest.fixture
def clocks(today, staff):
    """An overdue request, two due soon (1 and 2 working days left), one due in 3
    working days, an answered one long past its date, and an overdue objection."""
    overdue = make_request(registered=date(2026, 11, 2), due=date(2026, 11, 16))
    soon_1 = make_request(registered=date(2026, 11, 19), due=date(2026, 12, 3), assigned_to=staff)
    soon_2 = make_request(registered=date(2026, 11, 20), due=date(2026, 12, 4))
    later = make_request(registered=date(2026, 11, 23), due=date(2026, 12, 7))
    answered = make_request(
        registered=date(2026, 10, 1), due=date(2026, 10, 15), status="answered",
        decision="granted", answer="Sudah.",
    )  # fmt: skip
    objection = make_objection(
        request=answered, registered=date(2026, 10, 16), due=date(2026, 11, 27)
    )
    return {
        "overdue": overdue, "soon_1": soon_1, "soon_2": soon_2, "later": later,
        "answered": answered, "objection": objection,
    }  # fmt: skip


def test_overdue_and_due_soon_head_the_ppid_staffs_admin_index(staff_client, clocks):
    page = staff_client.get("/admin/").content.decode()
    assert 'id="ppid-dashboard"' in page
    dashboard = page[page.index('id="ppid-dashboard"') : page.index("</section>")]
    overdue = dashboard.index('id="ppid-overdue-requests"')
    soon = dashboard.index('id="ppid-due-soon-requests"')
    assert overdue < soon
    assert dashboard.index(clocks["overdue"].number) < soon
    assert (
        soon < dashboard.index(clocks["soon_1"].number) < dashboard.index(clocks["soon_2"].number)
    )
    assert clocks["later"].number not in dashboard
    objections = dashboard.index('id="ppid-overdue-objections"')
    assert dashboard.index(clocks["objection"].number) > objections
    # The answered request shows only as the objection's request.
    assert dashboard.index(clocks["answered"].number) > objections
    assert "ppid-overdue" in dashboard


def test_the_dashboard_says_so_when_nothing_is_due(staff_client, today):
    make_request(registered=today, due=DUE)
    page = staff_client.get("/admin/").content.decode()
    assert 'id="ppid-nothing-due"' in page
    assert 'id="ppid-overdue-requests"' not in page


def test_the_newsroom_sees_no_ppid_dashboard(client, roles, clocks):
    client.force_login(make_staff(roles["Editor"]))
    page = client.get("/admin/").content.decode()
    assert 'id="ppid-dashboard"' not in page
    assert clocks["overdue"].number not in page


def test_the_request_list_puts_the_most_urgent_first_and_filters_by_urgency(staff_client, clocks):
    page = staff_client.get("/admin/ppid/informationrequest/").content.decode()
    positions = [page.index(clocks[key].number) for key in ("overdue", "soon_1", "soon_2", "later")]
    assert positions == sorted(positions)
    assert page.index(clocks["later"].number) < page.index(clocks["answered"].number)
    assert "ppid-overdue" in page

    overdue = staff_client.get("/admin/ppid/informationrequest/?urgency=overdue").content.decode()
    assert clocks["overdue"].number in overdue
    assert clocks["soon_1"].number not in overdue
    soon = staff_client.get("/admin/ppid/informationrequest/?urgency=due_soon").content.decode()
    assert clocks["soon_1"].number in soon and clocks["soon_2"].number in soon
    assert clocks["overdue"].number not in soon and clocks["later"].number not in soon


def test_the_request_list_reads_the_calendar_once(
    staff_client, clocks, django_assert_max_num_queries
):
    """The clock column: one calendar for the page, not a query per row."""
    for n in range(20):
        make_request(registered=date(2026, 11, 20), due=date(2026, 12, 4), number=f"X-{n}")
    with django_assert_max_num_queries(20):
        assert staff_client.get("/admin/ppid/informationrequest/").status_code == 200


def test_the_morning_reminder_mails_the_ppid_group_the_urgent_list(ppid_group, roles, clocks):
    make_staff(ppid_group, email="ppid2@jatengprov.go.id")
    make_staff(ppid_group, email="")  # nowhere to send it
    make_staff(ppid_group, email="pensiun@jatengprov.go.id", is_active=False)
    make_staff(roles["Editor"], email="redaksi@jatengprov.go.id")  # not PPID
    call_command("ppid_reminders", verbosity=0)
    assert sorted(address for m in mail.outbox for address in m.to) == [
        "petugas@jatengprov.go.id", "ppid2@jatengprov.go.id",
    ]  # fmt: skip
    body = mail.outbox[0].body
    assert body.index(clocks["overdue"].number) < body.index(clocks["soon_1"].number)
    assert clocks["soon_2"].number in body and clocks["objection"].number in body
    assert clocks["later"].number not in body
    assert f"/admin/ppid/informationrequest/{clocks['overdue'].pk}/change/" in body
    assert Entry.objects.filter(event="ppid.reminders_sent").count() == 1


def test_the_reminder_sends_nothing_when_nothing_is_due_and_nothing_on_a_dry_run(
    ppid_group, staff, today, clocks, capsys
):
    call_command("ppid_reminders", "--dry-run")
    assert mail.outbox == []
    assert clocks["overdue"].number in capsys.readouterr().out
    InformationRequest.objects.update(status="answered", decision="granted")
    clocks["objection"].status = "answered"
    clocks["objection"].decision = "rejected"
    clocks["objection"].save()
    call_command("ppid_reminders")
    assert mail.outbox == []
    assert "no mail" in capsys.readouterr().out


# Who may see requests ------------------------------------------------------------------


@pytest.mark.parametrize("role", ["Penulis", "Editor"])
def test_newsroom_staff_get_403_on_every_ppid_page(
    client, roles, role, today, ppid_group, settings
):
    info = make_request(registered=today, due=DUE, id_scan="ppid/identitas/2026/12/ktp.jpg")
    objection = make_objection(request=info, registered=today, due=DUE)
    client.force_login(make_staff(roles[role]))
    for url in (
        "/admin/ppid/informationrequest/",
        change_url(info),
        step_url(info, "jawab"),
        step_url(info, "perpanjang"),
        step_url(info, "surat-jawaban"),
        "/admin/ppid/objection/",
        f"/admin/ppid/objection/{objection.pk}/change/",
        f"/admin/ppid/objection/{objection.pk}/tanggapi/",
        "/admin/ppid/requeststep/",
        f"/ppid/identitas/{info.pk}/",
    ):
        assert client.get(url).status_code in (403, 404), url
    for step in ("ambil", "tutup", "jawab"):
        assert client.post(step_url(info, step), {"decision": "granted"}).status_code == 403
    info.refresh_from_db()
    assert info.status == "received"


def test_the_admin_role_may_look_but_not_act(client, roles, ppid_group, today):
    info = make_request(registered=today, due=DUE)
    admin_user = make_staff(roles["Admin"])
    if admin_user.has_perm("ppid.change_informationrequest"):
        pytest.skip("the Admin role was rebuilt with every permission by another test")
    client.force_login(admin_user)
    assert client.get("/admin/ppid/informationrequest/").status_code == 200
    page = client.get(change_url(info)).content.decode()
    assert 'id="ppid-take"' not in page
    assert client.post(step_url(info, "ambil")).status_code == 403


def test_only_ppid_staff_see_the_identity_scan_link(client, staff_client, roles, today):
    info = make_request(registered=today, due=DUE, id_scan="ppid/identitas/2026/12/ktp.jpg")
    assert f"/ppid/identitas/{info.pk}/".encode() in staff_client.get(change_url(info)).content
    viewer = make_user(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_informationrequest"))
    client.force_login(viewer)
    page = client.get(change_url(info))
    assert page.status_code == 200
    assert f"/ppid/identitas/{info.pk}/".encode() not in page.content


# Objections in the admin ---------------------------------------------------------------


def test_staff_take_respond_to_and_close_an_objection(staff_client, staff, today):
    info = make_request(
        registered=date(2026, 11, 2), due=date(2026, 11, 16), status="answered",
        decision="refused", refusal_basis="Pasal 17 huruf h.", answer="Ditolak.",
    )  # fmt: skip
    objection = make_objection(request=info, registered=today, due=date(2027, 1, 15))
    base = f"/admin/ppid/objection/{objection.pk}"
    page = staff_client.get(f"{base}/change/").content.decode()
    assert 'id="ppid-take"' in page and 'name="_save"' not in page
    assert staff_client.post(f"{base}/tanggapi/", {}).status_code == 302  # take it first
    assert staff_client.post(f"{base}/ambil/").status_code == 302
    refused = staff_client.post(f"{base}/tanggapi/", {"decision": "upheld", "response": "x"})
    assert refused.status_code == 200  # no official named
    response = staff_client.post(
        f"{base}/tanggapi/",
        {
            "official": "Sekretaris Daerah Provinsi Jawa Tengah",
            "decision": "upheld",
            "response": "Keberatan diterima; informasi akan diberikan.",
        },
    )
    assert response.status_code == 302
    objection.refresh_from_db()
    assert (objection.status, objection.decision) == ("answered", "upheld")
    [reply] = mail.outbox
    assert reply.to == [info.email]
    assert "Keberatan diterima; informasi akan diberikan." in reply.body
    assert staff_client.post(f"{base}/tutup/").status_code == 302
    objection.refresh_from_db()
    assert objection.status == "closed"
    events = Entry.objects.filter(object_pk=str(objection.pk), event__startswith="ppid.")
    assert sorted(events.values_list("event", flat=True)) == [
        "ppid.objection_close", "ppid.objection_respond", "ppid.objection_take",
    ]  # fmt: skip
    assert RequestStep.objects.filter(request=info).count() == 0


def test_the_reminder_waits_for_a_working_morning(ppid_group, staff, clocks, monkeypatch):
    freeze(monkeypatch, date(2026, 12, 25))  # Christmas, a Friday
    call_command("ppid_reminders", verbosity=0)
    assert mail.outbox == []
    call_command("ppid_reminders", "--any-day", verbosity=0)
    assert [m.to for m in mail.outbox] == [["petugas@jatengprov.go.id"]]
