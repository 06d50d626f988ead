"""Media kits (mediakit/): a published article's text and photos as a ZIP, the credit
written into every photo, streamed with bounded memory and kept until the article changes.

The photos' metadata is read back here with a reader of our own (JPEG segments, IPTC-IIM
datasets, XMP parsed as XML), independent of the writer, and with Pillow's."""

import io
import os
import struct
import tracemalloc
import zipfile
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from docx import Document
from PIL import Image, IptcImagePlugin

from articles.models import Article, GalleryItem, Photo, photo_upload_to
from mediakit import metadata
from mediakit.metadata import PhotoInfo, UnsupportedImage, with_metadata

from .factories import jpeg_bytes, make_article, make_photo, make_photographer

pytestmark = pytest.mark.django_db

SITE = "https://humas.jatengprov.go.id"
NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "xmpRights": "http://ns.adobe.com/xap/1.0/rights/",
    "Iptc4xmpCore": "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/",
}


@pytest.fixture(autouse=True)
def kit_settings(settings, tmp_path):
    settings.MEDIAKIT_CACHE_DIR = tmp_path / "kits"
    settings.SITE_URL = SITE
    settings.MEDIAKIT_DOWNLOADS_PER_HOUR = 1000
    return settings


def kit_url(article):
    return f"/berita/{article.slug}/kit-media.zip"


def download(client, article, **extra):
    response = client.get(kit_url(article), **extra)
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def kit_files():
    """What the kits' folder holds (temporary files included)."""
    root = settings.MEDIAKIT_CACHE_DIR
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


# -- reading metadata back, independently of mediakit/metadata.py --------------------


def jpeg_segments(data):
    """[(marker, payload)] up to the start of scan, and the offset of the scan."""
    assert data[:2] == b"\xff\xd8"
    at, found = 2, []
    while True:
        assert data[at] == 0xFF
        marker = data[at + 1]
        if marker == 0xDA:
            return found, at
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        found.append((marker, data[at + 4 : at + 2 + length]))
        at += 2 + length


def xmp_of_jpeg(data):
    segments, _ = jpeg_segments(data)
    packets = [
        p[29:] for m, p in segments if m == 0xE1 and p.startswith(b"http://ns.adobe.com/xap/1.0/\0")
    ]
    assert len(packets) == 1
    return packets[0]


def iim_of_jpeg(data):
    """{(record, dataset): [values]} from the APP13 Photoshop IPTC block (8BIM 0x0404)."""
    segments, _ = jpeg_segments(data)
    blocks = [p[14:] for m, p in segments if m == 0xED and p.startswith(b"Photoshop 3.0\0")]
    assert len(blocks) == 1
    irb, at, iim = blocks[0], 0, None
    while at < len(irb):
        assert irb[at : at + 4] == b"8BIM"
        (resource,) = struct.unpack(">H", irb[at + 4 : at + 6])
        name_length = irb[at + 6]
        at += 7 + name_length + ((name_length + 1) % 2)
        (size,) = struct.unpack(">I", irb[at : at + 4])
        if resource == 0x0404:
            iim = irb[at + 4 : at + 4 + size]
        at += 4 + size + size % 2
    datasets, at = {}, 0
    while at < len(iim):
        assert iim[at] == 0x1C
        record, number, size = (
            iim[at + 1],
            iim[at + 2],
            struct.unpack(">H", iim[at + 3 : at + 5])[0],
        )
        datasets.setdefault((record, number), []).append(iim[at + 5 : at + 5 + size])
        at += 5 + size
    return datasets


def xmp_fields(packet):
    """The XMP's values by property, parsed as XML (a broken packet fails here)."""
    root = ElementTree.fromstring(
        packet.decode("utf-8").split("?>", 1)[1].rsplit("<?xpacket", 1)[0]
    )
    description = root.find(".//rdf:Description", NS)

    def text(path):
        element = description.find(path, NS)
        return None if element is None else "".join(element.itertext()).strip()

    return {
        "creator": text("dc:creator/rdf:Seq/rdf:li"),
        "description": text("dc:description/rdf:Alt/rdf:li"),
        "rights": text("dc:rights/rdf:Alt/rdf:li"),
        "credit": text("photoshop:Credit"),
        "source": text("photoshop:Source"),
        "headline": text("photoshop:Headline"),
        "alt": text("Iptc4xmpCore:AltTextAccessibility/rdf:Alt/rdf:li"),
        "web": text("xmpRights:WebStatement"),
    }


