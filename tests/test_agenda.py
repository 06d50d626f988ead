"""The leaders' agenda: public day and week pages, an event's page with its coverage,
the iCalendar feeds, and the newsroom's side in the admin (week calendar, coverage,
"My coverage", who may change what)."""

from datetime import timedelta
from io import StringIO

import icalendar
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from agenda import dates
from agenda.models import Coverage, Event, Leader
from articles.models import Article
from audit.models import Entry

from .agenda_helpers import (
    freeze,
    make_coverage,
    make_event,
    make_staff,
    wib,
    with_agenda_permissions,
)
from .factories import make_article, make_reader, make_user

pytestmark = pytest.mark.django_db

NOW = wib(2025, 3, 12, 9)  # a Wednesday, ISO week 11 of 2025 (10-16 March)


@pytest.fixture
def now(monkeypatch):
    return freeze(monkeypatch, NOW)


@pytest.fixture
def agenda_roles(roles):
    return with_agenda_permissions(roles)


@pytest.fixture
def governor():
    return Leader.objects.create(position="Gubernur Jawa Tengah", name="Budi", order=1)


def titles_on(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# -- the models --------------------------------------------------------------------------


def test_the_migration_seeds_the_governor_the_vice_governor_and_the_regional_secretary():
    positions = list(Leader.objects.values_list("position", flat=True))
    assert positions[:3] == [
        "Gubernur Jawa Tengah",
        "Wakil Gubernur Jawa Tengah",
        "Sekretaris Daerah Provinsi Jawa Tengah",
    ]


def test_an_event_cannot_end_before_it_starts():
    event = Event(title="Upacara", start=wib(2025, 3, 12, 10), end=wib(2025, 3, 12, 9))
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "end" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.create(title="Upacara", start=wib(2025, 3, 12, 10), end=wib(2025, 3, 12, 9))


def test_coverage_needs_a_writer_or_a_photographer(now):
    event = make_event(start=wib(2025, 3, 12, 10))
    with pytest.raises(ValidationError):
        Coverage(event=event).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Coverage.objects.create(event=event)


def test_an_events_address_is_made_from_its_title_and_its_day_in_wib(now):
    # 23:30 WIB on the 12th is the 12th, though it is 16:30 UTC.
    event = make_event(title="Rapat Paripurna DPRD", start=wib(2025, 3, 12, 23, 30))
    twin = make_event(title="Rapat Paripurna DPRD", start=wib(2025, 3, 12, 23, 45))
    assert event.slug == "rapat-paripurna-dprd-2025-03-12"
    assert twin.slug == "rapat-paripurna-dprd-2025-03-12-2"


# -- the public day and week ------------------------------------------------------------


def test_the_agenda_shows_todays_public_events_by_default(client, now, governor):
    make_event(title="Peresmian Jembatan Kaliwungu", start=wib(2025, 3, 12, 8), leaders=[governor])
    make_event(title="Besok saja", start=wib(2025, 3, 13, 8))
    page = titles_on(client, "/agenda/")
    assert "Peresmian Jembatan Kaliwungu" in page
    assert "Gubernur Jawa Tengah" in page
    assert "08.00\u201310.00 WIB" in page
    assert "Besok saja" not in page
    assert 'href="/agenda/minggu/2025/11/"' in page
    assert 'href="/agenda/2025/03/13/"' in page and 'href="/agenda/2025/03/11/"' in page


def test_the_agenda_of_today_moves_on_at_midnight_wib_without_a_save(client, monkeypatch):
    make_event(title="Acara hari Rabu", start=wib(2025, 3, 12, 20))
    make_event(title="Acara hari Kamis", start=wib(2025, 3, 13, 8))
    freeze(monkeypatch, wib(2025, 3, 12, 23, 59))
    assert "Acara hari Rabu" in titles_on(client, "/agenda/")
    freeze(monkeypatch, wib(2025, 3, 13, 0, 1))
    page = titles_on(client, "/agenda/")
    assert "Acara hari Kamis" in page and "Acara hari Rabu" not in page


def test_a_day_runs_from_midnight_to_midnight_wib_not_utc(client, now):
    # 00:30 WIB on the 12th is 17:30 UTC on the 11th; 23:30 WIB on the 12th is 16:30 UTC.
    make_event(title="Sahur bersama", start=wib(2025, 3, 12, 0, 30), hours=1)
    make_event(title="Malam budaya", start=wib(2025, 3, 12, 23, 30), hours=0)
    make_event(title="Ronda malam", start=wib(2025, 3, 12, 22), hours=4)  # to 02:00 the 13th
    make_event(title="Sampai tengah malam", start=wib(2025, 3, 12, 21), hours=3)  # to 00:00
    eleventh = titles_on(client, "/agenda/2025/03/11/")
    twelfth = titles_on(client, "/agenda/2025/03/12/")
    thirteenth = titles_on(client, "/agenda/2025/03/13/")
    for title in ("Sahur bersama", "Malam budaya", "Ronda malam", "Sampai tengah malam"):
        assert title in twelfth
        assert title not in eleventh
    assert "Ronda malam" in thirteenth  # it runs past midnight
    assert "Sampai tengah malam" not in thirteenth  # it ends at midnight
    assert "Malam budaya" not in thirteenth
    assert "23.30 WIB" in twelfth
    assert "12 Mar 22.00 \u2013 13 Mar 02.00 WIB" in twelfth


def test_the_week_runs_monday_to_sunday_and_an_event_over_its_edge_is_in_both(client, now):
    make_event(title="Senin pagi", start=wib(2025, 3, 10, 0, 15), hours=1)
    make_event(title="Minggu malam", start=wib(2025, 3, 16, 23, 59), hours=0)
    make_event(title="Jaga malam pergantian", start=wib(2025, 3, 16, 22), hours=4)
    make_event(title="Minggu lalu", start=wib(2025, 3, 9, 23, 59), hours=0)
    make_event(title="Senin depan", start=wib(2025, 3, 17, 0, 0), hours=1)
    week = titles_on(client, "/agenda/minggu/2025/11/")
    assert "Senin pagi" in week and "Minggu malam" in week and "Jaga malam pergantian" in week
    assert "Minggu lalu" not in week and "Senin depan" not in week
    assert week.index("Senin pagi") < week.index("Minggu malam")
    assert 'href="/agenda/minggu/2025/10/"' in week and 'href="/agenda/minggu/2025/12/"' in week
    following = titles_on(client, "/agenda/minggu/2025/12/")
    assert "Jaga malam pergantian" in following and "Senin depan" in following


def test_the_week_crosses_the_new_year_as_iso_weeks_do(client, now):
    make_event(title="Malam tahun baru", start=wib(2025, 12, 31, 20))
    week = titles_on(client, "/agenda/minggu/2026/01/")  # 29 December 2025 - 4 January 2026
    assert "Malam tahun baru" in week
    assert 'href="/agenda/minggu/2025/52/"' in week
    assert client.get("/agenda/minggu/2026/53/").status_code == 200  # 2026 has 53 weeks


@pytest.mark.parametrize(
    "url",
    [
        "/agenda/2025/02/30/",
        "/agenda/2025/13/01/",
        "/agenda/2025/00/10/",
        "/agenda/1999/12/31/",
        "/agenda/2101/01/01/",
        "/agenda/9999/12/31/",
        "/agenda/0000/01/01/",
        "/agenda/minggu/2025/53/",
        "/agenda/minggu/2025/00/",
        "/agenda/minggu/2025/99/",
        "/agenda/minggu/0000/01/",
        "/agenda/minggu/9999/52/",
        "/agenda/acara-yang-tidak-ada/",
        "/agenda/2025/3/1/",
    ],
)
def test_a_date_that_does_not_exist_is_a_404_not_an_error(client, url):
    assert client.get(url).status_code == 404


def test_only_get_and_head_reach_the_public_agenda(client, now):
    assert client.post("/agenda/").status_code == 405
    assert client.post("/agenda/agenda.ics").status_code == 405


# -- public and internal ------------------------------------------------------------------


def test_internal_events_and_notes_never_reach_the_public(client, now, agenda_roles):
    public = make_event(
        title="Kunjungan kerja ke Brebes",
        start=wib(2025, 3, 12, 13),
        description="Meninjau panen bawang merah.",
        notes="CATATAN-RAHASIA: rute pengamanan lewat jalur selatan.",
    )
    internal = make_event(
        title="RAPAT-TERTUTUP pimpinan", start=wib(2025, 3, 12, 15), is_public=False
    )
    editor = make_staff(agenda_roles["Editor"])
    client.force_login(editor)  # even staff: an internal event has no public page
    pages = [
        titles_on(client, url)
        for url in (
            "/agenda/",
            "/agenda/2025/03/12/",
            "/agenda/minggu/2025/11/",
            public.get_absolute_url(),
            "/agenda/agenda.ics",
            "/agenda/agenda-en.ics",
        )
    ]
    assert all("RAPAT-TERTUTUP" not in page for page in pages)
    assert all("CATATAN-RAHASIA" not in page for page in pages)
    assert "Meninjau panen bawang merah." in pages[3]
    assert client.get(internal.get_absolute_url()).status_code == 404


def test_an_event_made_internal_leaves_the_public_pages_at_once(client, now):
    event = make_event(title="Dialog interaktif", start=wib(2025, 3, 12, 19))
    assert "Dialog interaktif" in titles_on(client, "/agenda/")
    assert client.get(event.get_absolute_url()).status_code == 200
    event.is_public = False
    event.save()
    assert "Dialog interaktif" not in titles_on(client, "/agenda/")
    assert client.get(event.get_absolute_url()).status_code == 404


def test_a_leader_added_to_an_event_shows_at_once(client, now, governor):
    event = make_event(title="Sarasehan budaya", start=wib(2025, 3, 12, 19))
    assert "Gubernur Jawa Tengah" not in titles_on(client, event.get_absolute_url())
    event.leaders.add(governor)
    assert "Gubernur Jawa Tengah (Budi)" in titles_on(client, event.get_absolute_url())


# -- the event's page and its coverage --------------------------------------------------------


def test_the_event_page_shows_leaders_time_place_and_only_published_coverage(
    client, now, governor, agenda_roles
):
    writer = make_staff(agenda_roles["Penulis"])
    event = make_event(
        title="Peluncuran Kartu Tani",
        start=wib(2025, 3, 12, 8),
        place="Alun-alun Kendal",
        description="Peluncuran bersama kelompok tani.",
        leaders=[governor],
    )
    published = make_article(title="Gubernur luncurkan Kartu Tani")
    draft = make_article(title="DRAF berita Kartu Tani", status=Article.Status.DRAFT)
    scheduled = make_article(
        title="TERJADWAL galeri Kartu Tani", published_at=NOW + timedelta(hours=3)
    )
    withdrawn = make_article(
        title="DITARIK berita Kartu Tani",
        status=Article.Status.UNPUBLISHED,
        published_at=NOW - timedelta(days=1),
    )
    cancelled = make_article(title="BATAL tapi terbit")
    for article in (published, draft, scheduled, withdrawn):
        make_coverage(event, writer=writer, article=article)
    make_coverage(event, writer=writer, article=cancelled, status=Coverage.Status.CANCELLED)
    page = titles_on(client, event.get_absolute_url())
    assert "Gubernur Jawa Tengah (Budi)" in page
    assert "Rabu, 12 Maret 2025, 08.00\u201310.00 WIB" in page
    assert 'datetime="2025-03-12T08:00:00+07:00"' in page
    assert "Alun-alun Kendal" in page and "Peluncuran bersama kelompok tani." in page
    assert f'href="{published.get_absolute_url()}"' in page
    for hidden in ("DRAF", "TERJADWAL", "DITARIK", "BATAL"):
        assert hidden not in page
    assert writer.username not in page  # who covers it is the newsroom's business
    # The same coverage on the day and the week, one click from the event.
    assert f'href="{published.get_absolute_url()}"' in titles_on(client, "/agenda/")
    # Once the scheduled gallery is out, it is there too.
    scheduled.published_at = NOW - timedelta(minutes=1)
    scheduled.save()
    assert "TERJADWAL galeri Kartu Tani" in titles_on(client, event.get_absolute_url())


def test_the_public_pages_follow_the_language_switch(client, now, governor):
    event = make_event(title="Rapat koordinasi inflasi", start=wib(2025, 3, 12, 8))
    event.leaders.add(governor)
    assert "Agenda pimpinan" in titles_on(client, "/agenda/")
    client.cookies["django_language"] = "en"
    day = titles_on(client, "/agenda/")
    assert "Leaders\u2019 agenda" in day and "08:00\u201310:00 WIB" in day
    assert "Wednesday, 12 March 2025" in titles_on(client, event.get_absolute_url())
    assert "Gubernur Jawa Tengah" in day  # positions stay as entered


# -- the iCalendar feeds -----------------------------------------------------------------


def feed(client, url="/agenda/agenda.ics"):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def test_the_ics_feed_parses_and_holds_the_public_events_of_its_window(client, now, governor):
    event = make_event(
        title="Rapat Paripurna, DPRD; sesi 1",
        start=wib(2025, 3, 12, 8),
        hours=3,
        place="Gedung Berlian",
        description="Penyampaian LKPJ.",
        notes="CATATAN-RAHASIA",
        leaders=[governor],
    )
    make_event(title="Tertutup", start=wib(2025, 3, 12, 10), is_public=False)
    make_event(title="Terlalu lama", start=NOW - timedelta(days=31))
    make_event(title="Terlalu jauh", start=NOW + timedelta(days=182))
    make_event(title="Bulan lalu", start=NOW - timedelta(days=29))
    make_event(title="Semester depan", start=NOW + timedelta(days=179))
    response = client.get("/agenda/agenda.ics")
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in response.content  # subscribers refresh hourly
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in response.content
    calendar = feed(client)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"].startswith("-//Humas CMS//")
    assert calendar["X-WR-TIMEZONE"] == "Asia/Jakarta"
    assert "Agenda pimpinan" in calendar["X-WR-CALNAME"]
    events = {str(component["SUMMARY"]): component for component in calendar.events}
    assert set(events) == {"Rapat Paripurna, DPRD; sesi 1", "Bulan lalu", "Semester depan"}
    vevent = events["Rapat Paripurna, DPRD; sesi 1"]
    # 08:00 WIB is 01:00 UTC; written in UTC.
    assert vevent["DTSTART"].to_ical() == b"20250312T010000Z"
    assert vevent["DTEND"].to_ical() == b"20250312T040000Z"
    assert vevent.start == wib(2025, 3, 12, 8) and vevent.end == wib(2025, 3, 12, 11)
    assert str(vevent["UID"]) == f"event-{event.pk}@testserver"
    assert str(vevent["LOCATION"]) == "Gedung Berlian"
    assert str(vevent["URL"]) == f"http://testserver{event.get_absolute_url()}"
    description = str(vevent["DESCRIPTION"])
    assert "Penyampaian LKPJ." in description and "Gubernur Jawa Tengah (Budi)" in description
    assert "CATATAN-RAHASIA" not in description
    assert vevent["DTSTAMP"].dt == event.updated_at
    assert vevent["LAST-MODIFIED"].dt == event.updated_at
    for component in calendar.events:
        for name in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "URL"):
            assert name in component


