"""Objections (keberatan): the public form, when one may be filed (30 working days after
the answer or the missed deadline), its number and due date on the working-day clock,
the mail, the neutral answer to a wrong number or email, the limit per address, and the
status page."""

from datetime import date

import pytest
from django.core import mail

from audit.models import Entry
from ppid.models import Objection, RequestCounter
from ppid.workdays import add_working_days

from .ppid_staff import at, freeze, make_objection, make_request

pytestmark = pytest.mark.django_db

FORM = "/ppid/keberatan/"
EMAIL = "siti.aminah@example.com"
# Friday 18 December 2026. Thirty working days later, skipping 24 and 25 December
# (Christmas joint leave and Christmas), 1 January and 5 January 2027 (Isra Mi'raj):
# Thursday 4 February 2027, the day before the Lunar New Year's joint leave day.
TODAY = date(2026, 12, 18)
DUE = date(2027, 2, 4)


@pytest.fixture
def today(monkeypatch):
    freeze(monkeypatch, TODAY)
    return TODAY


def answered(days_ago_date, **fields):
    return make_request(
        registered=date(2026, 10, 1), due=date(2026, 10, 15), status="answered",
        decision="refused", refusal_basis="Pasal 17 huruf h.", answer="Ditolak.",
        answered_at=at(days_ago_date), **fields,
    )  # fmt: skip


def file(client, info, *, email=EMAIL, ip="203.0.113.7", **fields):
    data = {
        "number": info.number if info else "PPID-2026-99999",
        "email": email,
        "grounds": "a",
        "case": "Informasi yang saya minta bukan informasi yang dikecualikan.",
        **fields,
    }
    return client.post(FORM, data, REMOTE_ADDR=ip)


def test_an_objection_within_30_working_days_of_the_answer_is_registered(
    client, today, django_capture_on_commit_callbacks
):
    info = answered(date(2026, 12, 4))
    with django_capture_on_commit_callbacks(execute=True):
        response = file(client, info)
    assert response.status_code == 302
    assert response["Location"] == "/ppid/keberatan/terkirim/"
    objection = Objection.objects.get()
    assert objection.request == info
    assert objection.number == "KEB-2026-00001"
    assert (objection.grounds, objection.status) == ("a", "received")
    assert objection.due_date == DUE
    assert RequestCounter.objects.get(key="keberatan-2026").last == 1
    [receipt] = mail.outbox
    assert receipt.to == [EMAIL]
    assert "KEB-2026-00001" in receipt.subject
    assert "4 Februari 2027" in receipt.body or "4 February 2027" in receipt.body
    assert Entry.objects.filter(event="ppid.objection_filed").count() == 1

    done = client.get(response["Location"])
    assert done.status_code == 200
    assert b"KEB-2026-00001" in done.content


def test_the_due_date_follows_the_working_day_clock(client, today):
    info = answered(date(2026, 12, 17))
    file(client, info)
    assert Objection.objects.get().due_date == add_working_days(TODAY, 30) == DUE


def test_an_objection_on_the_last_day_is_registered_and_after_it_refused(client, monkeypatch):
    answered_on = date(2026, 11, 2)
    last = add_working_days(answered_on, 30)  # Monday 14 December 2026
    assert last == date(2026, 12, 14)
    info = answered(answered_on)
    freeze(monkeypatch, date(2026, 12, 15))
    late = file(client, info)
    assert late.status_code == 400
    assert not Objection.objects.exists()
    assert mail.outbox == []
    assert b"14-12-2026" in late.content  # the last day, in the message

    freeze(monkeypatch, last)
    assert file(client, info).status_code == 302


def test_an_objection_long_after_the_answer_is_refused(client, today):
    info = answered(date(2026, 9, 1))
    response = file(client, info)
    assert response.status_code == 400
    assert b'role="alert"' in response.content
    assert not Objection.objects.exists()


def test_an_objection_against_an_unanswered_overdue_request_is_registered(client, today):
    info = make_request(registered=date(2026, 11, 20), due=date(2026, 12, 4), status="in_progress")
    response = file(client, info, grounds="c", case="Sudah lewat tenggat dan belum dijawab.")
    assert response.status_code == 302
    assert Objection.objects.get().grounds == "c"


