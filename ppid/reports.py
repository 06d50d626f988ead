"""The service report (laporan layanan informasi publik), /ppid/laporan/: for a half-year
or a year, the requests received and how they were answered, refusals by the clause of
UU KIP article 17 cited, the average time to answer in working days, and the objections;
as a page with a chart, and as CSV/XLSX in the columns of the Komisi Informasi's annual
report.

A request or objection counts in the period it was registered in (WIB), whenever it was
answered. Only counts leave this module: no name, NIK, address or free text of a request
reaches the page or the files (a refusal is counted under the clause found in its basis,
never shown).

Queries per report: one aggregate of the requests, one count of those still open, one
row per decided request (dates and refusal basis only) for the working days and the
clauses, one for the staff's holidays, one aggregate of the objections: five, whatever
the number of requests.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from django.conf import settings
from django.db.models import Count, Min, Q
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from . import exports
from .models import InformationRequest, Objection
from .workdays import days_off, working_days_between

FIRST_YEAR = 2008  # UU 14/2008: no report before the law
PARTS = ("1", "2", "tahunan")
Decision = InformationRequest.Decision

# Lines of the report: the attribute of Report, the column of the Komisi Informasi's
# annual report (word for word: the assessment compares them, so not translated), and
# the label on the page.
FIGURES = (
    ("received", "Jumlah Permohonan", gettext_lazy("Requests received")),
    ("answered", "Jumlah Permohonan Dijawab", gettext_lazy("Requests answered")),
    ("granted", "Dikabulkan Seluruhnya", gettext_lazy("Granted in full")),
    ("partly_granted", "Dikabulkan Sebagian", gettext_lazy("Partly granted")),
    ("refused", "Ditolak", gettext_lazy("Refused")),
    ("not_held", "Informasi Tidak Dikuasai", gettext_lazy("Not held by this body")),
    ("forwarded", "Diteruskan", gettext_lazy("Forwarded to another body")),
    ("open", "Dalam Proses", gettext_lazy("Still open")),
    ("on_time", "Dijawab Tepat Waktu", gettext_lazy("Answered within the deadline")),
    ("late", "Dijawab Melewati Batas Waktu", gettext_lazy("Answered after the deadline")),
    (
        "average_days",
        "Rata-rata Waktu Pemenuhan (hari kerja)",
        gettext_lazy("Average time to answer (working days)"),
    ),
    ("objections", "Jumlah Keberatan", gettext_lazy("Objections received")),
    ("objections_upheld", "Keberatan Dikabulkan", gettext_lazy("Objections upheld")),
    ("objections_rejected", "Keberatan Ditolak", gettext_lazy("Objections rejected")),
    ("objections_pending", "Keberatan Dalam Proses", gettext_lazy("Objections not yet decided")),
)
PERIOD_COLUMN = "Periode"
REFUSALS_COLUMNS = ("Alasan Penolakan", "Jumlah")
# The bars of the chart: how the requests of the period were answered, then objections.
CHART_FIGURES = (
    "received", "granted", "partly_granted", "refused", "not_held", "forwarded", "open",
    "objections",
)  # fmt: skip

CLAUSE = re.compile(r"pasal\s*17\s*(?:ayat\s*\(?\s*\d+\s*\)?\s*)?huruf\s*([a-j])\b", re.IGNORECASE)


class BadPeriod(ValueError):
    """The period asked for is not one the report knows; the message says why."""


@dataclass(frozen=True)
class Period:
    year: int
    part: str  # "1" (January to June), "2" (July to December) or "tahunan" (the year)

    @classmethod
    def current(cls, today: date):
        return cls(today.year, "1" if today.month <= 6 else "2")

    @classmethod
    def from_request(cls, request, today: date):
        """?tahun=2026&periode=1|2|tahunan; without them, this half-year."""
        year_text = request.GET.get("tahun", "").strip()
        part = request.GET.get("periode", "").strip() or cls.current(today).part
        if not year_text:
            year = today.year
        elif year_text.isascii() and year_text.isdigit() and len(year_text) == 4:
            year = int(year_text)
        else:
            raise BadPeriod(_("The year must be written in four digits, for example 2026."))
        if not FIRST_YEAR <= year <= today.year:
            raise BadPeriod(
                _("There is a report for the years %(first)s to %(last)s.")
                % {"first": FIRST_YEAR, "last": today.year}
            )
        if part not in PARTS:
            raise BadPeriod(
                _("The period must be the first half-year, the second, or the whole year.")
            )
        return cls(year, part)

    @property
    def start(self) -> date:
        return date(self.year, 7 if self.part == "2" else 1, 1)

    @property
    def end(self) -> date:
        """The last day, inclusive."""
        return date(self.year, 6, 30) if self.part == "1" else date(self.year, 12, 31)

    @property
    def label(self) -> str:
        if self.part == "1":
            return _("First half of %(year)s") % {"year": self.year}
        if self.part == "2":
            return _("Second half of %(year)s") % {"year": self.year}
        return _("Year %(year)s") % {"year": self.year}

    def bounds(self) -> tuple[datetime, datetime]:
        """From the first day's midnight to the midnight after the last day, in WIB."""
        zone = timezone.get_default_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=zone),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone),
        )

    def halves(self) -> list["Period"]:
        return [Period(self.year, "1"), Period(self.year, "2")]


