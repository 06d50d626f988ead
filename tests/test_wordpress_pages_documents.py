"""`import_wordpress` with pages and documents: WordPress pages into the page tree
(hierarchy, menu order, status, converted body), document attachments into documents
through the documents app's own checks, their old addresses answering 301, and a second
run that changes nothing (tests/data/wordpress/pages-documents.xml)."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from documents.models import Document
from pages.models import Page
from wordpress.models import ImportedDocument, ImportedPage, LegacyPath

from .test_documents_upload import ooxml_bytes, pdf_bytes

pytestmark = pytest.mark.django_db

EXPORT = Path(__file__).parent / "data" / "wordpress" / "pages-documents.xml"


@pytest.fixture
def uploads(tmp_path):
    root = tmp_path / "uploads"
    folder = root / "2025" / "06"
    folder.mkdir(parents=True)
    (folder / "laporan-tahunan.pdf").write_bytes(pdf_bytes("Laporan Tahunan 2024"))
    (folder / "formulir.docx").write_bytes(ooxml_bytes("docx"))
    (folder / "palsu.pdf").write_bytes(b"<html><script>alert(1)</script></html>")
    (folder / "rancangan-anggaran.pdf").write_bytes(pdf_bytes("Rancangan"))
    (folder / "data-kunjungan.xlsx").write_bytes(ooxml_bytes("xlsx"))
    # 2025/06/hilang.odt is missing on purpose.
    return root


def run(*args, **options):
    out = io.StringIO()
    call_command("import_wordpress", *map(str, args), stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def snapshot():
    return {
        model.__name__: sorted(model.objects.values_list("pk", flat=True))
        for model in (Page, Document, ImportedPage, ImportedDocument, LegacyPath)
    } | {"pages": sorted(Page.objects.values_list("pk", "path", "url_path", "updated_at"))}


def test_pages_become_a_tree_in_menu_order_with_their_status(uploads):
    out = run(EXPORT, uploads=uploads)
    assert "pages imported (published): 6" in out
    assert "pages imported (draft): 2" in out  # a draft and a private page
    assert "pages skipped (trash): 1" in out
    profil = Page.objects.get(title="Profil")
    assert profil.is_root() and profil.url_path == "/profil/"
    children = [(p.title, p.url_path, p.status) for p in Page.objects.get_children(profil)]
    assert children == [
        ("Visi & Misi", "/profil/visi-misi/", "published"),
        ("Struktur Organisasi", "/profil/struktur-organisasi/", "published"),
        ("Draf Halaman Anggaran", "/profil/anggaran/", "draft"),
    ]
    roots = [p.title for p in Page.objects.get_root_nodes()]
    # Menu order among the top level: Sejarah (0, its parent missing), Profil (1),
    # Kontak (3), Video (4); the private page (0, draft) by its id after Sejarah.
    assert roots == ["Sejarah", "Halaman Privat", "Profil", "Kontak", "Video"]
    assert Page.objects.get(title="Halaman Privat").status == "draft"
    assert Page.objects.get(title="Video").url_path == "/video-2/"  # /video/ is the gallery
    assert profil.author.email == "sri.wahyuni@contoh.go.id"
    assert profil.published_at.year == 2024


def test_page_bodies_go_through_the_post_converter(uploads):
    run(EXPORT, uploads=uploads)
    profil = Page.objects.get(title="Profil")
    assert "<p>Profil Biro Hubungan Masyarakat.</p>" in profil.body  # wpautop's paragraphs
    assert "laporan-tahunan.pdf" in profil.body and "<script" not in profil.body
    visi = Page.objects.get(title="Visi & Misi")
    assert "<h1" not in visi.body and "Visi" in visi.body  # headings mapped into h2-h4


def test_published_pages_are_served_and_drafts_are_not(client, uploads):
    run(EXPORT, uploads=uploads)
    response = client.get("/profil/visi-misi/")
    assert response.status_code == 200
    assert "Terwujudnya informasi publik yang terbuka." in response.content.decode()
    assert client.get("/profil/anggaran/").status_code == 404


def test_old_page_addresses_answer_301_and_drafts_are_not_revealed(client, uploads):
    run(EXPORT, uploads=uploads)
    for old, new in [
        ("/tentang/sejarah/", "/sejarah/"),
        ("/tentang/sejarah", "/sejarah/"),
        ("/?page_id=304", "/kontak/"),
        ("/?page_id=302", "/profil/visi-misi/"),
        ("/?p=301", "/profil/"),  # WordPress answers ?p= with a page too
    ]:
        response = client.get(old)
        assert (response.status_code, response.get("Location")) == (301, new), old
        assert client.get(new).status_code == 200
    for old in ("/?page_id=305", "/?page_id=309", "/?page_id=310", "/?page_id=999"):
        response = client.get(old)
        assert "Location" not in response, old
    # A page whose new address is its old one needs no redirect.
    assert not LegacyPath.objects.filter(path="/profil/visi-misi/").exists()


def test_document_attachments_become_documents_checked_by_content(uploads):
    out = run(EXPORT, uploads=uploads)
    assert "documents imported: 4" in out
    assert "documents refused: 1" in out
    assert "2025/06/palsu.pdf: not imported as a document" in out
    assert "2025/06/hilang.odt" in out  # missing from --uploads
    documents = {d.title: d for d in Document.objects.all()}
    assert set(documents) == {
        "Laporan Tahunan 2024",
        "Formulir Permohonan Informasi",
        "Rancangan Anggaran",
        "Data Kunjungan",
    }
    report = documents["Laporan Tahunan 2024"]
    assert (report.file_type, report.page_count, report.is_published) == ("pdf", 1, True)
    assert "Laporan Tahunan 2024" in report.text and report.preview  # searchable, previewed
    assert report.date.isoformat() == "2025-06-02"
    assert report.description == "Laporan kinerja Biro Humas tahun 2024."
    assert documents["Formulir Permohonan Informasi"].file_type == "docx"
    assert documents["Data Kunjungan"].file_type == "xlsx"  # found by its name, then content
    assert not documents["Rancangan Anggaran"].is_published  # a draft page's attachment


def test_old_document_addresses_answer_301_to_the_download(client, uploads):
    run(EXPORT, uploads=uploads)
    report = Document.objects.get(title="Laporan Tahunan 2024")
    form = Document.objects.get(title="Formulir Permohonan Informasi")
    for old, new in [
        ("/wp-content/uploads/2025/06/laporan-tahunan.pdf", report.get_download_url()),
        ("/wp-content/uploads/2025/06/formulir.docx", form.get_download_url()),
        ("/?attachment_id=401", report.get_download_url()),
    ]:
        response = client.get(old)
        assert (response.status_code, response.get("Location")) == (301, new), old
    assert client.get(report.get_download_url()).status_code == 200
    for old in (
        "/wp-content/uploads/2025/06/rancangan-anggaran.pdf",  # not published
        "/wp-content/uploads/2025/06/palsu.pdf",  # refused
        "/?attachment_id=404",
    ):
        response = client.get(old)
        assert response.status_code in {200, 404} and "Location" not in response, old


def test_a_second_run_changes_nothing(uploads):
    run(EXPORT, uploads=uploads)
    before = snapshot()
    out = run(EXPORT, uploads=uploads)
    assert snapshot() == before
    assert "pages already imported: 8" in out
    assert "documents already imported: 4" in out
    assert "pages imported" not in out and "documents imported" not in out


def test_a_dry_run_counts_pages_and_documents_and_writes_nothing(uploads):
    out = run(EXPORT, uploads=uploads, dry_run=True)
    assert "pages to import (published): 6" in out
    assert "documents to check and import: 5" in out
    assert not Page.objects.exists() and not Document.objects.exists()
    assert not LegacyPath.objects.exists()
