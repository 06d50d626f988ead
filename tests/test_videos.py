"""The video gallery (videos/): YouTube addresses, who may publish, the pages, the
click-to-load facade (nothing from YouTube before the reader asks), the CSP of each page,
the page cache and the SQL each page costs.

The facade in a real browser is tests/system/test_video_facade.py.
"""

import io
import re
from datetime import date
from html.parser import HTMLParser
from importlib import import_module
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.db.migrations.loader import MigrationLoader
from PIL import Image

from articles.models import Article
from videos.models import Video
from videos.youtube import video_id

from .factories import jpeg_bytes, make_article, make_user, make_video

pytestmark = pytest.mark.django_db

ID = "dQw4w9WgXcQ"
# Hosts whose mere mention in a src would make the browser call Google.
GOOGLE = re.compile(
    r"youtube(-nocookie)?\.com|youtu\.be|ytimg\.com|googlevideo|google\.com|gstatic|doubleclick",
    re.IGNORECASE,
)


# --- YouTube addresses ----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"https://www.youtube.com/watch?v={ID}",
        f"https://youtube.com/watch?v={ID}&t=42s&list=PL123&utm_source=wa",
        f"http://m.youtube.com/watch?feature=share&v={ID}",
        f"https://youtu.be/{ID}",
        f"https://youtu.be/{ID}?si=AbCdEf",
        f"youtu.be/{ID}",
        f"www.youtube.com/watch?v={ID}",
        f"https://www.youtube.com/shorts/{ID}",
        f"https://www.youtube.com/embed/{ID}?rel=0",
        f"https://WWW.YOUTUBE.COM/watch?v={ID}",
        f"  https://www.youtube.com/live/{ID}  ",
    ],
)
def test_every_youtube_address_form_gives_the_video_id(url):
    assert video_id(url) == ID


@pytest.mark.parametrize(
    "url",
    [
        "",
        "   ",
        None,
        "dQw4w9WgXcQ",  # an id alone is not an address
        "https://www.youtube.com/",
        "https://www.youtube.com/watch",
        "https://www.youtube.com/watch?v=short",
        f"https://www.youtube.com/watch?v={ID}X",  # 12 characters
        f"https://www.youtube.com/watch?v={ID}&v=aaaaaaaaaaa",  # which one?
        "https://www.youtube.com/watch?v=dQw4w9WgX<Q",
        "https://www.youtube.com/@humasjateng",
        "https://www.youtube.com/playlist?list=PL1234567890",
        f"https://www.youtube.com/shorts/{ID}/extra",
        f"https://youtu.be/{ID}/extra",
        f"https://vimeo.com/{ID}",
        f"https://www.youtube.com.evil.example/watch?v={ID}",
        f"https://evil.example/?u=https://www.youtube.com/watch?v={ID}",
        f"https://www.youtube.com@evil.example/watch?v={ID}",
        f"https://user:pass@www.youtube.com/watch?v={ID}",
        f"https://www.youtube.com:8443/watch?v={ID}",
        f"https://www.youtube.com:abc/watch?v={ID}",
        f"javascript:alert(1)//youtu.be/{ID}",
        f"ftp://youtu.be/{ID}",
        f"https://youtu.be/{ID} onmouseover=alert(1)",
        f"https://www.youtube-nocookie.com/embed/{ID}",  # an embed we make, not a source
        "https://[::1/watch?v=" + ID,  # not even an address
        "https://youtu.be/" + "a" * 600,
    ],
)
def test_anything_else_is_refused_with_a_message(url):
    with pytest.raises(ValidationError) as refused:
        video_id(url)
    assert refused.value.code == "not_youtube"
    assert "bukan alamat video YouTube" in refused.value.messages[0]  # in Indonesian


def test_the_database_refuses_a_malformed_video_id():
    video = make_video()
    with pytest.raises(ValidationError):
        Video(title="x", youtube_id="bad id <>!", poster=video.poster).full_clean()
    with pytest.raises(IntegrityError):
        Video.objects.create(title="x", youtube_id="bad id <>!", poster=video.poster.name)


# --- pages ------------------------------------------------------------------------------


