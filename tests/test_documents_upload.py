"""Uploading documents in the admin: what is accepted is decided by the content, and a
refused file leaves no row and no file behind. Also the file makers the other document
tests use."""

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from documents.models import Document

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/documents/document/add/"


# -- files ----------------------------------------------------------------------------


def pdf_bytes(*pages, padding=0):
    """A valid PDF with one line of Helvetica text per page (and `padding` bytes in an
    object no page uses, to make it large)."""
    pages = pages or ("Siaran Pers Humas",)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        (
            f"<< /Type /Pages /Kids [{' '.join(f'{4 + 2 * i} 0 R' for i in range(len(pages)))}]"
            f" /Count {len(pages)} >>"
        ).encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, line in enumerate(pages):
        stream = f"BT /F1 24 Tf 72 720 Td ({line}) Tj ET".encode()
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font "
            f"<< /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>".encode()
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream")
    if padding:
        objects.append(
            f"<< /Length {padding} >>\nstream\n".encode() + b" " * padding + b"\nendstream"
        )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


def encrypted_pdf_bytes(user_password="rahasia"):  # noqa: S107 - a test file's
    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes()))
    writer.encrypt(user_password=user_password, owner_password="pemilik", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


CONTENT_TYPES_XML = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
    'ContentType="application/xml"/>'
)
OOXML = {
    "docx": ("word/document.xml", "wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", "spreadsheetml.sheet.main+xml"),
    "pptx": ("ppt/presentation.xml", "presentationml.presentation.main+xml"),
}


def ooxml_bytes(kind="docx", *, macro=False, main_type=None):
    part, main = OOXML[kind]
    main_type = main_type or f"application/vnd.openxmlformats-officedocument.{main}"
    if macro:
        main_type = "application/vnd.ms-word.document.macroEnabled.main+xml"
    types = CONTENT_TYPES_XML + f'<Override PartName="/{part}" ContentType="{main_type}"/>'
    if macro:
        types += '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types + "</Types>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(part, "<document>Halo</document>")
        if macro:
            archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1vba")
    return buffer.getvalue()


