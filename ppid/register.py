"""The register of public information (Daftar Informasi Publik), /ppid/daftar-informasi/:
the published items filtered by class, unit, year and words, a page at a time, and the
same filtered list as CSV, XLSX and PDF in the columns of the Komisi Informasi's form.

Filters are GET parameters (?jenis=dikecualikan&unit=3&tahun=2026&q=anggaran). On the
page a value that is not understood is dropped and said; a file is only made for filters
that are all understood (400 otherwise), so a file never holds more than was asked.

Not cached: the words make every page different, and one page costs a handful of
queries whatever the number of items and documents.
"""

from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import exports
from .models import InformationItem, Unit

PER_PAGE = 25
FIRST_YEAR, LAST_YEAR = 1945, 2100
MAX_WORDS = 100
MAX_PAGE = 10_000
Classification = InformationItem.Classification

# The column headings of the Komisi Informasi's register form (Perki 1/2021, lampiran),
# word for word: the assessment compares them, so they are not translated.
COLUMNS = (
    "No",
    "Ringkasan Isi Informasi",
    "Pejabat/Unit/Satker yang Menguasai Informasi",
    "Penanggung Jawab Pembuatan atau Penerbitan Informasi",
    "Waktu dan Tempat Pembuatan Informasi",
    "Bentuk Informasi yang Tersedia",
    "Jangka Waktu Penyimpanan atau Retensi Arsip",
    "Jenis Informasi",
    "Dasar Hukum Pengecualian",
    "Uji Konsekuensi",
    "Jangka Waktu Pengecualian",
)
DOCUMENTS_COLUMN = "Tautan Dokumen"
XLSX_WIDTHS = (5, 50, 28, 28, 20, 22, 22, 22, 30, 40, 16, 50)
PDF_WIDTHS = (3, 25, 12, 12, 9, 10, 9, 9, 12, 14, 9)


@dataclass(frozen=True)
class Filters:
    """The register's filters, as asked (`invalid` names those not understood)."""

    classification: str = ""
    unit: int | None = None
    year: int | None = None
    words: str = ""
    page: int = 1
    invalid: tuple = ()

    @classmethod
    def from_request(cls, request):
        invalid = []
        classification = request.GET.get("jenis", "").strip()
        if classification and classification not in Classification.values:
            invalid.append("jenis")
            classification = ""
        unit = _number(request.GET.get("unit", ""), digits=9)
        if unit is False:
            invalid.append("unit")
            unit = None
        year = _number(request.GET.get("tahun", ""), digits=4)
        if year is False or (year is not None and not FIRST_YEAR <= year <= LAST_YEAR):
            invalid.append("tahun")
            year = None
        words = " ".join(request.GET.get("q", "").split())
        if len(words) > MAX_WORDS or "\x00" in words:
            invalid.append("q")
            words = ""
        page = _number(request.GET.get("page", ""), digits=6) or 1
        return cls(
            classification=classification,
            unit=unit,
            year=year,
            words=words,
            page=max(1, min(page, MAX_PAGE)),
            invalid=tuple(invalid),
        )

    def with_units(self, unit_ids):
        """A unit that does not exist is not understood either."""
        if self.unit is None or self.unit in unit_ids:
            return self
        return replace(self, unit=None, invalid=(*self.invalid, "unit"))

    def items(self):
        items = InformationItem.objects.published().for_register()
        if self.classification:
            items = items.of_class(self.classification)
        if self.unit:
            items = items.of_unit(self.unit)
        if self.year:
            items = items.of_year(self.year)
        if self.words:
            items = items.matching(self.words)
        return items

    def query(self, **changes) -> str:
        """The query string of these filters (without the page unless given)."""
        values = {
            "jenis": self.classification,
            "unit": self.unit or "",
            "tahun": self.year or "",
            "q": self.words,
            **changes,
        }
        return urlencode({key: value for key, value in values.items() if value})


def _number(text: str, *, digits: int):
    """None for nothing, the number for ASCII digits, False for anything else."""
    text = text.strip()
    if not text:
        return None
    if text.isascii() and text.isdigit() and len(text) <= digits:
        return int(text)
    return False