def test_the_window_of_an_unanswered_request_runs_from_its_extended_due_date(client, today):
    info = make_request(
        registered=date(2026, 11, 2), due=date(2026, 11, 16), extended_due_date=date(2026, 11, 25),
        extension_reason="Data dihimpun.", status="extended",
    )  # fmt: skip
    assert file(client, info, grounds="c").status_code == 302


def test_no_objection_while_the_request_is_within_its_deadline(client, today):
    info = make_request(registered=date(2026, 12, 15), due=date(2026, 12, 31))
    response = file(client, info, grounds="c")
    assert response.status_code == 400
    assert b"31-12-2026" in response.content
    assert not Objection.objects.exists()


def test_a_second_objection_waits_for_the_first(client, today):
    info = answered(date(2026, 12, 10))
    make_objection(request=info, registered=date(2026, 12, 11), due=date(2027, 1, 27))
    response = file(client, info)
    assert response.status_code == 400
    assert Objection.objects.count() == 1


def test_a_wrong_number_and_a_wrong_email_get_the_same_answer(client, today):
    info = answered(date(2026, 12, 10))
    wrong_email = file(client, info, email="orang.lain@example.com")
    wrong_number = file(client, None)
    assert wrong_email.status_code == wrong_number.status_code == 400

    def message(response):
        text = response.content.decode()
        start = text.index('class="form-errors"')
        return text[start : text.index("</div>", start)]

    assert message(wrong_email) == message(wrong_number)
    assert not Objection.objects.exists()
    assert mail.outbox == []


def test_the_email_is_matched_whatever_its_case(client, today):
    info = answered(date(2026, 12, 10))
    assert file(client, info, email="Siti.Aminah@Example.com").status_code == 302


@pytest.mark.parametrize(
    "changes",
    [
        {"grounds": "z"},
        {"grounds": ""},
        {"case": ""},
        {"case": "x" * 4001},
        {"email": "bukan-email"},
        {"number": "<script>alert(1)</script>"},
    ],
)
def test_hostile_or_incomplete_input_is_refused_and_nothing_saved(client, today, changes):
    info = answered(date(2026, 12, 10))
    response = file(client, info, **changes)
    assert response.status_code == 400
    assert b"<script>alert(1)</script>" not in response.content
    assert not Objection.objects.exists()
    assert not RequestCounter.objects.filter(key__startswith="keberatan").exists()


def test_objections_are_limited_per_address(client, today, settings):
    settings.PPID_OBJECTIONS_PER_ADDRESS_PER_HOUR = 3
    info = answered(date(2026, 12, 10))
    for _ in range(3):
        assert file(client, None).status_code == 400
    assert file(client, info).status_code == 429
    assert file(client, info, ip="198.51.100.9").status_code == 302


def test_the_form_page_and_a_filing_take_few_queries(client, today, django_assert_max_num_queries):
    """The form: the site's frame only; a filing: a constant handful (the request, its
    open objections, the counter, the calendar, the row, the audit entry, the session)."""
    info = answered(date(2026, 12, 10))
    with django_assert_max_num_queries(8):
        assert client.get(FORM, {"nomor": info.number}).status_code == 200
    with django_assert_max_num_queries(25):
        assert file(client, info).status_code == 302


def test_the_status_page_shows_the_objection_and_its_response(client, today):
    info = answered(date(2026, 12, 10))
    objection = make_objection(
        request=info, registered=date(2026, 12, 11), due=date(2027, 1, 27), status="answered",
        decision="upheld", official="Sekretaris Daerah", response="Informasi akan diberikan.",
        responded_at=at(date(2026, 12, 17)),
    )  # fmt: skip
    response = client.post(
        "/ppid/status/", {"number": info.number, "email": EMAIL}, REMOTE_ADDR="203.0.113.8"
    )
    assert response.status_code == 302
    page = client.get("/ppid/status/").content.decode()
    assert f'id="objection-{objection.number}"' in page
    assert "Informasi akan diberikan." in page
    assert "Sekretaris Daerah" in page
    assert 'id="objection-link"' in page