def test_an_events_uid_stays_the_same_when_it_is_edited(client, now):
    event = make_event(title="Jadwal awal", start=wib(2025, 3, 14, 9))
    before = feed(client).events[0]
    event.title = "Jadwal diubah"
    event.start = wib(2025, 3, 14, 13)
    event.end = wib(2025, 3, 14, 15)
    event.save()
    after = feed(client).events[0]
    assert after["UID"] == before["UID"]
    assert str(after["SUMMARY"]) == "Jadwal diubah"
    assert after["DTSTART"].to_ical() == b"20250314T060000Z"
    assert after["LAST-MODIFIED"].dt >= before["LAST-MODIFIED"].dt


@pytest.mark.parametrize("url", ["/agenda/agenda-en.ics", "/agenda/agenda.ics?lang=en"])
def test_the_english_feed_has_english_labels(client, now, governor, url):
    make_event(title="Rapat koordinasi", start=wib(2025, 3, 12, 8), leaders=[governor])
    english = feed(client, url)
    assert "Leaders' agenda" in english["X-WR-CALNAME"]
    assert "Attended by: Gubernur Jawa Tengah (Budi)" in str(english.events[0]["DESCRIPTION"])
    indonesian = feed(client)
    assert "Dihadiri: Gubernur Jawa Tengah (Budi)" in str(indonesian.events[0]["DESCRIPTION"])


