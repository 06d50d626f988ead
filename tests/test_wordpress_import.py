"""`manage.py import_wordpress`: a WordPress export written for these tests
(tests/data/wordpress/humas-export.xml), the photos of its wp-content/uploads, hostile
files, a re-import, and the old site's links."""

import io
import re
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone
from PIL import Image
from taggit.models import Tag

from articles.models import Article, Category, Comment, Photo, Photographer
from wordpress.importer import Importer
from wordpress.models import ImportedAttachment, ImportedComment, ImportedPost, LegacyPath

from .factories import make_reader, make_user

pytestmark = pytest.mark.django_db

EXPORT = Path(__file__).parent / "data" / "wordpress" / "humas-export.xml"


def jpeg(path, size=(1600, 1067), colour=(40, 90, 160)):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path, "JPEG", quality=80)


@pytest.fixture
def uploads(tmp_path):
    root = tmp_path / "uploads"
    jpeg(root / "2025/05/jembatan.jpg")
    jpeg(root / "2025/05/ktp-keliling.jpg", (1200, 800), (150, 60, 40))
    jpeg(root / "2025/05/IMG_4032.jpg", (900, 600), (20, 120, 60))
    (root / "2025/05/siaran-pers.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    # 2025/05/hilang.jpg is missing on purpose.
    return root


def run(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_wordpress", *map(str, args), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def snapshot():
    return {
        model.__name__: sorted(model.objects.values_list("pk", flat=True))
        for model in (Article, Category, Comment, Photo, Photographer, Tag, get_user_model(),
                      ImportedPost, ImportedAttachment, ImportedComment, LegacyPath)
    } | {"updated": sorted(Article.objects.values_list("pk", "updated_at"))}  # fmt: skip


# --- what is imported -------------------------------------------------------------------


def test_posts_of_every_status_become_articles_of_the_matching_status(uploads):
    out, err = run(EXPORT, uploads=uploads)
    articles = {a.title: a for a in Article.objects.all()}
    bridge = articles["Bupati Meresmikan Jembatan Kali Serang"]
    assert bridge.status == "published" and bridge.is_published()
    # post_date_gmt 02:00 UTC is 09:00 WIB.
    assert bridge.published_at == datetime(2025, 5, 12, 2, 0, tzinfo=UTC)
    assert timezone.localtime(bridge.published_at).hour == 9
    assert articles["Pengumuman Seleksi Perangkat Desa"].is_scheduled
    assert articles["Rencana Festival Budaya (draf)"].status == "draft"
    assert articles["Menunggu Redaktur: Rapat Koordinasi"].status == "review"
    assert articles["Catatan Internal Pimpinan"].status == "draft"  # private
    assert articles["Gaji Ke-13 Cair Pekan Depan"].status == "draft"  # had a password
    assert "Berita Dihapus" not in articles  # trash
    assert "Profil Kabupaten" not in articles and "Beranda" not in articles  # page, menu
    assert len(articles) == 7
    assert "posts imported (published): 2" in out
    assert "Posts: 100%" in err and "8/8" in err  # the progress bar: done and left


def test_categories_are_flattened_and_an_article_gets_the_most_specific(uploads):
    run(EXPORT, uploads=uploads)
    names = set(Category.objects.values_list("name", flat=True))
    assert {"Berita", "Berita Daerah", "Layanan Publik", "Berita Daerah (Layanan Publik)"} <= names
    bridge = Article.objects.get(title__startswith="Bupati Meresmikan")
    assert bridge.category.name == "Berita Daerah"
    assert bridge.category.slug == "beritadaerah"
    ktp = Article.objects.get(title__startswith="Pelayanan KTP")
    assert ktp.category.name == "Berita Daerah (Layanan Publik)"


def test_tags_keep_their_names_including_javanese_script(uploads):
    run(EXPORT, uploads=uploads)
    bridge = Article.objects.get(title__startswith="Bupati Meresmikan")
    assert set(bridge.tags.names()) == {"Jawa Tengah", "ꦤꦏ꧀ꦱꦫ ꦗꦮ"}
    ktp = Article.objects.get(title__startswith="Pelayanan KTP")
    assert list(ktp.tags.names()) == ["Pendidikan & Budaya"]


def test_authors_become_staff_with_a_password_nobody_knows_matched_by_email(uploads):
    existing = make_user(username="bagus.s", email="bagus.santoso@contoh.go.id", is_staff=True)
    run(EXPORT, uploads=uploads)
    sri = get_user_model().objects.get(email="sri.wahyuni@contoh.go.id")
    assert sri.is_staff and not sri.is_superuser
    assert not sri.check_password("")  # random; chosen again through the reset mail
    assert sri.display_name == "Sri Wahyuni"
    assert list(sri.groups.values_list("name", flat=True)) == ["Penulis"]
    ktp = Article.objects.get(title__startswith="Pelayanan KTP")
    assert ktp.author == existing  # "Bagus.Santoso@Contoh.go.id" in the export
    assert get_user_model().objects.filter(email__iexact="bagus.santoso@contoh.go.id").count() == 1


def test_featured_photo_caption_credit_and_alt_text_come_along(uploads):
    run(EXPORT, uploads=uploads)
    bridge = Article.objects.get(title__startswith="Bupati Meresmikan")
    photo = bridge.featured_photo
    assert photo.alt_text == "Bupati menggunting pita di Jembatan Kali Serang"
    assert photo.caption == "Peresmian jembatan oleh Bupati."
    assert photo.photographer.name == "Agus Prasetyo"  # the IPTC credit
    assert (photo.width, photo.height) == (1600, 1067)
    assert len(photo.renditions) == 9
    # Alt text falls back to the caption; a camera file name is never used as alt text.
    queue = ImportedAttachment.objects.get(wp_id=203).photo
    assert queue.alt_text == "Antrean warga sejak pagi."
    assert queue.photographer.name == "Bagus Santoso"  # no credit: who uploaded it
    # The article can be published again from the admin: its photos pass the rule.
    assert bridge.photo_problems() == []


def test_bodies_are_clean_html_pointing_at_the_imported_photos(uploads):
    run(EXPORT, uploads=uploads)
    bridge = Article.objects.get(title__startswith="Bupati Meresmikan")
    photo = bridge.featured_photo
    assert "<script" not in bridge.body and "alert" not in bridge.body
    assert "wp:paragraph" not in bridge.body and "wp-content" not in bridge.body
    assert "<strong>Jembatan Kali Serang</strong>" in bridge.body
    rendition = next(r["name"] for r in photo.renditions if r["format"] == "jpeg"
                     and r["kind"] == "fit" and r["width"] == 1200)  # fmt: skip
    assert f'src="/media/{rendition}"' in bridge.body
    assert "<figcaption>Peresmian jembatan oleh Bupati.</figcaption>" in bridge.body
    assert bridge.lead == "Jembatan Kali Serang menghubungkan dua kecamatan."

    ktp = Article.objects.get(title__startswith="Pelayanan KTP")
    assert ktp.body.startswith("<p>Dinas Kependudukan membuka layanan KTP keliling")
    assert "<br>" in ktp.body  # a single line break inside a paragraph
    assert "<figcaption>Petugas melayani warga di balai desa.</figcaption>" in ktp.body
    # The gallery: its two photos that exist, as figures; the missing one is left out.
    queue = ImportedAttachment.objects.get(wp_id=203).photo
    assert queue.renditions[0]["name"].split("/")[1] in ktp.body
    assert "[gallery" not in ktp.body and "[caption" not in ktp.body
    assert "hilang" not in ktp.body


def test_missing_and_unsupported_files_are_reported_not_fatal(uploads):
    out, _ = run(EXPORT, uploads=uploads)
    assert "missing files (not in --uploads): 1" in out
    assert "2025/05/hilang.jpg" in out
    # The PDF is not a photo: it is offered to the documents, which refuse this one.
    assert "documents refused: 1" in out
    assert "2025/05/siaran-pers.pdf: not imported as a document" in out
    assert not ImportedAttachment.objects.filter(wp_id__in=[204, 205]).exists()
    assert Photo.objects.count() == 3
    assert Article.objects.get(title__startswith="Pelayanan KTP").is_published()


def test_without_uploads_posts_still_import_and_every_file_is_reported(tmp_path):
    out, _ = run(EXPORT)
    assert Article.objects.count() == 7
    assert not Photo.objects.exists()
    assert "missing files (not in --uploads): 5" in out  # 4 photos and the PDF document


def test_approved_comments_come_along_with_the_commenters_name_only(uploads):
    dewi = make_reader(email="dewi@example.com", display_name="Dewi L.")
    run(EXPORT, uploads=uploads)
    bridge = Article.objects.get(title__startswith="Bupati Meresmikan")
    comments = {c.body: c for c in Comment.objects.filter(article=bridge)}
    assert set(comments) == {
        "Alhamdulillah, akhirnya jembatan ini jadi. Terima kasih Pak Bupati!",
        "Semoga awet 👍 alert(1)",
    }
    by_dewi = comments["Alhamdulillah, akhirnya jembatan ini jadi. Terima kasih Pak Bupati!"]
    assert by_dewi.user == dewi and by_dewi.author_name == ""
    anonymous = comments["Semoga awet 👍 alert(1)"]
    assert anonymous.user is None and anonymous.author_name == "Warga Senang"
    assert anonymous.status == "approved"
    assert anonymous.created_at == datetime(2025, 5, 12, 4, 0, tzinfo=UTC)
    # No address, IP or website of a commenter is kept anywhere.
    assert not get_user_model().objects.filter(email="warga@example.org").exists()


def test_imported_comments_show_under_the_article(client, uploads):
    run(EXPORT, uploads=uploads)
    html = client.get("/berita/bupati-meresmikan-jembatan-kali-serang/").content.decode()
    assert "Warga Senang" in html and "Semoga awet 👍" in html
    assert "Obat Murah" not in html and "Blog Tetangga" not in html


# --- once, and safely -------------------------------------------------------------------


def test_a_second_run_changes_nothing(uploads):
    run(EXPORT, uploads=uploads)
    before = snapshot()
    out, _ = run(EXPORT, uploads=uploads)
    assert snapshot() == before
    assert "posts already imported: 7" in out
    assert "posts imported" not in out


def test_a_dry_run_says_what_would_happen_and_changes_nothing(uploads):
    before = snapshot()
    out, _ = run(EXPORT, uploads=uploads, dry_run=True)
    assert snapshot() == before
    assert out.startswith("Dry run: nothing was changed.")
    assert "posts to import (published): 2" in out
    assert "posts to import (scheduled): 1" in out
    assert "posts to import (draft): 3" in out
    assert "2025/05/hilang.jpg" in out


ENTITY_BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss><channel><wp:wxr_version xmlns:wp="http://wordpress.org/export/1.2/">1.2</wp:wxr_version>
<item><title>&lol9;</title></item></channel></rss>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss><channel><item><title>&secret;</title></item></channel></rss>
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (ENTITY_BOMB, "declares XML entities or a DTD"),
        (EXTERNAL_ENTITY, "declares XML entities or a DTD"),
        ("<rss><channel><item><title>Terpotong", "not well-formed XML (line 1"),
        ("ini bukan XML sama sekali", "not well-formed XML"),
        ("", "not well-formed XML"),
        ('<?xml version="1.0"?><html><body>halo</body></html>', "does not start with <rss>"),
        ("<rss><channel><title>RSS biasa</title></channel></rss>", "no <wp:wxr_version>"),
    ],
)
def test_broken_or_hostile_files_are_refused_with_a_message_and_change_nothing(
    tmp_path, uploads, text, message
):
    run(EXPORT, uploads=uploads)
    before = snapshot()
    path = tmp_path / "export.xml"
    path.write_text(text)
    with pytest.raises(CommandError, match=re.escape(message)):
        run(path, uploads=uploads)
    assert snapshot() == before


