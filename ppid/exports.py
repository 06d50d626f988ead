"""The PPID's tables as files: CSV, XLSX and PDF (the register, the service report).

Each writer takes a table already read from the database (headers, then rows of text and
numbers), so a file costs the queries of its page and no more.

- CSV: UTF-8 with a byte order mark, or Excel reads it as Windows-1252 and garbles
  Indonesian names; a text cell that starts like a formula (= + - @, or a tab or carriage
  return before one) gets a leading apostrophe, so a title typed as
  ``=HYPERLINK(...)`` stays text in a spreadsheet (OWASP's CSV injection advice).
- XLSX: XlsxWriter in constant_memory mode (rows go to disk as written) into a spooled
  temporary file (in memory up to 8 MB); text is written as text, never as a formula.
- PDF: fpdf2, A4 landscape, the core Helvetica font in Windows-1252, which covers
  Indonesian and the typographic quotes and dashes that come from word processors; any
  other character is folded to its base letter, else "?". No font file is needed on the
  server.
"""

import csv
import io
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import xlsxwriter
from django.http import FileResponse, HttpResponse
from fpdf import FPDF
from fpdf.fonts import FontFace

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SPOOL_BYTES = 8 * 1024 * 1024
# A PDF table row must fit on one page: a longer cell is cut (the CSV and XLSX keep it whole).
PDF_CELL_CHARS = 500


@dataclass
class Table:
    """One table of a file: a sheet of the workbook, a block of the CSV."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence]
    widths: Sequence[float] = ()  # relative column widths (XLSX characters, PDF shares)


def safe_cell(value):
    """A CSV cell that a spreadsheet will not run: text that starts like a formula gets
    a leading apostrophe; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_response(filename: str, tables: Iterable[Table]) -> HttpResponse:
    """The tables one after the other, a blank line between them."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    for index, table in enumerate(tables):
        if index:
            writer.writerow([])
        writer.writerow([safe_cell(header) for header in table.headers])
        writer.writerows([safe_cell(cell) for cell in row] for row in table.rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(filename: str, tables: Iterable[Table]) -> FileResponse:
    """One sheet per table, headers bold and frozen, text wrapped."""
    # Closed by the FileResponse once sent.
    handle = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    workbook = xlsxwriter.Workbook(
        handle,
        {
            "constant_memory": True,
            # Text stays text: no formula, link or number is guessed from a cell.
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    decimal = workbook.add_format({"num_format": "0.0", "valign": "top"})
    for table in tables:
        sheet = workbook.add_worksheet(table.title[:31])
        for column, width in enumerate(table.widths):
            sheet.set_column(column, column, width)
        sheet.freeze_panes(1, 0)
        for column, header in enumerate(table.headers):
            sheet.write_string(0, column, header, bold)
        for row_number, row in enumerate(table.rows, start=1):
            for column, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, bool):
                    value = str(value)
                if isinstance(value, int):
                    sheet.write_number(row_number, column, value)
                elif isinstance(value, float):
                    sheet.write_number(row_number, column, value, decimal)
                else:
                    sheet.write_string(row_number, column, str(value), wrap)
    workbook.close()
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


def pdf_text(value) -> str:
    """Text the core font can print: Windows-1252, else the base letter, else "?"."""
    if value is None:
        return ""
    text = "".join(
        char for char in str(value) if char in "\n\t" or unicodedata.category(char) != "Cc"
    )
    if len(text) > PDF_CELL_CHARS:
        text = text[: PDF_CELL_CHARS - 1].rstrip() + "\u2026"
    try:
        text.encode("cp1252")
        return text
    except UnicodeEncodeError:
        pass
    printable = []
    for char in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(char):
            continue
        try:
            char.encode("cp1252")
        except UnicodeEncodeError:
            char = "?"
        printable.append(char)
    return "".join(printable)


class _Document(FPDF):
    def __init__(self, footer_text: str):
        super().__init__(orientation="landscape", unit="mm", format="A4")
        self.core_fonts_encoding = "windows-1252"
        self.footer_text = footer_text
        self.set_margins(10, 10, 10)
        self.set_auto_page_break(auto=True, margin=12)

    def footer(self):
        self.set_y(-10)
        self.set_font("helvetica", size=7)
        self.cell(0, 5, pdf_text(f"{self.footer_text} {self.page_no()}/{{nb}}"), align="R")


def pdf_response(
    filename: str, *, heading: Sequence[str], table: Table, footer: str = ""
) -> HttpResponse:
    """A table under a centred heading (its first line bold), headings repeated on
    every page."""
    pdf = _Document(footer)
    pdf.set_title(pdf_text(heading[0]))
    pdf.add_page()
    for index, line in enumerate(heading):
        pdf.set_font("helvetica", style="B" if index == 0 else "", size=13 if index == 0 else 10)
        pdf.cell(
            0, 7 if index == 0 else 5, pdf_text(line), align="C", new_x="LMARGIN", new_y="NEXT"
        )
    pdf.ln(3)
    pdf.set_font("helvetica", size=7)
    with pdf.table(
        col_widths=tuple(table.widths) or None,
        text_align="LEFT",
        v_align="TOP",
        line_height=3.2,
        headings_style=FontFace(emphasis="BOLD", fill_color=(225, 232, 240)),
        repeat_headings=1,
    ) as pdf_table:
        header_row = pdf_table.row()
        for header in table.headers:
            header_row.cell(pdf_text(header))
        for row in table.rows:
            pdf_row = pdf_table.row()
            for value in row:
                pdf_row.cell(pdf_text(value))
    response = HttpResponse(bytes(pdf.output()), content_type="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
