"""`import_wordpress`: a [gallery] without ids shows the images uploaded to its post, and a
custom category or tag base keeps the old archives' addresses."""

import pytest
from django.core.management import CommandError

from articles.models import Article, Category, Photo

from .test_wordpress_import import EXPORT, jpeg, run
from .test_wordpress_import import uploads as uploads

pytestmark = pytest.mark.django_db

ITEM = """<item><title><![CDATA[{title}]]></title><link>https://humas.contoh.go.id/{slug}/</link>
<dc:creator><![CDATA[admin]]></dc:creator>
<content:encoded><![CDATA[{content}]]></content:encoded><excerpt:encoded><![CDATA[{excerpt}]]></excerpt:encoded>
<wp:post_id>{wp_id}</wp:post_id><wp:post_date_gmt><![CDATA[2025-05-02 01:00:00]]></wp:post_date_gmt>
<wp:post_name><![CDATA[{slug}]]></wp:post_name><wp:status><![CDATA[{status}]]></wp:status>
<wp:post_parent>{parent}</wp:post_parent><wp:post_type><![CDATA[{kind}]]></wp:post_type>
{extra}</item>"""


def attachment(wp_id, parent, name, caption):
    url = f"https://humas.contoh.go.id/wp-content/uploads/2025/05/{name}"
    return ITEM.format(
        title=name, slug=name.split(".")[0], content="", excerpt=caption, wp_id=wp_id,
        status="inherit", parent=parent, kind="attachment",
        extra=f"<wp:attachment_url><![CDATA[{url}]]></wp:attachment_url>"
        f"<wp:post_mime_type><![CDATA[image/jpeg]]></wp:post_mime_type>"
        f"<wp:postmeta><wp:meta_key><![CDATA[_wp_attached_file]]></wp:meta_key>"
        f"<wp:meta_value><![CDATA[2025/05/{name}]]></wp:meta_value></wp:postmeta>",
    )  # fmt: skip


def export(path, content):
    items = [
        attachment(11, 10, "pasar-1.jpg", "Pedagang di pasar"),
        attachment(12, 10, "pasar-2.jpg", "Los baru"),
        attachment(13, 10, "pasar-3.jpg", "Dikecualikan"),
        attachment(14, 99, "lain.jpg", "Foto tulisan lain"),
        ITEM.format(title="Pasar Johar dibuka", slug="pasar-johar", content=content, excerpt="",
                    wp_id=10, status="publish", parent=0, kind="post", extra=""),
    ]  # fmt: skip
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">'
        "<channel><title>Humas</title><link>https://humas.contoh.go.id</link>"
        "<wp:wxr_version>1.2</wp:wxr_version>"
        "<wp:base_site_url>https://humas.contoh.go.id</wp:base_site_url>"
        + "".join(items)
        + "</channel></rss>",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def photos(tmp_path):
    root = tmp_path / "galeri"
    for name in ("pasar-1.jpg", "pasar-2.jpg", "pasar-3.jpg", "lain.jpg"):
        jpeg(root / "2025/05" / name, (800, 600))
    return root


def test_a_gallery_without_ids_shows_the_images_uploaded_to_its_post(tmp_path, photos):
    path = export(tmp_path / "x.xml", '<p>Pasar dibuka.</p>[gallery columns="2" exclude="13"]')
    run(path, uploads=photos)
    body = Article.objects.get(title="Pasar Johar dibuka").body
    assert "[gallery" not in body
    assert body.count("<figure") == 2
    assert body.index("Pedagang di pasar") < body.index("Los baru")
    assert "Dikecualikan" not in body and "Foto tulisan lain" not in body
    assert Photo.objects.count() == 4  # every image keeps its old address all the same


def test_a_gallery_with_ids_is_unchanged_by_the_posts_own_images(tmp_path, photos):
    run(export(tmp_path / "x.xml", '[gallery ids="12"]'), uploads=photos)
    body = Article.objects.get(title="Pasar Johar dibuka").body
    assert body.count("<figure") == 1 and "Los baru" in body


def test_a_custom_category_base_keeps_the_old_archive_addresses(client, uploads):
    run(EXPORT, uploads=uploads, category_base="/topik/", tag_base="label")
    berita_daerah = Category.objects.get(name="Berita Daerah").get_absolute_url()
    response = client.get("/topik/berita/beritadaerah/")
    assert (response.status_code, response["Location"]) == (301, berita_daerah)
    response = client.get("/topik/berita/beritadaerah/page/2/")
    assert (response.status_code, response["Location"]) == (301, berita_daerah)
    assert client.get("/category/berita/beritadaerah/").status_code != 301


@pytest.mark.parametrize("base", ["../etc", "a b", "<script>", "topik//x"])
def test_a_bad_permalink_base_is_refused_before_anything_is_imported(uploads, base):
    with pytest.raises(CommandError, match="not a permalink base"):
        run(EXPORT, uploads=uploads, category_base=base)
    assert not Article.objects.exists()
