from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from articles.models import Article

from .factories import make_article, make_category, make_photo, make_photographer

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    photographer = make_photographer(name="Handy", agency="Humas Jateng")
    return make_article(
        title="Gubernur Resmikan Jembatan Baru di Semarang",
        dateline="Semarang",
        body="<p>Pemerintah provinsi meresmikan jembatan.</p><p>Paragraf kedua.</p>",
        category=make_category(name="Infrastruktur"),
        featured_photo=make_photo(photographer=photographer, alt_text="Jembatan baru"),
        # 02:00 UTC is 09:00 in Jakarta (WIB).
        published_at=datetime(2023, 3, 28, 2, 0, tzinfo=UTC),
        view_count=512,
        tags=["jembatan", "jalan provinsi"],
    )


def test_article_page_shows_title_date_in_wib_and_read_count(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Language"] == "id"
    html = response.content.decode()
    assert "<h1" in html and "Gubernur Resmikan Jembatan Baru di Semarang</h1>" in html
    assert "28 Maret 2023 | 09:00 WIB" in html
    assert "dibaca : 512" in html


def test_article_page_links_category_and_tags(client, article):
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert '<a href="/kategori/infrastruktur/">Infrastruktur</a>' in html
    assert 'href="/tag/jembatan/"' in html
    assert 'href="/tag/jalan-provinsi/"' in html


def test_article_page_has_share_links_that_work_without_javascript(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Bagikan" in html
    url = "http%3A%2F%2Ftestserver%2Fberita%2Fgubernur-resmikan-jembatan-baru-di-semarang%2F"
    assert (
        f"https://wa.me/?text=Gubernur%20Resmikan%20Jembatan%20Baru%20di%20Semarang%20{url}" in html
    )
    assert f"https://www.facebook.com/sharer/sharer.php?u={url}" in html
    assert f"https://x.com/intent/post?url={url}" in html
    assert f"https://t.me/share/url?url={url}" in html
    assert "mailto:?subject=" in html
    assert 'class="share-copy" href="http://testserver/berita/gubernur-resmikan' in html
    assert "Salin tautan" in html


def test_article_page_shows_photo_with_alt_size_and_credit(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    photo = article.featured_photo
    assert f'<source type="image/webp" srcset="{photo.webp_srcset}"' in html
    assert "480w" in photo.webp_srcset and "640w" in photo.webp_srcset
    assert f'src="{photo.fallback["url"]}" srcset="{photo.jpeg_srcset}"' in html
    assert 'alt="Jembatan baru" width="640" height="400"' in html
    assert "Foto : Handy (Humas Jateng)" in html


def test_article_body_opens_with_the_dateline(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<p><span class="dateline">SEMARANG - </span>Pemerintah provinsi' in html


def test_anonymous_reader_is_asked_to_register_before_commenting(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Daftarkan diri anda terlebih dahulu" in html
    next_url = "/berita/gubernur-resmikan-jembatan-baru-di-semarang/"
    assert f'href="/akun/daftar/?next={next_url}"' in html
    assert f'href="/akun/masuk/?next={next_url}"' in html
    assert "<textarea" not in html


def test_every_page_has_follow_us_links(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Follow Us" in html
    for network in ("Instagram", "Facebook", "YouTube", "TikTok"):
        assert f">{network}</a>" in html


def test_article_page_escapes_title_and_dateline(client):
    article = make_article(title='Festival "Gayeng" & <b>Pameran</b>', dateline="<i>KUDUS</i>")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Festival &quot;Gayeng&quot; &amp; &lt;b&gt;Pameran&lt;/b&gt;</h1>" in html
    assert "&lt;I&gt;KUDUS&lt;/I&gt; - " in html


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.REVIEW},
        {"status": Article.Status.PUBLISHED, "published_at": timezone.now() + timedelta(hours=1)},
    ],
    ids=["draft", "review", "scheduled"],
)
def test_anonymous_reader_cannot_see_unpublished_or_scheduled_article(client, fields):
    article = make_article(**fields)
    assert client.get(article.get_absolute_url()).status_code == 404


def test_scheduled_article_appears_once_its_time_has_come(client):
    article = make_article(published_at=timezone.now() + timedelta(minutes=5))
    assert client.get(article.get_absolute_url()).status_code == 404
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert client.get(article.get_absolute_url()).status_code == 200


def test_unknown_article_gives_an_indonesian_404(client):
    response = client.get("/berita/tidak-ada/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()


def test_reader_can_switch_the_interface_to_english_and_back(client, article):
    url = article.get_absolute_url()
    html = client.get(url).content.decode()
    assert f'href="/bahasa/en/?next={url}"' in html
    response = client.get("/bahasa/en/", {"next": url})
    assert response.status_code == 302
    assert response["Location"] == url
    html = client.get(article.get_absolute_url()).content.decode()
    assert "read : 512" in html
    assert "Photo: Handy (Humas Jateng)" in html
    assert "Register first" in html
    client.get("/bahasa/id/", {"next": url})
    assert "dibaca : 512" in client.get(url).content.decode()


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_language_switch_never_redirects_to_another_site(client, next_url):
    response = client.get("/bahasa/en/", {"next": next_url})
    assert response["Location"] == "/"


def test_unknown_language_is_a_404(client):
    assert client.get("/bahasa/xx/").status_code == 404


def test_browser_language_does_not_override_indonesian(client, article):
    html = client.get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()
    assert "dibaca : 512" in html


def test_personal_parts_never_leak_between_readers_through_the_page_cache(client, article):
    from .factories import make_user

    reader = make_user(display_name="Siti Pembaca")
    client.force_login(reader)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Siti Pembaca" in html
    assert 'action="/akun/keluar/"' in html and "csrfmiddlewaretoken" in html
    assert "Daftarkan diri anda terlebih dahulu" not in html
    client.logout()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Siti Pembaca" not in html and "csrfmiddlewaretoken" not in html
    assert "Daftarkan diri anda terlebih dahulu" in html
    assert '<a href="/akun/masuk/?next=/berita/' in html


def test_logged_in_reader_query_count_is_constant(client, article, django_assert_max_num_queries):
    """Prevents re-querying the article, its tags and photo for every logged-in reader.

    Ten at most: session, user, the page version, the comment list with its count, and
    the counted view (savepoint, reader mark, readers per address, increment, daily
    bucket, release); test_queries.py has the exact figure."""
    from .factories import make_user

    client.force_login(make_user())
    client.get(article.get_absolute_url())  # fills the page cache
    client.force_login(make_user())
    with django_assert_max_num_queries(10):
        response = client.get(
            article.get_absolute_url(), HTTP_USER_AGENT="Mozilla/5.0 Firefox/121.0"
        )
    assert response.status_code == 200
