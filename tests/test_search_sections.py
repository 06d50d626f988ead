"""/cari/ shows what other apps find (humas.search), highlighted and escaped."""

import pytest

from humas import search as site_search

from .factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def section():
    def find(query, limit):
        found = [
            site_search.Result(
                title=f"Peraturan <b>jembatan</b> {n}",
                url=f"/dokumen/peraturan-{n}/",
                excerpt="Tentang jembatan <script>alert(1)</script>",
                kind="PDF",
            )
            for n in range(limit + 3)
        ]
        return found if "jembatan" in query else []

    site_search.register("test-section", "Bagian uji", find)
    yield
    site_search._sections.pop("test-section")


def test_the_search_page_lists_other_sections_escaped_and_highlighted(client, section):
    page = client.get("/cari/", {"q": "jembatan"}).content.decode()
    assert "Bagian uji" in page
    assert page.count('href="/dokumen/peraturan-') == 5  # at most five per section
    assert "&lt;b&gt;<mark>jembatan</mark>&lt;/b&gt;" in page
    assert "<script>alert(1)</script>" not in page
    assert "Tidak ditemukan hasil" not in page


def test_other_sections_appear_only_on_the_first_page_of_results(client, section):
    for n in range(12):
        make_article(title=f"Jembatan baru {n}")
    assert "Bagian uji" not in client.get("/cari/", {"q": "jembatan", "page": 2}).content.decode()


def test_nothing_found_anywhere_says_so(client, section):
    page = client.get("/cari/", {"q": "sungai"}).content.decode()
    assert "Bagian uji" not in page
    assert "Tidak ditemukan hasil untuk “sungai”" in page