class Figure(NamedTuple):
    name: str
    column: str  # in the Komisi Informasi's words
    label: str  # on the page
    value: int | float | None
    shown: str  # as the page shows it


@dataclass
class Report:
    period: Period
    received: int = 0
    answered: int = 0
    granted: int = 0
    partly_granted: int = 0
    refused: int = 0
    not_held: int = 0
    forwarded: int = 0
    open: int = 0
    on_time: int = 0
    late: int = 0
    average_days: float | None = None
    refusals: list[tuple[str, int]] = field(default_factory=list)
    objections: int = 0
    objections_upheld: int = 0
    objections_rejected: int = 0
    objections_pending: int = 0

    def figures(self) -> list[Figure]:
        """Each line, in the report's order."""
        lines = []
        for name, column, label in FIGURES:
            value = getattr(self, name)
            if value is None:
                shown = "\u2013"
            elif isinstance(value, float):
                shown = number_format(value, 1)
            else:
                shown = str(value)
            lines.append(Figure(name, column, label, value, shown))
        return lines


def service_report(period: Period) -> Report:
    start, end = period.bounds()
    requests = InformationRequest.objects.filter(registered_at__gte=start, registered_at__lt=end)
    report = Report(
        period,
        **requests.aggregate(
            received=Count("pk"),
            answered=Count("pk", filter=~Q(decision="")),
            granted=Count("pk", filter=Q(decision=Decision.GRANTED)),
            partly_granted=Count("pk", filter=Q(decision=Decision.PARTLY_GRANTED)),
            refused=Count("pk", filter=Q(decision=Decision.REFUSED)),
            not_held=Count("pk", filter=Q(decision=Decision.NOT_HELD)),
            forwarded=Count("pk", filter=Q(decision=Decision.FORWARDED)),
        ),
    )
    report.open = requests.open().count()
    decided = list(
        requests.exclude(decision="").values_list(
            "registered_at",
            "answered_at",
            "due_date",
            "extended_due_date",
            "decision",
            "refusal_basis",
        )
    )
    answer_times(report, decided)
    report.refusals = refusal_clauses(
        basis for *_, decision, basis in decided if decision == Decision.REFUSED
    )
    objections = Objection.objects.filter(registered_at__gte=start, registered_at__lt=end)
    counts = objections.aggregate(
        objections=Count("pk"),
        objections_upheld=Count("pk", filter=Q(decision=Objection.Decision.UPHELD)),
        objections_rejected=Count("pk", filter=Q(decision=Objection.Decision.REJECTED)),
        objections_pending=Count("pk", filter=Q(decision="")),
    )
    for name, value in counts.items():
        setattr(report, name, value)
    return report


def answer_times(report: Report, decided) -> None:
    """On time or late, and the average working days from registration to the answer
    (the calendar of the whole span read once)."""
    answered = [
        (timezone.localdate(registered), timezone.localdate(answered), extended or due)
        for registered, answered, due, extended, *_ in decided
        if answered is not None
    ]
    if not answered:
        return
    off = days_off(
        min(registered for registered, *_ in answered),
        max(answered_on for _, answered_on, _ in answered),
    )
    days = [working_days_between(registered, on, off) for registered, on, _ in answered]
    report.on_time = sum(1 for _, on, due in answered if on <= due)
    report.late = len(answered) - report.on_time
    report.average_days = round(sum(days) / len(days), 1)