class Urls(HTMLParser):
    """Every address the page would make the browser load (not <a href>: those wait
    for a click), and every <a href>."""

    LOADS = {"src", "srcset", "data", "poster", "action", "formaction"}

    def __init__(self, html):
        super().__init__()
        self.loaded, self.links, self.iframes = [], [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            self.links.append(attrs.get("href", ""))
        if tag == "link":  # stylesheets, preconnect, prefetch: all fetched
            self.loaded.append(attrs.get("href", ""))
        if tag == "iframe":
            self.iframes.append(attrs)
        self.loaded += [value or "" for name, value in attrs.items() if name in self.LOADS]


def test_the_gallery_lists_published_videos_newest_first(client):
    make_video(title="Video Lama", date=date(2025, 1, 5))
    make_video(title="Video Baru", date=date(2026, 3, 1))
    make_video(title="Video Draf", is_published=False)
    html = client.get("/video/").content.decode()
    assert html.index("Video Baru") < html.index("Video Lama")
    assert "Video Draf" not in html
    assert "<h1" in html and 'id="main"' in html


def test_the_gallery_is_paginated(client):
    for i in range(14):
        make_video(title=f"Video ke-{i:02}", date=date(2026, 1, 1 + i))
    first = client.get("/video/").content.decode()
    assert "Video ke-13" in first and "Video ke-01" not in first
    second = client.get("/video/?page=2").content.decode()
    assert "Video ke-01" in second and "Video ke-13" not in second
    assert client.get("/video/?page=abc").status_code == 200


def test_a_published_video_has_its_page_and_an_unpublished_one_is_not_found(client):
    video = make_video(title="Gubernur Meninjau Jembatan", description="Baris <b>satu</b>.")
    response = client.get(video.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Gubernur Meninjau Jembatan" in html
    assert "Baris &lt;b&gt;satu&lt;/b&gt;." in html  # plain text, escaped
    draft = make_video(is_published=False)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(draft.get_absolute_url() + "?putar=1").status_code == 404
    assert client.get("/video/tidak-ada/").status_code == 404
    assert client.post(video.get_absolute_url()).status_code == 405


def test_before_consent_nothing_on_the_pages_loads_from_youtube_or_google(client):
    video = make_video(title="Jembatan Kali Serang", youtube_id="Ab_3-dEfGhI")
    for url in ("/video/", video.get_absolute_url()):
        for _ in range(2):  # rendered, then the kept copy
            html = client.get(url).content.decode()
            page = Urls(html)
            assert page.loaded and not [u for u in page.loaded if GOOGLE.search(u)]
            assert not page.iframes
            # Links wait for a click; the only ones to YouTube are the site's own
            # "Follow Us" channel in the header and footer, never this video.
            youtube_links = [u for u in page.links if GOOGLE.search(u)]
            assert all(urlsplit(u).path.startswith("/@") for u in youtube_links)
            assert not re.search(r"(youtube|youtu\.be)[^\"'<]*Ab_3-dEfGhI", html)
    page = Urls(client.get(video.get_absolute_url()).content.decode())
    assert f"{video.get_absolute_url()}?putar=1" in page.links  # the play link, no JS


def test_the_detail_page_offers_play_with_the_privacy_notice_in_indonesian(client):
    video = make_video(title="Festival Budaya")
    html = client.get(video.get_absolute_url()).content.decode()
    assert "Putar video" in html
    assert (
        "Memutar video memuat konten dari YouTube (Google), yang dapat memasang cookie dan "
        "mengirim data Anda ke Google." in html
    )
    assert 'alt="Festival Budaya"' in html
    assert re.search(r'<script src="[^"]*videos/facade\.js" defer></script>', html)


def test_after_consent_the_page_embeds_the_cookieless_player(client):
    video = make_video(title="Festival Budaya", youtube_id=ID)
    for _ in range(2):
        html = client.get(video.get_absolute_url() + "?putar=1").content.decode()
        page = Urls(html)
        assert [f["src"] for f in page.iframes] == [
            f"https://www.youtube-nocookie.com/embed/{ID}?autoplay=1"
        ]
        assert page.iframes[0]["title"] == "Video: Festival Budaya"
        assert f"https://www.youtube.com/watch?v={ID}" in page.links
        assert "facade.js" not in html
    # The poster page is not served from the player's copy, nor the other way round.
    assert not Urls(client.get(video.get_absolute_url()).content.decode()).iframes
    assert not Urls(client.get(video.get_absolute_url() + "?putar=0").content.decode()).iframes


def policy(response):
    directives = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {name: sources for name, *sources in directives}


def test_only_a_video_page_may_frame_the_cookieless_player(client):
    video = make_video()
    for _ in range(2):  # the kept copy carries the same policy
        for url in (video.get_absolute_url(), video.get_absolute_url() + "?putar=1"):
            frames = policy(client.get(url))["frame-src"]
            assert frames == ["'self'", "https://www.youtube-nocookie.com"]
        gallery = client.get("/video/")
        assert "frame-src" not in policy(gallery)
        assert "youtube" not in gallery["Content-Security-Policy"]
        assert "youtube" not in client.get("/")["Content-Security-Policy"]
    detail = policy(client.get(video.get_absolute_url()))
    assert detail["script-src"] == ["'self'"] and detail["default-src"] == ["'self'"]


def test_an_edit_shows_at_once_on_the_gallery_and_the_video_page(client):
    video = make_video(title="Judul Lama")
    assert "Judul Lama" in client.get("/video/").content.decode()
    assert "Judul Lama" in client.get(video.get_absolute_url()).content.decode()
    video.title = "Judul Baru"
    video.save()
    assert "Judul Baru" in client.get("/video/").content.decode()
    assert "Judul Baru" in client.get(video.get_absolute_url()).content.decode()
    video.is_published = False
    video.save()
    assert "Judul Baru" not in client.get("/video/").content.decode()
    assert client.get(video.get_absolute_url()).status_code == 404


def test_the_related_article_is_linked_only_while_it_is_published(client):
    article = make_article(title="Jembatan Kali Serang Diresmikan")
    video = make_video(article=article)
    assert (
        "Jembatan Kali Serang Diresmikan" in client.get(video.get_absolute_url()).content.decode()
    )
    article.status = Article.Status.DRAFT
    article.save()
    assert (
        "Jembatan Kali Serang Diresmikan"
        not in client.get(video.get_absolute_url()).content.decode()
    )


@pytest.fixture
def version(settings):
    """The page version's query: none with Redis (tests/test_queries.py)."""
    return 0 if settings.REDIS_URL else 1


def test_video_page_queries_are_exact_cold_and_warm(client, version, django_assert_num_queries):
    """Prevents a query per video (its article) on the gallery, and any query at all
    once a page is kept. What every page's frame reads (site settings, the menu) is kept
    data, filled by a first page and counted by tests/test_queries.py: left out here."""
    for i in range(14):
        make_video(article=make_article(), date=date(2026, 1, 1 + i))
    first, second = Video.objects.all()[:2]
    assert client.get("/video/tidak-ada/").status_code == 404
    assert client.get(first.get_absolute_url()).status_code == 200  # the frame, kept
    # gallery: count; page ids; rows
    with django_assert_num_queries(version + 3):
        assert client.get("/video/").status_code == 200
    with django_assert_num_queries(version):
        assert client.get("/video/").status_code == 200
    # detail: the video with its article
    for url in (second.get_absolute_url(), second.get_absolute_url() + "?putar=1"):
        with django_assert_num_queries(version + 1):
            assert client.get(url).status_code == 200
        with django_assert_num_queries(version):
            assert client.get(url).status_code == 200


# --- the admin: who may publish ---------------------------------------------------------


@pytest.fixture
def video_roles(roles):
    """The roles with the video permissions, as videos/migrations/0002_roles.py gives
    them (re-run: a transactional test elsewhere may have emptied the tables)."""
    state = MigrationLoader(connection).project_state(("videos", "0002_roles"))
    import_module("videos.migrations.0002_roles").grant(state.apps, None)
    return roles


def bmp_bytes():
    """An image Django's ImageField accepts, in a format the photo desk does not."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 36)).save(buffer, format="BMP")
    return buffer.getvalue()


def staff(group):
    user = make_user(is_staff=True)
    user.groups.add(group)
    return user


def form_data(**fields):
    data = {
        "title": "Rapat Koordinasi Banjir",
        "slug": "",
        "youtube_url": f"https://youtu.be/{ID}",
        "date": "2026-11-30",
        "description": "Rapat koordinasi penanganan banjir.",
        "article": "",
        "poster": SimpleUploadedFile("poster.jpg", jpeg_bytes((1920, 1080)), "image/jpeg"),
    }
    return {**data, **fields}


def test_a_writer_adds_a_video_but_cannot_publish_it(client, video_roles):
    writer = staff(video_roles["Penulis"])
    client.force_login(writer)
    response = client.post("/admin/videos/video/add/", form_data(is_published="on"))
    assert response.status_code == 302, response.content.decode()[:3000]
    video = Video.objects.get()
    assert (video.youtube_id, video.is_published) == (ID, False)
    assert (video.poster_width, video.poster_height) == (1280, 720)  # stored at page size
    assert video.poster.name.startswith("videos/") and video.poster.name.endswith(".jpg")
    # An unpublished video stays editable; publishing is still refused.
    response = client.post(
        f"/admin/videos/video/{video.pk}/change/",
        form_data(title="Judul Diperbaiki", poster="", is_published="on"),
    )
    assert response.status_code == 302
    video.refresh_from_db()
    assert (video.title, video.is_published) == ("Judul Diperbaiki", False)
    response = client.post(
        "/admin/videos/video/",
        {"action": "publish_selected", "_selected_action": [video.pk]},
    )
    video.refresh_from_db()
    assert not video.is_published


def test_a_writer_cannot_change_a_published_video(client, video_roles):
    video = make_video(title="Sudah Tayang")
    client.force_login(staff(video_roles["Penulis"]))
    response = client.post(
        f"/admin/videos/video/{video.pk}/change/", form_data(title="Diubah", poster="")
    )
    assert response.status_code == 403
    video.refresh_from_db()
    assert video.title == "Sudah Tayang" and video.is_published


def test_an_editor_publishes_and_unpublishes(client, video_roles):
    client.force_login(staff(video_roles["Editor"]))
    response = client.post("/admin/videos/video/add/", form_data(is_published="on"))
    assert response.status_code == 302
    video = Video.objects.get()
    assert video.is_published
    assert client.get(video.get_absolute_url()).status_code == 200
    client.post(
        "/admin/videos/video/", {"action": "unpublish_selected", "_selected_action": [video.pk]}
    )
    assert client.get(video.get_absolute_url()).status_code == 404
    # The list, its search and filters, and the change form with the poster's preview.
    make_video(title="Festival Budaya Dieng")
    listing = client.get("/admin/videos/video/?q=Dieng&is_published__exact=1")
    assert "Festival Budaya Dieng" in listing.content.decode()
    change = client.get(f"/admin/videos/video/{video.pk}/change/").content.decode()
    assert f'value="https://www.youtube.com/watch?v={ID}"' in change
    assert re.search(r'<img src="/media/videos/[^"]+" alt="Rapat Koordinasi Banjir"', change)


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"youtube_url": "https://vimeo.com/123456"}, "not_youtube"),
        (
            {"poster": SimpleUploadedFile("poster.jpg", b"<svg onload=alert(1)>", "image/jpeg")},
            "invalid_image",
        ),
        ({"poster": SimpleUploadedFile("p.bmp", bmp_bytes(), "image/bmp")}, "not_an_image"),
        ({"poster": ""}, "required"),
    ],
)
def test_the_admin_refuses_a_bad_address_or_poster(client, video_roles, fields, code):
    client.force_login(staff(video_roles["Editor"]))
    response = client.post("/admin/videos/video/add/", form_data(**fields))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors.as_data()
    assert [e.code for field in errors.values() for e in field] == [code]
    assert not Video.objects.exists()


def test_a_deleted_video_takes_its_poster_along(settings, django_capture_on_commit_callbacks):
    video = make_video()
    path = settings.MEDIA_ROOT / video.poster.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        video.delete()
    assert not path.exists()
