"""The photo desk, with real files crafted here: what is refused, what is stored."""

import io
import struct
import zlib
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, GalleryItem, Photo

from .factories import jpeg_bytes, make_article, make_photo, make_photographer

pytestmark = pytest.mark.django_db


# --- crafted files -----------------------------------------------------------------


def png_header_only(width, height):
    """A PNG that claims a huge size: header and a token of data, a few bytes in all."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def phone_photo():
    """Landscape pixels that the camera marks as turned (Orientation 6), with GPS tags,
    a serial number and the time it was taken."""
    image = Image.new("RGB", (400, 300), (200, 30, 30))
    image.paste((30, 30, 200), (0, 0, 100, 300))  # a blue band on the left edge
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to display
    exif[0x010F] = "SamsungPonsel"
    exif.get_ifd(0x8769)[36867] = "2026:08:17 09:30:00"  # DateTimeOriginal
    exif.get_ifd(0x8769)[0xA431] = "SERIAL-1234567"  # BodySerialNumber
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "S", (6.0, 59.0, 30.0)  # latitude: Semarang
    gps[3], gps[4] = "E", (110.0, 25.0, 10.0)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def encoded(image, fmt, **options):
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def animated_gif():
    frames = [Image.new("RGB", (120, 80), (60 * i, 200 - 40 * i, 30)) for i in range(4)]
    return encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=120, loop=0)


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
EPS = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n"


def media_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def upload(admin_client, content, name="foto.jpg", **fields):
    photographer = fields.pop("photographer", None) or make_photographer(name="Handy")
    data = {
        "upload": SimpleUploadedFile(name, content, "image/jpeg"),
        "alt_text": "Gubernur meninjau jembatan",
        "caption": "",
        "photographer": photographer.pk,
        "focal_x": "0.5",
        "focal_y": "0.5",
        **fields,
    }
    return admin_client.post("/admin/articles/photo/add/", data)


# --- refusals ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Ini hanya teks biasa, bukan foto.\n" * 20, "bukan foto dalam format JPEG"),
        (jpeg_bytes((1600, 1200))[:5000], "rusak"),
        (png_header_only(30000, 30000), "lebih dari 40 megapiksel"),
        (png_header_only(7000, 6000), "lebih dari 40 megapiksel"),
        (SVG, "bukan foto dalam format JPEG"),
        (EPS, "bukan foto dalam format JPEG"),
        (b"\xff\xd8\xff" + b"\x00" * 21 * 1024 * 1024, "lebih besar dari 20 MB"),
        (b"", "kosong"),
    ],
    ids=["text-named-jpg", "truncated-jpeg", "30000x30000-png", "42-megapixels", "svg-script",
         "eps", "over-20-mb", "empty"],
)  # fmt: skip
def test_bad_files_are_refused_with_a_message_and_leave_no_trace(
    admin_client, settings, content, message
):
    before = media_files(settings)
    response = upload(admin_client, content)
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["upload"])
    assert message in errors, errors
    assert not Photo.objects.exists()
    assert media_files(settings) == before


def test_a_phone_photo_is_stored_upright_without_gps_or_serials_anywhere(admin_client, settings):
    response = upload(admin_client, phone_photo(), name="IMG_20260817_093000.jpg")
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert (photo.width, photo.height) == (300, 400)  # turned upright
    assert timezone.localtime(photo.taken_at).replace(tzinfo=None) == datetime(2026, 8, 17, 9, 30)
    assert "IMG_2026" not in photo.image.name  # the name is made by the server
    files = media_files(settings)
    assert len(files) == 1 + len(photo.renditions)
    for path in files:
        data = path.read_bytes()
        assert b"GPS" not in data and b"SERIAL-1234567" not in data and b"Samsung" not in data
        with Image.open(path) as stored:
            exif = stored.getexif()
            assert 0x8825 not in exif and 0x0112 not in exif
    with Image.open(settings.MEDIA_ROOT / photo.image.name) as stored:
        assert stored.size == (300, 400)
        top_left = stored.convert("RGB").getpixel((10, 10))
        assert top_left[2] > 150 and top_left[0] < 100  # the blue band is now on top


def test_cmyk_jpeg_is_converted_to_rgb_with_its_colours(admin_client, settings):
    red = Image.new("RGB", (300, 200), (220, 20, 20)).convert("CMYK")
    assert upload(admin_client, encoded(red, "JPEG")).status_code == 302
    photo = Photo.objects.get()
    with Image.open(settings.MEDIA_ROOT / photo.image.name) as stored:
        assert stored.mode == "RGB"
        r, g, b = stored.getpixel((150, 100))
        assert r > 180 and g < 80 and b < 80


def test_palette_png_with_transparency_keeps_it(admin_client, settings):
    image = Image.new("P", (200, 100), 0)
    image.putpalette([255, 255, 255, 200, 0, 0] + [0] * 762)
    image.paste(1, (0, 0, 100, 100))
    assert (
        upload(admin_client, encoded(image, "PNG", transparency=0), name="logo.png").status_code
        == 302
    )
    photo = Photo.objects.get()
    assert photo.image.name.endswith(".png")
    with Image.open(settings.MEDIA_ROOT / photo.image.name) as stored:
        assert stored.mode == "RGBA"
        assert stored.getpixel((150, 50))[3] == 0


def test_an_animated_gif_stays_animated(admin_client, settings):
    assert upload(admin_client, animated_gif(), name="animasi.gif").status_code == 302
    photo = Photo.objects.get()
    with Image.open(settings.MEDIA_ROOT / photo.image.name) as stored:
        assert stored.format == "GIF" and stored.n_frames == 4
    assert {r["format"] for r in photo.renditions} == {"webp", "jpeg"}


def test_webp_uploads_are_accepted(admin_client):
    image = Image.new("RGB", (640, 480), (10, 120, 60))
    assert upload(admin_client, encoded(image, "WEBP"), name="a.webp").status_code == 302
    assert Photo.objects.get().image.name.endswith(".webp")


def test_alt_text_and_photographer_are_required_on_upload(admin_client):
    photographer = make_photographer()
    response = upload(admin_client, jpeg_bytes(), alt_text="", photographer=photographer)
    assert "alt_text" in response.context["adminform"].form.errors
    response = admin_client.post(
        "/admin/articles/photo/add/",
        {
            "upload": SimpleUploadedFile("a.jpg", jpeg_bytes()),
            "alt_text": "x",
            "focal_x": 0.5,
            "focal_y": 0.5,
        },
    )
    assert "photographer" in response.context["adminform"].form.errors
    assert not Photo.objects.exists()


# --- renditions ----------------------------------------------------------------------


def test_renditions_are_made_once_in_each_size_and_format(settings):
    photo = make_photo(content=jpeg_bytes((2000, 1500)))
    fits = sorted(
        (r["format"], r["width"], r["height"]) for r in photo.renditions if r["kind"] == "fit"
    )
    assert fits == sorted(
        (fmt, w, round(w * 0.75)) for w in (480, 800, 1200, 1600) for fmt in ("jpeg", "webp")
    )
    (og,) = [r for r in photo.renditions if r["kind"] == "og"]
    assert (og["width"], og["height"], og["format"]) == (1200, 630, "jpeg")
    for rendition in photo.renditions:
        with Image.open(settings.MEDIA_ROOT / rendition["name"]) as image:
            assert image.size == (rendition["width"], rendition["height"])
            assert image.format == {"jpeg": "JPEG", "webp": "WEBP"}[rendition["format"]]


def test_small_photos_are_never_upscaled():
    photo = make_photo(content=jpeg_bytes((600, 400)))
    assert sorted({r["width"] for r in photo.renditions if r["kind"] == "fit"}) == [480, 600]


def test_moving_the_focal_point_remakes_the_crops_and_removes_the_old(
    admin_client, settings, django_capture_on_commit_callbacks
):
    wide = Image.new("RGB", (2400, 1000), (255, 255, 255))
    wide.paste((0, 0, 0), (2200, 0, 2400, 1000))  # something dark at the right edge
    photo = make_photo(content=encoded(wide, "JPEG"))
    old_names = {r["name"] for r in photo.renditions}
    with django_capture_on_commit_callbacks(execute=True):  # old files go after the commit
        response = admin_client.post(
            f"/admin/articles/photo/{photo.pk}/change/",
            {"alt_text": photo.alt_text, "caption": "", "photographer": photo.photographer_id,
             "focal_x": "1", "focal_y": "0.5"},
        )  # fmt: skip
    assert response.status_code == 302
    photo.refresh_from_db()
    og = photo.share_image
    with Image.open(settings.MEDIA_ROOT / og["name"]) as crop:
        assert crop.convert("L").getpixel((1190, 315)) < 60  # the right edge is in the crop
    assert not ({r["name"] for r in photo.renditions} & old_names)
    assert not any((settings.MEDIA_ROOT / name).exists() for name in old_names)


def test_pages_never_open_image_files(client, settings):
    """Rendering reads names and sizes from the database: delete every file and render."""
    photo = make_photo(photographer=make_photographer(name="Handy"))
    article = make_article(featured_photo=photo)
    GalleryItem.objects.create(article=article, photo=make_photo(photographer=photo.photographer))
    for path in media_files(settings):
        path.unlink()
    for url in ("/", article.get_absolute_url(), article.category.get_absolute_url(),
                photo.photographer.get_absolute_url()):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
        assert "/media/renditions/" in response.content.decode()


# --- credits, galleries, usage --------------------------------------------------------


def test_article_page_shows_gallery_with_captions_and_credits(
    client, django_assert_max_num_queries
):
    handy, dewi = (
        make_photographer(name="Handy"),
        make_photographer(name="Dewi", agency="Diskominfo Jateng"),
    )
    article = make_article(featured_photo=make_photo(photographer=handy))
    for i in range(6):
        GalleryItem.objects.create(
            article=article, order=i, photo=make_photo(photographer=dewi, caption=f"Suasana {i}")
        )
    # Twelve on a cold cache, whatever the number of photos: navigation, site settings,
    # the article, tags, the gallery (with photos and photographers), related articles,
    # four for "most read", comments, and the count.
    with django_assert_max_num_queries(12):
        html = client.get(article.get_absolute_url()).content.decode()
    assert "Galeri" in html
    assert html.index("Suasana 0") < html.index("Suasana 5")
    assert html.count("Foto : Dewi (Diskominfo Jateng)") == 6
    assert "Foto : Handy (Humas Jateng)" in html


def test_a_text_credit_names_an_outside_source(client):
    article = make_article(featured_photo=make_photo(), photo_credit_text="Dok. Diskominfo")
    assert "Foto : Dok. Diskominfo" in client.get(article.get_absolute_url()).content.decode()


def test_credit_line_joins_several_photographers():
    from articles.models import credit_line

    assert credit_line(["Handy (Humas Jateng)", "Dewi (Diskominfo Jateng)"]) == (
        "Foto : Handy (Humas Jateng), Dewi (Diskominfo Jateng)"
    )


def test_photographer_page_lists_photos_and_articles_using_them(client):
    handy = make_photographer(name="Handy")
    make_article(title="Dengan Foto Utama", featured_photo=make_photo(photographer=handy))
    in_gallery = make_article(title="Dengan Galeri")
    GalleryItem.objects.create(
        article=in_gallery, photo=make_photo(photographer=handy, caption="Tarian")
    )
    make_article(
        title="Draf Dengan Foto", status="draft", featured_photo=make_photo(photographer=handy)
    )
    html = client.get("/fotografer/handy/").content.decode()
    assert "Dengan Foto Utama" in html and "Dengan Galeri" in html
    assert "Draf Dengan Foto" not in html
    assert html.count("<figure>") == 3


def test_a_photo_used_by_an_article_cannot_be_deleted_and_the_article_is_named(
    admin_client, settings
):
    photo = make_photo()
    make_article(title="Banjir Demak Surut", featured_photo=photo)
    response = admin_client.post(f"/admin/articles/photo/{photo.pk}/delete/", {"post": "yes"})
    html = response.content.decode()
    assert "Banjir Demak Surut" in html
    assert Photo.objects.filter(pk=photo.pk).exists()
    assert (settings.MEDIA_ROOT / photo.image.name).exists()


def test_an_unused_photo_is_deleted_with_its_files(
    admin_client, settings, django_capture_on_commit_callbacks
):
    photo = make_photo()
    names = [photo.image.name, *(r["name"] for r in photo.renditions)]
    with django_capture_on_commit_callbacks(execute=True):  # files go after the commit
        response = admin_client.post(f"/admin/articles/photo/{photo.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Photo.objects.exists()
    assert not any((settings.MEDIA_ROOT / name).exists() for name in names)


def test_photo_library_shows_usage_and_filters(admin_client):
    used = make_photo(caption="Dipakai")
    make_photo(caption="Menganggur")
    make_article(title="Artikel Pemakai", featured_photo=used)
    html = admin_client.get("/admin/articles/photo/", {"dipakai": "ya"}).content.decode()
    assert "Dipakai" in html and "Menganggur" not in html
    html = admin_client.get(f"/admin/articles/photo/{used.pk}/change/").content.decode()
    assert "Artikel Pemakai" in html


def test_many_photos_upload_at_once_and_bad_ones_are_listed(admin_client, settings):
    photographer = make_photographer(name="Rizky")
    response = admin_client.post(
        "/admin/articles/photo/unggah/",
        {
            "files": [
                SimpleUploadedFile("satu.jpg", jpeg_bytes()),
                SimpleUploadedFile("palsu.jpg", b"bukan foto"),
                SimpleUploadedFile("dua.jpg", jpeg_bytes((800, 600))),
            ],
            "photographer": photographer.pk,
            "alt_text": "Kegiatan di Gedung Gradhika",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "palsu.jpg" in html and "bukan foto" in html
    assert Photo.objects.count() == 2
    assert set(Photo.objects.values_list("alt_text", flat=True)) == {"Kegiatan di Gedung Gradhika"}


def test_a_bulk_upload_of_more_than_ten_photos_is_refused_whole_with_a_message(admin_client):
    photographer = make_photographer(name="Rizky")
    small = jpeg_bytes((64, 48))
    response = admin_client.post(
        "/admin/articles/photo/unggah/",
        {
            "files": [SimpleUploadedFile(f"foto-{i}.jpg", small) for i in range(11)],
            "photographer": photographer.pk,
            "alt_text": "Kegiatan di Gedung Gradhika",
        },
    )
    assert response.status_code == 200
    assert "Paling banyak 10 foto sekaligus" in response.content.decode()
    assert not Photo.objects.exists()


# --- the publishing rule -------------------------------------------------------------


def test_an_article_whose_photo_lacks_alt_text_cannot_be_published(admin_client):
    photo = make_photo(caption="Tanpa deskripsi")
    Photo.objects.filter(pk=photo.pk).update(alt_text="")  # as an import would leave it
    article = make_article(status="draft", featured_photo=photo)
    from .test_admin import gallery_management

    response = admin_client.post(
        f"/admin/articles/article/{article.pk}/change/",
        {
            "title": article.title, "dateline": "SEMARANG", "lead": "", "body": "<p>Isi</p>",
            "category": article.category_id, "tags": "", "featured_photo": photo.pk,
            "photo_credit_text": "", "status": "published", "published_at_0": "",
            "published_at_1": "", "slug": article.slug, **gallery_management(),
        },
    )  # fmt: skip
    assert response.status_code == 200
    html = response.content.decode()
    assert "Foto “Tanpa deskripsi” tidak memiliki teks alternatif." in html
    article.refresh_from_db()
    assert article.status == "draft"


def test_the_publishing_rule_holds_outside_the_admin_too():
    from django.core.exceptions import ValidationError

    photo = make_photo()
    Photo.objects.filter(pk=photo.pk).update(alt_text=" ")
    photo.refresh_from_db()
    article = make_article(status="draft")
    GalleryItem.objects.create(article=article, photo=photo)
    article.status = Article.Status.PUBLISHED
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "teks alternatif" in str(error.value)


def test_the_editor_picks_library_photos_with_their_credit(admin_client):
    from articles.editor import BODY_EXTENSIONS

    assert BODY_EXTENSIONS["Figure"]["pickerUrl"] == "/admin/articles/photo/pilih/"
    make_photo(caption="Gubernur meninjau", photographer=make_photographer(name="Handy"))
    make_photo(caption="Pasar murah")
    response = admin_client.get(
        "/admin/articles/photo/pilih/", {"CKEditorFuncNum": "3", "q": "gubernur"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-func-num="3"' in html
    assert 'data-caption="Gubernur meninjau Foto : Handy (Humas Jateng)"' in html
    assert 'data-url="/media/renditions/' in html
    assert "Pasar murah" not in html


def test_readers_cannot_open_the_photo_picker(client):
    from .factories import make_user

    client.force_login(make_user())
    assert client.get("/admin/articles/photo/pilih/").status_code == 302