def test_a_truncated_export_imports_nothing_at_all(tmp_path, uploads):
    data = EXPORT.read_bytes()
    path = tmp_path / "terpotong.xml"
    path.write_bytes(data[: int(len(data) * 0.7)])  # cut in the middle of a post
    before = snapshot()
    with pytest.raises(CommandError, match="truncated or damaged"):
        run(path, uploads=uploads)
    assert snapshot() == before


def test_an_uploads_path_outside_the_directory_is_not_followed(tmp_path):
    """A crafted _wp_attached_file ("../../etc/...") cannot read files outside --uploads."""
    secret = tmp_path / "rahasia.jpg"
    jpeg(secret)
    root = tmp_path / "uploads"
    root.mkdir()
    text = EXPORT.read_text().replace("[CDATA[2025/05/jembatan.jpg]]>", "[CDATA[../rahasia.jpg]]>")
    path = tmp_path / "export.xml"
    path.write_text(text)
    out, _ = run(path, uploads=root)
    assert not ImportedAttachment.objects.filter(wp_id=201).exists()
    assert "../rahasia.jpg" in out


def test_the_file_is_streamed_not_loaded(tmp_path):
    """A 40 MB export is read with a few megabytes of memory: each item is let go."""
    path = tmp_path / "besar.xml"
    filler = "Paragraf panjang tentang pembangunan daerah. " * 30
    with path.open("w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
                'xmlns:wp="http://wordpress.org/export/1.2/" '
                'xmlns:content="http://purl.org/rss/1.0/modules/content/">'
                "<channel><title>Besar</title><wp:wxr_version>1.2</wp:wxr_version>")  # fmt: skip
        for i in range(30_000):
            f.write(f"<item><title>Menu {i}</title><content:encoded><![CDATA[{filler}]]>"
                    f"</content:encoded><wp:post_id>{i}</wp:post_id>"
                    "<wp:post_type>nav_menu_item</wp:post_type></item>")  # fmt: skip
        f.write("</channel></rss>")
    assert path.stat().st_size > 40_000_000
    tracemalloc.start()
    importer = Importer(path)
    importer.scan()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert importer.site.title == "Besar"
    assert peak < 5_000_000, f"peak {peak / 1e6:.1f} MB"


