"""The public documents: listing and its filters, the document page, the download (its
headers and its count), search inside PDFs, attachments on articles, the sitemap, roles
in the admin, and the SQL per page, cold and warm."""

import datetime
import runpy
from importlib import import_module
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test.utils import CaptureQueriesContext

from documents import checks, services
from documents.models import Document, DownloadMark
from documents.preview import render_first_page
from documents.storage import DocumentS3Storage
from humas import pagecache
from humas import settings as settings_module

from .factories import make_article, make_user
from .test_documents_upload import ooxml_bytes, pdf_bytes, post_document

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (Linux; Android 14; SM-A556E) AppleWebKit/537.36 Chrome/131.0.6778.81"


def make_document(content=None, name="laporan.pdf", **fields):
    """A document stored the way an upload is: checked, previewed, saved by the service."""
    upload = ContentFile(content or pdf_bytes("Laporan kinerja"), name=name)
    checked = checks.check_upload(upload)
    preview = render_first_page(upload) if checked.file_type == "pdf" else None
    fields.setdefault("title", "Laporan Kinerja Biro Humas")
    fields.setdefault("date", datetime.date(2026, 11, 30))
    fields.setdefault("kind", Document.Kind.REPORT)
    fields.setdefault("is_published", True)
    return services.save_document(
        document=Document(**fields), upload=upload, checked=checked, preview=preview
    )


def download(client, document, *, ua=BROWSER, ip="203.0.113.10", method="get", **extra):
    """The download, read to its end (which closes the file, as a server would)."""
    response = getattr(client, method)(
        document.get_download_url(), HTTP_USER_AGENT=ua, REMOTE_ADDR=ip, **extra
    )
    response.body = b"".join(response.streaming_content) if response.streaming else b""
    return response


def downloads(document):
    document.refresh_from_db()
    return document.download_count


@pytest.fixture
def document():
    return make_document()


# -- listing --------------------------------------------------------------------------


