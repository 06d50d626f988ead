"""The public portal's pages: search, archive, authors, metadata, related articles."""

import json
import re
from datetime import UTC, datetime

import pytest
from django.utils import timezone

from .factories import make_article, make_category, make_photo, make_user

pytestmark = pytest.mark.django_db

HOSTILE_TITLE = 'Banjir "Rob" </script><img src=x onerror=alert(1)> & Co'


def test_search_finds_words_in_title_lead_and_body_and_marks_them(client):
    make_article(title="Jembatan Kaligawe Dibuka", lead="Arus lalu lintas kembali lancar.")
    make_article(title="Pasar Murah", body="<p>Warga antre di jembatan penyeberangan.</p>")
    make_article(title="Rapat Anggaran")
    make_article(title="Jembatan Rahasia", status="draft")
    response = client.get("/cari/", {"q": "jembatan"})
    assert response.status_code == 200
    titles = [a.title for a in response.context["articles"]]
    assert sorted(titles) == ["Jembatan Kaligawe Dibuka", "Pasar Murah"]
    assert "<mark>Jembatan</mark>" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    ["", "   ", "a", "<script>alert(1)</script>", "' OR 1=1 --", "%", "\u0000\u202e", "x" * 5000,
     "jembatan " * 50, "🙂", "((((", "\\"],
)  # fmt: skip
def test_hostile_or_empty_searches_never_fail(client, query):
    make_article(title="Jembatan Kaligawe Dibuka")
    response = client.get("/cari/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert len(response.context["query"]) <= 100


def test_search_says_when_nothing_is_found(client):
    html = client.get("/cari/", {"q": "tidakadaapapun"}).content.decode()
    assert "Tidak ditemukan" in html


def test_archive_lists_months_and_a_months_articles_in_wib(client):
    # 31 Oct 2026 20:00 UTC is 1 Nov 2026 03:00 WIB: a November article.
    november = make_article(
        title="Awal November", published_at=datetime(2026, 10, 31, 20, 0, tzinfo=UTC)
    )
    october = make_article(
        title="Akhir Oktober", published_at=datetime(2026, 10, 31, 16, 0, tzinfo=UTC)
    )
    html = client.get("/arsip/").content.decode()
    assert 'href="/arsip/2026/11/"' in html and 'href="/arsip/2026/10/"' in html
    response = client.get("/arsip/2026/11/")
    assert list(response.context["articles"]) == [november]
    assert list(client.get("/arsip/2026/10/").context["articles"]) == [october]
    assert client.get("/arsip/2026/13/").status_code == 404
    assert client.get("/arsip/99999/1/").status_code == 404


def test_author_page_lists_a_writers_published_articles(client):
    writer = make_user(username="sri_login_rahasia", is_staff=True, display_name="Sri Rahayu")
    article = make_article(author=writer, title="Tulisan Sri")
    make_article(author=writer, status="draft", title="Draf Sri")
    response = client.get(f"/penulis/{writer.pk}/")
    assert list(response.context["articles"]) == [article]
    assert (
        f'href="/penulis/{writer.pk}/">Sri Rahayu</a>'
        in client.get(article.get_absolute_url()).content.decode()
    )
    reader = make_user(username="pembaca")
    assert client.get(f"/penulis/{reader.pk}/").status_code == 404  # readers have none
    html = client.get(article.get_absolute_url()).content.decode()
    assert "sri_login_rahasia" not in html  # the login name stays private


def test_article_has_open_graph_twitter_and_news_article_metadata(client):
    article = make_article(
        title="Bendungan Baru", lead="Ringkasan bendungan.", featured_photo=make_photo()
    )
    html = client.get(article.get_absolute_url()).content.decode()
    url = f"http://testserver{article.get_absolute_url()}"
    assert f'<link rel="canonical" href="{url}">' in html
    assert '<meta property="og:title" content="Bendungan Baru">' in html
    og_image = re.search(r'<meta property="og:image" content="([^"]+)">', html).group(1)
    assert og_image.startswith("http://testserver/media/renditions/") and "og-1200x630" in og_image
    assert '<meta property="og:image:width" content="1200">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    )
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Bendungan Baru"
    assert data["image"] == [og_image]
    assert data["datePublished"].startswith(str(timezone.localtime(article.published_at).year))
    assert data["publisher"]["name"]


def test_hostile_titles_stay_escaped_in_html_meta_and_json_ld(client):
    article = make_article(title=HOSTILE_TITLE, lead='Lead "kutip" </script>')
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<img src=x onerror" not in html
    assert html.count("</script>") == html.count("<script")  # no script closed early
    escaped = "Banjir &quot;Rob&quot; &lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; &amp; Co"
    assert f'<meta property="og:title" content="{escaped}">' in html
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in raw
    assert json.loads(raw)["headline"] == HOSTILE_TITLE
    for url in ("/", "/feed/", "/cari/?q=banjir", article.category.get_absolute_url()):
        assert "<img src=x onerror" not in client.get(url).content.decode(), url


def test_related_articles_share_tags_first(client):
    category = make_category()
    article = make_article(category=category, tags=["banjir", "demak"])
    make_article(title="Dua Tag Sama", tags=["banjir", "demak"])
    make_article(title="Satu Tag Sama", tags=["banjir"])
    make_article(title="Kategori Sama", category=category)
    make_article(title="Tidak Terkait")
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    related = html[html.index('id="related-title"') :]
    assert related.index("Dua Tag Sama") < related.index("Satu Tag Sama")
    assert "Kategori Sama" in related and "Tidak Terkait" not in related


def test_share_links_include_linkedin(client):
    article = make_article()
    html = client.get(article.get_absolute_url()).content.decode()
    assert (
        "https://www.linkedin.com/sharing/share-offsite/?url=http%3A%2F%2Ftestserver%2Fberita%2F"
        in html
    )
    assert html.index("share-whatsapp") < html.index("share-facebook")  # WhatsApp first


@pytest.mark.parametrize(
    "url", ["/", "/populer/", "/arsip/", "/cari/?q=x", "/feed/", "/sitemap.xml"]
)
def test_every_page_works_in_english_too(client, url):
    make_article(title="Berita")
    client.cookies["django_language"] = "en"
    assert client.get(url).status_code == 200


def test_site_admins_set_the_follow_us_links_and_contact(admin_client, client):
    html = client.get("/").content.decode()
    assert "https://www.instagram.com/humasjateng" in html  # the defaults
    response = admin_client.get("/admin/articles/sitesettings/")
    assert response.status_code == 302
    response = admin_client.post(
        "/admin/articles/sitesettings/1/change/",
        {"instagram": "https://www.instagram.com/humas.baru", "facebook": "", "x": "",
         "youtube": "", "tiktok": "https://www.tiktok.com/@humas.baru",
         "address": "Jl. Baru 1, Semarang", "phone": "024-1", "email": "humas@jatengprov.go.id",
         "security_languages": "id, en", "security_expires_days": "180"},
    )  # fmt: skip
    assert response.status_code == 302
    html = client.get("/akun/masuk/").content.decode()
    assert "https://www.instagram.com/humas.baru" in html
    assert "https://www.tiktok.com/@humas.baru" in html
    assert "Jl. Baru 1, Semarang" in html and "humas@jatengprov.go.id" in html
    bad = admin_client.post(
        "/admin/articles/sitesettings/1/change/",
        {"instagram": "javascript:alert(1)", "address": ""},
    )
    assert bad.status_code == 200  # refused: not a web address
