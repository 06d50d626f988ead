"""What keeps the public pages as fast at 100,000 articles as at 1,000 (docs/scale.md):
each page reads a bounded number of rows, whatever the size of the archive."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import search
from articles.models import Article, listings

from .factories import make_article, make_category

pytestmark = pytest.mark.django_db


def hours_ago(n):
    return timezone.now() - timedelta(hours=n)


@pytest.mark.parametrize("page", [1, 2, 3, 4, 5])
def test_every_page_of_a_listing_is_its_slice_of_the_newest_first_order(
    client, page, django_assert_max_num_queries
):
    """ListingPaginator reads a page's ids from either end of the index, then its rows:
    the same articles, in the same order, as slicing the whole listing; and no more
    queries for the last page than for the first."""
    category = make_category(name="Ekonomi")
    # Two at the same time: the pk breaks the tie, newest (highest) first.
    articles = [make_article(category=category, published_at=hours_ago(n // 2)) for n in range(50)]
    newest_first = sorted(articles, key=lambda a: (a.published_at, a.pk), reverse=True)
    with django_assert_max_num_queries(10):
        response = client.get("/kategori/ekonomi/", {"page": page})
    assert list(response.context["articles"]) == newest_first[(page - 1) * 12 : page * 12]
    assert response.context["page_obj"].paginator.num_pages == 5


def test_search_ranks_and_counts_only_the_newest_matches(client, monkeypatch):
    monkeypatch.setattr(search, "SEARCH_CANDIDATES", 3)
    matches = [make_article(title=f"Jembatan {n}", published_at=hours_ago(n)) for n in range(5)]
    make_article(title="Pasar Murah", published_at=hours_ago(0))
    response = client.get("/cari/", {"q": "jembatan"})
    assert response.context["paginator"].count == 3
    assert {a.title for a in response.context["articles"]} == {a.title for a in matches[:3]}


def test_home_shows_a_category_whose_articles_are_older_than_the_candidates(client, monkeypatch):
    """The category blocks are numbered over the newest HOME_CANDIDATES articles; a
    category with none among them is still read, on its own."""
    monkeypatch.setattr(listings, "HOME_CANDIDATES", 5)
    busy = make_category(name="Pemerintahan", order=1)
    quiet = make_category(name="Pariwisata", order=2)
    newest = [make_article(category=busy, published_at=hours_ago(n)) for n in range(6)]
    old = [make_article(category=quiet, published_at=hours_ago(100 + n)) for n in range(2)]
    blocks = client.get("/").context["category_blocks"]
    assert [(category, list(articles)) for category, articles in blocks] == [
        (busy, newest[:4]),
        (quiet, old),
    ]


def test_related_articles_compete_among_the_newest_written_that_share_a_tag(client, monkeypatch):
    """Only the RELATED_CANDIDATES articles sharing a tag that were written last are
    ranked by tags in common: an old article sharing more tags drops out."""
    monkeypatch.setattr(listings, "RELATED_CANDIDATES", 2)
    article = make_article(tags=["banjir", "demak", "rob"])
    make_article(title="Lama Tiga Tag", tags=["banjir", "demak", "rob"])
    make_article(title="Baru Satu Tag", tags=["banjir"])
    make_article(title="Baru Dua Tag", tags=["banjir", "demak"])
    related = [a.title for a in Article.objects.related_to(article)]
    assert related[:2] == ["Baru Dua Tag", "Baru Satu Tag"]
    assert "Lama Tiga Tag" not in related


def test_tag_page_lists_the_published_articles_with_the_tag(client):
    tagged = [make_article(tags=["rob"], published_at=hours_ago(n)) for n in range(3)]
    make_article(tags=["rob"], status="draft")
    make_article(tags=["banjir"])
    response = client.get("/tag/rob/")
    assert list(response.context["articles"]) == tagged