def test_listing_shows_published_documents_only(client):
    make_document(title="Siaran Pers Banjir Rob", kind=Document.Kind.PRESS_RELEASE)
    make_document(title="Draf Peraturan Rahasia", is_published=False)
    response = client.get("/dokumen/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Siaran Pers Banjir Rob" in content
    assert "Draf Peraturan Rahasia" not in content


def test_listing_filters_by_type_and_year(client):
    make_document(title="Siaran Pers 2026", kind="siaran-pers", date=datetime.date(2026, 1, 5))
    make_document(title="Siaran Pers 2025", kind="siaran-pers", date=datetime.date(2025, 6, 1))
    make_document(title="Peraturan 2026", kind="peraturan", date=datetime.date(2026, 2, 1))

    def titles(response):
        return [d.title for d in response.context["documents"]]

    assert titles(client.get("/dokumen/?jenis=siaran-pers")) == [
        "Siaran Pers 2026",
        "Siaran Pers 2025",
    ]
    assert titles(client.get("/dokumen/?tahun=2026")) == ["Peraturan 2026", "Siaran Pers 2026"]
    assert titles(client.get("/dokumen/?jenis=siaran-pers&tahun=2025")) == ["Siaran Pers 2025"]
    # Every filter keeps its own copy of the page.
    assert titles(client.get("/dokumen/?jenis=peraturan")) == ["Peraturan 2026"]
    assert titles(client.get("/dokumen/")) == [
        "Peraturan 2026",
        "Siaran Pers 2026",
        "Siaran Pers 2025",
    ]


@pytest.mark.parametrize(
    "query",
    [
        "jenis=rahasia",
        "tahun=abc",
        "tahun=99999",
        "tahun=٢٠٢٦",  # Arabic-Indic digits: isdigit() says yes, int() would accept them
        "jenis=%00&tahun=-1",
        "page=abc",
        "page=999999999999",
        "page=" + "9" * 5000,  # past Python's limit for turning digits into an int
        "jenis=siaran-pers&jenis=x",
    ],
)
def test_junk_filter_values_never_fail(client, query):
    make_document()
    response = client.get(f"/dokumen/?{query}")
    assert response.status_code == 200
    assert len(response.context["documents"]) <= 1


def test_an_unknown_type_is_said_in_indonesian(client):
    make_document()
    response = client.get("/dokumen/?jenis=rahasia&tahun=20x6")
    content = response.content.decode()
    assert "Jenis dokumen itu tidak ada" in content
    assert "Tahun itu tidak sah" in content
    assert "Laporan Kinerja Biro Humas" in content


def test_listing_offers_the_years_and_types_as_a_form_without_javascript(client):
    make_document(date=datetime.date(2024, 3, 1))
    content = client.get("/dokumen/").content.decode()
    assert '<option value="2024">2024</option>' in content
    assert '<option value="siaran-pers">Siaran Pers</option>' in content
    assert '<label for="filter-jenis">' in content


# -- the document page ----------------------------------------------------------------


def test_document_page_shows_metadata_preview_and_download_count(client):
    document = make_document(number="045/12/2026", issuer="Biro Humas", description="Isi.")
    Document.objects.filter(pk=document.pk).update(download_count=1234)
    response = client.get(document.get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    assert "045/12/2026" in content and "Biro Humas" in content and "Laporan" in content
    assert "diunduh : 1234" in content
    assert f'src="{document.preview.url}"' in content
    assert 'alt="Halaman pertama “Laporan Kinerja Biro Humas”"' in content
    assert document.get_download_url() in content
    assert "30 November 2026" in content


def test_a_document_without_preview_says_its_type(client):
    document = make_document(ooxml_bytes("xlsx"), name="anggaran.xlsx")
    content = client.get(document.get_absolute_url()).content.decode()
    assert "<img" not in content.split('id="document-title"')[1].split("</article>")[0]
    assert "XLSX" in content


def test_unpublished_documents_and_their_files_are_not_found(client):
    document = make_document(is_published=False)
    assert client.get(document.get_absolute_url()).status_code == 404
    assert download(client, document).status_code == 404
    assert downloads(document) == 0


def test_unpublishing_takes_the_page_down_at_once(client, document):
    assert client.get(document.get_absolute_url()).status_code == 200
    document.is_published = False
    document.save()
    assert client.get(document.get_absolute_url()).status_code == 404
    assert document.title not in client.get("/dokumen/").content.decode()


def test_files_are_stored_under_a_random_folder(document):
    folder = document.file.name.split("/")[1]
    assert document.file.name.startswith("documents/") and len(folder) == 32


# -- download -------------------------------------------------------------------------


def test_a_pdf_is_served_inline_with_its_type_and_nosniff(client, document):
    response = download(client, document)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="laporan.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-cache" in response["Cache-Control"]
    assert response.body.startswith(b"%PDF-")


def test_other_files_are_attachments_with_their_checked_type(client):
    document = make_document(ooxml_bytes("docx"), name="surat edaran.docx")
    response = download(client, document)
    assert response["Content-Type"] == checks.CONTENT_TYPES["docx"]
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_reader_counts_once_per_window(client, document, settings):
    for _ in range(3):
        assert download(client, document).status_code == 200
    assert downloads(document) == 1
    download(client, document, ip="203.0.113.11")
    assert downloads(document) == 2
    # After the window, the same reader counts again.
    DownloadMark.objects.update(seen_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    download(client, document)
    assert downloads(document) == 3


@pytest.mark.parametrize(
    "extra",
    [
        {"ua": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"},
        {"ua": "WhatsApp/2.23.20.0"},
        {"ua": "python-requests/2.32"},
        {"ua": ""},
        {"HTTP_SEC_PURPOSE": "prefetch"},
    ],
)
def test_bots_previews_and_prefetches_do_not_count(client, document, extra):
    assert download(client, document, **extra).status_code == 200
    assert downloads(document) == 0


def test_staff_downloads_do_not_count(client, document):
    client.force_login(make_user(is_staff=True))
    download(client, document)
    assert downloads(document) == 0


def test_a_head_request_does_not_count(client, document):
    download(client, document, method="head")
    assert downloads(document) == 0


def test_one_address_brings_at_most_the_limit_of_new_readers(client, document, settings):
    settings.VIEW_MAX_READERS_PER_ADDRESS = 3
    for n in range(10):
        download(client, document, ua=f"{BROWSER}.{n}", ip="203.0.113.66")
    assert downloads(document) == 3
    download(client, document, ip="203.0.113.67")
    assert downloads(document) == 4


def test_signed_in_readers_count_by_account(client, document):
    client.force_login(make_user())
    download(client, document, ip="203.0.113.1")
    download(client, document, ip="203.0.113.2")
    assert downloads(document) == 1


def test_the_download_is_never_served_from_the_page_cache(client, document):
    download(client, document)
    download(client, document, ip="203.0.113.99")
    assert downloads(document) == 2


def test_a_missing_file_is_not_found_not_an_error(client, document):
    document.file.storage.delete(document.file.name)
    assert download(client, document).status_code == 404


# -- search ---------------------------------------------------------------------------


def test_search_finds_a_word_that_is_only_inside_a_pdf(client):
    make_document(pdf_bytes("Rencana revitalisasi Pelabuhan Tanjungemas"), title="Laporan")
    make_document(pdf_bytes("Rahasia Tanjungemas"), title="Draf", is_published=False)
    response = client.get("/cari/", {"q": "tanjungemas"})
    assert response.status_code == 200
    sections = {s.key: r for s, r in response.context["other_results"]}
    results = [found["result"] for found in sections["documents"]]
    assert [r.title for r in results] == ["Laporan"]
    assert "Tanjungemas" in results[0].excerpt
    assert "<mark>Tanjungemas</mark>" in response.content.decode()


def test_search_finds_documents_by_number_and_description(client):
    make_document(number="188/45/2026", description="Tentang tarif parkir", title="Perda")
    for query in ("188", "tarif parkir"):
        response = client.get("/cari/", {"q": query})
        sections = {s.key: r for s, r in response.context["other_results"]}
        assert [f["result"].title for f in sections["documents"]] == ["Perda"], query


# -- attachments ----------------------------------------------------------------------


def test_an_article_lists_its_published_attachments(client):
    shown = make_document(title="Lampiran Siaran Pers", kind=Document.Kind.PRESS_RELEASE)
    hidden = make_document(title="Lampiran Draf", is_published=False)
    article = make_article(title="Gubernur Resmikan Jembatan")
    article.attachments.add(shown, hidden)
    content = client.get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER).content.decode()
    assert "Lampiran Siaran Pers" in content and shown.get_absolute_url() in content
    assert "Siaran Pers" in content and "PDF" in content
    assert "Lampiran Draf" not in content


def test_a_document_edit_shows_at_once_on_the_article_that_attaches_it(client, document):
    article = make_article()
    article.attachments.add(document)
    assert document.title in client.get(article.get_absolute_url()).content.decode()
    document.title = "Judul Baru Lampiran"
    document.save()
    assert "Judul Baru Lampiran" in client.get(article.get_absolute_url()).content.decode()


def test_an_article_without_attachments_shows_no_documents_section(client):
    article = make_article()
    assert "attached-documents" not in client.get(article.get_absolute_url()).content.decode()


def test_the_article_admin_offers_documents_by_autocomplete(admin_client):
    response = admin_client.get("/admin/articles/article/add/")
    assert 'name="attachments"' in response.content.decode()
    assert "admin-autocomplete" in response.content.decode()


# -- sitemap --------------------------------------------------------------------------


def test_the_sitemap_lists_published_documents(client):
    shown = make_document(title="Terbit")
    hidden = make_document(title="Belum", is_published=False)
    content = client.get("/sitemap.xml").content.decode()
    if "<sitemapindex" in content:  # a section per page
        content = client.get("/sitemap.xml", {"section": "dokumen"}).content.decode()
    assert shown.get_absolute_url() in content
    assert hidden.get_absolute_url() not in content


# -- roles in the admin ---------------------------------------------------------------


@pytest.fixture
def document_roles(roles):
    """The groups with the documents' permissions (documents' migration 0003)."""
    state = MigrationLoader(connection).project_state(("documents", "0003_roles"))
    import_module("documents.migrations.0003_roles").grant(state.apps, None)
    return roles


def staff_in(group):
    user = make_user(is_staff=True)
    user.groups.add(group)
    return user


def test_a_writer_uploads_but_cannot_publish(client, document_roles):
    client.force_login(staff_in(document_roles["Penulis"]))
    response = post_document(client, "laporan.pdf", pdf_bytes(), is_published="on")
    assert response.status_code == 302
    assert Document.objects.get().is_published is False


def test_a_writer_cannot_change_or_delete_a_published_document(client, document_roles, document):
    client.force_login(staff_in(document_roles["Penulis"]))
    url = f"/admin/documents/document/{document.pk}/"
    assert client.post(f"{url}change/", {"title": "Diubah"}).status_code == 403
    assert client.post(f"{url}delete/", {"post": "yes"}).status_code == 403
    document.refresh_from_db()
    assert document.title == "Laporan Kinerja Biro Humas"


def test_an_editor_publishes(client, document_roles):
    client.force_login(staff_in(document_roles["Editor"]))
    response = post_document(client, "laporan.pdf", pdf_bytes(), is_published="on")
    assert response.status_code == 302
    assert Document.objects.get().is_published is True


# -- SQL per page ---------------------------------------------------------------------


@pytest.fixture
def version(settings):
    """Queries of the page version: none with Redis."""
    return 0 if settings.REDIS_URL else 1


def layout_queries(client, version):
    """What base.html costs on a cold page (site settings, the menu), measured on the
    archive page (its own query: the months), so that these counts follow the layout."""
    with CaptureQueriesContext(connection) as queries:
        client.get("/arsip/")
    caches["default"].clear()
    pagecache.clear()
    # With Redis, clearing the cache took the version's keys too: made again here (their
    # next due time is a query), not in the counts that follow.
    pagecache.current_version()
    return len(queries) - version - 1


@pytest.fixture
def library():
    """Enough documents for two pages, of several types and years."""
    kinds = list(Document.Kind.values)
    base = make_document(title="Dokumen 0")
    documents = [base]
    for i in range(1, 25):
        document = Document(
            title=f"Dokumen {i}",
            kind=kinds[i % len(kinds)],
            date=datetime.date(2024 + i % 3, 1 + i % 12, 1),
            file=base.file.name,
            file_type="pdf",
            file_size=base.file_size,
            is_published=True,
        )
        document.save()
        documents.append(document)
    return documents


def test_listing_queries_are_exact_cold_and_warm(
    client, library, version, django_assert_num_queries
):
    """Prevents a query per document on the listing, and any once its copy is kept."""
    layout = layout_queries(client, version)
    # count; rows; the years (kept)
    with django_assert_num_queries(version + 3 + layout):
        assert client.get("/dokumen/?jenis=laporan&tahun=2026").status_code == 200
    with django_assert_num_queries(version):
        assert client.get("/dokumen/?jenis=laporan&tahun=2026").status_code == 200
    with django_assert_num_queries(version + 2):  # another filter: count and rows
        response = client.get("/dokumen/?page=2")
    assert len(response.context["documents"]) == 5


def test_document_page_queries_are_exact_cold_and_warm(
    client, library, version, django_assert_num_queries
):
    layout = layout_queries(client, version)
    url = library[3].get_absolute_url()
    with django_assert_num_queries(version + 1 + layout):  # the document
        assert client.get(url).status_code == 200
    with django_assert_num_queries(version):
        assert client.get(url).status_code == 200


def test_a_counted_download_costs_one_transaction(client, library, django_assert_num_queries):
    document = library[0]
    # the document; the mark, the address and the count, in a savepoint
    with django_assert_num_queries(1 + 3 + 2):
        download(client, document)
    with django_assert_num_queries(1 + 1 + 2):  # counted already: the mark only
        download(client, document)


def test_staff_open_an_unpublished_file_from_the_admin_without_counting(admin_client):
    document = make_document(is_published=False)
    response = admin_client.get(f"/admin/documents/document/{document.pk}/berkas/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    b"".join(response.streaming_content)
    assert downloads(document) == 0
    change = admin_client.get(f"/admin/documents/document/{document.pk}/change/")
    assert f"/admin/documents/document/{document.pk}/berkas/" in change.content.decode()


def test_readers_cannot_open_files_through_the_admin(client):
    document = make_document(is_published=False)
    response = client.get(f"/admin/documents/document/{document.pk}/berkas/")
    assert response.status_code == 302  # to the login page


def test_on_s3_each_object_carries_its_checked_type_and_disposition():
    storage = DocumentS3Storage(
        bucket_name="humas-media", object_parameters={"CacheControl": "public, max-age=604800"}
    )
    pdf = storage.get_object_parameters("documents/0a1b/laporan.pdf")
    assert pdf["ContentType"] == "application/pdf"
    assert pdf["ContentDisposition"] == 'inline; filename="laporan.pdf"'
    assert pdf["CacheControl"] == "public, max-age=604800"
    docx = storage.get_object_parameters("documents/0a1b/surat.docx")
    assert docx["ContentType"] == checks.CONTENT_TYPES["docx"]
    assert docx["ContentDisposition"] == 'attachment; filename="surat.docx"'
    preview = storage.get_object_parameters("documents/previews/0a1b.webp")
    assert preview["ContentType"] == "image/webp" and "ContentDisposition" not in preview
    odd = storage.get_object_parameters("documents/0a1b/x.html")
    assert odd["ContentType"] == "application/octet-stream"


def test_with_an_s3_bucket_documents_have_their_own_storage_in_the_same_bucket(monkeypatch):
    for name in ("S3_ENDPOINT_URL", "S3_REGION", "S3_CUSTOM_DOMAIN", "SERVE_MEDIA"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("S3_BUCKET", "humas-media")
    site = runpy.run_path(str(Path(settings_module.__file__)))
    documents = site["STORAGES"]["documents"]
    assert documents["BACKEND"] == "documents.storage.DocumentS3Storage"
    assert documents["OPTIONS"] == site["STORAGES"]["default"]["OPTIONS"]
    storage = DocumentS3Storage(**documents["OPTIONS"])
    assert storage.get_object_parameters("documents/0a1b/a.pdf")["CacheControl"].startswith(
        "public"
    )