# --- the old site's links ---------------------------------------------------------------


def test_old_post_addresses_answer_301_to_the_new_pages(client, uploads):
    run(EXPORT, uploads=uploads)
    bridge = Article.objects.get(title__startswith="Bupati Meresmikan").get_absolute_url()
    ktp = Article.objects.get(title__startswith="Pelayanan KTP").get_absolute_url()
    for old, new in [
        ("/beritadaerah/bupati-meresmikan-jembatan-kali-serang/", bridge),
        ("/beritadaerah/bupati-meresmikan-jembatan-kali-serang", bridge),
        ("/beritadaerah/bupati-meresmikan-jembatan-kali-serang/amp/", bridge),
        ("/beritadaerah/bupati-meresmikan-jembatan-kali-serang/feed/", bridge),
        ("/publik/pelayanan-ktp-keliling-hadir-di-desa-sukamaju/", ktp),
        ("/?p=101", bridge),
        ("/?p=102", ktp),
    ]:
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == new, old
        assert client.get(new).status_code == 200


def test_unpublished_posts_are_not_revealed_by_their_old_links(client, uploads):
    run(EXPORT, uploads=uploads)
    for old in ("/?p=103", "/?p=105", "/?p=106", "/publik/pengumuman-seleksi-perangkat-desa/",
                "/berita/catatan-internal-pimpinan/", "/?p=999999", "/?p=abc"):  # fmt: skip
        response = client.get(old)
        assert response.status_code in {200, 404}, old  # "/?p=..." is the home page
        assert "Location" not in response


