"""The public page cache (humas/pagecache/): what readers get from the shared copy,
and that every change of something public reaches them on the next request."""

import time
from datetime import timedelta

import pytest
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import Client
from django.utils import timezone

from accounts.models import User
from articles import workflow
from articles.models import Article, ArticleNote, Comment, GalleryItem, SiteSettings
from humas import pagecache

from .factories import make_article, make_category, make_photo, make_reader, make_user

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (Linux; Android 14; SM-A556E) AppleWebKit/537.36 Chrome/131.0.6778.81"


def html(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def article():
    return make_article(title="Jembatan Kaligawe dibuka", featured_photo=make_photo())


def test_the_shared_copy_is_rendered_once_and_counted_for_every_reader(
    client, article, django_assert_num_queries
):
    html(client, article.get_absolute_url())
    for n in range(3):
        page = html(
            client, article.get_absolute_url(), HTTP_USER_AGENT=BROWSER, REMOTE_ADDR=f"10.0.0.{n}"
        )
        assert f"dibaca : {n + 1}</span>" in page


@pytest.mark.parametrize(
    "change",
    [
        "site settings",
        "display name",
        "photo caption",
        "photographer",
        "gallery",
        "correction",
        "comment approved",
        "category name",
        "tag name",
        "article text",
    ],
)
def test_a_change_of_anything_public_reaches_the_next_reader(client, article, change):
    """Each model that shows on the article page retires the shared copy when saved."""
    author = make_reader(display_name="Budi Lama")
    Comment.objects.create(article=article, user=author, body="Komentar pertama", status="approved")
    article.tags.add("banjir")
    url = article.get_absolute_url()
    before = html(client, url)
    photo = article.featured_photo
    if change == "site settings":
        SiteSettings.objects.create(address="Jl. Baru No. 1, Semarang")
        expected = "Jl. Baru No. 1"
    elif change == "display name":
        author.display_name = "Budi Baru"
        author.save()
        expected = "Budi Baru"
    elif change == "photo caption":
        photo.caption = "Keterangan foto yang baru"
        photo.save()
        expected = "Keterangan foto yang baru"
    elif change == "photographer":
        photo.photographer.name = "Handy Baru"
        photo.photographer.save()
        expected = "Handy Baru"
    elif change == "gallery":
        extra = make_photo(caption="Foto galeri tambahan")
        GalleryItem.objects.create(article=article, photo=extra)
        expected = "Foto galeri tambahan"
    elif change == "correction":
        ArticleNote.objects.create(article=article, kind="correction", text="Ralat tanggal")
        expected = "Ralat tanggal"
    elif change == "comment approved":
        Comment.objects.create(
            article=article, user=author, body="Komentar baru", status="approved"
        )
        expected = "Komentar baru"
    elif change == "category name":
        article.category.name = "Kategori Baru"
        article.category.save()
        expected = "Kategori Baru"
    elif change == "tag name":
        tag = article.tags.get()
        tag.name = "banjir-rob"
        tag.save()
        expected = "#banjir-rob"
    else:
        article.lead = "Ringkasan yang diperbarui"
        article.save()
        expected = "Ringkasan yang diperbarui"
    assert expected not in before
    assert expected in html(client, url)


def test_a_slug_change_serves_the_new_address_and_forgets_the_old(client, article):
    old = article.get_absolute_url()
    html(client, old)
    article.slug = "jembatan-kaligawe-resmi-dibuka"
    article.save()
    assert client.get(old).status_code == 404
    assert "Jembatan Kaligawe" in html(client, article.get_absolute_url())


def test_a_takedown_answers_410_at_once_and_leaves_the_listings(client, article):
    editor = make_user(is_staff=True, is_superuser=True)
    url = article.get_absolute_url()
    html(client, url)
    assert "Jembatan Kaligawe" in html(client, "/")
    workflow.set_status(
        articles=[article], status=Article.Status.UNPUBLISHED, by=editor, reason="Putusan hukum"
    )
    response = client.get(url)
    assert response.status_code == 410
    assert "Putusan hukum" in response.content.decode()
    assert "Jembatan Kaligawe" not in html(client, "/")
    assert "Jembatan Kaligawe" not in client.get("/feed/").content.decode()


def test_a_deleted_account_leaves_cached_comment_lists(client, article):
    author = make_reader(display_name="Sari Penulis")
    Comment.objects.create(article=article, user=author, body="Komentar Sari", status="approved")
    assert "Sari Penulis" in html(client, article.get_absolute_url())
    author.delete()
    page = html(client, article.get_absolute_url())
    assert "Sari Penulis" not in page and "Komentar Sari" in page


def test_a_comment_waiting_for_moderation_keeps_every_cached_page(client, article):
    reader = make_reader()
    version = pagecache.current_version()
    Comment.objects.create(article=article, user=reader, body="Tunggu dulu")
    assert pagecache.current_version() == version
    Comment.objects.filter(body="Tunggu dulu").get().delete()
    assert pagecache.current_version() == version


def test_a_login_does_not_retire_cached_pages(client, article):
    reader = make_reader(password="kata-sandi-yang-panjang")
    version = pagecache.current_version()
    response = client.post(
        "/akun/masuk/", {"username": reader.username, "password": "kata-sandi-yang-panjang"}
    )
    assert response.status_code == 302
    reader.refresh_from_db()
    assert reader.last_login is not None
    assert pagecache.current_version() == version


def test_a_scheduled_article_appears_when_its_time_comes_without_a_save(
    client, article, monkeypatch
):
    later = make_article(
        title="Rapat paripurna dijadwalkan", published_at=timezone.now() + timedelta(hours=1)
    )
    assert "Rapat paripurna" not in html(client, "/")
    # The clock moves past the publish time (the database's clock through an update,
    # which sends no signal; the page cache's through time.time).
    Article.objects.filter(pk=later.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    due = time.time() + 3600
    monkeypatch.setattr(time, "time", lambda: due + 1)
    assert "Rapat paripurna" in html(client, "/")


def test_another_host_gets_its_own_copy_and_cannot_change_what_others_get(
    client, article, settings
):
    settings.ALLOWED_HOSTS = ["humas.example.go.id", "evil.example"]
    settings.SITE_URL = ""
    url = article.get_absolute_url()
    ours = html(client, url, HTTP_HOST="humas.example.go.id")
    theirs = html(client, url, HTTP_HOST="evil.example")
    assert "http://evil.example/" in theirs
    again = html(client, url, HTTP_HOST="humas.example.go.id")
    assert "evil.example" not in again and again == ours


def test_a_junk_messages_cookie_is_served_the_shared_copy(
    client, article, settings, django_assert_num_queries
):
    url = article.get_absolute_url()
    html(client, url)
    client.cookies["messages"] = "junk" * 200
    version = 0 if settings.REDIS_URL else 1
    total = 1 if settings.VIEW_COUNTER_BACKEND == "db" else 0  # the count shown
    with django_assert_num_queries(version + total):  # and no rendering
        page = html(client, url)
    assert 'class="messages"' not in page


def test_a_real_notice_is_shown_to_the_reader_it_belongs_to(client, article, rf):
    url = article.get_absolute_url()
    html(client, url)
    request = rf.get("/")
    storage = CookieStorage(request)
    storage.add(25, "Terima kasih, komentar Anda terkirim.")
    response = client.get("/")  # any response to carry the cookie
    storage.update(response)
    client.cookies["messages"] = response.cookies["messages"].value
    assert "Terima kasih, komentar Anda terkirim." in html(client, url)
    assert "Terima kasih" not in html(Client(), url)


def test_the_shared_copy_holds_no_reader_and_no_csrf_token(client, article):
    reader = make_reader(display_name="Pembaca Setia")
    url = article.get_absolute_url()
    client.force_login(reader)
    mine = html(client, url)
    assert "Pembaca Setia" in mine and "csrfmiddlewaretoken" in mine
    anonymous = html(Client(), url)
    assert "Pembaca Setia" not in anonymous and "csrfmiddlewaretoken" not in anonymous
    assert "Daftarkan diri anda terlebih dahulu" in anonymous


def test_logged_in_readers_get_cached_listings_with_their_own_menu(client):
    make_article(title="Berita untuk semua")
    reader = make_reader(display_name="Rina")
    html(Client(), "/")
    client.force_login(reader)
    page = html(client, "/")
    assert "Rina" in page and "Berita untuk semua" in page


def test_kept_counts_follow_the_version(client):
    """A listing's count is kept under the version: a new article changes the pages."""
    category = make_category(name="Ekonomi")
    for n in range(12):
        make_article(category=category, title=f"Ekonomi {n}")
    assert "?page=2" not in html(client, category.get_absolute_url())
    make_article(category=category, title="Berita ke-13 ekonomi", published_at=timezone.now())
    page = html(client, category.get_absolute_url())
    assert "Berita ke-13 ekonomi" in page and "?page=2" in page


def test_an_old_preview_link_stops_working_after_a_takedown_or_a_save(client):
    editor = make_user(is_staff=True, is_superuser=True)
    draft = make_article(status="draft", title="Draf rahasia")
    token = workflow.preview_token(draft)
    url = f"{draft.get_absolute_url()}?pratinjau={token}"
    assert "Draf rahasia" in html(client, url)
    draft.title = "Draf rahasia diubah"
    draft.save()
    response = client.get(url)
    assert response.status_code == 404 and "Draf rahasia" not in response.content.decode()
    token = workflow.preview_token(draft)
    url = f"{draft.get_absolute_url()}?pratinjau={token}"
    assert "diubah" in html(client, url)
    draft.status = Article.Status.PUBLISHED
    draft.published_at = timezone.now()
    draft.save()
    workflow.set_status(articles=[draft], status="unpublished", by=editor, reason="Dicabut")
    response = client.get(url)
    assert (
        response.status_code == 410 and "Draf rahasia diubah</h1>" not in response.content.decode()
    )
    staff = Client()
    staff.force_login(editor)
    assert "Draf rahasia diubah" in html(staff, url)


def test_users_display_name_saves_are_what_is_watched():
    user = make_reader(display_name="A")
    version = pagecache.current_version()
    User.objects.get(pk=user.pk).save(update_fields=["email_verified_at"])
    assert pagecache.current_version() == version
    user.display_name = "B"
    user.save(update_fields=["display_name"])
    assert pagecache.current_version() != version


def test_junk_query_strings_share_one_copy_and_page_numbers_do_not(
    client, settings, django_assert_num_queries
):
    category = make_category(name="Daerah")
    for n in range(14):
        make_article(category=category, title=f"Daerah {n}")
    url = category.get_absolute_url()
    first = html(client, url)
    version = 0 if settings.REDIS_URL else 1
    with django_assert_num_queries(version):  # no rendering for a new fbclid
        assert html(client, f"{url}?fbclid=abc123&utm_source=wa") == first
    second = html(client, f"{url}?page=2")
    assert second != first and "Daerah 13" in second


def test_a_sqlite_site_keeps_the_version_in_a_file_every_worker_maps(tmp_path):
    """FileVersion: what one process bumps, every other reads at once, without a query."""
    from humas.pagecache.version import FileVersion

    path = tmp_path / "site.sqlite3-pageversion"
    one, other = FileVersion(path), FileVersion(path)
    try:
        first, _due = one.read()
        assert first > 1_000_000_000_000  # started from the clock (ms)
        assert other.read()[0] == first
        other.bump()
        assert one.read()[0] == first + 1
        one.bump(expected=first)  # someone moved it on since: no second bump
        assert other.read()[0] == first + 1
        path.write_bytes(b"")  # emptied (a restore): starts again from the clock
        assert FileVersion(path).read()[0] >= first
    finally:
        one.close()
        other.close()


def test_without_redis_the_version_lives_beside_a_sqlite_file_else_in_the_database(
    settings, tmp_path, monkeypatch
):
    """Each pass of the suite checks its own database: a SQLite file gets FileVersion (no
    query per page), PostgreSQL the row of humas_pageversion."""
    from django.db import connection

    from humas.pagecache import version as pageversion

    settings.REDIS_URL = ""
    if connection.vendor == "sqlite":
        monkeypatch.setitem(connection.settings_dict, "NAME", str(tmp_path / "site.sqlite3"))
    pagecache.clear()
    store = pageversion.versions()
    if connection.vendor == "sqlite":
        assert isinstance(store, pageversion.FileVersion)
        assert store.path == f"{tmp_path / 'site.sqlite3'}-pageversion"
    else:
        assert isinstance(store, pageversion.DatabaseVersion)
