"""Feeds, sitemaps and robots.txt: what search engines and aggregators read."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from .factories import make_article, make_category, make_photo

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@pytest.fixture
def articles():
    category = make_category(name="Kesehatan")
    live = make_article(
        title='Imunisasi "Serentak" & <Gratis>',
        category=category,
        featured_photo=make_photo(),
        published_at=timezone.now() - timedelta(hours=1),
    )
    hidden = [
        make_article(title="Draf Tersembunyi", category=category, status="draft"),
        make_article(title="Terjadwal Nanti", category=category,
                     published_at=timezone.now() + timedelta(days=1)),
        make_article(title="Sudah Ditarik", category=category, status="unpublished"),
    ]  # fmt: skip
    return live, hidden


def test_rss_feed_has_full_text_image_and_credit(client, articles):
    live, _hidden = articles
    response = client.get("/feed/")
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ElementTree.fromstring(response.content)
    items = root.findall("./channel/item")
    assert [i.findtext("title") for i in items] == ['Imunisasi "Serentak" & <Gratis>']
    item = items[0]
    assert item.findtext("link") == f"http://testserver{live.get_absolute_url()}"
    assert "Paragraf pertama." in item.findtext("description")
    assert "Foto : " in item.findtext("description")
    enclosure = item.find("enclosure")
    assert enclosure.get("type") == "image/jpeg"
    assert enclosure.get("url").startswith("http://testserver/media/renditions/")
    assert int(enclosure.get("length")) > 0


def test_atom_and_category_feeds(client, articles):
    atom = ElementTree.fromstring(client.get("/feed/atom/").content)
    ns = "{http://www.w3.org/2005/Atom}"
    assert [e.findtext(f"{ns}title") for e in atom.findall(f"{ns}entry")] == [
        'Imunisasi "Serentak" & <Gratis>'
    ]
    rss = ElementTree.fromstring(client.get("/kategori/kesehatan/feed/").content)
    assert rss.findtext("./channel/title").startswith("Kesehatan")
    assert len(rss.findall("./channel/item")) == 1
    assert client.get("/kategori/kesehatan/feed/atom/").status_code == 200
    assert client.get("/kategori/tidak-ada/feed/").status_code == 404


def test_sitemap_lists_published_articles_and_categories(client, articles):
    live, hidden = articles
    root = ElementTree.fromstring(client.get("/sitemap.xml").content)
    urls = {
        u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod")
        for u in root.findall(f"{SITEMAP}url")
    }
    assert f"http://testserver{live.get_absolute_url()}" in urls
    assert urls[f"http://testserver{live.get_absolute_url()}"]  # lastmod present
    assert "http://testserver/kategori/kesehatan/" in urls
    for article in hidden:
        assert f"http://testserver{article.get_absolute_url()}" not in urls


def test_news_sitemap_has_the_last_two_days_only(client, articles):
    live, _hidden = articles
    old = make_article(title="Berita Minggu Lalu", published_at=timezone.now() - timedelta(days=7))
    root = ElementTree.fromstring(client.get("/sitemap-news.xml").content)
    entries = root.findall(f"{SITEMAP}url")
    assert [e.find(f"{NEWS}news").findtext(f"{NEWS}title") for e in entries] == [live.title]
    news = entries[0].find(f"{NEWS}news")
    assert news.find(f"{NEWS}publication").findtext(f"{NEWS}language") == "id"
    assert old.get_absolute_url() not in client.get("/sitemap-news.xml").content.decode()


def test_robots_txt_names_the_sitemaps(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    body = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Sitemap: http://testserver/sitemap-news.xml" in body
    assert "Disallow: /admin/" in body


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/", "/kategori/kesehatan/feed/"])
def test_feeds_parse_cleanly_with_feedparser(client, articles, url):
    import feedparser

    parsed = feedparser.parse(client.get(url).content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    (entry,) = parsed.entries
    assert entry.title == 'Imunisasi "Serentak" & <Gratis>'
    assert entry.published_parsed is not None
    assert any(link.get("rel") == "enclosure" for link in entry.links)