def pixels(data):
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return image.mode, image.size, image.tobytes()


def original(photo):
    with default_storage.open(photo.image.name, "rb") as file:
        return file.read()


# -- the kit --------------------------------------------------------------------------


@pytest.fixture
def story():
    """A published article with a featured photo, a gallery photo and a photo inline."""
    handy = make_photographer(name="Handy", agency="Humas Jateng")
    featured = make_photo(
        content=jpeg_bytes((900, 600), (200, 30, 30)),
        photographer=handy,
        caption="Gubernur meninjau jembatan Kali Garang.",
        alt_text="Gubernur berdiri di tepi jembatan",
    )
    gallery = make_photo(
        content=jpeg_bytes((640, 480), (30, 200, 30)),
        photographer=make_photographer(name="Siti Rahma", agency="Diskominfo Jateng"),
        caption="Warga melintas di jembatan baru.",
    )
    inline = make_photo(
        content=jpeg_bytes((500, 500), (30, 30, 200)),
        photographer=handy,
        caption="Peta lokasi jembatan.",
    )
    body = (
        "<p>Jembatan Kali Garang <strong>resmi dibuka</strong> untuk umum.</p>"
        "<h2>Anggaran</h2><ul><li>APBD Rp 12 miliar</li><li>Selesai 8 bulan</li></ul>"
        f'<figure><img src="{inline.fallback["url"]}" alt="Peta"><figcaption>Peta</figcaption>'
        '</figure><p>Informasi: <a href="/halaman/kontak/">kontak</a>.</p>'
    )
    article = make_article(
        title="Jembatan Kali Garang Dibuka",
        dateline="SEMARANG",
        lead="Jembatan sepanjang 120 meter menghubungkan dua kecamatan.",
        body=body,
        featured_photo=featured,
        published_at=timezone.make_aware(timezone.datetime(2026, 3, 2, 9, 30)),
    )
    GalleryItem.objects.create(article=article, photo=gallery, order=0)
    return {"article": article, "featured": featured, "gallery": gallery, "inline": inline}


def open_kit(data):
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None  # every CRC right
    return archive


def test_a_journalist_downloads_a_kit_whose_photos_keep_their_credits(client, story):
    article = story["article"]
    response = client.get(kit_url(article))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        'attachment; filename="kit-media-jembatan-kali-garang-dibuka.zip"'
    )
    assert response["Cache-Control"] == "private, no-cache"
    archive = open_kit(b"".join(response.streaming_content))
    folder = "kit-media-jembatan-kali-garang-dibuka/"
    featured, gallery, inline = story["featured"], story["gallery"], story["inline"]
    assert archive.namelist() == [
        f"{folder}jembatan-kali-garang-dibuka.docx",
        f"{folder}jembatan-kali-garang-dibuka.txt",
        f"{folder}foto/01-handy-{featured.pk}.jpg",
        f"{folder}foto/02-siti-rahma-{gallery.pk}.jpg",
        f"{folder}foto/03-handy-{inline.pk}.jpg",
        f"{folder}manifest.txt",
    ]
    photos = {
        f"{folder}foto/01-handy-{featured.pk}.jpg": (featured, "Handy", "Humas Jateng"),
        f"{folder}foto/02-siti-rahma-{gallery.pk}.jpg": (
            gallery,
            "Siti Rahma",
            "Diskominfo Jateng",
        ),
        f"{folder}foto/03-handy-{inline.pk}.jpg": (inline, "Handy", "Humas Jateng"),
    }
    for name, (photo, person, agency) in photos.items():
        data = archive.read(name)
        assert archive.getinfo(name).compress_type == zipfile.ZIP_STORED
        credit = f"Foto : {person} ({agency})"

        xmp = xmp_fields(xmp_of_jpeg(data))
        assert xmp["creator"] == person
        assert xmp["credit"] == credit
        assert xmp["description"] == photo.caption
        assert xmp["rights"] == f"© {timezone.localtime(photo.uploaded_at).year} {agency}"
        assert xmp["headline"] == article.title
        assert xmp["web"] == f"{SITE}/berita/jembatan-kali-garang-dibuka/"
        assert xmp["alt"] == photo.alt_text

        iim = iim_of_jpeg(data)
        assert iim[(1, 90)] == [b"\x1b%G"]  # UTF-8
        assert iim[(2, 80)] == [person.encode()]
        assert iim[(2, 110)] == [credit.encode()]
        assert iim[(2, 120)] == [photo.caption.encode()]
        assert iim[(2, 116)][0].decode().endswith(agency)

        # Pillow reads the same, and the image is the original's, byte for byte.
        with Image.open(io.BytesIO(data)) as image:
            assert IptcImagePlugin.getiptcinfo(image)[(2, 110)] == credit.encode()
        before = original(photo)
        assert pixels(data) == pixels(before)
        _, scan = jpeg_segments(before)
        assert data.endswith(before[scan:])  # not re-encoded: the image data is untouched
        assert (photo.width, photo.height) == Image.open(io.BytesIO(data)).size


