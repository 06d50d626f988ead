"""The register of public information (Daftar Informasi Publik): the public page and its
filters, exempt items with their basis and test, linked documents, the CSV, XLSX and PDF
in the Komisi Informasi's columns (formula-safe), the admin, and the SQL per page."""

import csv
import datetime
import io
import re
import zipfile
from xml.etree import ElementTree

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from documents.models import Document
from ppid.models import InformationItem, Unit
from ppid.register import COLUMNS

pytestmark = pytest.mark.django_db

URL = "/ppid/daftar-informasi/"
EXEMPT = InformationItem.Classification.EXEMPT


def make_unit(name="Biro Hubungan Masyarakat", **fields):
    return Unit.objects.get_or_create(name=name, defaults=fields)[0]


def make_item(**fields):
    fields.setdefault("title", "Laporan Keuangan Biro Humas")
    fields.setdefault("summary", "Ringkasan isi informasi per triwulan.")
    if "unit" not in fields:
        fields["unit"] = make_unit()
    fields.setdefault("official", "Kepala Bagian Umum")
    fields.setdefault("year", 2026)
    fields.setdefault("place", "Semarang")
    fields.setdefault("retention", "5 tahun")
    if fields.get("classification") == EXEMPT:
        fields.setdefault("legal_basis", "Pasal 17 huruf b UU 14/2008")
        fields.setdefault("consequence_test", "Membuka informasi ini menghambat penyidikan.")
    return InformationItem.objects.create(**fields)


def make_document(title="Laporan Realisasi Anggaran", is_published=True):
    return Document.objects.create(
        title=title,
        date=datetime.date(2026, 3, 1),
        file=ContentFile(b"%PDF-1.4 test", name="laporan.pdf"),
        file_type="pdf",
        is_published=is_published,
    )


def titles(response):
    """The titles of the items on a register page, in order."""
    return re.findall(r"<h2>([^<]*)</h2>", response.content.decode().split('class="register"')[1])


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response):
    data = body(response)
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the byte order mark to read UTF-8"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


