from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article

from .factories import make_article, make_category, make_reader

pytestmark = pytest.mark.django_db


def test_home_shows_headline_latest_and_a_block_per_category(client):
    economy = make_category(name="Ekonomi", order=1)
    health = make_category(name="Kesehatan", order=2)
    newest = make_article(title="Berita Paling Baru", category=economy)
    older = make_article(title="Berita Kesehatan", category=health)
    make_article(title="Draf Rahasia", category=health, status=Article.Status.DRAFT)
    make_article(
        title="Terjadwal Besok", category=health, published_at=timezone.now() + timedelta(days=1)
    )
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["headline"] == newest
    assert older in response.context["latest"]
    blocks = [
        (c.name, [a.title for a in articles]) for c, articles in response.context["category_blocks"]
    ]
    assert blocks == [("Ekonomi", ["Berita Paling Baru"]), ("Kesehatan", ["Berita Kesehatan"])]
    html = response.content.decode()
    assert "Draf Rahasia" not in html
    assert "Terjadwal Besok" not in html


def test_home_category_block_holds_only_the_newest_few(client):
    category = make_category(name="Pemerintahan")
    for _ in range(7):
        make_article(category=category)
    response = client.get("/")
    ((_, articles),) = response.context["category_blocks"]
    assert len(articles) == 4
    assert articles == sorted(articles, key=lambda a: a.published_at, reverse=True)


def test_home_without_articles_says_so(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Belum ada berita yang diterbitkan." in response.content.decode()


def test_category_page_lists_only_its_published_articles_newest_first(client):
    category = make_category(name="Kesehatan")
    older = make_article(category=category, published_at=timezone.now() - timedelta(days=2))
    newer = make_article(category=category, published_at=timezone.now() - timedelta(days=1))
    make_article(category=category, status=Article.Status.DRAFT)
    make_article()  # another category
    response = client.get("/kategori/kesehatan/")
    assert response.status_code == 200
    assert list(response.context["articles"]) == [newer, older]


def test_tag_page_lists_articles_with_that_tag(client):
    tagged = make_article(tags=["banjir"])
    make_article(tags=["kemarau"])
    make_article(tags=["banjir"], status=Article.Status.DRAFT)
    response = client.get("/tag/banjir/")
    assert response.status_code == 200
    assert list(response.context["articles"]) == [tagged]
    assert "Tag: banjir" in response.content.decode()


def test_unknown_category_and_tag_answer_404(client):
    assert client.get("/kategori/tidak-ada/").status_code == 404
    assert client.get("/tag/tidak-ada/").status_code == 404


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("abc", 1),
        ("-1", 3),
        ("0", 3),
        ("999999", 3),
        ("2", 2),
        ("", 1),
        ("1.5", 1),
        ("9" * 400, 3),
        ("%00", 1),
    ],
)
def test_hostile_page_numbers_give_a_real_page(client, page, expected):
    category = make_category(name="Ekonomi")
    for _ in range(30):
        make_article(category=category)
    response = client.get("/kategori/ekonomi/", {"page": page})
    assert response.status_code == 200
    assert response.context["page_obj"].number == expected


def test_pagination_links_move_between_pages(client):
    category = make_category(name="Ekonomi")
    for _ in range(13):
        make_article(category=category)
    html = client.get("/kategori/ekonomi/").content.decode()
    assert 'href="?page=2" rel="next"' in html
    assert "Halaman 1 dari 2" in html
    html = client.get("/kategori/ekonomi/?page=2").content.decode()
    assert 'href="?page=1" rel="prev"' in html


def test_photographer_page_lists_articles_with_their_photos(client):
    from .factories import make_photo, make_photographer

    handy = make_photographer(name="Handy")
    article = make_article(featured_photo=make_photo(photographer=handy))
    make_article(featured_photo=make_photo())
    response = client.get(handy.get_absolute_url())
    assert response.status_code == 200
    assert list(response.context["articles"]) == [article]


def test_healthz_reports_database_and_cache(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_kept_counts_follow_every_change_in_the_newsroom(client):
    """The archive's month counts and a tag's page count are kept between requests, and
    a newly published article is counted at once all the same."""
    for i in range(13):
        make_article(title=f"Banjir {i}").tags.add("banjir")
    assert "Halaman 1 dari 2" in client.get("/tag/banjir/").content.decode()
    archive = client.get("/arsip/").context["months"]
    reader = Client()
    reader.force_login(make_reader())  # logged-in readers' pages are not cached whole
    reader.get("/tag/banjir/?page=2")
    with CaptureQueriesContext(connection) as queries:
        assert "Halaman 2 dari 2" in reader.get("/tag/banjir/?page=2").content.decode()
    assert not [q for q in queries if "COUNT(" in q["sql"].upper()]  # the kept count
    for i in range(12):
        make_article(title=f"Banjir susulan {i}").tags.add("banjir")
    assert "Halaman 1 dari 3" in client.get("/tag/banjir/").content.decode()
    after = client.get("/arsip/").context["months"]
    assert sum(m["count"] for m in after) == sum(m["count"] for m in archive) + 12