def odf_bytes(mimetype="application/vnd.oasis.opendocument.text", *, basic=False, event=False):
    content = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0">'
        "<office:body><office:text>Halo</office:text></office:body></office:document-content>"
    )
    if event:
        content = content.replace(
            "<office:body>",
            '<office:event-listeners><script:event-listener script:event-name="dom:load" '
            'xlink:href="vnd.sun.star.script:Standard.Module1.Main?language=Basic"/>'
            "</office:event-listeners><office:body>",
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", "<manifest/>")
        if basic:
            archive.writestr("Basic/Standard/Module1.xml", 'Sub Main\nShell("calc")\nEnd Sub')
    return buffer.getvalue()


def zip_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("laporan.txt", "isi")
    return buffer.getvalue()


def bomb_bytes():
    """A docx-looking zip that declares 300 MB unpacked."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES_XML + "</Types>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            for _ in range(300):
                part.write(b"\0" * 1_000_000)
    return buffer.getvalue()


HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def stored_files(settings):
    """Every file stored, public (the previews) and private (the documents)."""
    roots = [Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)]
    return sorted(p for root in roots if root.exists() for p in root.rglob("*") if p.is_file())


def post_document(client, name, content, **fields):
    data = {
        "title": "Laporan Kinerja",
        "number": "045/12/2026",
        "date": "2026-11-30",
        "kind": "laporan",
        "issuer": "Biro Humas",
        "description": "Laporan tahunan.",
        "slug": "",
        "is_published": "on",
        "file": SimpleUploadedFile(name, content, content_type="application/pdf"),
        **fields,
    }
    return client.post(ADD_URL, data)


# -- accepted -------------------------------------------------------------------------


def test_editor_uploads_a_pdf_with_its_text_and_first_page_preview(admin_client, settings):
    response = post_document(admin_client, "laporan.pdf", pdf_bytes("Kinerja anggaran", "Dua"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    document = Document.objects.get()
    assert document.file_type == "pdf"
    assert document.page_count == 2
    assert "Kinerja anggaran" in document.text
    assert document.file.name.startswith("documents/") and document.file.name.endswith(".pdf")
    assert document.preview.name.endswith(".webp") and document.preview_width
    assert len(stored_files(settings)) == 2  # the file and its preview


def test_the_file_is_private_and_only_the_preview_public(admin_client, client, settings):
    """On a local disk the file lies outside MEDIA_ROOT, which nginx serves: only the
    download view reaches it, so an unpublished document's file is gone for everyone."""
    post_document(admin_client, "laporan.pdf", pdf_bytes("Rahasia"), is_published="on")
    document = Document.objects.get()
    private = Path(settings.PRIVATE_MEDIA_ROOT) / document.file.name
    assert private.is_file()
    assert not (Path(settings.MEDIA_ROOT) / document.file.name).exists()
    assert (Path(settings.MEDIA_ROOT) / document.preview.name).is_file()
    with pytest.raises(ValueError, match="no URL"):
        document.file.storage.url(document.file.name)
    page = client.get(document.get_absolute_url()).content.decode()
    assert document.file.name not in page and document.preview.url in page
    change = admin_client.get(f"/admin/documents/document/{document.pk}/change/")
    assert change.status_code == 200 and document.file.name not in change.content.decode()
    Document.objects.filter(pk=document.pk).update(is_published=False)
    assert client.get(document.get_download_url()).status_code == 404


def test_a_large_pdf_streamed_to_a_temporary_file_is_accepted(admin_client, settings):
    """Uploads over FILE_UPLOAD_MAX_MEMORY_SIZE (5 MB) arrive as temporary files."""
    response = post_document(admin_client, "besar.pdf", pdf_bytes("Besar", padding=6_000_000))
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.file_size > 6_000_000 and document.preview
    assert len(stored_files(settings)) == 2


@pytest.mark.parametrize(
    ("name", "make", "file_type"),
    [
        ("surat.docx", lambda: ooxml_bytes("docx"), "docx"),
        ("anggaran.xlsx", lambda: ooxml_bytes("xlsx"), "xlsx"),
        ("paparan.pptx", lambda: ooxml_bytes("pptx"), "pptx"),
        ("surat.odt", lambda: odf_bytes(), "odt"),
        ("data.ods", lambda: odf_bytes("application/vnd.oasis.opendocument.spreadsheet"), "ods"),
    ],
)
def test_office_and_opendocument_files_are_accepted(admin_client, settings, name, make, file_type):
    response = post_document(admin_client, name, make())
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.file_type == file_type
    assert not document.preview
    assert len(stored_files(settings)) == 1


def test_the_content_decides_the_stored_extension_not_the_name(admin_client):
    post_document(admin_client, "laporan.pdf", ooxml_bytes("docx"))
    document = Document.objects.get()
    assert document.file_type == "docx"
    assert document.file.name.endswith("/laporan.docx")


# -- refused --------------------------------------------------------------------------

REFUSED = {
    "program renamed .pdf": ("laporan.pdf", lambda: Path(shutil.which("true")).read_bytes()),
    "Windows program renamed .pdf": ("setup.pdf", lambda: b"MZ\x90\x00" + b"\0" * 500),
    "HTML named .pdf": ("laporan.pdf", lambda: HTML),
    "HTML before a PDF (polyglot)": ("laporan.pdf", lambda: HTML + pdf_bytes()),
    "password-protected PDF": ("rahasia.pdf", encrypted_pdf_bytes),
    "PDF protected with an owner password only": (
        "terkunci.pdf",
        lambda: encrypted_pdf_bytes(user_password=""),
    ),
    "truncated PDF": ("rusak.pdf", lambda: pdf_bytes()[: len(pdf_bytes()) // 2]),
    "garbage after the PDF header": ("rusak.pdf", lambda: b"%PDF-1.7\n" + b"\0garbage" * 100),
    "empty file": ("kosong.pdf", lambda: b""),
    "DOCX with a VBA project": ("makro.docx", lambda: ooxml_bytes("docx", macro=True)),
    "DOCM": ("makro.docm", lambda: ooxml_bytes("docx", macro=True)),
    "ODT with Basic macros": ("makro.odt", lambda: odf_bytes(basic=True)),
    "ODT binding an event to a script": ("makro.odt", lambda: odf_bytes(event=True)),
    "plain ZIP renamed .docx": ("arsip.docx", zip_bytes),
    "zip bomb named .docx": ("bom.docx", bomb_bytes),
    "old Office (OLE) file": (
        "lama.doc",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
    ),
    "plain text": ("catatan.pdf", lambda: b"Hanya teks biasa, bukan dokumen."),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_hostile_or_unsupported_files_are_refused_and_nothing_is_stored(
    admin_client, settings, case
):
    name, make = REFUSED[case]
    response = post_document(admin_client, name, make())
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "file" in errors, errors
    assert errors["file"][0]  # a message the editor can act on
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def test_each_refusal_says_why(admin_client):
    admin_client.cookies["django_language"] = "en"
    expectations = {
        ("setup.pdf", b"MZ\x90\x00" + b"\0" * 500): "program",
        ("laporan.pdf", HTML): "HTML",
        ("rahasia.pdf", encrypted_pdf_bytes()): "encrypted",
        ("makro.docx", ooxml_bytes("docx", macro=True)): "macros",
        ("arsip.docx", zip_bytes()): "ZIP",
    }
    for (name, content), word in expectations.items():
        response = post_document(admin_client, name, content)
        assert word in response.context["adminform"].form.errors["file"][0], name


def test_a_pdf_over_the_size_limit_is_refused(admin_client, settings):
    settings.DOCUMENT_MAX_MB = 0
    response = post_document(admin_client, "besar.pdf", pdf_bytes())
    assert response.status_code == 200
    assert "0 MB" in response.context["adminform"].form.errors["file"][0]
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def test_refusals_are_in_indonesian_for_indonesian_editors(admin_client):
    admin_client.cookies["django_language"] = "id"
    response = post_document(admin_client, "makro.docx", ooxml_bytes("docx", macro=True))
    assert "makro" in response.context["adminform"].form.errors["file"][0]


def test_replacing_the_file_removes_the_old_one_after_commit(
    admin_client, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_document(admin_client, "lama.pdf", pdf_bytes("Lama"))
    document = Document.objects.get()
    old = set(stored_files(settings))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/documents/document/{document.pk}/change/",
            {
                "title": document.title,
                "number": "",
                "date": "2026-11-30",
                "kind": "laporan",
                "issuer": "",
                "description": "",
                "slug": document.slug,
                "is_published": "on",
                "file": SimpleUploadedFile("baru.docx", ooxml_bytes("docx")),
            },
        )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.file_type == "docx" and not document.preview and document.text == ""
    assert old.isdisjoint(stored_files(settings))
    assert len(stored_files(settings)) == 1
