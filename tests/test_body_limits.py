"""How large a request body the site takes, by path: small for every public form, large
only where staff upload files in the admin. Refused from Content-Length alone, before a
byte of the body is read; and nginx's documented configuration says the same."""

import io
import os
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from articles.models import Comment, Photo

from .factories import make_article, make_photographer, make_reader

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
DEPLOY = Path(__file__).resolve().parent.parent / "docs" / "deploy.md"


class UnreadBody(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def readable(self):
        return True

    def read(self, *args):
        raise AssertionError("the request body was read")

    readline = readinto = read


def post_unread(client, path, size):
    """A POST that says it carries `size` bytes, none of which may be read."""
    return client.generic(
        "POST",
        path,
        CONTENT_TYPE="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(size),
        **{"wsgi.input": UnreadBody()},
    )


def noisy_jpeg(side=1400):
    """A real photo of about 2 MB: noise does not compress."""
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=95)
    return buffer.getvalue()


@pytest.fixture
def reader_client():
    client = Client()
    client.force_login(make_reader())
    return client


def test_a_20_mb_comment_is_refused_before_its_body_is_read(reader_client):
    article = make_article()
    response = post_unread(reader_client, f"{article.get_absolute_url()}komentar/", 20 * MB)
    assert response.status_code == 413
    assert response["Connection"] == "close"
    assert "1 MB" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_comment_just_over_the_form_limit_is_refused_whole(reader_client):
    article = make_article()
    response = reader_client.post(
        f"{article.get_absolute_url()}komentar/", {"body": "Panjang sekali. " * 70_000}
    )
    assert response.status_code == 413
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "path", ["/akun/daftar/", "/akun/masuk/", "/cari/", "/admin/login/", "/komentar/1/laporkan/"]
)
def test_every_public_form_has_the_small_limit(client, path):
    assert post_unread(client, path, 2 * MB).status_code == 413


def test_an_anonymous_post_to_an_admin_upload_page_has_the_small_limit(client):
    """The large limit is for staff: nobody signed out sends 200 MB to a worker."""
    assert post_unread(client, "/admin/articles/photo/add/", 20 * MB).status_code == 413


def test_a_reader_gets_no_large_limit_on_an_admin_upload_page(reader_client):
    response = post_unread(reader_client, "/admin/articles/photo/unggah/", 20 * MB)
    assert response.status_code == 413


def test_staff_have_the_small_limit_on_admin_pages_without_files(admin_client):
    assert post_unread(admin_client, "/admin/articles/article/add/", 20 * MB).status_code == 413


@pytest.mark.parametrize(
    "path",
    [
        "/admin/articles/photo/add/",
        "/admin/articles/photo/unggah/",
        "/admin/articles/photo/7/change/",
        "/admin/documents/document/add/",
        "/admin/videos/video/add/",
    ],
)
def test_staff_upload_pages_take_the_large_limit_and_no_more(admin_client, settings, path):
    settings.MAX_REQUEST_BYTES = 30 * MB
    with pytest.raises(AssertionError, match="was read"):
        post_unread(admin_client, path, 20 * MB)  # let through: the view reads it
    assert post_unread(admin_client, path, 31 * MB).status_code == 413


def test_a_photo_over_the_form_limit_still_uploads_in_the_admin(admin_client):
    content = noisy_jpeg()
    assert len(content) > 1 * MB
    response = admin_client.post(
        "/admin/articles/photo/add/",
        {"upload": SimpleUploadedFile("besar.jpg", content, "image/jpeg"),
         "alt_text": "Derau", "caption": "", "photographer": make_photographer().pk,
         "focal_x": "0.5", "focal_y": "0.5"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Photo.objects.count() == 1


def test_a_bulk_upload_over_the_form_limit_still_works(admin_client):
    response = admin_client.post(
        "/admin/articles/photo/unggah/",
        {"files": [SimpleUploadedFile(f"{n}.jpg", noisy_jpeg(), "image/jpeg") for n in range(2)],
         "photographer": make_photographer().pk, "alt_text": "Derau", "caption": ""},
    )  # fmt: skip
    assert response.status_code == 302
    assert Photo.objects.count() == 2


def test_the_form_limit_follows_its_setting(client, settings):
    settings.MAX_FORM_BYTES = 100 * 1024
    assert post_unread(client, "/akun/masuk/", 200 * 1024).status_code == 413
    settings.MAX_FORM_BYTES = 3 * MB
    with pytest.raises(AssertionError, match="was read"):
        post_unread(client, "/akun/masuk/", 2 * MB)


# --- nginx, as docs/deploy.md configures it ------------------------------------------


def nginx_site():
    return re.findall(r"```nginx\n(.*?)```", DEPLOY.read_text(), re.S)[0]


def test_nginx_takes_small_bodies_except_under_admin():
    site = nginx_site()
    (server,) = [b for b in re.findall(r"^server \{.*?^\}", site, re.S | re.M) if "ssl_" in b]
    server_level = re.sub(r"^    location .*?^    \}", "", server, flags=re.S | re.M)
    assert re.findall(r"client_max_body_size (\w+);", server_level) == ["1m"]
    admin = re.search(r"^    location /admin/ \{.*?^    \}", server, re.S | re.M).group(0)
    assert re.findall(r"client_max_body_size (\w+);", admin) == ["210m"]
    assert "proxy_pass http://humas_app;" in admin
    public = re.search(r"^    location / \{.*?^    \}", server, re.S | re.M).group(0)
    assert "client_max_body_size" not in public  # the server's 1m
