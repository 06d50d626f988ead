"""What only PostgreSQL does for documents: the Indonesian full-text search over the
stored search vector (documents' migration 0002), the text inside PDFs included.

These run in the suite's PostgreSQL pass (`.ci/run`, or `DATABASE_URL=postgres://...
make test`); on SQLite they are skipped with that message, as tests/test_postgresql.py.
"""

import pytest
from django.db import connection

from .test_documents import make_document
from .test_documents_upload import pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: run `.ci/run`, or start PostgreSQL 15 and run "
            "`DATABASE_URL=postgres://USER@HOST:PORT/humas make test`"
        )


def documents_found(client, query):
    response = client.get("/cari/", {"q": query})
    assert response.status_code == 200
    sections = {section.key: results for section, results in response.context["other_results"]}
    return [found["result"].title for found in sections.get("documents", [])]


def test_the_search_vector_is_stored_and_indexed():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'documents_document' "
            "AND indexname = 'document_search_vector_idx'"
        )
        assert cursor.fetchone() is not None


def test_search_stems_indonesian_words_inside_pdfs(client):
    make_document(pdf_bytes("Pembangunan jembatan Kaligawe dimulai"), title="Laporan Triwulan")
    make_document(pdf_bytes("Pasar murah di Kudus"), title="Siaran Pers Pasar")
    # "membangun" and "pembangunan" share the stem "bangun".
    assert documents_found(client, "membangun") == ["Laporan Triwulan"]


def test_search_ranks_title_matches_above_text_matches(client):
    make_document(pdf_bytes("Dibahas pula banjir rob di pesisir"), title="Rapat Anggaran")
    make_document(pdf_bytes("Warga kembali ke rumah"), title="Banjir Rob Surut di Semarang")
    assert documents_found(client, "banjir rob") == [
        "Banjir Rob Surut di Semarang",
        "Rapat Anggaran",
    ]


def test_unpublished_documents_are_not_found(client):
    make_document(pdf_bytes("Rahasia Tanjungemas"), title="Draf", is_published=False)
    assert documents_found(client, "tanjungemas") == []
