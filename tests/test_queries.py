"""SQL per public page is exact and constant, whatever the number of tags, photos,
comments and articles: measured cold (nothing cached) and warm (the next request).

Without Redis the page version is read from the database (humas/pagecache/): one
query per request that Redis answers instead, hence VERSION.
"""

import pytest

from articles.models import Comment, GalleryItem

from .factories import make_article, make_category, make_photo, make_reader, make_user

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (Linux; Android 14; SM-A556E) AppleWebKit/537.36 Chrome/131.0.6778.81"


@pytest.fixture
def version(settings):
    """Queries of the page version: none with Redis. Counting on the db backend, whose
    queries these tests count (Redis's buffer makes none)."""
    settings.VIEW_COUNTER_BACKEND = "db"
    return 0 if settings.REDIS_URL else 1


@pytest.fixture
def newsroom():
    """Enough of everything that a query per row would show."""
    categories = [make_category(name=f"Kategori {i}") for i in range(4)]
    author = make_user(username="penulis", is_staff=True, display_name="Penulis")
    readers = [make_reader() for _ in range(3)]
    photos = [make_photo() for _ in range(6)]  # each with its own photographer
    articles = []
    for i in range(14):  # more than a page of 12
        article = make_article(
            title=f"Berita jembatan {i}",
            category=categories[i % 4],
            author=author,
            featured_photo=photos[i % 6],
            tags=[f"tag{i}-{t}" for t in range(5)] + ["umum"],
        )
        for j in range(3):
            GalleryItem.objects.create(article=article, photo=photos[(i + j + 1) % 6], order=j)
            Comment.objects.create(
                article=article, user=readers[j], body=f"Komentar {j}", status="approved"
            )
        articles.append(article)
    return {"categories": categories, "articles": articles, "author": author}


def page_urls(newsroom):
    article = newsroom["articles"][0]
    photographer = article.featured_photo.photographer
    month = article.published_at
    return {
        "home": "/",
        "category": newsroom["categories"][0].get_absolute_url(),
        "tag": "/tag/umum/",
        "author": f"/penulis/{newsroom['author'].pk}/",
        "photographer": f"/fotografer/{photographer.slug}/",
        "archive": "/arsip/",
        "archive month": f"/arsip/{month:%Y}/{month:%m}/",
        "most read": "/populer/",
        "feed": "/feed/",
        "atom feed": "/feed/atom/",
        "category feed": f"{newsroom['categories'][0].get_absolute_url()}feed/",
        "sitemap": "/sitemap.xml",
        "news sitemap": "/sitemap-news.xml",
    }


# A counted view on the db backend: the reader's mark, the address's readers, the total
# and the daily bucket, in a transaction (a savepoint inside the test's own).
COUNTED = 6

# Cold: the version, then the page's own queries (the rows, their joins and the kept
# counts); warm: the version alone.
COLD = {
    "home": 8,  # latest; candidates; blocks; 3 most-read rankings; site settings; menu
    "category": 6,  # category; count; page ids; rows; site settings; menu
    "tag": 6,  # tag; count; page ids; rows; site settings; menu
    "author": 6,  # author; count; page ids; rows; site settings; menu
    "photographer": 7,  # photographer; count; page ids; rows; photos; site settings; menu
    "archive": 3,  # months; site settings; menu
    "archive month": 5,  # count; page ids; rows; site settings; menu
    "most read": 5,  # 3 rankings; site settings; menu
    "feed": 1,  # the articles with their joins
    "atom feed": 1,
    "category feed": 2,  # category; articles
    "sitemap": 6,  # count and rows of each section (none of documents and pages here)
    "news sitemap": 1,
}


@pytest.mark.parametrize("name", list(COLD))
def test_public_page_queries_are_exact_cold_and_warm(
    client, newsroom, name, version, django_assert_num_queries
):
    """Prevents one query per card, photo, photographer, tag or category on listings,
    feeds and sitemaps; and any query at all once the page is kept."""
    url = page_urls(newsroom)[name]
    with django_assert_num_queries(version + COLD[name]):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(version):
        assert client.get(url).status_code == 200


def test_search_queries_are_exact(client, newsroom, version, django_assert_num_queries):
    """Prevents a query per result (photo, category) on the search page, which is never
    kept whole: any words can be asked."""
    client.get("/cari/", {"q": "banjir"})  # the menus and the footer's settings, kept
    # matches counted; the newest ids; their rows; the documents' and pages' sections;
    # the version for the menu and the settings
    with django_assert_num_queries(5 + 2 * version):
        response = client.get("/cari/", {"q": "jembatan"})
    assert response.status_code == 200
    assert len(response.context["articles"]) == 10


def test_article_page_queries_are_exact_for_a_counted_reader(
    client, newsroom, version, django_assert_num_queries
):
    """Prevents a query per tag, gallery photo, note or comment (and its author) on the
    article page; warm, a reader costs the version and the count's write (mark, total,
    daily bucket) and nothing else."""
    article = newsroom["articles"][0]
    url = article.get_absolute_url()
    # article; tags; gallery; related; 3 rankings; settings; menu; comments
    cold = 10
    count = COUNTED
    with django_assert_num_queries(version + cold + count):
        response = client.get(url, HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.1")
    assert response.status_code == 200
    assert response.content.decode().count('class="comment"') == 3
    with django_assert_num_queries(version + count):
        response = client.get(url, HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.2")
    assert response.status_code == 200


def test_article_page_queries_are_exact_for_a_logged_in_reader(
    client, newsroom, version, settings, django_assert_num_queries
):
    """A signed-in reader's own parts (account menu, comment area with their waiting
    comments) cost the session, the user and one comment query, however many comments."""
    article = newsroom["articles"][0]
    reader = make_reader()
    Comment.objects.create(article=article, user=reader, body="Menunggu", status="pending")
    client.get(article.get_absolute_url())  # the shared copy, kept
    client.force_login(reader)
    session = 0 if settings.REDIS_URL else 1  # cached_db sessions read Redis first
    # the session; the user; the comment area (their waiting comment with the others)
    with django_assert_num_queries(version + session + 1 + 1 + COUNTED):
        response = client.get(
            article.get_absolute_url(), HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.3"
        )
    html = response.content.decode()
    assert "Menunggu" in html and html.count('<li id="komentar-') == 4
