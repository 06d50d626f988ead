"""Uploads on an S3-compatible bucket: a real S3 API (moto's server, in its own process).

The storage settings are the ones humas/settings.py makes from the S3_* variables, run
here with those variables set; the admin, the article page and the files' removal then
go through django-storages and boto3 over HTTP, as in production.
"""

import importlib.util
import io
import json
import re
import runpy
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from html import unescape

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles.models import Photo

from ..factories import jpeg_bytes, make_article, make_photo, make_photographer
from ..live import BASE_DIR, free_port
from ..services import IN_CI

pytestmark = pytest.mark.django_db

KEYS = {"S3_ACCESS_KEY_ID": "humas-test", "S3_SECRET_ACCESS_KEY": "humas-test-secret"}
VARIABLES = (
    "S3_BUCKET", "S3_ENDPOINT_URL", "S3_REGION", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY",
    "S3_CUSTOM_DOMAIN", "S3_QUERYSTRING_AUTH", "SERVE_MEDIA", "DEBUG",
)  # fmt: skip


def settings_for(monkeypatch, **variables):
    """humas/settings.py's module globals as a process with these variables gets them."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(BASE_DIR / "humas" / "settings.py"))


class MotoServer:
    """moto's S3 server on a free loopback port; stop() makes the bucket unreachable."""

    def __init__(self):
        if importlib.util.find_spec("moto") is None:
            message = "moto not installed: run `make install` to run this test"
            if IN_CI:
                pytest.fail(message)
            pytest.skip(message)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("moto's S3 server did not start") from None
                time.sleep(0.1)
        self.client = boto3.client(
            "s3", endpoint_url=self.url, region_name="us-east-1",
            aws_access_key_id=KEYS["S3_ACCESS_KEY_ID"],
            aws_secret_access_key=KEYS["S3_SECRET_ACCESS_KEY"],
        )  # fmt: skip

    def public_bucket(self):
        """A new bucket that anyone may read, by the policy docs/media-storage.md gives."""
        name = f"humas-media-{uuid.uuid4().hex[:12]}"
        self.client.create_bucket(Bucket=name)
        self.client.put_bucket_policy(Bucket=name, Policy=public_read_policy(name))
        return name

    def keys(self, bucket):
        listing = self.client.list_objects_v2(Bucket=bucket)
        return {item["Key"] for item in listing.get("Contents", [])}

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def public_read_policy(bucket):
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "PublicReadForPhotos",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    # As docs/media-storage.md: what pages link, not the documents.
                    "Resource": [
                        f"arn:aws:s3:::{bucket}/photos/*",
                        f"arn:aws:s3:::{bucket}/renditions/*",
                        f"arn:aws:s3:::{bucket}/documents/previews/*",
                    ],
                }
            ],
        }
    )


@pytest.fixture(scope="module")
def moto():
    server = MotoServer()
    yield server
    server.stop()


def use_bucket(settings, monkeypatch, server, bucket):
    """Point this test's settings at `bucket`; Django rebuilds default_storage on the
    change (django.test.signals.storages_changed) and again when the test ends."""
    site = settings_for(
        monkeypatch, S3_BUCKET=bucket, S3_ENDPOINT_URL=server.url, S3_REGION="us-east-1", **KEYS
    )
    settings.STORAGES = {**settings.STORAGES, "default": site["STORAGES"]["default"]}
    settings.MEDIA_URL = site["MEDIA_URL"]
    return site


@pytest.fixture
def bucket(moto, settings, monkeypatch):
    name = moto.public_bucket()
    use_bucket(settings, monkeypatch, moto, name)
    return name


def media_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def upload(admin_client, content, name="foto.jpg"):
    return admin_client.post(
        "/admin/articles/photo/add/",
        {
            "upload": SimpleUploadedFile(name, content, "image/jpeg"),
            "alt_text": "Gubernur meninjau jembatan",
            "caption": "",
            "photographer": make_photographer(name="Handy").pk,
            "focal_x": "0.5",
            "focal_y": "0.5",
        },
    )


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.headers, response.read()


# --- settings --------------------------------------------------------------------------


