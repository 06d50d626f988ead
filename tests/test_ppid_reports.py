"""The service report: its figures against a known mix of requests over two half-years
(decisions, refusal clauses, working days across Lebaran and a staff holiday, on time
and late, objections), the half-year boundaries in WIB, bad periods, the chart and the
files in the Komisi Informasi's columns, no personal data anywhere, and the SQL per
report."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from ppid.models import Holiday, InformationRequest, Objection
from ppid.reports import FIGURES
from ppid.workdays import add_working_days

from .test_ppid_register import body, csv_rows, xlsx_sheets

pytestmark = pytest.mark.django_db

URL = "/ppid/laporan/"
WIB = timezone.get_default_timezone()
Decision = InformationRequest.Decision
COLUMNS = [column for _name, column, _label in FIGURES]
with translation.override("id"):
    OTHER = translation.gettext("Other basis")  # as the page says it, once translated

# Personal data of the applicants: none of it may reach the report.
PERSONAL = (
    "Siti Rahmawati",
    "3374015505900002",
    "siti.rahma@example.org",
    "Jl. Pandanaran",
    "081234567890",
    "kontrak pengadaan",
    "penelitian skripsi",
    "Rahasia pribadi pemohon",
)


@pytest.fixture(autouse=True)
def now(monkeypatch):
    """Mid-January 2027: the whole of 2026 can be reported."""
    moment = datetime.datetime(2027, 1, 15, 10, 0, tzinfo=WIB)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def at(year, month, day, hour=10, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=WIB)


_numbers = iter(range(1, 100_000))


def make_request(registered, answered=None, decision="", **fields):
    registered_on = timezone.localdate(registered)
    number = next(_numbers)
    fields.setdefault("status", "answered" if decision else "received")
    return InformationRequest.objects.create(
        number=f"{number:03d}/PPID/{registered.year}",
        registered_at=registered,
        due_date=add_working_days(registered_on, 10),
        answered_at=answered,
        decision=decision,
        name="Siti Rahmawati",
        nik="3374015505900002",
        address="Jl. Pandanaran 1, Semarang",
        phone="081234567890",
        email="siti.rahma@example.org",
        information="Salinan kontrak pengadaan kendaraan dinas",
        purpose="Bahan penelitian skripsi",
        receive_method="salinan-elektronik",
        copy_method="email",
        **fields,
    )


def make_objection(request, registered, decision=""):
    return Objection.objects.create(
        request=request,
        number=f"K-{next(_numbers):03d}",
        registered_at=registered,
        due_date=add_working_days(timezone.localdate(registered), 30),
        grounds="a",
        case="Siti Rahmawati keberatan atas penolakan.",
        status="answered" if decision else "received",
        decision=decision,
        official="Sekretaris Daerah",
    )


@pytest.fixture
def year_2026():
    """Requests of 2026 with known answers. Working days count from the day after
    registration to the answer, inclusive, skipping weekends, the national calendar
    and the staff's holidays:

    first half (registered January to June, WIB)
      A granted      Mon 2 Feb -> Thu 5 Feb: 3,4,5                               =  3
      B refused 17b  Fri 13 Mar -> Wed 25 Mar: 16,17 (18-24 Nyepi, Lebaran), 25 =  3
      C partly       Mon 6 Apr -> Fri 17 Apr: 7-10, 13-17                        =  9
      D refused 17b  Mon 4 May -> Wed 20 May: 5-8, 11-13 (14-15 off), 18-20       = 10, due that day
      E refused ?    Tue 2 Jun -> Mon 22 Jun: 3-5, 8-12, 15 (16 off), 17-19, 22 = 13,
                     past the due date (17 Jun) but within its extension (26 Jun)
      F not held     Mon 29 Jun -> Wed 1 Jul: 30, 1                              =  2
      G still open   Tue 30 Jun 23:30 WIB (16:30 UTC): still the first half
      H granted      Mon 5 Jan -> Mon 26 Jan: 6-9, 12-15 (16 off), 19-23, 26     = 14,
                     late (due 20 Jan)
      average 54 / 7 = 7.71 -> 7.7; on time 6, late 1
    second half
      I forwarded    Wed 1 Jul 00:10 WIB (30 Jun 17:10 UTC) -> Fri 3 Jul: 2, 3   =  2
      J granted      Fri 14 Aug -> Wed 19 Aug: (17 national, 18 staff's day) 19  =  1
      K refused 17a  Mon 5 Oct -> Fri 9 Oct: 6-9                                 =  4
      L still open   Thu 31 Dec 23:59 WIB
      average 7 / 3 = 2.33 -> 2.3
    the year: 61 / 10 = 6.1
    outside 2026: 31 Dec 2025 23:59 WIB and 1 Jan 2027 00:00 WIB.
    """
    Holiday.objects.create(date=datetime.date(2026, 8, 18), name="Hari jadi provinsi")
    a = make_request(at(2026, 2, 2), at(2026, 2, 5), Decision.GRANTED)
    b = make_request(
        at(2026, 3, 13), at(2026, 3, 25), Decision.REFUSED,
        refusal_basis="Pasal 17 huruf b UU 14/2008: menghambat perlindungan HKI.",
    )  # fmt: skip
    make_request(at(2026, 4, 6), at(2026, 4, 17), Decision.PARTLY_GRANTED)
    make_request(
        at(2026, 5, 4), at(2026, 5, 20, 16), Decision.REFUSED,
        refusal_basis="berdasarkan pasal 17 huruf B dan huruf c",
    )  # fmt: skip
    make_request(
        at(2026, 6, 2), at(2026, 6, 22), Decision.REFUSED,
        refusal_basis="Rahasia pribadi pemohon lain",
        extended_due_date=datetime.date(2026, 6, 26), extension_reason="Arsip di gudang.",
    )  # fmt: skip
    make_request(at(2026, 6, 29), at(2026, 7, 1), Decision.NOT_HELD)
    make_request(at(2026, 6, 30, 23, 30), status="in_progress")
    make_request(at(2026, 1, 5), at(2026, 1, 26), Decision.GRANTED)
    make_request(at(2026, 7, 1, 0, 10), at(2026, 7, 3), Decision.FORWARDED, forwarded_to="BPN")
    make_request(at(2026, 8, 14), at(2026, 8, 19), Decision.GRANTED)
    k = make_request(
        at(2026, 10, 5), at(2026, 10, 9), Decision.REFUSED, refusal_basis="Pasal 17 huruf a"
    )
    make_request(at(2026, 12, 31, 23, 59))
    make_request(at(2025, 12, 31, 23, 59), at(2026, 1, 5), Decision.GRANTED)
    make_request(at(2027, 1, 1, 0, 0))
    make_objection(a, at(2026, 3, 2), Objection.Decision.UPHELD)
    make_objection(b, at(2026, 4, 1))
    make_objection(k, at(2026, 10, 20), Objection.Decision.REJECTED)


def figures(response):
    """The page's table: {figure: shown value}."""
    assert response.status_code == 200
    return {figure.name: figure.shown for figure in response.context["report"].figures()} | {
        "refusals": response.context["report"].refusals
    }


def test_the_first_half_year_matches_the_requests(client, year_2026):
    report = figures(client.get(URL, {"tahun": "2026", "periode": "1"}))

    assert report == {
        "received": "8",
        "answered": "7",
        "granted": "2",
        "partly_granted": "1",
        "refused": "3",
        "not_held": "1",
        "forwarded": "0",
        "open": "1",
        "on_time": "6",
        "late": "1",
        "average_days": "7,7",  # 54 / 7, in Indonesian
        "objections": "2",
        "objections_upheld": "1",
        "objections_rejected": "0",
        "objections_pending": "1",
        "refusals": [("Pasal 17 huruf b", 2), (OTHER, 1)],
    }


def test_the_second_half_year_and_the_whole_year_match_the_requests(client, year_2026):
    second = figures(client.get(URL, {"tahun": "2026", "periode": "2"}))
    year = figures(client.get(URL, {"tahun": "2026", "periode": "tahunan"}))

    assert (second["received"], second["answered"], second["open"]) == ("4", "3", "1")
    assert (second["granted"], second["forwarded"], second["refused"]) == ("1", "1", "1")
    assert second["average_days"] == "2,3"  # (2 + 1 + 4) / 3
    assert (second["on_time"], second["late"]) == ("3", "0")
    assert second["refusals"] == [("Pasal 17 huruf a", 1)]
    assert (second["objections"], second["objections_rejected"]) == ("1", "1")
    assert (year["received"], year["answered"], year["open"]) == ("12", "10", "2")
    assert year["average_days"] == "6,1"  # (54 + 7) / 10
    assert year["refusals"] == [
        ("Pasal 17 huruf a", 1),
        ("Pasal 17 huruf b", 2),
        (OTHER, 1),
    ]
    assert year["objections"] == "3"


def test_half_years_split_at_midnight_wib(client):
    make_request(at(2026, 6, 30, 23, 59))
    make_request(at(2026, 7, 1, 0, 0))
    make_request(at(2026, 1, 1, 0, 0))
    make_request(at(2025, 12, 31, 23, 59))

    first = figures(client.get(URL, {"tahun": "2026", "periode": "1"}))
    second = figures(client.get(URL, {"tahun": "2026", "periode": "2"}))

    assert (first["received"], second["received"]) == ("2", "1")


def test_an_empty_period_has_no_average_and_no_refusals(client):
    response = client.get(URL, {"tahun": "2020", "periode": "tahunan"})

    report = figures(response)
    assert report["received"] == "0"
    assert '<option value="2020" selected>' in response.content.decode()
    assert report["average_days"] == "\u2013"
    assert 'id="report-refusals"' in response.content.decode()


def test_without_a_period_the_report_is_this_half_year(client, now):
    make_request(at(2027, 1, 2))

    response = client.get(URL)

    assert response.context["period"].year == 2027
    assert response.context["period"].part == "1"
    assert figures(response)["received"] == "1"


@pytest.mark.parametrize(
    "query",
    [
        {"tahun": "abc"},
        {"tahun": "20266"},
        {"tahun": "2007"},  # before UU 14/2008
        {"tahun": "2028"},  # not yet
        {"tahun": "\uff12\uff10\uff12\uff16"},  # full-width digits
        {"tahun": "2026", "periode": "3"},
        {"tahun": "2026", "periode": "semester"},
        {"periode": "<script>"},
    ],
)
def test_a_period_not_understood_is_a_400_with_the_form_and_a_message(client, query):
    response = client.get(URL, query)

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="report-error"' in page
    assert '<select id="report-tahun" name="tahun">' in page
    assert "<script>" not in page.split('id="report-error"')[1].split("</p>")[0]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_file_for_a_period_not_understood_is_a_400(client, fmt):
    response = client.get(f"{URL}unduh/{fmt}/", {"tahun": "2026", "periode": "x"})

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_an_unknown_report_format_is_not_found(client):
    assert client.get(f"{URL}unduh/pdf/").status_code == 404


def test_the_chart_is_an_accessible_svg_with_the_same_numbers(client, year_2026):
    response = client.get(URL, {"tahun": "2026", "periode": "1"})

    page = response.content.decode()
    svg = page.split("<svg")[1].split("</svg>")[0]
    assert 'role="img"' in svg
    assert 'aria-labelledby="report-chart-title report-chart-desc"' in svg
    assert '<title id="report-chart-title">' in svg
    bars = {bar["name"]: bar for bar in response.context["chart"]["bars"]}
    assert f"{bars['received']['label']}: 8;" in svg
    assert f"{bars['refused']['label']}: 3;" in svg
    assert bars["received"]["width"] > bars["refused"]["width"] > 0
    assert bars["forwarded"]["width"] == 0
    assert "<script" not in page.split("<main")[1].split("</main>")[0]


def test_the_csv_is_in_the_komisi_informasis_columns(client, year_2026):
    response = client.get(f"{URL}unduh/csv/", {"tahun": "2026", "periode": "1"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="laporan-layanan-informasi-2026-1.csv"' in response["Content-Disposition"]
    header, row, blank, refusal_header, *refusals = csv_rows(response)
    assert header == ["Periode", *COLUMNS]
    for column in (
        "Jumlah Permohonan", "Dikabulkan Seluruhnya", "Dikabulkan Sebagian", "Ditolak",
        "Informasi Tidak Dikuasai", "Diteruskan", "Rata-rata Waktu Pemenuhan (hari kerja)",
        "Jumlah Keberatan",
    ):  # fmt: skip
        assert column in header
    values = dict(zip(header, row, strict=True))
    assert values["Jumlah Permohonan"] == "8"
    assert values["Dikabulkan Seluruhnya"] == "2"
    assert values["Ditolak"] == "3"
    assert values["Rata-rata Waktu Pemenuhan (hari kerja)"] == "7.7"
    assert values["Jumlah Keberatan"] == "2"
    assert blank == []
    assert refusal_header == ["Alasan Penolakan", "Jumlah"]
    assert refusals[0] == ["Pasal 17 huruf b", "2"]


def test_the_years_xlsx_has_a_row_per_half_year_and_the_year(client, year_2026):
    response = client.get(f"{URL}unduh/xlsx/", {"tahun": "2026", "periode": "tahunan"})

    assert response.status_code == 200
    assert (
        'filename="laporan-layanan-informasi-2026-tahunan.xlsx"'
        in (response["Content-Disposition"])
    )
    (summary, refusals), formulas = xlsx_sheets(body(response))
    assert not formulas
    header, *rows = summary
    assert header == ["Periode", *COLUMNS]
    received = header.index("Jumlah Permohonan")
    average = header.index("Rata-rata Waktu Pemenuhan (hari kerja)")
    assert [(row[received], row[average]) for row in rows] == [
        ("8", "7.7"),
        ("4", "2.3"),
        ("12", "6.1"),
    ]
    assert refusals[0] == ["Alasan Penolakan", "Jumlah"]
    assert ["Pasal 17 huruf b", "2"] in refusals


def test_no_personal_data_reaches_the_page_or_the_files(client, year_2026):
    outputs = [
        client.get(URL, {"tahun": "2026", "periode": "tahunan"}).content.decode(),
        body(client.get(f"{URL}unduh/csv/", {"tahun": "2026", "periode": "tahunan"})).decode(),
    ]
    for sheet in xlsx_sheets(
        body(client.get(f"{URL}unduh/xlsx/", {"tahun": "2026", "periode": "tahunan"}))
    )[0]:
        outputs.append(repr(sheet))
    for output in outputs:
        for personal in PERSONAL:
            assert personal not in output


def count_queries(client, url, query):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, query)
        body(response)
    assert response.status_code == 200
    return len(context)


@pytest.mark.parametrize("url", [URL, f"{URL}unduh/csv/", f"{URL}unduh/xlsx/"])
def test_a_report_costs_the_same_queries_whatever_the_number_of_requests(client, url):
    """Aggregates in SQL, one row query for the answer times, the calendar read once:
    no query per request."""
    query = {"tahun": "2026", "periode": "tahunan"}
    make_request(at(2026, 2, 2), at(2026, 2, 5), Decision.GRANTED)
    client.get(URL)  # the site's header and footer kept, as on a running site
    few = count_queries(client, url, query)
    for day in range(1, 29):
        request = make_request(
            at(2026, 2, day), at(2026, 3, day), Decision.REFUSED, refusal_basis="Pasal 17 huruf j"
        )
        make_objection(request, at(2026, 4, day))
    assert count_queries(client, url, query) == few


def test_the_report_page_stays_within_its_queries(client, year_2026, django_assert_max_num_queries):
    """Six for the report (the years, the requests' aggregate, the open count, the
    decided rows, the holidays, the objections' aggregate), and at most eight for the
    site's header and footer when they are not yet kept."""
    with django_assert_max_num_queries(14):
        client.get(URL, {"tahun": "2026", "periode": "1"})