def test_the_feed_lists_published_coverage_only(client, now, agenda_roles):
    writer = make_staff(agenda_roles["Penulis"])
    event = make_event(title="Panen raya", start=wib(2025, 3, 11, 8))
    make_coverage(event, writer=writer, article=make_article(title="Panen raya di Grobogan"))
    make_coverage(
        event, writer=writer, article=make_article(title="DRAF", status=Article.Status.DRAFT)
    )
    description = str(feed(client).events[0]["DESCRIPTION"])
    assert "Panen raya di Grobogan" in description and "DRAF" not in description


# -- query counts ----------------------------------------------------------------------------


def seed_week(agenda_roles, n):
    leaders = [Leader.objects.create(position=f"Pejabat {i}") for i in range(3)]
    writer = make_staff(agenda_roles["Penulis"])
    events = []
    for i in range(n):
        event = make_event(start=wib(2025, 3, 10 + (i + 2) % 7, 8 + i % 10), leaders=leaders)
        make_coverage(event, writer=writer, article=make_article())
        make_coverage(event, photographer=writer, article=make_article())
        events.append(event)
    return events


@pytest.mark.parametrize(
    "url", ["/agenda/", "/agenda/2025/03/12/", "/agenda/minggu/2025/11/", "/agenda/agenda.ics"]
)
def test_the_public_agenda_costs_the_same_queries_for_2_or_20_events(
    client, now, agenda_roles, django_assert_max_num_queries, url
):
    """Leaders and coverage are fetched for all events at once, not one query per event."""
    seed_week(agenda_roles, 2)
    with django_assert_max_num_queries(8) as few:
        client.get(url)
    Event.objects.all().delete()
    seed_week(agenda_roles, 20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_event_page_costs_a_few_queries_whatever_its_coverage(
    client, now, agenda_roles, django_assert_max_num_queries
):
    """The coverage's articles come with the event, not one query per article."""
    event = seed_week(agenda_roles, 1)[0]
    for _ in range(8):
        make_coverage(event, writer=make_staff(agenda_roles["Penulis"]), article=make_article())
    with django_assert_max_num_queries(7):
        response = client.get(event.get_absolute_url())
    assert response.content.decode().count("/berita/") >= 10


# -- the admin: the week calendar ----------------------------------------------------------


def test_the_editor_sees_who_covers_what_in_the_week_calendar(client, now, agenda_roles):
    editor = make_staff(agenda_roles["Editor"])
    writer = make_staff(agenda_roles["Penulis"], display_name="Sri Wartawati")
    photographer = make_staff(agenda_roles["Fotografer"], display_name="Joko Lensa")
    event = make_event(title="Apel siaga bencana", start=wib(2025, 3, 13, 7))
    internal = make_event(title="Rapat internal biro", start=wib(2025, 3, 14, 9), is_public=False)
    make_coverage(event, writer=writer, photographer=photographer)
    client.force_login(editor)
    page = titles_on(client, "/admin/agenda/event/minggu/")
    assert "Apel siaga bencana" in page and "Rapat internal biro" in page
    assert "Sri Wartawati" in page and "Joko Lensa" in page and "Ditugaskan" in page
    assert page.index("Apel siaga bencana") < page.index("Rapat internal biro")
    assert f"/admin/agenda/event/{internal.pk}/change/" in page
    assert "/admin/agenda/event/minggu/2025/10/" in page
    assert "/admin/agenda/event/minggu/2025/12/" in page
    assert "Apel siaga bencana" not in titles_on(client, "/admin/agenda/event/minggu/2025/12/")
    assert client.get("/admin/agenda/event/minggu/2025/60/").status_code == 404


def test_writers_see_the_calendar_readers_and_strangers_do_not(client, now, agenda_roles):
    make_event(title="Apel pagi", start=wib(2025, 3, 12, 7))
    response = client.get("/admin/agenda/event/minggu/")
    assert response.status_code == 302 and "/login" in response["Location"]
    client.force_login(make_reader())
    assert client.get("/admin/agenda/event/minggu/").status_code == 302
    client.force_login(make_staff(agenda_roles["Penulis"]))
    assert "Apel pagi" in titles_on(client, "/admin/agenda/event/minggu/")
    client.force_login(make_user(is_staff=True))  # staff, but in no role
    assert client.get("/admin/agenda/event/minggu/").status_code == 403


# -- the admin: assigning, "My coverage", statuses ----------------------------------------------


def inline_post(event, **coverage):
    """The event's change form as the admin posts it, with one coverage row."""
    data = {
        "title": event.title,
        "start_0": "13-03-2025",
        "start_1": "07:00:00",
        "end_0": "13-03-2025",
        "end_1": "09:00:00",
        "place": event.place,
        "is_public": "on",
        "description": "",
        "notes": "",
        "slug": event.slug,
        "coverages-TOTAL_FORMS": "1",
        "coverages-INITIAL_FORMS": "0",
        "coverages-MIN_NUM_FORMS": "0",
        "coverages-MAX_NUM_FORMS": "1000",
        "coverages-0-status": "ditugaskan",
        "coverages-0-note": "",
        "coverages-0-article": "",
        "coverages-0-writer": "",
        "coverages-0-photographer": "",
    }
    data.update({f"coverages-0-{key}": value for key, value in coverage.items()})
    return data


def test_an_editor_assigns_coverage_on_the_event_and_the_trail_names_it(client, now, agenda_roles):
    editor = make_staff(agenda_roles["Editor"])
    writer = make_staff(agenda_roles["Penulis"])
    event = make_event(title="Apel siaga", start=wib(2025, 3, 13, 7))
    client.force_login(editor)
    url = f"/admin/agenda/event/{event.pk}/change/"
    response = client.post(url, inline_post(event, writer=str(writer.pk), note="Bawa tripod"))
    assert response.status_code == 302, response.content.decode()[:3000]
    coverage = Coverage.objects.get()
    assert (coverage.writer, coverage.note) == (writer, "Bawa tripod")
    entry = Entry.objects.get(event="agenda.coverage_assigned")
    assert entry.actor == editor and entry.object_pk == str(coverage.pk)
    assert entry.additional_data["writer"] == writer.username


def test_only_staff_can_be_assigned(client, now, agenda_roles):
    editor = make_staff(agenda_roles["Editor"])
    reader = make_reader()
    event = make_event(start=wib(2025, 3, 13, 7))
    client.force_login(editor)
    response = client.post(
        f"/admin/agenda/event/{event.pk}/change/", inline_post(event, writer=str(reader.pk))
    )
    assert response.status_code == 200  # the form again, with its error
    assert not Coverage.objects.exists()


def test_an_event_ending_before_it_starts_is_refused_with_a_clear_message(
    client, now, agenda_roles
):
    client.force_login(make_staff(agenda_roles["Editor"]))
    data = inline_post(Event(title="Salah jam", place="", slug=""))
    data.update({"end_1": "06:00:00"})
    response = client.post("/admin/agenda/event/add/", data)
    assert response.status_code == 200
    assert "sebelum mulai" in response.content.decode()
    assert not Event.objects.exists()


def test_my_coverage_on_the_dashboard_lists_this_weeks_and_upcoming_assignments(
    client, now, agenda_roles
):
    writer = make_staff(agenda_roles["Penulis"])
    other = make_staff(agenda_roles["Penulis"])
    make_coverage(make_event(title="Senin ini", start=wib(2025, 3, 10, 9)), writer=writer)
    make_coverage(make_event(title="Bulan depan", start=wib(2025, 4, 20, 9)), photographer=writer)
    make_coverage(make_event(title="Minggu lalu", start=wib(2025, 3, 7, 9)), writer=writer)
    make_coverage(make_event(title="Punya orang lain", start=wib(2025, 3, 12, 9)), writer=other)
    client.force_login(writer)
    page = titles_on(client, "/admin/")
    mine = page[page.index('id="liputan-saya"') :]
    assert "Senin ini" in mine and "Bulan depan" in mine
    assert "Minggu lalu" not in mine and "Punya orang lain" not in mine
    assert mine.index("Senin ini") < mine.index("Bulan depan")


def test_a_writer_reads_events_and_their_coverage_and_lists_only_their_own(
    client, now, agenda_roles
):
    writer = make_staff(agenda_roles["Penulis"])
    other = make_staff(agenda_roles["Penulis"], display_name="Rekan Lain")
    event = make_event(title="Apel siaga", start=wib(2025, 3, 12, 9))
    make_coverage(event, writer=writer, note="Liputan saya sendiri")
    make_coverage(make_event(title="Acara rekan", start=wib(2025, 3, 13, 9)), writer=other)
    client.force_login(writer)
    page = titles_on(client, f"/admin/agenda/event/{event.pk}/change/")
    assert "Liputan saya sendiri" in page
    assert 'name="title"' not in page and 'name="coverages-0-writer"' not in page
    listing = titles_on(client, "/admin/agenda/coverage/")
    assert "Apel siaga" in listing and "Acara rekan" not in listing


def test_the_event_form_offers_active_leaders_and_keeps_an_inactive_one_on_its_events(
    client, now, agenda_roles
):
    retired = Leader.objects.create(position="Penjabat Gubernur", active=False)
    event = make_event(title="Serah terima jabatan", start=wib(2025, 3, 12, 9))
    event.leaders.add(retired)
    client.force_login(make_staff(agenda_roles["Editor"]))
    add = titles_on(client, "/admin/agenda/event/add/")
    assert 'type="checkbox" name="leaders"' in add and "Gubernur Jawa Tengah" in add
    assert "Penjabat Gubernur" not in add
    change = titles_on(client, f"/admin/agenda/event/{event.pk}/change/")
    assert "Penjabat Gubernur" in change
    assert titles_on(client, "/admin/agenda/coverage/add/")
    assert 'href="/admin/agenda/event/minggu/"' in titles_on(client, "/admin/agenda/event/")


def test_a_writer_moves_the_status_of_their_own_coverage(client, now, agenda_roles):
    writer = make_staff(agenda_roles["Penulis"])
    coverage = make_coverage(make_event(start=wib(2025, 3, 12, 9)), writer=writer)
    client.force_login(writer)
    response = client.post(
        f"/admin/agenda/coverage/{coverage.pk}/status/", {"status": "dikirim", "next": "/admin/"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    coverage.refresh_from_db()
    assert coverage.status == Coverage.Status.FILED


def test_a_writer_cannot_change_someone_elses_coverage(client, now, agenda_roles):
    writer = make_staff(agenda_roles["Penulis"])
    other = make_staff(agenda_roles["Penulis"])
    coverage = make_coverage(make_event(start=wib(2025, 3, 12, 9)), writer=other)
    client.force_login(writer)
    assert (
        client.post(
            f"/admin/agenda/coverage/{coverage.pk}/status/", {"status": "dikirim"}
        ).status_code
        == 404
    )
    change = f"/admin/agenda/coverage/{coverage.pk}/change/"
    assert client.get(change).status_code in (302, 404)
    client.post(change, {"status": "dikirim", "writer": str(writer.pk)})
    coverage.refresh_from_db()
    assert (coverage.status, coverage.writer) == (Coverage.Status.ASSIGNED, other)


def test_a_crafted_post_cannot_reassign_publish_or_cancel(client, now, agenda_roles):
    writer = make_staff(agenda_roles["Penulis"])
    other = make_staff(agenda_roles["Penulis"])
    event = make_event(start=wib(2025, 3, 12, 9))
    coverage = make_coverage(event, writer=writer, note="Dari editor")
    client.force_login(writer)
    change = f"/admin/agenda/coverage/{coverage.pk}/change/"
    # Its own change form: the status is the one field; the rest is ignored.
    response = client.post(
        change,
        {"status": "dikerjakan", "writer": str(other.pk), "note": "Diubah", "event": "999"},
    )
    assert response.status_code == 302
    coverage.refresh_from_db()
    assert (coverage.status, coverage.writer, coverage.note) == (
        "dikerjakan",
        writer,
        "Dari editor",
    )
    # Publishing and cancelling are the editors'.
    for status in ("terbit", "batal"):
        client.post(change, {"status": status})
        client.post(f"/admin/agenda/coverage/{coverage.pk}/status/", {"status": status})
        coverage.refresh_from_db()
        assert coverage.status == "dikerjakan"
    # Junk is refused with a message, never a 500.
    response = client.post(f"/admin/agenda/coverage/{coverage.pk}/status/", {"status": "x" * 500})
    assert response.status_code == 302
    # The event's form, with a coverage row: the writer may only look.
    response = client.post(
        f"/admin/agenda/event/{event.pk}/change/", inline_post(event, writer=str(other.pk))
    )
    assert response.status_code == 403
    assert Coverage.objects.count() == 1
    # Nor may they add coverage of their own.
    assert client.get("/admin/agenda/coverage/add/").status_code == 403


def test_an_editor_publishes_and_a_writer_cannot_reopen(client, now, agenda_roles):
    editor = make_staff(agenda_roles["Editor"])
    writer = make_staff(agenda_roles["Penulis"])
    coverage = make_coverage(make_event(start=wib(2025, 3, 12, 9)), writer=writer)
    client.force_login(editor)
    client.post(f"/admin/agenda/coverage/{coverage.pk}/status/", {"status": "terbit"})
    coverage.refresh_from_db()
    assert coverage.status == Coverage.Status.PUBLISHED
    client.force_login(writer)
    client.post(f"/admin/agenda/coverage/{coverage.pk}/status/", {"status": "dikerjakan"})
    coverage.refresh_from_db()
    assert coverage.status == Coverage.Status.PUBLISHED


def test_a_status_change_is_in_the_audit_trail(client, now, agenda_roles):
    writer = make_staff(agenda_roles["Penulis"])
    coverage = make_coverage(make_event(start=wib(2025, 3, 12, 9)), writer=writer)
    client.force_login(writer)
    client.post(f"/admin/agenda/coverage/{coverage.pk}/status/", {"status": "dikerjakan"})
    entries = Entry.objects.filter(object_pk=str(coverage.pk), content_type__model="coverage")
    changed = [
        entry
        for entry in entries.filter(action=Entry.Action.UPDATE)
        if "status" in (entry.changes or {})
    ]
    assert [entry.actor for entry in changed] == [writer]


# -- the demo ------------------------------------------------------------------------------------


def test_the_demo_agenda_is_made_once_and_shows(client, agenda_roles):
    call_command("seed_demo_agenda", "--dry-run", verbosity=0)
    assert not Event.objects.exists()
    call_command("seed_demo_agenda", verbosity=0)
    made = Event.objects.count()
    assert made >= 4 and Event.objects.filter(is_public=False).exists()
    call_command("seed_demo_agenda", verbosity=0)
    assert Event.objects.count() == made
    today = [event for event in Event.objects.public() if dates.today() in event.days()]
    assert today
    page = titles_on(client, "/agenda/")
    assert all(event.title in page for event in today)


def test_the_whole_demo_has_an_agenda_linked_from_the_footer_with_the_writers_coverage(
    client, agenda_roles
):
    call_command("seed_demo", stdout=StringIO())
    assert 'href="/agenda/"' in client.get("/").content.decode()
    writer = get_user_model().objects.get(username="penulis")
    mine = Coverage.objects.assigned_to(writer)
    assert mine.count() == Event.objects.count()
    linked = mine.exclude(article=None).get()
    page = titles_on(client, linked.event.get_absolute_url())
    assert f'href="{linked.article.get_absolute_url()}"' in page