def test_old_category_and_tag_archives_answer_301(client, uploads):
    run(EXPORT, uploads=uploads)
    berita_daerah = Category.objects.get(name="Berita Daerah").get_absolute_url()
    for old, new in [
        ("/category/berita/beritadaerah/", berita_daerah),
        ("/category/berita/beritadaerah/page/3/", berita_daerah),
        ("/category/publik/", Category.objects.get(name="Layanan Publik").get_absolute_url()),
    ]:
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new), old
    javanese = Tag.objects.get(name="ꦤꦏ꧀ꦱꦫ ꦗꦮ")
    response = client.get("/tag/%ea%a6%a4%ea%a6%8f%ea%a7%80%ea%a6%b1%ea%a6%ab-%ea%a6%97%ea%a6%ae/")
    assert response.status_code == 301
    assert client.get(response["Location"]).status_code == 200
    assert javanese.slug in response["Location"] or "%" in response["Location"]


def test_old_media_addresses_answer_301_to_the_imported_files(client, uploads):
    run(EXPORT, uploads=uploads)
    photo = ImportedAttachment.objects.get(wp_id=201).photo
    for old in ("/wp-content/uploads/2025/05/jembatan.jpg",
                "/wp-content/uploads/2025/05/jembatan-1024x683.jpg",
                "/wp-content/uploads/2025/05/jembatan-scaled.jpg",
                "/?attachment_id=201"):  # fmt: skip
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, photo.image.url), old
    assert client.get("/wp-content/uploads/2025/05/hilang.jpg").status_code == 404
    assert client.get("/wp-content/uploads/2025/05/siaran-pers.pdf").status_code == 404


