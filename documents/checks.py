"""What an uploaded document is, decided by its content, never by its name.

    check_upload(upload) -> CheckedFile     (raises ValidationError with the editor's message)

Accepted: PDF (not encrypted, readable), DOCX, XLSX, PPTX (without macros or ActiveX), ODT
and ODS (without Basic or scripts). Refused: anything else, a renamed program or web page
included, and plain ZIP archives. The file's stored extension is the one its content
says, whatever it was called.

Both PDF parsers accept a web page with a PDF after it (a polyglot a browser would run
as HTML), so the file must start with "%PDF-". pypdf reads the PDF here, within its
resource limits and for at most MAX_TEXT_PAGES pages; PDFium renders the first page in a
child process (preview.py). The zip checks read the central directory's declared sizes
before any member, and each member with a cap, since declared sizes can lie.
"""

import logging
import re
import zipfile
from dataclasses import dataclass

import pypdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from pypdf import errors as pdf_errors

logger = logging.getLogger(__name__)

MAX_TEXT_PAGES = 50
MAX_TEXT_CHARS = 200_000
# Zip guards: a document has far fewer parts, and unpacks to far less than this.
MAX_ENTRIES = 10_000
MAX_UNPACKED = 200 * 1024 * 1024
MAX_RATIO = 200
MAX_PART = 10 * 1024 * 1024

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
OOXML_MAIN = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
ODF_TYPES = {"odt": CONTENT_TYPES["odt"], "ods": CONTENT_TYPES["ods"]}
ODF_SCRIPTS = re.compile(
    rb"vnd\.sun\.star\.script:|macro:///|<script:event-listener|<office:script"
)
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe")
MARKUP_START = (b"<!doctype", b"<html", b"<?xml", b"<svg", b"<script", b"<head", b"<body")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

NOT_A_DOCUMENT = _(
    "This file is not a PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx) or "
    "OpenDocument (.odt, .ods) file. Its content was checked, not its name."
)
MACROS = _(
    "The file contains macros or scripts, which are not accepted. Save it again as a "
    "document without macros (.docx, .xlsx, .pptx, .odt or .ods)."
)


@dataclass
class CheckedFile:
    file_type: str  # "pdf", "docx", ...: what the content is
    content_type: str
    size: int
    text: str = ""  # PDFs: the text of the first pages, for search
    page_count: int | None = None


def refuse(message, code, **params):
    raise ValidationError(message, code=code, params=params or None)


def check_upload(upload) -> CheckedFile:
    """Check an uploaded file fully; its type, size and text, or ValidationError."""
    limit_mb = settings.DOCUMENT_MAX_MB
    if upload.size > limit_mb * 1024 * 1024:
        refuse(
            _("The file is larger than %(limit)s MB: make it smaller, or split it."),
            "too_large",
            limit=limit_mb,
        )
    if upload.size == 0:
        refuse(_("The file is empty."), "empty")
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    kind = sniff(head)
    if kind == "pdf":
        return check_pdf(upload)
    if kind == "zip":
        return check_zip(upload)
    if kind == "ole":
        refuse(
            _(
                "Old Office files (.doc, .xls, .ppt) and password-protected Office files "
                "are not accepted. Save it as .docx, .xlsx or .pptx, without a password."
            ),
            "ole",
        )
    if kind == "executable":
        refuse(_("This file is a program, not a document."), "executable")
    if kind == "markup":
        refuse(_("This file is a web page or markup (HTML, XML, SVG), not a document."), "markup")
    refuse(NOT_A_DOCUMENT, "unknown_type")