def test_without_s3_bucket_uploads_stay_on_local_disk(monkeypatch):
    site = settings_for(monkeypatch, SERVE_MEDIA="true")
    assert site["STORAGES"]["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert site["MEDIA_URL"] == "/media/"
    assert site["SERVE_MEDIA"] is True


def test_with_s3_bucket_uploads_go_to_a_public_bucket_and_django_serves_none(monkeypatch):
    site = settings_for(
        monkeypatch, S3_BUCKET="humas-media", S3_ENDPOINT_URL="https://s3.example.go.id/",
        SERVE_MEDIA="true", **KEYS,
    )  # fmt: skip
    storage = site["STORAGES"]["default"]
    options = storage["OPTIONS"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert (options["bucket_name"], options["endpoint_url"]) == (
        "humas-media",
        "https://s3.example.go.id",
    )
    assert (options["access_key"], options["secret_key"]) == ("humas-test", "humas-test-secret")
    assert options["default_acl"] is None  # readable through the bucket policy
    assert options["querystring_auth"] is False
    assert options["file_overwrite"] is False
    assert options["object_parameters"]["CacheControl"].startswith("public, max-age=")
    assert site["SERVE_MEDIA"] is False


@pytest.mark.parametrize(
    ("variables", "url"),
    [
        ({"S3_ENDPOINT_URL": "https://s3.example.go.id"},
         "https://s3.example.go.id/humas-media/photos/a.jpg"),
        ({"S3_CUSTOM_DOMAIN": "media.humas.example.go.id", "S3_REGION": "ap-southeast-3"},
         "https://media.humas.example.go.id/photos/a.jpg"),
        ({"S3_REGION": "ap-southeast-3"},
         "https://humas-media.s3.ap-southeast-3.amazonaws.com/photos/a.jpg"),
        ({}, "https://humas-media.s3.amazonaws.com/photos/a.jpg"),
    ],
    ids=["s3-compatible-service", "cdn", "aws-region", "aws-default-region"],
)  # fmt: skip
def test_media_url_is_where_the_storage_links_photos_to(monkeypatch, variables, url):
    from storages.backends.s3 import S3Storage

    site = settings_for(monkeypatch, S3_BUCKET="humas-media", **variables)
    storage = S3Storage(**site["STORAGES"]["default"]["OPTIONS"])
    assert storage.url("photos/a.jpg") == url  # no request is made for a public URL
    assert url.startswith(site["MEDIA_URL"])


# --- the photo desk against the bucket --------------------------------------------------


def test_an_uploaded_photo_and_its_renditions_are_objects_in_the_bucket_and_pages_link_there(
    admin_client, client, settings, moto, bucket
):
    response = upload(admin_client, jpeg_bytes((1600, 1000)))
    assert response.status_code == 302
    photo = Photo.objects.get()
    names = {photo.image.name, *(r["name"] for r in photo.renditions)}
    assert len(photo.renditions) == 9  # four widths in WebP and JPEG, and the share crop
    assert moto.keys(bucket) == names
    assert media_files(settings) == []

    head = moto.client.head_object(Bucket=bucket, Key=photo.renditions[0]["name"])
    assert head["ContentType"] == "image/webp"
    assert head["CacheControl"] == "public, max-age=604800"

    article = make_article(featured_photo=photo)
    html = client.get(article.get_absolute_url()).content.decode()
    urls = [
        candidate.split()[0]
        for srcset in re.findall(r'srcset="([^"]+)"', html)
        for candidate in unescape(srcset).split(",")
    ]
    base = f"{moto.url}/{bucket}/"
    assert len(urls) >= 8 and all(url.startswith(base) for url in urls), urls
    assert {url.removeprefix(base) for url in urls} <= names

    # Anyone can fetch it: the policy, not a signature, opens the object.
    largest = urls[-1]
    headers, body = fetch(largest)
    stored = moto.client.get_object(Bucket=bucket, Key=largest.removeprefix(base))
    assert headers["Content-Type"] == stored["ContentType"]
    assert body == stored["Body"].read()
    with Image.open(io.BytesIO(body)) as image:
        assert image.width == 1600


def test_deleting_a_photo_in_the_admin_removes_its_objects(
    admin_client, moto, bucket, django_capture_on_commit_callbacks
):
    photo = make_photo()
    keep = make_photo()
    assert len(moto.keys(bucket)) == 2 * (1 + len(photo.renditions))
    with django_capture_on_commit_callbacks(execute=True):  # objects go after the commit
        response = admin_client.post(f"/admin/articles/photo/{photo.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert moto.keys(bucket) == {keep.image.name, *(r["name"] for r in keep.renditions)}


def test_a_refused_file_leaves_no_object_in_the_bucket(admin_client, settings, moto, bucket):
    response = upload(admin_client, b"Ini hanya teks biasa, bukan foto.\n" * 20)
    assert response.status_code == 200
    assert "bukan foto" in " ".join(response.context["adminform"].form.errors["upload"])
    assert not Photo.objects.exists()
    assert moto.keys(bucket) == set()
    assert media_files(settings) == []


# --- the bucket unreachable ------------------------------------------------------------


@pytest.fixture(scope="module")
def stopped_moto():
    """A server that had a bucket and has stopped: connections are refused."""
    server = MotoServer()
    name = server.public_bucket()
    server.stop()
    return server, name


@pytest.fixture
def stopped_bucket(settings, monkeypatch, stopped_moto):
    server, name = stopped_moto
    use_bucket(settings, monkeypatch, server, name)
    return name


def test_an_unreachable_bucket_fails_the_upload_quickly_and_saves_no_photo(
    admin_client, settings, stopped_bucket
):
    admin_client.raise_request_exception = False
    started = time.monotonic()
    upload(admin_client, jpeg_bytes())
    # Well within gunicorn's 30 s worker timeout: settings bound boto3's retries.
    assert time.monotonic() - started < 20
    assert not Photo.objects.exists()
    assert media_files(settings) == []


def test_an_unreachable_bucket_gives_the_editor_a_message(admin_client, stopped_bucket):
    admin_client.raise_request_exception = False
    response = upload(admin_client, jpeg_bytes())
    assert response.status_code == 200
    assert response.context["adminform"].form.errors


def test_deleting_a_photo_while_the_bucket_is_unreachable_still_deletes_it(
    admin_client, settings, monkeypatch, moto, bucket, stopped_moto,
    django_capture_on_commit_callbacks, caplog,
):  # fmt: skip
    photo = make_photo()
    server, name = stopped_moto
    use_bucket(settings, monkeypatch, server, name)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/articles/photo/{photo.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Photo.objects.filter(pk=photo.pk).exists()
    # The objects stay behind, logged, for clean_orphan_media to sweep later.
    assert f"could not delete {photo.image.name}" in caplog.text