def _units():
    return list(Unit.objects.only("pk", "name"))


@require_safe
def register(request):
    """/ppid/daftar-informasi/: the list, a page at a time."""
    units = _units()
    filters = Filters.from_request(request).with_units({unit.pk for unit in units})
    paginator = Paginator(filters.items(), PER_PAGE)
    page = paginator.get_page(filters.page)
    return render(
        request,
        "ppid/register.html",
        {
            "filters": filters,
            "items": page.object_list,
            "page_obj": page,
            "is_paginated": page.has_other_pages(),
            "classes": Classification.choices,
            "units": units,
            "years": InformationItem.objects.years(),
            "filter_query": filters.query(),
            "exempt": Classification.EXEMPT,
        },
    )


@require_safe
def register_export(request, fmt):
    """The filtered register as a file: /ppid/daftar-informasi/unduh/csv|xlsx|pdf/."""
    if fmt not in ("csv", "xlsx", "pdf"):
        raise Http404
    units = {unit.pk: unit.name for unit in _units()}
    filters = Filters.from_request(request).with_units(units)
    if filters.invalid:
        return HttpResponseBadRequest(
            _("These filters are not valid: %(names)s. Go back to the register and choose again.")
            % {"names": ", ".join(filters.invalid)},
            content_type="text/plain; charset=utf-8",
        )
    items = list(filters.items())
    name = "daftar-informasi-publik" + (f"-{filters.year}" if filters.year else "")
    # The assessment reads the register in Indonesian, whatever the reader's language.
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Register of public information")
        rows = [register_row(number, item) for number, item in enumerate(items, 1)]
        if fmt == "pdf":
            return exports.pdf_response(
                f"{name}.pdf",
                heading=pdf_heading(filters, units),
                table=exports.Table(title, COLUMNS, rows, PDF_WIDTHS),
                footer=_("Page"),
            )
        # The files for spreadsheets also carry the documents' addresses.
        for row, item in zip(rows, items, strict=True):
            row.append("\n".join(document_links(item, request)))
        table = exports.Table(title, (*COLUMNS, DOCUMENTS_COLUMN), rows, XLSX_WIDTHS)
        if fmt == "csv":
            return exports.csv_response(f"{name}.csv", [table])
        return exports.xlsx_response(f"{name}.xlsx", [table])


def register_row(number: int, item: InformationItem) -> list:
    """One line of the register in the form's columns."""
    is_exempt = item.classification == Classification.EXEMPT
    made = ", ".join(str(part) for part in (item.year, item.place) if part)
    form = "; ".join(part for part in (item.get_form_display(), item.media) if part)
    until = ""
    if is_exempt and item.exemption_until:
        until = _("until %(date)s") % {"date": item.exemption_until.strftime("%d-%m-%Y")}
    return [
        number,
        f"{item.title}\n{item.summary}",
        item.unit.name,
        item.official,
        made,
        form,
        item.retention,
        str(item.get_classification_display()),
        item.legal_basis if is_exempt else "",
        item.consequence_test if is_exempt else "",
        until,
    ]


def document_links(item, request):
    return [
        f"{document.title}: {request.build_absolute_uri(document.get_absolute_url())}"
        for document in item.public_documents
    ]


def pdf_heading(filters, units) -> list[str]:
    """The form's title, the body, the year, and the filters that narrowed the list."""
    year = filters.year or timezone.localdate().year
    # The form's own title, as the assessment expects it.
    lines = ["DAFTAR INFORMASI PUBLIK", settings.SITE_NAME, _("Year %(year)s") % {"year": year}]
    if filters.classification:
        lines.append(str(Classification(filters.classification).label))
    if filters.unit:
        lines.append(units[filters.unit])
    if filters.words:
        lines.append(_("Search: %(words)s") % {"words": filters.words})
    lines.append(
        _("As of %(date)s") % {"date": timezone.localdate().strftime("%d-%m-%Y")}
    )  # fmt: skip
    return lines