def test_the_kit_holds_the_text_as_docx_and_plain_text(client, story):
    archive = open_kit(download(client, story["article"]))
    folder = "kit-media-jembatan-kali-garang-dibuka/"
    document = Document(io.BytesIO(archive.read(f"{folder}jembatan-kali-garang-dibuka.docx")))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    assert paragraphs[0] == ("Title", "Jembatan Kali Garang Dibuka")
    assert paragraphs[1][1] == "SEMARANG, 2 Maret 2026 09.30 WIB"
    assert paragraphs[2][1].startswith("Jembatan sepanjang 120 meter")
    assert ("Normal", "Jembatan Kali Garang resmi dibuka untuk umum.") in paragraphs
    assert ("Heading 2", "Anggaran") in paragraphs
    assert ("List Bullet", "APBD Rp 12 miliar") in paragraphs
    assert ("Caption", "Peta") in paragraphs
    assert ("Normal", f"Informasi: kontak ({SITE}/halaman/kontak/).") in paragraphs
    bold = [r.text for p in document.paragraphs for r in p.runs if r.bold]
    assert "resmi dibuka" in bold
    photo_lines = [text for style, text in paragraphs if "Foto : " in text]
    assert len(photo_lines) == 3
    assert "Gubernur meninjau jembatan Kali Garang. Foto : Handy (Humas Jateng)" in photo_lines[0]
    assert document.core_properties.title == "Jembatan Kali Garang Dibuka"

    text = archive.read(f"{folder}jembatan-kali-garang-dibuka.txt").decode("utf-8")
    assert text.startswith("Jembatan Kali Garang Dibuka\n===")
    assert "resmi dibuka untuk umum." in text
    assert "- APBD Rp 12 miliar\n- Selesai 8 bulan\n" in text
    assert "Foto : Siti Rahma (Diskominfo Jateng)" in text
    assert "<" not in text  # no markup left


def test_the_manifest_says_what_is_in_the_kit_and_how_to_use_it(client, story, settings):
    archive = open_kit(download(client, story["article"]))
    manifest = archive.read("kit-media-jembatan-kali-garang-dibuka/manifest.txt").decode()
    assert manifest.startswith("Kit media: Jembatan Kali Garang Dibuka\n")
    assert f"Alamat: {SITE}/berita/jembatan-kali-garang-dibuka/" in manifest
    assert "Terbit: 2 Maret 2026 09.30 WIB" in manifest
    assert settings.SITE_NAME in manifest
    featured = story["featured"]
    assert f"- foto/01-handy-{featured.pk}.jpg: 900 x 600 piksel, berkas asli" in manifest
    assert "  Keterangan: Gubernur meninjau jembatan Kali Garang." in manifest
    assert "  Kredit: Foto : Handy (Humas Jateng)" in manifest
    assert manifest.count("(kredit dan keterangan tertulis di dalam berkas: XMP dan IPTC)") == 3
    assert "Penggunaan" in manifest and "menyebut" in manifest


def test_an_outside_source_is_the_credit_of_the_featured_photo(client, story):
    article = story["article"]
    article.photo_credit_text = "Dok. Diskominfo"
    article.save()
    archive = open_kit(download(client, article))
    name = next(n for n in archive.namelist() if "/foto/01-" in n)
    assert name.endswith(f"/foto/01-dok-diskominfo-{story['featured'].pk}.jpg")
    data = archive.read(name)
    assert xmp_fields(xmp_of_jpeg(data))["credit"] == "Foto : Dok. Diskominfo"
    assert iim_of_jpeg(data)[(2, 80)] == [b"Dok. Diskominfo"]


