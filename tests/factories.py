"""Small helpers that make valid objects; keyword arguments override any field."""

import io
from datetime import timedelta
from itertools import count

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, Category, Photo, Photographer

_seq = count(1)


def jpeg_bytes(size=(640, 400), color=(120, 160, 200)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="JPEG")
    return buffer.getvalue()


def make_user(**fields):
    n = next(_seq)
    fields.setdefault("username", f"user{n}")
    fields.setdefault("email", f"user{n}@example.com")
    password = fields.pop("password", "a-long-test-password")
    return get_user_model().objects.create_user(password=password, **fields)


def make_category(**fields):
    n = next(_seq)
    fields.setdefault("name", f"Kategori {n}")
    return Category.objects.create(**fields)


def make_photographer(**fields):
    fields.setdefault("name", f"Fotografer {next(_seq)}")
    return Photographer.objects.create(**fields)


def make_photo(content=None, **fields):
    """A photo stored the way an upload is: checked, normalized, with renditions."""
    from articles import images

    if "photographer" not in fields:
        fields["photographer"] = make_photographer()
    fields.setdefault("alt_text", "Warga berkumpul di alun-alun")
    fields.setdefault("caption", "Suasana alun-alun pada pagi hari.")
    upload = images.clean_upload(ContentFile(content or jpeg_bytes(), name="photo.jpg"))
    return images.save_photo(photo=Photo(**fields), upload=upload)


def make_article(tags=(), **fields):
    n = next(_seq)
    fields.setdefault("title", f"Berita nomor {n}")
    fields.setdefault("dateline", "SEMARANG")
    fields.setdefault("lead", "Ringkasan berita.")
    fields.setdefault("body", "<p>Paragraf pertama.</p><p>Paragraf kedua.</p>")
    if "category" not in fields:
        fields["category"] = make_category()
    fields.setdefault("status", Article.Status.PUBLISHED)
    if fields["status"] == Article.Status.PUBLISHED:
        fields.setdefault("published_at", timezone.now() - timedelta(hours=n))
    article = Article.objects.create(**fields)
    if tags:
        article.tags.add(*tags)
    return article


def make_reader(verified=True, **fields):
    """A registered reader, with a verified email address unless told otherwise."""
    from django.utils import timezone

    if verified:
        fields.setdefault("email_verified_at", timezone.now())
    return make_user(**fields)


def make_video(**fields):
    """A published video with a poster stored the way the admin stores one."""
    # Imported here as make_photo imports images: the apps load before the factories run.
    from videos import posters
    from videos.models import Video

    fields.setdefault("title", f"Video nomor {next(_seq)}")
    fields.setdefault("youtube_id", "dQw4w9WgXcQ")
    fields.setdefault("is_published", True)
    content, width, height = posters.prepare(ContentFile(jpeg_bytes((1280, 720)), name="p.jpg"))
    video = Video(poster_width=width, poster_height=height, **fields)
    video.poster.save(content.name, content, save=False)
    video.save()
    return video
