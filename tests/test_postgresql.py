"""What only PostgreSQL does: the Indonesian full-text search.

These run in the suite's PostgreSQL pass (`.ci/run`, or `DATABASE_URL=postgres://...
make test`); on SQLite they are skipped with that message.
"""

import pytest
from django.db import connection

from .factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: run `.ci/run`, or start PostgreSQL 15 and run "
            "`DATABASE_URL=postgres://USER@HOST:PORT/humas make test`"
        )


def test_search_stems_indonesian_words(client):
    make_article(title="Pembangunan Jembatan Kaligawe Dimulai")
    make_article(title="Gubernur Membuka Pasar Murah")
    # "membangun" and "pembangunan" share the stem "bangun".
    response = client.get("/cari/", {"q": "membangun"})
    assert [a.title for a in response.context["articles"]] == [
        "Pembangunan Jembatan Kaligawe Dimulai"
    ]


def test_search_ranks_title_matches_above_body_matches(client):
    make_article(title="Rapat Anggaran", body="<p>Dibahas pula banjir rob di pesisir.</p>")
    make_article(title="Banjir Rob Surut di Semarang", body="<p>Warga kembali ke rumah.</p>")
    response = client.get("/cari/", {"q": "banjir rob"})
    assert [a.title for a in response.context["articles"]] == [
        "Banjir Rob Surut di Semarang",
        "Rapat Anggaran",
    ]