def image_bytes(fmt, mode="RGB", size=(320, 200), **options):
    image = Image.new(mode, size, (10, 120, 200, 128)[: len(mode)])
    image.paste((250, 200, 0, 255)[: len(mode)], (40, 40, 120, 120))
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def animated_gif():
    frames = [Image.new("RGB", (40, 30), color) for color in ((255, 0, 0), (0, 0, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100)
    return buffer.getvalue()


def test_png_webp_and_gif_photos_go_in_with_what_their_format_allows(client):
    photographer = make_photographer(name="Budi", agency="Humas Jateng")
    png = make_photo(content=image_bytes("PNG"), photographer=photographer, caption="PNG")
    webp = make_photo(content=image_bytes("WEBP", quality=90), photographer=photographer)
    gif = make_photo(content=animated_gif(), photographer=photographer)  # a still one is PNG
    article = make_article(featured_photo=png)
    for order, photo in enumerate((webp, gif)):
        GalleryItem.objects.create(article=article, photo=photo, order=order)
    archive = open_kit(download(client, article))
    names = {n.rsplit(".", 1)[1]: n for n in archive.namelist() if "/foto/" in n}
    assert set(names) == {"png", "webp", "gif"}
    for kind, photo in (("png", png), ("webp", webp)):
        data = archive.read(names[kind])
        assert pixels(data) == pixels(original(photo))
        with Image.open(io.BytesIO(data)) as image:
            packet = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp")
        packet = packet.encode() if isinstance(packet, str) else packet
        assert xmp_fields(packet)["credit"] == "Foto : Budi (Humas Jateng)"
    assert archive.read(names["gif"]) == original(gif)  # copied as it is
    manifest = archive.read(next(n for n in archive.namelist() if n.endswith("manifest.txt")))
    assert manifest.decode().count("tertulis di dalam berkas: XMP dan IPTC") == 2
    assert "tidak tertulis di dalam berkas ini" in manifest.decode()


# -- the metadata writer on its own ------------------------------------------------------

INFO = PhotoInfo(
    creator="Handy",
    credit="Foto : Handy (Humas Jateng)",
    caption='Gubernur & warga <di> "alun-alun"\x07',
    alt_text="Orang berkumpul",
    copyright="© 2026 Humas Jateng",
    headline="Judul",
    source="Humas",
)


def written(data, info=INFO):
    return b"".join(with_metadata(io.BytesIO(data), info))


def test_earlier_xmp_and_iptc_are_replaced_and_other_photoshop_resources_kept():
    image = Image.new("RGB", (64, 64), (1, 2, 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", xmp=b"<x:xmpmeta>old credit</x:xmpmeta>")
    data = buffer.getvalue()
    # An APP13 with an old IPTC block and another resource (0x03ED, resolution info).
    other = b"8BIM\x03\xed\x00\x00" + struct.pack(">I", 4) + b"\x00\x48\x00\x01"
    old_iim = b"\x1c\x02\x6e\x00\x03Old"
    old = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(old_iim)) + old_iim
    old += b"\x00\x00"  # padding some writers leave at the end
    payload = b"Photoshop 3.0\0" + other + old
    app13 = b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload
    data = data[:2] + app13 + data[2:]

    result = written(data)
    assert b"old credit" not in result and b"Old" not in result
    assert xmp_fields(xmp_of_jpeg(result))["credit"] == INFO.credit
    assert iim_of_jpeg(result)[(2, 110)] == [INFO.credit.encode()]
    assert other in result
    assert pixels(result) == pixels(data)


def test_a_hostile_caption_stays_text_in_the_xml():
    result = written(jpeg_bytes((32, 32)))
    fields = xmp_fields(xmp_of_jpeg(result))  # parses: & < > escaped, the bell dropped
    assert fields["description"] == 'Gubernur & warga <di> "alun-alun"'


def test_a_webp_with_alpha_keeps_its_extended_header_and_gains_the_xmp_flag():
    data = image_bytes("WEBP", mode="RGBA", quality=80)
    assert data[12:16] == b"VP8X"
    result = written(data)
    assert result[12:16] == b"VP8X" and result[20] & 0x04
    assert struct.unpack("<I", result[4:8])[0] == len(result) - 8  # the RIFF size is right
    assert pixels(result) == pixels(data)
    lossless = image_bytes("WEBP", lossless=True)
    assert lossless[12:16] == b"VP8L"
    result = written(lossless)
    assert result[12:16] == b"VP8X" and pixels(result) == pixels(lossless)


def test_files_it_cannot_write_into_are_said_so_before_any_byte():
    with pytest.raises(UnsupportedImage):
        with_metadata(io.BytesIO(image_bytes("GIF", mode="P")), INFO)
    with pytest.raises(UnsupportedImage):
        with_metadata(io.BytesIO(jpeg_bytes()[:40]), INFO)  # cut off in its headers
    with pytest.raises(UnsupportedImage):
        with_metadata(io.BytesIO(b"%PDF-1.4 not a photo"), INFO)


# -- memory ---------------------------------------------------------------------------


def large_jpeg(side=1700):
    """Noise does not compress: about 3 MB of JPEG."""
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def stream_measured(client, url, sink):
    """(bytes sent, peak of Python's allocations) while the response is consumed."""
    tracemalloc.start()
    try:
        response = client.get(url)
        assert response.status_code == 200
        total = 0
        # The test client closes the response once its content is consumed (a second
        # close() would send request_finished again, which drops the test's PostgreSQL
        # connection).
        for chunk in response.streaming_content:
            sink.write(chunk)
            total += len(chunk)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return total, peak, response


def test_memory_stays_bounded_with_thirty_large_photos(client, tmp_path):
    """30 photos of ~3 MB each: the ZIP is over 60 MB, memory stays under 20 MB, built or
    sent from the cache."""
    content = large_jpeg()
    assert len(content) > 2_500_000
    photographer = make_photographer(name="Fotografer Besar")
    article = make_article()
    for order in range(30):
        name = default_storage.save(photo_upload_to(None, "besar.jpg"), ContentFile(content))
        photo = Photo.objects.create(
            image=name, width=1700, height=1700, photographer=photographer, caption=f"Foto {order}"
        )
        GalleryItem.objects.create(article=article, photo=photo, order=order)
    url = kit_url(article)
    # The first request of a process imports every app's views and loads the catalogs
    # (about 25 MB, once): not the kit's cost, so a small kit is fetched first.
    b"".join(client.get(kit_url(make_article())).streaming_content)

    with open(tmp_path / "built.zip", "wb") as sink:
        total, peak, response = stream_measured(client, url, sink)
    assert response.__class__.__name__ == "StreamingHttpResponse"
    assert total > 60 * 1024 * 1024
    assert peak < 20 * 1024 * 1024, f"peak {peak / 2**20:.1f} MB for {total / 2**20:.1f} MB"
    built_peak = peak
    with zipfile.ZipFile(tmp_path / "built.zip") as archive:
        photos = [n for n in archive.namelist() if "/foto/" in n]
        assert len(photos) == 30 and archive.testzip() is None
        with archive.open(photos[-1]) as entry:
            data = entry.read()
    assert iim_of_jpeg(data)[(2, 120)] == [b"Foto 29"]

    with open(tmp_path / "cached.zip", "wb") as sink:
        total_again, peak, response = stream_measured(client, url, sink)
    assert response.__class__.__name__ == "FileResponse"
    assert total_again == total and peak < 20 * 1024 * 1024
    mb = 2**20
    print(f"kit {total / mb:.1f} MB; peak {built_peak / mb:.2f} MB built, {peak / mb:.2f} cached")


# -- the cache ------------------------------------------------------------------------


def test_a_built_kit_is_reused_until_the_article_or_a_photo_credit_changes(client, story):
    article = story["article"]
    first = download(client, article)
    assert len(kit_files()) == 1
    response = client.get(kit_url(article))
    assert response.__class__.__name__ == "FileResponse"  # from the cache
    assert int(response["Content-Length"]) == len(first)
    assert b"".join(response.streaming_content) == first

    # The article changes: its kit goes at once, and the next download builds anew.
    article.title = "Jembatan Kali Garang Resmi Dibuka"
    article.save()
    assert kit_files() == []
    changed = open_kit(download(client, article))
    assert any(
        "Resmi Dibuka" in changed.read(n).decode() for n in changed.namelist() if n.endswith(".txt")
    )
    assert len(kit_files()) == 1

    # A photographer's agency changes (no article save): a new version replaces the old.
    before = kit_files()
    photographer = story["gallery"].photographer
    photographer.agency = "Biro Umum"
    photographer.save()
    archive = open_kit(download(client, article))
    name = next(n for n in archive.namelist() if "/foto/02-" in n)
    assert iim_of_jpeg(archive.read(name))[(2, 110)] == [b"Foto : Siti Rahma (Biro Umum)"]
    assert len(kit_files()) == 1 and kit_files() != before

    # A caption changes: the same.
    photo = story["featured"]
    photo.caption = "Keterangan baru."
    photo.save()
    archive = open_kit(download(client, article))
    name = next(n for n in archive.namelist() if "/foto/01-" in n)
    assert xmp_fields(xmp_of_jpeg(archive.read(name)))["description"] == "Keterangan baru."


def test_a_download_cut_off_half_way_keeps_nothing(client, story):
    response = client.get(kit_url(story["article"]))
    chunks = iter(response.streaming_content)
    next(chunks)
    response.close()
    assert kit_files() == []


def test_a_head_request_builds_nothing(client, story):
    response = client.head(kit_url(story["article"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert kit_files() == []


def test_the_download_costs_a_fixed_number_of_queries(client, story, django_assert_max_num_queries):
    """Prevents a query per photo (its photographer) when the kit is assembled."""
    # the limit (its savepoint, count, sweep, release); article; gallery; inline photos
    with django_assert_max_num_queries(7):
        response = client.get(kit_url(story["article"]))
    b"".join(response.streaming_content)


# -- who gets one ---------------------------------------------------------------------


def test_no_kit_for_drafts_scheduled_or_embargoed_articles(client, story):
    draft = make_article(status=Article.Status.DRAFT)
    scheduled = make_article(published_at=timezone.now() + timedelta(hours=3))
    embargoed = make_article(
        kind=Article.Kind.PRESS_RELEASE,
        title="Siaran pers berembargo",
        published_at=timezone.now() + timedelta(hours=1),
    )
    for article in (draft, scheduled, embargoed):
        assert client.get(kit_url(article)).status_code == 404
    assert client.get("/berita/tidak-ada/kit-media.zip").status_code == 404
    assert kit_files() == []


def test_a_kit_built_before_an_embargo_was_set_does_not_leak(client, story):
    """A release published by mistake, then put back under embargo: the kit built in
    between is neither served nor kept."""
    article = story["article"]
    download(client, article)
    assert len(kit_files()) == 1
    article.kind = Article.Kind.PRESS_RELEASE
    article.published_at = timezone.now() + timedelta(hours=2)
    article.save()
    assert client.get(kit_url(article)).status_code == 404
    assert kit_files() == []
    # Withdrawn (taken down): the same.
    article.published_at = timezone.now() - timedelta(minutes=1)
    article.save()
    download(client, article)
    article.status = Article.Status.UNPUBLISHED
    article.save()
    assert client.get(kit_url(article)).status_code == 404
    assert kit_files() == []


def test_downloads_are_limited_per_address(client, story, settings):
    settings.MEDIAKIT_DOWNLOADS_PER_HOUR = 2
    url = kit_url(story["article"])
    for _ in range(2):
        response = client.get(url, REMOTE_ADDR="198.51.100.7")
        assert response.status_code == 200
        b"".join(response.streaming_content)
    response = client.get(url, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "Terlalu banyak unduhan" in response.content.decode()
    assert client.get(url, REMOTE_ADDR="198.51.100.8").status_code == 200


def test_the_article_page_links_to_its_media_kit(client, story):
    article = story["article"]
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'<a href="/berita/{article.slug}/kit-media.zip" download>Unduh kit media</a>' in html


def test_the_metadata_module_copies_in_chunks():
    """The image data is passed on in chunks of metadata.CHUNK, never read whole."""
    data = jpeg_bytes((1200, 1200))
    parts = list(with_metadata(io.BytesIO(data), INFO))
    assert max(len(part) for part in parts[1:]) <= metadata.CHUNK