def sniff(head: bytes) -> str:
    """What the first bytes say."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if head.startswith(EXECUTABLE_MAGIC) or head.startswith(b"#!"):
        return "executable"
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith(MARKUP_START) or b"<html" in lowered or b"<script" in lowered:
        return "markup"
    return "unknown"


# PDF


def check_pdf(upload) -> CheckedFile:
    broken = _("The PDF is damaged and cannot be read. Export it again from its program.")
    upload.seek(0)
    try:
        # Decompression and parsing limits well below pypdf's defaults: a document's
        # text is small, a bomb's is not.
        with pypdf.apply_configuration(
            zlib_maximum_output_length=50_000_000,
            maximum_declared_stream_length=50_000_000,
        ):
            reader = pypdf.PdfReader(upload, strict=False)
            if reader.is_encrypted:
                refuse(
                    _(
                        "The PDF is encrypted or protected with a password. Save it "
                        "again without protection, then upload it."
                    ),
                    "pdf_encrypted",
                )
            page_count = len(reader.pages)
            if page_count == 0:
                refuse(broken, "pdf_broken")
            text = extract_text(reader)
    except ValidationError:
        raise
    except pdf_errors.FileNotDecryptedError:
        refuse(
            _("The PDF is encrypted or protected with a password. Save it again without "
              "protection, then upload it."),
            "pdf_encrypted",
        )  # fmt: skip
    except pdf_errors.LimitReachedError:
        refuse(_("The PDF is too complex to be read."), "pdf_too_complex")
    except (pdf_errors.PyPdfError, pdf_errors.DependencyError) as error:
        logger.info("refused a PDF: %r", error)
        refuse(broken, "pdf_broken")
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as error:
        # pypdf on odd files raises these as well.
        logger.info("refused a PDF: %r", error)
        refuse(broken, "pdf_broken")
    finally:
        upload.seek(0)
    return CheckedFile(
        file_type="pdf",
        content_type=CONTENT_TYPES["pdf"],
        size=upload.size,
        text=text,
        page_count=page_count,
    )


def extract_text(reader) -> str:
    """The text of the first MAX_TEXT_PAGES pages, at most MAX_TEXT_CHARS characters,
    whitespace collapsed. A page whose text cannot be read is skipped: the file itself
    was readable, and a scanned page has no text anyway."""
    parts, length = [], 0
    for page in reader.pages[:MAX_TEXT_PAGES]:
        try:
            piece = page.extract_text() or ""
        except (pdf_errors.PyPdfError, ValueError, KeyError, TypeError, AttributeError):
            continue
        piece = " ".join(piece.replace("\x00", "").split())
        parts.append(piece)
        length += len(piece) + 1
        if length >= MAX_TEXT_CHARS:
            break
    return " ".join(parts)[:MAX_TEXT_CHARS]


# Office and OpenDocument (zip containers)


def check_zip(upload) -> CheckedFile:
    upload.seek(0)
    try:
        archive = zipfile.ZipFile(upload)
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        refuse(NOT_A_DOCUMENT, "zip_broken")
    unpacked = sum(info.file_size for info in infos)
    if (
        len(infos) > MAX_ENTRIES
        or unpacked > MAX_UNPACKED
        or unpacked > MAX_RATIO * max(upload.size, 1)
    ):
        refuse(_("The file unpacks to far more data than a document holds."), "zip_bomb")
    names = [info.filename for info in infos]
    if len(set(names)) != len(names) or any(info.flag_bits & 0x1 for info in infos):
        refuse(NOT_A_DOCUMENT, "zip_odd")
    try:
        if "[Content_Types].xml" in names:
            file_type = check_ooxml(archive, names)
        elif infos and infos[0].filename == "mimetype":
            file_type = check_odf(archive, infos)
        else:
            refuse(
                _("ZIP archives are not accepted: upload the documents themselves."),
                "zip_archive",
            )
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError):
        refuse(NOT_A_DOCUMENT, "zip_broken")
    finally:
        upload.seek(0)
    return CheckedFile(file_type=file_type, content_type=CONTENT_TYPES[file_type], size=upload.size)


def read_part(archive, name, limit=MAX_PART) -> bytes:
    with archive.open(name) as part:
        data = part.read(limit + 1)
    if len(data) > limit:
        refuse(_("The file unpacks to far more data than a document holds."), "zip_bomb")
    return data


def check_ooxml(archive, names) -> str:
    types = read_part(archive, "[Content_Types].xml").decode("utf-8", "replace")
    lowered = [name.lower() for name in names]
    if (
        re.search("macroenabled", types, re.IGNORECASE)
        or "vnd.ms-office.vbaproject" in types.lower()
        or any(name.endswith(("vbaproject.bin", "vbadata.xml")) for name in lowered)
        or "activex" in types.lower()
        or any("/activex/" in name for name in lowered)
    ):
        refuse(MACROS, "macros")
    for file_type, main in OOXML_MAIN.items():
        if main in types:
            return file_type
    refuse(NOT_A_DOCUMENT, "ooxml_unknown")


def check_odf(archive, infos) -> str:
    first = infos[0]
    if first.compress_type != zipfile.ZIP_STORED:
        refuse(NOT_A_DOCUMENT, "odf_broken")
    mimetype = read_part(archive, "mimetype", 200).decode("ascii", "replace").strip()
    file_type = next((t for t, m in ODF_TYPES.items() if m == mimetype), None)
    if file_type is None:
        refuse(NOT_A_DOCUMENT, "odf_unknown")
    names = [info.filename for info in infos]
    if any(name.startswith(("Basic/", "Scripts/")) for name in names):
        refuse(MACROS, "macros")
    if "META-INF/manifest.xml" in names:
        manifest = read_part(archive, "META-INF/manifest.xml")
        if re.search(rb'full-path="/?(Basic|Scripts)/', manifest):
            refuse(MACROS, "macros")
    for part in ("content.xml", "styles.xml", "settings.xml"):
        if part in names and ODF_SCRIPTS.search(read_part(archive, part)):
            refuse(MACROS, "macros")
    return file_type