def test_unknown_old_addresses_still_answer_404(client, uploads):
    run(EXPORT, uploads=uploads)
    for path in ("/beritadaerah/tidak-ada/", "/wp-admin/", "/wp-login.php", "/x" * 400):
        # Without a final slash, Django first adds it (APPEND_SLASH: the pages app answers
        # any path that ends in one); the address with it is a 404 all the same.
        response = client.get(path, follow=True)
        assert response.status_code == 404, path
        assert [url for url, _status in response.redirect_chain] in ([], [path + "/"]), path


def test_a_few_hundred_posts_import_once_and_every_old_address_lands(client, tmp_path):
    """The issue's "done when": 300 posts, one command, again without duplicates."""
    path = tmp_path / "ratusan.xml"
    path.write_text(many_posts(300))
    out, err = run(path)
    assert "posts imported (published): 300" in out
    assert "300/300" in err
    again, _ = run(path)
    assert "posts already imported: 300" in again
    assert Article.objects.count() == 300
    for i in range(0, 300, 7):
        response = client.get(f"/beritadaerah/kabar-desa-nomor-{i}/")
        assert response.status_code == 301
        assert client.get(response["Location"]).status_code == 200


def many_posts(count):
    items = "".join(
        f"""<item><title>Kabar Desa Nomor {i}</title>
<link>https://humas.contoh.go.id/beritadaerah/kabar-desa-nomor-{i}/</link>
<dc:creator>sri</dc:creator>
<content:encoded><![CDATA[<!-- wp:paragraph --><p>Isi kabar nomor {i}.</p>
<!-- /wp:paragraph -->]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{1000 + i}</wp:post_id>
<wp:post_date>2024-01-01 08:00:00</wp:post_date>
<wp:post_date_gmt>2024-01-01 01:00:00</wp:post_date_gmt>
<wp:post_name>kabar-desa-nomor-{i}</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<category domain="category" nicename="beritadaerah"><![CDATA[Berita Daerah]]></category>
<category domain="post_tag" nicename="desa-{i % 10}"><![CDATA[Desa {i % 10}]]></category>
</item>"""
        for i in range(count)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.1/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.1/">
<channel><title>Humas Contoh</title><wp:wxr_version>1.1</wp:wxr_version>
<wp:author><wp:author_login>sri</wp:author_login><wp:author_email>sri@contoh.go.id</wp:author_email>
<wp:author_display_name>Sri</wp:author_display_name></wp:author>
{items}</channel></rss>"""


def test_odd_and_hostile_posts_are_imported_sanely_or_skipped(tmp_path, client):
    long_title = "Judul " + "sangat panjang " * 400
    long_slug = "kategori-" + "x" * 300
    items = f"""
<item><title><![CDATA[{long_title}]]></title><link>https://contoh.go.id/a/</link>
<content:encoded><![CDATA[<p onclick="alert(1)">Isi <iframe src="https://evil.example/"></iframe></p>]]></content:encoded>
<wp:post_id>1</wp:post_id><wp:post_date>2025-13-45 99:99:99</wp:post_date>
<wp:post_name>a</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<category domain="category" nicename="{long_slug}"><![CDATA[Kategori Panjang]]></category>
<wp:comment><wp:comment_author>Tanpa Id</wp:comment_author>
<wp:comment_content>Komentar tanpa id</wp:comment_content>
<wp:comment_approved>1</wp:comment_approved>
</wp:comment>
</item>
<item><title>Tanpa id</title><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
</item>
<item><wp:post_id>3</wp:post_id><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
</item>"""
    path = tmp_path / "aneh.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><rss xmlns:wp="http://wordpress.org/export/1.2/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Aneh</title>'
        f"<wp:wxr_version>1.2</wp:wxr_version>{items}</channel></rss>"
    )
    out, _ = run(path)
    assert "posts skipped (no post id): 1" in out
    assert "posts imported (published): 2" in out
    long_one = ImportedPost.objects.get(wp_id=1).article
    assert len(long_one.title) == 200
    assert "onclick" not in long_one.body and "iframe" not in long_one.body
    assert long_one.published_at is not None  # the unreadable date: imported now
    assert len(long_one.category.slug) <= 190
    assert not Comment.objects.exists()  # a comment without an id cannot be matched again
    untitled = ImportedPost.objects.get(wp_id=3).article
    assert untitled.title == "(tanpa judul, WordPress #3)"
    assert client.get(untitled.get_absolute_url()).status_code == 200
    again, _ = run(path)
    assert "posts already imported: 2" in again