NS = {"s": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def xlsx_sheets(data):
    """Every sheet of a workbook as rows of cell values (openpyxl is not installed:
    the sheets' XML read directly). Also returns whether any cell holds a formula."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    shared = []
    if "xl/sharedStrings.xml" in archive.namelist():
        root = ElementTree.fromstring(archive.read("xl/sharedStrings.xml"))
        shared = ["".join(t.text or "" for t in si.iter(f"{{{NS['s']}}}t")) for si in root]
    sheets, formulas = [], False
    names = sorted(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))
    for name in names:
        root = ElementTree.fromstring(archive.read(name))
        rows = []
        for row in root.iter(f"{{{NS['s']}}}row"):
            cells = []
            for cell in row.findall("s:c", NS):
                column = re.match(r"[A-Z]+", cell.get("r")).group()
                index = sum((ord(c) - 64) * 26**i for i, c in enumerate(reversed(column))) - 1
                cells.extend([""] * (index - len(cells)))
                formulas = formulas or cell.find("s:f", NS) is not None
                if cell.get("t") == "inlineStr":
                    value = "".join(t.text or "" for t in cell.iter(f"{{{NS['s']}}}t"))
                elif cell.get("t") == "s":
                    value = shared[int(cell.find("s:v", NS).text)]
                else:
                    value = cell.find("s:v", NS).text
                cells.append(value)
            rows.append(cells)
        sheets.append(rows)
    return sheets, formulas


def pdf_text(response):
    reader = PdfReader(io.BytesIO(body(response)))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


# -- the page --------------------------------------------------------------------------


def test_register_lists_published_items_in_the_forms_columns(client):
    make_item(
        title="Rencana Strategis 2026-2030",
        official="Kepala Biro Humas",
        place="Semarang",
        media="Situs web, papan pengumuman",
        retention="10 tahun",
        form=InformationItem.Form.ELECTRONIC,
    )
    make_item(title="Draf Belum Terbit", is_published=False)

    response = client.get(URL)

    assert response.status_code == 200
    assert titles(response) == ["Rencana Strategis 2026-2030"]
    page = response.content.decode()
    for text in (
        "Biro Hubungan Masyarakat",
        "Kepala Biro Humas",
        "2026, Semarang",
        "Situs web, papan pengumuman",
        "10 tahun",
        "Ringkasan isi informasi per triwulan.",
    ):
        assert text in page
    assert str(InformationItem.Form.ELECTRONIC.label) in page
    assert "Draf Belum Terbit" not in page


def test_exempt_items_show_their_legal_basis_consequence_test_and_end(client):
    make_item(
        title="Dokumen Penyidikan",
        classification=EXEMPT,
        legal_basis="Pasal 17 huruf a angka 1",
        consequence_test="Menghambat proses penegakan hukum.",
        exemption_until=datetime.date(2030, 12, 31),
    )
    make_item(
        title="Informasi Berkala",
        legal_basis="sisa isian lama",  # kept by the database, not shown: not exempt
    )

    page = client.get(URL).content.decode()

    exempt, periodic = page.split('id="informasi-')[1:3]  # in title order
    assert 'class="register-basis">Pasal 17 huruf a angka 1<' in exempt
    assert 'class="register-test">Menghambat proses penegakan hukum.<' in exempt
    assert 'datetime="2030-12-31"' in exempt
    assert "register-basis" not in periodic
    assert "sisa isian lama" not in page


def test_register_filters_by_class_unit_year_and_words(client):
    humas = make_unit("Biro Humas", order=1)
    dinas = make_unit("Dinas Kominfo", order=2)
    make_item(title="Anggaran Humas 2026", unit=humas, year=2026)
    make_item(title="Anggaran Humas 2025", unit=humas, year=2025)
    make_item(title="Profil Dinas", unit=dinas, summary="Struktur dan anggaran dinas.")
    make_item(title="Serta Merta Banjir", unit=dinas, classification="serta-merta")
    make_item(title="Dikecualikan Dinas", unit=dinas, classification=EXEMPT)

    def shown(**query):
        response = client.get(URL, query)
        assert response.status_code == 200
        return titles(response)

    assert shown(jenis="serta-merta") == ["Serta Merta Banjir"]
    assert shown(jenis=EXEMPT) == ["Dikecualikan Dinas"]
    assert shown(unit=humas.pk) == ["Anggaran Humas 2025", "Anggaran Humas 2026"]
    assert shown(tahun=2025) == ["Anggaran Humas 2025"]
    # Words in the title or the summary, any case.
    assert shown(q="ANGGARAN") == ["Anggaran Humas 2025", "Anggaran Humas 2026", "Profil Dinas"]
    assert shown(q="anggaran", unit=dinas.pk, tahun=2026, jenis="berkala") == ["Profil Dinas"]
    assert "register-empty" in client.get(URL, {"q": "tidak ada"}).content.decode()


@pytest.mark.parametrize(
    "query, invalid",
    [
        ({"jenis": "rahasia"}, True),
        ({"unit": "abc"}, True),
        ({"unit": "999999"}, True),
        ({"unit": "-1"}, True),
        ({"tahun": "20x6"}, True),
        ({"tahun": "1800"}, True),
        ({"tahun": "\uff12\uff10\uff12\uff16"}, True),  # full-width digits
        ({"q": "x" * 101}, True),
        ({"q": "a\x00b"}, True),
        ({"page": "abc"}, False),
        ({"page": "99999999999"}, False),
        ({"page": "0"}, False),
        ({"jenis": ["berkala", "zzz"]}, True),
    ],
)
def test_filter_values_not_understood_are_dropped_and_said_never_a_500(client, query, invalid):
    make_item(title="Tetap Tampil")

    response = client.get(URL, query)

    assert response.status_code == 200
    assert titles(response) == ["Tetap Tampil"]
    assert ('id="register-invalid"' in response.content.decode()) is invalid


def test_register_is_paginated_and_numbered_across_pages(client):
    for number in range(30):
        make_item(title=f"Informasi {number:02d}")

    first = client.get(URL)
    second = client.get(URL, {"page": 2, "q": "informasi"})

    assert len(titles(first)) == 25
    assert titles(second) == [f"Informasi {number}" for number in range(25, 30)]
    assert '<ol class="register" start="26">' in second.content.decode()
    assert 'href="?q=informasi&amp;page=1"' in second.content.decode()


def test_items_link_their_published_documents_only(client):
    item = make_item()
    public = make_document("Laporan Realisasi Terbit")
    draft = make_document("Draf Laporan Rahasia", is_published=False)
    item.documents.add(public, draft)

    page = client.get(URL).content.decode()

    assert f'href="{public.get_absolute_url()}">Laporan Realisasi Terbit</a>' in page
    assert "Draf Laporan Rahasia" not in page


def seed(items=40, documents_each=3):
    units = [make_unit(f"Unit {n}", order=n) for n in range(5)]
    documents = [make_document(f"Dokumen {n}") for n in range(documents_each * 2)]
    for number in range(items):
        item = make_item(
            title=f"Informasi {number:03d}",
            unit=units[number % 5],
            year=2020 + number % 6,
            classification=EXEMPT if number % 4 == 0 else "berkala",
        )
        item.documents.add(*documents[number % 2 :: 2][:documents_each])


def queries(client, url, **query):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, query)
        body(response)
    assert response.status_code == 200
    return len(context)


def test_register_page_costs_the_same_queries_whatever_the_items_and_documents(
    client, django_assert_max_num_queries
):
    """No query per item for its unit or its documents (select_related, one prefetch)."""
    seed(items=3, documents_each=1)
    few = queries(client, URL)
    seed(items=60, documents_each=3)
    assert queries(client, URL) == few
    assert queries(client, URL, jenis=EXEMPT, q="informasi", page=2) <= few
    with django_assert_max_num_queries(10):
        client.get(URL, {"unit": Unit.objects.first().pk})


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_each_file_costs_the_same_queries_whatever_the_items(client, fmt):
    """No query per item or document in a file either."""
    seed(items=3, documents_each=1)
    few = queries(client, f"{URL}unduh/{fmt}/")
    seed(items=60, documents_each=3)
    assert queries(client, f"{URL}unduh/{fmt}/") == few


# -- the files ---------------------------------------------------------------------------


@pytest.fixture
def mixed():
    humas = make_unit("Biro Humas", order=1)
    make_item(title="Profil Biro", unit=humas, year=2026, media="Situs web")
    make_item(
        title="Dokumen Penyidikan",
        unit=humas,
        year=2026,
        classification=EXEMPT,
        legal_basis="Pasal 17 huruf a",
        consequence_test="Menghambat penegakan hukum.",
        exemption_until=datetime.date(2030, 12, 31),
    )
    make_item(title="Profil Tahun Lalu", unit=humas, year=2025)
    make_item(title="Tidak Terbit", unit=humas, year=2026, is_published=False)
    return humas


def test_csv_has_the_assessments_columns_and_exactly_the_filtered_rows(client, mixed):
    response = client.get(f"{URL}unduh/csv/", {"tahun": 2026})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="daftar-informasi-publik-2026.csv"'
    )
    header, *rows = csv_rows(response)
    assert header[: len(COLUMNS)] == list(COLUMNS)
    assert header[:8] == [
        "No",
        "Ringkasan Isi Informasi",
        "Pejabat/Unit/Satker yang Menguasai Informasi",
        "Penanggung Jawab Pembuatan atau Penerbitan Informasi",
        "Waktu dan Tempat Pembuatan Informasi",
        "Bentuk Informasi yang Tersedia",
        "Jangka Waktu Penyimpanan atau Retensi Arsip",
        "Jenis Informasi",
    ]
    assert "Dasar Hukum Pengecualian" in header and "Uji Konsekuensi" in header
    assert [(row[0], row[1].splitlines()[0]) for row in rows] == [
        ("1", "Dokumen Penyidikan"),
        ("2", "Profil Biro"),
    ]
    exempt, periodic = rows
    basis = header.index("Dasar Hukum Pengecualian")
    assert exempt[basis : basis + 2] == ["Pasal 17 huruf a", "Menghambat penegakan hukum."]
    assert "31-12-2030" in exempt[basis + 2]
    assert periodic[basis : basis + 3] == ["", "", ""]
    assert periodic[2:5] == ["Biro Humas", "Kepala Bagian Umum", "2026, Semarang"]


def test_csv_cells_that_start_like_formulas_stay_text(client):
    make_item(
        title='=HYPERLINK("http://evil.example","klik")',
        summary="+62 24 8311174",
        official="@kepala",
        place="-Semarang",
    )

    _header, row = csv_rows(client.get(f"{URL}unduh/csv/"))

    assert row[1].startswith("'=HYPERLINK(")
    assert row[3] == "'@kepala"
    assert row[4] == "2026, -Semarang"  # not at the start: harmless
    assert row[0] == "1"


def test_xlsx_has_the_columns_and_rows_as_text_never_formulas(client, mixed):
    make_item(title="=1+2", unit=mixed, year=2026, summary="@SUM(A1)")

    response = client.get(f"{URL}unduh/xlsx/", {"tahun": "2026", "unit": mixed.pk})

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'filename="daftar-informasi-publik-2026.xlsx"' in response["Content-Disposition"]
    (sheet,), formulas = xlsx_sheets(body(response))
    assert not formulas
    header, *rows = sheet
    assert header[: len(COLUMNS)] == list(COLUMNS)
    assert [row[1].splitlines()[0] for row in rows] == [
        "=1+2",
        "Dokumen Penyidikan",
        "Profil Biro",
    ]
    assert [row[0] for row in rows] == ["1", "2", "3"]


def test_files_list_the_published_documents_addresses(client):
    item = make_item()
    item.documents.add(make_document("Laporan Terbit"), make_document("Draf", is_published=False))

    header, row = csv_rows(client.get(f"{URL}unduh/csv/"))

    links = row[header.index("Tautan Dokumen")]
    assert links.startswith("Laporan Terbit: http://testserver/dokumen/")
    assert "Draf" not in links


def test_pdf_is_the_register_with_its_heading_body_year_and_columns(client, mixed, settings):
    settings.SITE_NAME = "Pemerintah Provinsi Jawa Tengah"

    response = client.get(f"{URL}unduh/pdf/", {"tahun": "2026"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="daftar-informasi-publik-2026.pdf"' in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(body(response)))
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
    text = pdf_text(response)
    assert text.startswith("DAFTAR INFORMASI PUBLIK Pemerintah Provinsi Jawa Tengah")
    assert "2026" in text.split("No ")[0]
    for column in COLUMNS:
        assert column in text
    assert "Dokumen Penyidikan" in text and "Profil Biro" in text
    assert "Pasal 17 huruf a" in text and "Menghambat penegakan hukum." in text
    assert "Profil Tahun Lalu" not in text and "Tidak Terbit" not in text


def test_pdf_prints_typographic_quotes_folds_other_letters_and_survives_long_text(client):
    make_item(
        title="Laporan \u201cKinerja\u201d \u2014 Triwulan I",
        summary="Kerja sama dengan İstanbul ve Ğazi. " * 3,
        classification=EXEMPT,
        consequence_test="Alasan panjang. " * 1000,
    )
    for number in range(40):
        make_item(title=f"Baris {number}")

    response = client.get(f"{URL}unduh/pdf/")

    assert response.status_code == 200
    text = pdf_text(response)
    assert "Laporan \u201cKinerja\u201d \u2014 Triwulan I" in text
    assert "Istanbul ve Gazi" in text
    assert "Baris 39" in text


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
@pytest.mark.parametrize(
    "query", [{"jenis": "rahasia"}, {"tahun": "abcd"}, {"unit": "999999"}, {"q": "x" * 200}]
)
def test_a_file_with_filters_not_understood_is_refused_with_a_message(client, fmt, query):
    make_item()

    response = client.get(f"{URL}unduh/{fmt}/", query)

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert next(iter(query)) in response.content.decode()


def test_an_unknown_file_format_is_not_found(client):
    assert client.get(f"{URL}unduh/docx/").status_code == 404
    assert client.post(f"{URL}unduh/csv/").status_code == 405


# -- the rule and the admin -----------------------------------------------------------


def test_an_exempt_item_without_basis_or_test_is_refused_by_the_database():
    unit = make_unit()
    for missing in ({"legal_basis": ""}, {"consequence_test": ""}):
        fields = {"legal_basis": "Pasal 17 huruf b", "consequence_test": "Merugikan.", **missing}
        with pytest.raises(IntegrityError), transaction.atomic():
            InformationItem.objects.create(
                title="X", summary="Y", unit=unit, official="Z", year=2026, retention="5 tahun",
                classification=EXEMPT, **fields,
            )  # fmt: skip
    assert not InformationItem.objects.exists()


def test_an_exempt_item_without_basis_is_refused_at_its_fields_by_full_clean():
    item = InformationItem(
        title="X", summary="Y", unit=make_unit(), official="Z", year=2026, retention="5 tahun",
        classification=EXEMPT, legal_basis="  ",
    )  # fmt: skip

    with pytest.raises(ValidationError) as error:
        item.full_clean()

    assert set(error.value.message_dict) == {"legal_basis", "consequence_test"}


ADMIN_ADD = "/admin/ppid/informationitem/add/"


def admin_form(unit, **changes):
    return {
        "title": "Data Pribadi Pegawai",
        "summary": "Berkas kepegawaian.",
        "unit": unit.pk,
        "official": "Kepala BKD",
        "year": "2026",
        "place": "Semarang",
        "form": "cetak",
        "media": "",
        "retention": "Selamanya",
        "classification": EXEMPT,
        "legal_basis": "",
        "consequence_test": "",
        "exemption_until": "",
        "is_published": "on",
        **changes,
    }


def test_the_admin_refuses_an_exempt_item_without_basis_at_the_fields(admin_client):
    unit = make_unit()

    response = admin_client.post(ADMIN_ADD, admin_form(unit))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert set(form.errors) == {"legal_basis", "consequence_test"}
    assert not InformationItem.objects.exists()


def test_the_admin_saves_an_exempt_item_with_basis_and_test(admin_client):
    unit = make_unit()
    document = make_document()

    response = admin_client.post(
        ADMIN_ADD,
        admin_form(
            unit,
            legal_basis="Pasal 17 huruf h",
            consequence_test="Mengungkap rahasia pribadi.",
            documents=[document.pk],
        ),
    )

    assert response.status_code == 302
    item = InformationItem.objects.get()
    assert item.legal_basis == "Pasal 17 huruf h"
    assert list(item.documents.all()) == [document]


def test_the_admin_lists_searches_filters_and_completes_documents(admin_client):
    make_item(title="Laporan Keuangan")
    make_item(title="Rahasia Negara", classification=EXEMPT)
    make_document("Laporan Realisasi Anggaran")

    listing = admin_client.get("/admin/ppid/informationitem/", {"q": "keuangan"})
    filtered = admin_client.get("/admin/ppid/informationitem/", {"classification": EXEMPT})
    found = admin_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "ppid",
            "model_name": "informationitem",
            "field_name": "documents",
            "term": "realisasi",
        },
    )

    assert "Laporan Keuangan" in listing.content.decode()
    assert "Rahasia Negara" not in listing.content.decode()
    assert "Rahasia Negara" in filtered.content.decode()
    assert [result["text"] for result in found.json()["results"]] == ["Laporan Realisasi Anggaran"]
    assert admin_client.get("/admin/ppid/unit/").status_code == 200
    assert admin_client.get("/admin/ppid/holiday/").status_code == 200