def refusal_clauses(bases) -> list[tuple[str, int]]:
    """Refusals counted by the first "Pasal 17 huruf x" their basis cites, the others
    together last."""
    counts, other = {}, 0
    for basis in bases:
        match = CLAUSE.search(basis or "")
        if match:
            label = f"Pasal 17 huruf {match.group(1).lower()}"
            counts[label] = counts.get(label, 0) + 1
        else:
            other += 1
    rows = sorted(counts.items())
    if other:
        rows.append((_("Other basis"), other))
    return rows


def chart(report: Report, *, width=640, label_width=250, bar_height=22, gap=8):
    """The bars of the inline SVG chart, measured here so the template only draws."""
    labels = {name: label for name, _column, label in FIGURES}
    values = [(name, getattr(report, name)) for name in CHART_FIGURES]
    longest = max((value for _, value in values), default=0) or 1
    room = width - label_width - 60
    bars = []
    for index, (name, value) in enumerate(values):
        y = gap + index * (bar_height + gap)
        bar = round(room * value / longest) if value else 0
        bars.append(
            {
                "name": name,
                "label": labels[name],
                "value": value,
                "y": y,
                "text_y": y + bar_height * 0.7,
                "x": label_width,
                "width": bar,
                "value_x": label_width + bar + 6,
            }
        )
    return {
        "bars": bars,
        "width": width,
        "height": gap + len(values) * (bar_height + gap),
        "bar_height": bar_height,
        "label_x": label_width - 8,
    }


def _years(today):
    first = InformationRequest.objects.aggregate(first=Min("registered_at"))["first"]
    first_year = timezone.localdate(first).year if first else today.year
    return list(range(today.year, max(FIRST_YEAR, first_year) - 1, -1))


@require_safe
def report_page(request):
    """/ppid/laporan/: the report of a period; a period not understood is a 400 with
    the form again."""
    today = timezone.localdate()
    context = {"years": _years(today), "parts": part_choices()}
    try:
        period = Period.from_request(request, today)
    except BadPeriod as error:
        context.update(error=str(error), period=Period.current(today))
        return render(request, "ppid/report.html", context, status=400)
    report = service_report(period)
    if period.year not in context["years"]:  # a year before the first request
        context["years"] = sorted({*context["years"], period.year}, reverse=True)
    context.update(
        period=period,
        report=report,
        chart=chart(report),
        query=f"tahun={period.year}&periode={period.part}",
    )
    return render(request, "ppid/report.html", context)


def part_choices():
    return [
        ("1", _("First half-year (January to June)")),
        ("2", _("Second half-year (July to December)")),
        ("tahunan", _("The whole year")),
    ]


@require_safe
def report_export(request, fmt):
    """/ppid/laporan/unduh/csv|xlsx/?tahun=&periode=: the report's figures as a
    spreadsheet; a year's file has a row per half-year and one for the year."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    try:
        period = Period.from_request(request, timezone.localdate())
    except BadPeriod as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    periods = [*period.halves(), period] if period.part == "tahunan" else [period]
    # The assessment reads the report in Indonesian, whatever the reader's language.
    with translation.override(settings.LANGUAGE_CODE):
        reports = [service_report(each) for each in periods]
        figures = exports.Table(
            _("Service report"),
            (PERIOD_COLUMN, *(column for _name, column, _label in FIGURES)),
            [
                [report.period.label, *(figure.value for figure in report.figures())]
                for report in reports
            ],
            (22, *(16 for _ in FIGURES)),
        )
        refusals = exports.Table(
            _("Refusals by basis"), REFUSALS_COLUMNS, reports[-1].refusals, (30, 10)
        )  # fmt: skip
    name = f"laporan-layanan-informasi-{period.year}-{period.part}"
    if fmt == "csv":
        return exports.csv_response(f"{name}.csv", [figures, refusals])
    return exports.xlsx_response(f"{name}.xlsx", [figures, refusals])
