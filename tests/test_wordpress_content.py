"""wordpress.content: WordPress post bodies into the HTML our sanitizer keeps.

The samples follow what WordPress exports in `content:encoded`: classic-editor text with
no <p> (wpautop adds them on display), [caption]/[gallery] shortcodes as the media
dialog writes them, and block markup as the block editor (Gutenberg) serializes it.
"""

import re
import time
from urllib.parse import urlsplit

import pytest

from articles.sanitize import sanitize_html
from wordpress.content import convert, excerpt_text

UPLOADS = "https://humas.jatengprov.go.id/wp-content/uploads/2024/05"

PHOTOS = {
    "/wp-content/uploads/2024/05/peresmian-jembatan.jpg": {
        "src": "/media/photos/2024/05/peresmian-jembatan.jpg",
        "alt": "Gubernur meresmikan jembatan",
        "caption": "",
        "width": 1600,
        "height": 1067,
    },
    "/wp-content/uploads/2024/05/pameran-umkm.jpg": {
        "src": "/media/photos/2024/05/pameran-umkm.jpg",
        "alt": "Pameran UMKM",
        "caption": "",
        "width": None,
        "height": None,
    },
}
ATTACHMENTS = {
    123: {
        "src": "/media/photos/2024/05/stan-batik.jpg",
        "alt": "Stan batik",
        "caption": "",
        "width": 1200,
        "height": 800,
    },
    201: {
        "src": "/media/photos/2024/05/stan-1.jpg",
        "alt": "Stan kerajinan",
        "caption": "Kerajinan kayu Jepara",
        "width": 1200,
        "height": 800,
    },
    202: {
        "src": "/media/photos/2024/05/stan-2.jpg",
        "alt": "",
        "caption": "Batik tulis <em>Lasem</em>",
        "width": 800,
        "height": 1200,
    },
}
_SIZE_VARIANT = re.compile(r"-\d+x\d+(?=\.\w+$)")


def resolve(url):
    """What the importer does: an upload URL, any host and any size, to the photo."""
    return PHOTOS.get(_SIZE_VARIANT.sub("", urlsplit(url).path))


def convert_with_media(html):
    return convert(html, resolve_media=resolve, attachments=ATTACHMENTS)


# --------------------------------------------------------------------------------------
# Classic editor content: wpautop.
# --------------------------------------------------------------------------------------


def test_classic_post_gets_paragraphs_and_line_breaks_like_wpautop():
    html = (
        "SEMARANG – Gubernur Jawa Tengah meresmikan jembatan baru di Demak.\r\n"  # noqa: RUF001 - the dateline's en dash
        "\r\n"
        "Dalam sambutannya, Gubernur berterima kasih kepada warga.\r\n"
        "Acara dihadiri Bupati Demak.\r\n"
        "\r\n"
        "\r\n"
        "\r\n"
        "Peresmian ditutup dengan doa bersama."
    )
    assert convert(html) == (
        "<p>SEMARANG – Gubernur Jawa Tengah meresmikan jembatan baru di Demak.</p>"  # noqa: RUF001 - the dateline's en dash
        "<p>Dalam sambutannya, Gubernur berterima kasih kepada warga.<br>\n"
        "Acara dihadiri Bupati Demak.</p>"
        "<p>Peresmian ditutup dengan doa bersama.</p>"
    )


def test_block_level_elements_are_not_wrapped_in_paragraphs():
    html = (
        "Rincian anggaran:\n"
        "<ul>\n"
        "\t<li>APBD: Rp 12 miliar</li>\n"
        "\t<li>APBN: Rp 8 miliar</li>\n"
        "</ul>\n"
        "<h2>Jadwal</h2>\n"
        "Pekerjaan dimulai Juni.\n"
        "<blockquote>Kami ingin jembatan ini selesai tepat waktu.</blockquote>\n"
        "<table>\n<tr>\n<td>Tahap 1</td>\n<td>Juni</td>\n</tr>\n</table>\n"
        "<hr />\n"
        "Selesai."
    )
    assert convert(html) == (
        "<p>Rincian anggaran:</p>"
        "<ul><li>APBD: Rp 12 miliar</li><li>APBN: Rp 8 miliar</li></ul>"
        "<h2>Jadwal</h2>"
        "<p>Pekerjaan dimulai Juni.</p>"
        "<blockquote><p>Kami ingin jembatan ini selesai tepat waktu.</p></blockquote>"
        "<table><tbody><tr><td>Tahap 1</td><td>Juni</td></tr></tbody></table>"
        "<hr>"
        "<p>Selesai.</p>"
    )


def test_content_that_already_has_paragraphs_keeps_them():
    html = "<p>Satu</p>\n\n<p>Dua\ntiga</p>\n<p>Empat\n\nLima</p>"
    assert convert(html) == "<p>Satu</p><p>Dua<br>\ntiga</p><p>Empat</p><p>Lima</p>"


def test_double_br_is_a_paragraph_break_and_br_is_not_doubled():
    html = "Baris satu<br />\nbaris dua<br><br>Paragraf baru<br/>\n\nLagi"
    assert convert(html) == ("<p>Baris satu<br>\nbaris dua</p><p>Paragraf baru</p><p>Lagi</p>")


def test_newlines_in_list_items_and_cells_are_line_breaks():
    html = "<ul>\n<li>Satu\ndua</li>\n</ul>\n<table><tr><td>a\nb</td></tr></table>"
    assert convert(html) == (
        "<ul><li>Satu<br>\ndua</li></ul><table><tbody><tr><td>a<br>\nb</td></tr></tbody></table>"
    )


def test_blank_line_inside_inline_markup_splits_it_into_two_paragraphs():
    assert convert("<strong>Tebal\n\nmasih tebal</strong> biasa") == (
        "<p><strong>Tebal</strong></p><p><strong>masih tebal</strong> biasa</p>"
    )


def test_layout_divs_and_spans_from_pasted_documents_keep_paragraphs_apart():
    html = (
        '<div class="entry"><div>Paragraf satu</div><div>Paragraf <span style="color:red">'
        "dua</span></div></div>\n"
        '<span style="font-weight: 400;">Tiga</span>\n\n'
        '<span style="font-weight: 400;">Empat</span>\n'
        "<section><p>Lima</p>enam</section>\n"
        "<center>Tujuh</center>"
    )
    assert convert(html) == (
        "<p>Paragraf satu</p><p>Paragraf dua</p><p>Tiga</p><p>Empat</p>"
        "<p>Lima</p><p>enam</p><p>Tujuh</p>"
    )


def test_headings_are_mapped_into_the_h2_to_h4_the_body_allows():
    html = "<h1>Besar</h1><h2>Dua</h2><h3>Tiga</h3><h4>Empat</h4><h5>Lima</h5><h6>Enam</h6>"
    assert convert(html) == (
        "<h2>Besar</h2><h2>Dua</h2><h3>Tiga</h3><h4>Empat</h4><h4>Lima</h4><h4>Enam</h4>"
    )


def test_preformatted_text_keeps_its_lines():
    assert convert("<pre>\nbaris 1\nbaris 2\n</pre>") == "<p>baris 1<br>baris 2</p>"


def test_empty_and_spacer_paragraphs_vanish():
    html = "<p>&nbsp;</p>\n<p>Isi</p>\n\n&nbsp;\n\n<p> </p><p><br></p><p>\u00a0</p>"
    assert convert(html) == "<p>Isi</p>"


def test_more_and_nextpage_markers_are_dropped():
    html = "Pembuka berita.\n<!--more-->\nLanjutan.\n\n<!--nextpage-->\n\nHalaman dua."
    assert convert(html) == "<p>Pembuka berita.</p><p>Lanjutan.</p><p>Halaman dua.</p>"


def test_empty_input_gives_an_empty_body():
    assert convert("") == ""
    assert convert(" \n\n\t") == ""
    assert (
        convert("<!-- wp:spacer -->\n<div class='wp-block-spacer'></div>\n<!-- /wp:spacer -->")
        == ""
    )


# --------------------------------------------------------------------------------------
# Shortcodes.
# --------------------------------------------------------------------------------------


def test_caption_shortcode_with_a_linked_image_becomes_a_figure():
    html = (
        "Gubernur hadir di lokasi.\n\n"
        '[caption id="attachment_4521" align="aligncenter" width="800"]'
        f'<a href="{UPLOADS}/peresmian-jembatan.jpg"><img class="size-large wp-image-4521" '
        f'src="{UPLOADS}/peresmian-jembatan-1024x683.jpg" alt="" width="800" height="533" '
        f'srcset="{UPLOADS}/peresmian-jembatan-1024x683.jpg 1024w, '
        f'{UPLOADS}/peresmian-jembatan-300x200.jpg 300w" '
        'sizes="(max-width: 800px) 100vw, 800px" /></a> Gubernur meresmikan jembatan, '
        "Senin (6/5/2024).[/caption]\n\n"
        "Warga menyambut gembira."
    )
    assert convert_with_media(html) == (
        "<p>Gubernur hadir di lokasi.</p>"
        '<figure><img src="/media/photos/2024/05/peresmian-jembatan.jpg" '
        'alt="Gubernur meresmikan jembatan" width="1600" height="1067">'
        "<figcaption>Gubernur meresmikan jembatan, Senin (6/5/2024).</figcaption></figure>"
        "<p>Warga menyambut gembira.</p>"
    )


def test_caption_shortcode_in_the_old_caption_attribute_form():
    html = (
        '[caption id="attachment_88" align="alignleft" width="300" '
        'caption="Foto: Humas &amp; Protokol"]'
        f'<img src="{UPLOADS}/pameran-umkm-300x200.jpg" alt="Stan kopi" width="300" '
        'height="200" class="size-medium wp-image-88" />[/caption]'
    )
    # The tag's own alt wins; the photo has no size, so the tag's stays.
    assert convert_with_media(html) == (
        '<figure><img src="/media/photos/2024/05/pameran-umkm.jpg" alt="Stan kopi" '
        'width="300" height="200"><figcaption>Foto: Humas &amp; Protokol</figcaption></figure>'
    )


def test_caption_of_an_upload_that_was_not_imported_keeps_its_text():
    html = (
        '[caption id="attachment_7" align="aligncenter" width="640"]'
        f'<img src="{UPLOADS}/hilang-640x427.jpg" alt="" width="640" height="427" '
        'class="size-large wp-image-7" /> Bupati menyerahkan bantuan.[/caption]'
    )
    assert convert_with_media(html) == "<p>Bupati menyerahkan bantuan.</p>"


def test_caption_finds_its_photo_by_attachment_id():
    html = (
        '[caption id="attachment_123" align="alignnone" width="300"]'
        f'<img src="{UPLOADS}/stan-batik-300x200.jpg" alt="" width="300" height="200" /> '
        "Stan batik[/caption]"
    )
    assert convert_with_media(html) == (
        '<figure><img src="/media/photos/2024/05/stan-batik.jpg" alt="Stan batik" '
        'width="1200" height="800"><figcaption>Stan batik</figcaption></figure>'
    )


def test_caption_keeps_a_link_to_a_page_and_an_image_from_another_site():
    html = (
        '[caption width="300"]<a href="https://jatengprov.go.id/berita/"><img '
        'src="https://jatengprov.go.id/logo.png" alt="Logo"></a> Portal provinsi[/caption]'
    )
    assert convert_with_media(html) == (
        '<figure><a href="https://jatengprov.go.id/berita/" rel="noopener noreferrer">'
        '<img src="https://jatengprov.go.id/logo.png" alt="Logo"></a>'
        "<figcaption>Portal provinsi</figcaption></figure>"
    )


def test_gallery_shortcode_gives_one_figure_per_imported_attachment():
    html = 'Foto kegiatan:\n\n[gallery columns="2" link="file" size="medium" ids="201,999,202"]'
    assert convert_with_media(html) == (
        "<p>Foto kegiatan:</p>"
        '<figure><img src="/media/photos/2024/05/stan-1.jpg" alt="Stan kerajinan" '
        'width="1200" height="800"><figcaption>Kerajinan kayu Jepara</figcaption></figure>'
        '<figure><img src="/media/photos/2024/05/stan-2.jpg" alt="" width="800" height="1200">'
        "<figcaption>Batik tulis <em>Lasem</em></figcaption></figure>"
    )


def test_gallery_without_ids_or_attachments_gives_nothing():
    assert convert('[gallery ids="201,202"]') == ""
    assert convert_with_media("[gallery]") == ""


def test_embed_shortcode_and_a_bare_url_line_become_links():
    html = (
        "[embed]https://www.youtube.com/watch?v=dQw4w9WgXcQ[/embed]\n\n"
        "Simak juga:\n"
        "https://twitter.com/humasjateng/status/1788?s=20&amp;t=x\n"
        "Terima kasih."
    )
    assert convert(html) == (
        '<p><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ" rel="noopener noreferrer">'
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ</a></p>"
        "<p>Simak juga:</p>"
        '<p><a href="https://twitter.com/humasjateng/status/1788?s=20&amp;t=x" '
        'rel="noopener noreferrer">https://twitter.com/humasjateng/status/1788?s=20&amp;t=x'
        "</a></p>"
        "<p>Terima kasih.</p>"
    )


def test_audio_and_video_shortcodes_become_links_to_their_files():
    html = (
        f'[audio mp3="{UPLOADS}/jingle.mp3"][/audio]\n'
        f'[video width="1280" height="720" mp4="{UPLOADS}/profil.mp4"][/video]\n'
        "[youtube https://www.youtube.com/watch?v=abc123]"
    )
    assert convert(html) == (
        f'<p><a href="{UPLOADS}/jingle.mp3" rel="noopener noreferrer">{UPLOADS}/jingle.mp3</a></p>'
        f'<p><a href="{UPLOADS}/profil.mp4" rel="noopener noreferrer">{UPLOADS}/profil.mp4</a></p>'
        '<p><a href="https://www.youtube.com/watch?v=abc123" rel="noopener noreferrer">'
        "https://www.youtube.com/watch?v=abc123</a></p>"
    )


def test_unknown_shortcodes_go_and_the_text_they_enclose_stays():
    html = (
        '[fusion_builder_container hundred_percent="no"][fusion_builder_row]'
        '[fusion_builder_column type="1_1"][fusion_text]Paragraf satu.\n\n'
        "Paragraf dua.[/fusion_text][/fusion_builder_column][/fusion_builder_row]"
        "[/fusion_builder_container]\n\n"
        '[vc_row][vc_column width="1/2"][vc_column_text]Isi kolom[/vc_column_text]'
        "[/vc_column][/vc_row]\n\n"
        'Hubungi kami: [contact-form-7 id="5" title="Formulir kontak"]\n\n'
        "[toc]\n\n"
        "[/su_note] Penutup."
    )
    assert convert(html) == (
        "<p>Paragraf satu.</p><p>Paragraf dua.</p><p>Isi kolom</p>"
        "<p>Hubungi kami:</p><p>Penutup.</p>"
    )


def test_bracketed_prose_is_not_taken_for_a_shortcode():
    html = "Data [1] dari BPS [Foto: Humas Jateng] (lihat [[baca juga: berita lain]]) [ok"
    assert convert(html) == f"<p>{html}</p>"


def test_escaped_shortcodes_are_printed_literally():
    html = 'Tulis [[caption]] atau [[gallery ids="1,2"]] atau [[caption]teks[/caption]].'
    assert convert(html) == (
        '<p>Tulis [caption] atau [gallery ids="1,2"] atau [caption]teks[/caption].</p>'
    )


def test_shortcodes_nested_in_unknown_ones_are_still_expanded():
    html = (
        '[su_box title="Galeri"][gallery ids="201"][/su_box]'
        "[su_note][embed]https://vimeo.com/76979871[/embed][/su_note]"
    )
    assert convert_with_media(html) == (
        '<figure><img src="/media/photos/2024/05/stan-1.jpg" alt="Stan kerajinan" '
        'width="1200" height="800"><figcaption>Kerajinan kayu Jepara</figcaption></figure>'
        '<p><a href="https://vimeo.com/76979871" rel="noopener noreferrer">'
        "https://vimeo.com/76979871</a></p>"
    )


# --------------------------------------------------------------------------------------
# Block editor content.
# --------------------------------------------------------------------------------------

BLOCK_POST = f"""<!-- wp:paragraph -->
<p><strong>SEMARANG</strong> &#8211; Pemprov Jawa Tengah menggelar pameran UMKM.</p>
<!-- /wp:paragraph -->

<!-- wp:heading -->
<h2 class="wp-block-heading">Produk unggulan</h2>
<!-- /wp:heading -->

<!-- wp:image {{"id":123,"sizeSlug":"large","linkDestination":"none"}} -->
<figure class="wp-block-image size-large"><img src="{UPLOADS}/stan-batik-1024x683.jpg" \
alt="" class="wp-image-123"/><figcaption class="wp-element-caption">Pengunjung di stan \
batik.</figcaption></figure>
<!-- /wp:image -->

<!-- wp:more -->
<!--more-->
<!-- /wp:more -->

<!-- wp:list -->
<ul class="wp-block-list"><!-- wp:list-item -->
<li>Batik</li>
<!-- /wp:list-item -->

<!-- wp:list-item -->
<li>Kerajinan kayu</li>
<!-- /wp:list-item --></ul>
<!-- /wp:list -->

<!-- wp:quote -->
<blockquote class="wp-block-quote"><!-- wp:paragraph -->
<p>UMKM adalah tulang punggung ekonomi daerah.</p>
<!-- /wp:paragraph --><cite>Gubernur Jawa Tengah</cite></blockquote>
<!-- /wp:quote -->

<!-- wp:separator -->
<hr class="wp-block-separator has-alpha-channel-opacity"/>
<!-- /wp:separator -->

<!-- wp:paragraph {{"align":"right","fontSize":"small"}} -->
<p class="has-text-align-right has-small-font-size">(Humas Jateng)</p>
<!-- /wp:paragraph -->
"""


def test_block_post_becomes_plain_body_html():
    assert convert_with_media(BLOCK_POST) == (
        "<p><strong>SEMARANG</strong> – Pemprov Jawa Tengah menggelar pameran UMKM.</p>"  # noqa: RUF001 - the dateline's en dash
        "<h2>Produk unggulan</h2>"
        '<figure><img src="/media/photos/2024/05/stan-batik.jpg" alt="Stan batik" '
        'width="1200" height="800"><figcaption>Pengunjung di stan batik.</figcaption></figure>'
        "<ul><li>Batik</li><li>Kerajinan kayu</li></ul>"
        "<blockquote><p>UMKM adalah tulang punggung ekonomi daerah.</p>"
        "<p><em>Gubernur Jawa Tengah</em></p></blockquote>"
        "<hr>"
        "<p>(Humas Jateng)</p>"
    )


def test_image_block_of_an_attachment_that_was_not_imported_keeps_its_caption():
    html = (
        '<!-- wp:image {"id":555,"sizeSlug":"full"} -->\n'
        f'<figure class="wp-block-image size-full"><img src="{UPLOADS}/hilang.jpg" alt="" '
        'class="wp-image-555"/><figcaption class="wp-element-caption">Rapat koordinasi'
        "</figcaption></figure>\n<!-- /wp:image -->"
    )
    assert convert_with_media(html) == "<p>Rapat koordinasi</p>"


def test_image_block_in_the_older_aligned_markup_with_a_link_to_the_file():
    html = (
        '<!-- wp:image {"align":"center","id":123,"linkDestination":"media"} -->\n'
        '<div class="wp-block-image"><figure class="aligncenter size-large">'
        f'<a href="{UPLOADS}/stan-batik.jpg"><img src="{UPLOADS}/stan-batik-1024x683.jpg" '
        'alt="Batik" class="wp-image-123"/></a></figure></div>\n<!-- /wp:image -->'
    )
    # The link only led to the same photo, at full size.
    assert convert_with_media(html) == (
        '<figure><img src="/media/photos/2024/05/stan-batik.jpg" alt="Batik" width="1200" '
        'height="800"></figure>'
    )


GALLERY_BLOCK = f"""<!-- wp:gallery {{"linkTo":"none"}} -->
<figure class="wp-block-gallery has-nested-images columns-default is-cropped"><!-- wp:image \
{{"id":201,"sizeSlug":"large","linkDestination":"none"}} -->
<figure class="wp-block-image size-large"><img src="{UPLOADS}/stan-1-1024x683.jpg" alt="" \
class="wp-image-201"/></figure>
<!-- /wp:image -->

<!-- wp:image {{"id":202,"sizeSlug":"large","linkDestination":"none"}} -->
<figure class="wp-block-image size-large"><img src="{UPLOADS}/stan-2-683x1024.jpg" alt="" \
class="wp-image-202"/><figcaption class="wp-element-caption">Batik tulis</figcaption></figure>
<!-- /wp:image --><figcaption class="blocks-gallery-caption wp-element-caption">Suasana \
pameran</figcaption></figure>
<!-- /wp:gallery -->"""

OLD_GALLERY_BLOCK = f"""<!-- wp:gallery {{"ids":[201,202],"linkTo":"media"}} -->
<figure class="wp-block-gallery columns-2 is-cropped"><ul class="blocks-gallery-grid">\
<li class="blocks-gallery-item"><figure><a href="{UPLOADS}/stan-1.jpg"><img \
src="{UPLOADS}/stan-1-1024x683.jpg" alt="" data-id="201" data-full-url="{UPLOADS}/stan-1.jpg" \
data-link="https://humas.jatengprov.go.id/?attachment_id=201" class="wp-image-201"/></a>\
</figure></li><li class="blocks-gallery-item"><figure><a href="{UPLOADS}/stan-2.jpg"><img \
src="{UPLOADS}/stan-2-683x1024.jpg" alt="" data-id="202" class="wp-image-202"/></a>\
<figcaption class="blocks-gallery-item__caption">Batik tulis</figcaption></figure></li></ul>\
<figcaption class="blocks-gallery-caption">Suasana pameran</figcaption></figure>
<!-- /wp:gallery -->"""


@pytest.mark.parametrize("html", [GALLERY_BLOCK, OLD_GALLERY_BLOCK], ids=["nested", "5.x"])
def test_gallery_block_becomes_one_figure_per_photo_and_its_caption(html):
    assert convert_with_media(html) == (
        '<figure><img src="/media/photos/2024/05/stan-1.jpg" alt="Stan kerajinan" '
        'width="1200" height="800"></figure>'
        '<figure><img src="/media/photos/2024/05/stan-2.jpg" alt="" width="800" '
        'height="1200"><figcaption>Batik tulis</figcaption></figure>'
        "<p>Suasana pameran</p>"
    )


def test_embed_blocks_become_links_never_iframes():
    html = """<!-- wp:embed {"url":"https://www.youtube.com/watch?v=dQw4w9WgXcQ","type":"video",\
"providerNameSlug":"youtube","responsive":true,\
"className":"wp-embed-aspect-16-9 wp-has-aspect-ratio"} -->
<figure class="wp-block-embed is-type-video is-provider-youtube wp-block-embed-youtube \
wp-embed-aspect-16-9 wp-has-aspect-ratio"><div class="wp-block-embed__wrapper">
https://www.youtube.com/watch?v=dQw4w9WgXcQ
</div><figcaption class="wp-element-caption">Video pembukaan pameran</figcaption></figure>
<!-- /wp:embed -->

<!-- wp:embed {"url":"https://twitter.com/humasjateng/status/1788","type":"rich",\
"providerNameSlug":"twitter","responsive":true} -->
<figure class="wp-block-embed is-type-rich is-provider-twitter wp-block-embed-twitter">\
<div class="wp-block-embed__wrapper">
https://twitter.com/humasjateng/status/1788
</div></figure>
<!-- /wp:embed -->

<!-- wp:core-embed/youtube {"url":"https://youtu.be/k58xZ6osP3Y","type":"rich"} -->
<figure class="wp-block-embed-youtube wp-block-embed is-type-rich"><div \
class="wp-block-embed__wrapper">
https://youtu.be/k58xZ6osP3Y
</div></figure>
<!-- /wp:core-embed/youtube -->"""
    assert convert(html) == (
        '<p><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ" rel="noopener noreferrer">'
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ</a></p>"
        "<p>Video pembukaan pameran</p>"
        '<p><a href="https://twitter.com/humasjateng/status/1788" rel="noopener noreferrer">'
        "https://twitter.com/humasjateng/status/1788</a></p>"
        '<p><a href="https://youtu.be/k58xZ6osP3Y" rel="noopener noreferrer">'
        "https://youtu.be/k58xZ6osP3Y</a></p>"
    )


def test_table_block_keeps_its_caption_inside_the_table():
    html = """<!-- wp:table -->
<figure class="wp-block-table"><table class="has-fixed-layout"><thead><tr><th>Kabupaten</th>\
<th>Peserta</th></tr></thead><tbody><tr><td>Pekalongan</td><td>42</td></tr><tr><td>Jepara</td>\
<td colspan="1">37</td></tr></tbody></table><figcaption class="wp-element-caption">Sumber: \
Dinas Koperasi</figcaption></figure>
<!-- /wp:table -->"""
    assert convert(html) == (
        "<table><caption>Sumber: Dinas Koperasi</caption>"
        "<thead><tr><th>Kabupaten</th><th>Peserta</th></tr></thead>"
        "<tbody><tr><td>Pekalongan</td><td>42</td></tr>"
        '<tr><td>Jepara</td><td colspan="1">37</td></tr></tbody></table>'
    )


def test_html_block_is_sanitized_and_not_autop_ed():
    html = """<!-- wp:html -->
<div class="info-box" style="border:1px solid">
<strong>Info:</strong> hubungi <a href="tel:1500" target="_blank">1500</a>
</div>
<script>alert(document.cookie)</script>
<iframe src="https://www.google.com/maps/embed?pb=!1m18" width="600" height="450"></iframe>
<!-- /wp:html -->"""
    assert convert(html) == (
        '<p><strong>Info:</strong> hubungi <a href="tel:1500" rel="noopener noreferrer">1500</a>'
        "</p>"
        '<p><a href="https://www.google.com/maps/embed?pb=!1m18" rel="noopener noreferrer">'
        "https://www.google.com/maps/embed?pb=!1m18</a></p>"
    )


def test_layout_blocks_give_way_to_their_content():
    html = """<!-- wp:columns -->
<div class="wp-block-columns"><!-- wp:column -->
<div class="wp-block-column"><!-- wp:paragraph -->
<p>Kiri</p>
<!-- /wp:paragraph --></div>
<!-- /wp:column -->

<!-- wp:column -->
<div class="wp-block-column"><!-- wp:buttons -->
<div class="wp-block-buttons"><!-- wp:button -->
<div class="wp-block-button"><a class="wp-block-button__link wp-element-button" \
href="https://ppid.jatengprov.go.id/">Layanan PPID</a></div>
<!-- /wp:button --></div>
<!-- /wp:buttons --></div>
<!-- /wp:column --></div>
<!-- /wp:columns -->

<!-- wp:spacer {"height":"40px"} -->
<div style="height:40px" aria-hidden="true" class="wp-block-spacer"></div>
<!-- /wp:spacer -->

<!-- wp:code -->
<pre class="wp-block-code"><code>Nomor: 100/2024
Perihal: Undangan</code></pre>
<!-- /wp:code -->"""
    assert convert(html) == (
        "<p>Kiri</p>"
        '<p><a href="https://ppid.jatengprov.go.id/" rel="noopener noreferrer">Layanan PPID</a></p>'
        "<p>Nomor: 100/2024<br>Perihal: Undangan</p>"
    )


def test_file_block_keeps_one_link_to_the_file():
    html = f"""<!-- wp:file {{"id":612,"href":"{UPLOADS}/pengumuman-cpns.pdf"}} -->
<div class="wp-block-file"><object class="wp-block-file__embed" \
data="{UPLOADS}/pengumuman-cpns.pdf" type="application/pdf" style="width:100%;height:600px" \
aria-label="Pengumuman CPNS"></object><a id="wp-block-file--media-5b1c" \
href="{UPLOADS}/pengumuman-cpns.pdf">Pengumuman CPNS 2024</a><a \
href="{UPLOADS}/pengumuman-cpns.pdf" class="wp-block-file__button wp-element-button" download \
aria-describedby="wp-block-file--media-5b1c">Unduh</a></div>
<!-- /wp:file -->"""
    assert convert(html) == (
        f'<p><a href="{UPLOADS}/pengumuman-cpns.pdf" rel="noopener noreferrer">'
        "Pengumuman CPNS 2024</a></p>"
    )


def test_unknown_and_dynamic_blocks():
    html = """<!-- wp:kadence/infobox {"uniqueID":"_a1b2"} -->
<div class="kt-blocks-info-box"><span class="kt-info-box-title">Pendaftaran dibuka</span>\
<p>Hingga 30 Mei.</p></div>
<!-- /wp:kadence/infobox -->

<!-- wp:latest-posts {"postsToShow":3} /-->

<!-- wp:block {"ref":4021} /-->

<!-- wp:pullquote -->
<figure class="wp-block-pullquote"><blockquote><p>Layani dengan hati.</p><cite>Sekda</cite>\
</blockquote></figure>
<!-- /wp:pullquote -->"""
    assert convert(html) == (
        "<p>Pendaftaran dibuka</p><p>Hingga 30 Mei.</p>"
        "<blockquote><p>Layani dengan hati.</p><p><em>Sekda</em></p></blockquote>"
    )


def test_classic_parts_of_a_block_post_and_shortcode_blocks_get_paragraphs():
    html = (
        "<!-- wp:paragraph -->\n<p>Blok pertama.</p>\n<!-- /wp:paragraph -->\n\n"
        "Teks klasik\ndua baris.\n\nParagraf klasik kedua.\n\n"
        '<!-- wp:shortcode -->\n[gallery ids="201"]\n<!-- /wp:shortcode -->\n\n'
        '<!-- wp:paragraph -->\n<p>Kutip [caption]<img src="https://jatengprov.go.id/a.png"> A'
        "[/caption] di tengah.</p>\n<!-- /wp:paragraph -->"
    )
    assert convert_with_media(html) == (
        "<p>Blok pertama.</p>"
        "<p>Teks klasik<br>\ndua baris.</p><p>Paragraf klasik kedua.</p>"
        '<figure><img src="/media/photos/2024/05/stan-1.jpg" alt="Stan kerajinan" '
        'width="1200" height="800"><figcaption>Kerajinan kayu Jepara</figcaption></figure>'
        "<p>Kutip</p>"
        '<figure><img src="https://jatengprov.go.id/a.png" alt=""><figcaption>A</figcaption>'
        "</figure><p>di tengah.</p>"
    )


def test_block_delimiters_vanish_even_when_unbalanced():
    html = (
        '<!-- wp:group {"layout":{"type":"constrained"}} -->\n<div class="wp-block-group">'
        "<!-- wp:paragraph -->\n<p>Dalam grup</p>\n<!-- /wp:paragraph -->\n"
        "<!-- /wp:columns -->\n<!-- wp:paragraph -->\n<p>Tak ditutup</p>"
    )
    assert convert(html) == "<p>Dalam grup</p><p>Tak ditutup</p>"


# --------------------------------------------------------------------------------------
# Images and links.
# --------------------------------------------------------------------------------------


def test_image_urls_resolve_through_the_importer_in_any_form():
    html = (
        f'<img src="{UPLOADS}/pameran-umkm-300x200.jpg" alt="">\n\n'
        '<img src="/wp-content/uploads/2024/05/pameran-umkm-1024x683.jpg" alt="">\n\n'
        '<img src="//humas.jatengprov.go.id/wp-content/uploads/2024/05/pameran-umkm.jpg" alt="">'
    )
    figure = '<p><img src="/media/photos/2024/05/pameran-umkm.jpg" alt="Pameran UMKM"></p>'
    assert convert_with_media(html) == figure * 3


def test_resolve_media_is_asked_once_per_url():
    asked = []

    def counting(url):
        asked.append(url)
        return resolve(url)

    src = f"{UPLOADS}/pameran-umkm-300x200.jpg"
    convert(
        f'<img src="{src}">\n\n<img src="{src}">\n\n<a href="{src}">unduh</a>',
        resolve_media=counting,
    )
    assert asked == [src]


def test_unknown_upload_images_go_and_images_from_elsewhere_stay():
    html = (
        f'Sebelum <img src="{UPLOADS}/tidak-ada-300x200.jpg" alt="hilang"> sesudah.\n\n'
        '<img src="https://cdn.jatengprov.go.id/logo.png" alt="Logo Jateng" width="120" '
        'height="80" class="alignright" style="float:right" title="Jawa Tengah">'
    )
    assert convert_with_media(html) == (
        "<p>Sebelum  sesudah.</p>"
        '<p><img src="https://cdn.jatengprov.go.id/logo.png" alt="Logo Jateng" width="120" '
        'height="80" title="Jawa Tengah"></p>'
    )


def test_without_a_resolver_every_upload_image_is_dropped():
    assert convert(f'<p>Teks <img src="{UPLOADS}/pameran-umkm.jpg"></p>') == "<p>Teks</p>"


def test_lazy_loaded_image_uses_its_real_source():
    html = (
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" '
        f'data-lazy-src="{UPLOADS}/pameran-umkm-300x200.jpg" alt="Kopi">'
    )
    assert convert_with_media(html) == (
        '<p><img src="/media/photos/2024/05/pameran-umkm.jpg" alt="Kopi"></p>'
    )


def test_links_to_upload_images_are_rewritten_or_unwrapped():
    html = (
        f'<a href="{UPLOADS}/peresmian-jembatan.jpg"><img '
        f'src="{UPLOADS}/peresmian-jembatan-300x200.jpg" alt="Jembatan"></a>\n\n'
        f'Unduh <a href="{UPLOADS}/peresmian-jembatan.jpg">foto resolusi tinggi</a>, '
        f'<a href="{UPLOADS}/tidak-ada.jpg">foto lain</a> atau '
        f'<a href="{UPLOADS}/siaran-pers.pdf">siaran pers</a>.\n\n'
        '<a href="https://humas.jatengprov.go.id/2024/05/pameran/stan-1/" '
        'rel="attachment wp-att-201"><img src="https://jatengprov.go.id/a.png" alt=""></a>'
    )
    assert convert_with_media(html) == (
        '<p><img src="/media/photos/2024/05/peresmian-jembatan.jpg" alt="Jembatan" '
        'width="1600" height="1067"></p>'
        '<p>Unduh <a href="/media/photos/2024/05/peresmian-jembatan.jpg" '
        'rel="noopener noreferrer">foto resolusi tinggi</a>, foto lain atau '
        f'<a href="{UPLOADS}/siaran-pers.pdf" rel="noopener noreferrer">siaran pers</a>.</p>'
        '<p><img src="https://jatengprov.go.id/a.png" alt=""></p>'
    )


def test_iframes_and_video_become_links():
    html = (
        '<iframe width="560" height="315" src="https://www.youtube.com/embed/dQw4w9WgXcQ?'
        'feature=oembed" frameborder="0" allowfullscreen></iframe>\n\n'
        '<p>Lihat <iframe src="https://player.vimeo.com/video/76979871?h=8272103f6e">'
        "</iframe></p>\n\n"
        '<video controls width="640"><source src="https://cdn.jatengprov.go.id/profil.mp4" '
        'type="video/mp4">Peramban Anda tidak mendukung video.</video>'
    )
    assert convert(html) == (
        '<p><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ" rel="noopener noreferrer">'
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ</a></p>"
        '<p>Lihat <a href="https://vimeo.com/76979871" rel="noopener noreferrer">'
        "https://vimeo.com/76979871</a></p>"
        '<p><a href="https://cdn.jatengprov.go.id/profil.mp4" rel="noopener noreferrer">'
        "https://cdn.jatengprov.go.id/profil.mp4</a></p>"
    )


def test_a_caption_pasted_as_rendered_html_is_a_figure_again():
    html = (
        '<div id="attachment_5" style="width: 310px" class="wp-caption aligncenter">'
        '<img class="size-medium wp-image-5" src="https://jatengprov.go.id/a.png" alt="" '
        'width="300" height="200" /><p class="wp-caption-text">Keterangan lama</p></div>'
    )
    assert convert(html) == (
        '<figure><img src="https://jatengprov.go.id/a.png" alt="" width="300" height="200">'
        "<figcaption>Keterangan lama</figcaption></figure>"
    )


def test_mail_and_phone_links_stay_and_anchors_unwrap():
    html = (
        '<a href="mailto:humas@jatengprov.go.id">surel</a>, <a href="tel:+62248311174">'
        'telepon</a>, <a name="atas">jangkar</a>, <a href="#bawah">lompat</a>'
    )
    assert convert(html) == (
        '<p><a href="mailto:humas@jatengprov.go.id" rel="noopener noreferrer">surel</a>, '
        '<a href="tel:+62248311174" rel="noopener noreferrer">telepon</a>, jangkar, '
        '<a href="#bawah" rel="noopener noreferrer">lompat</a></p>'
    )


# --------------------------------------------------------------------------------------
# Text.
# --------------------------------------------------------------------------------------


def test_non_ascii_text_and_entities_survive():
    html = (
        "Sugeng rawuh &#8211; ꦱꦸꦒꦼꦁꦫꦮꦸꦃ ing Jawa Tengah 🙏\n\n"
        "&#8220;Selamat datang,&#8221; kata Gubernur.&nbsp;Harga Rp&nbsp;5.000 &amp; "
        "suhu &lt; 30&deg;C.\n\n"
        "السلام عليكم — Salam.\n\n"
        "Café, naïve, Žilina, 東京."
    )
    assert convert(html) == (
        "<p>Sugeng rawuh – ꦱꦸꦒꦼꦁꦫꦮꦸꦃ ing Jawa Tengah 🙏</p>"  # noqa: RUF001 - the dateline's en dash
        "<p>“Selamat datang,” kata Gubernur.&nbsp;Harga Rp&nbsp;5.000 &amp; suhu &lt; 30°C.</p>"
        "<p>السلام عليكم — Salam.</p>"
        "<p>Café, naïve, Žilina, 東京.</p>"
    )


def test_a_less_than_sign_that_starts_no_tag_is_text():
    assert convert("Nilai 3 < 4, 5 <= 6, panah <- kiri, <3") == (
        "<p>Nilai 3 &lt; 4, 5 &lt;= 6, panah &lt;- kiri, &lt;3</p>"
    )


# --------------------------------------------------------------------------------------
# Hostile input: the sanitizer always has the last word.
# --------------------------------------------------------------------------------------

HOSTILE = [
    ("<p>ok</p><script>alert(1)</script>", "<p>ok</p>"),
    ("<script src=https://evil.example/x.js></script>Teks", "<p>Teks</p>"),
    ('<img src=x onerror="alert(1)">', '<p><img src="x" alt=""></p>'),
    ('<p onclick="alert(1)" onmouseover=x()>ok</p>', "<p>ok</p>"),
    ('<a href="javascript:alert(1)">klik</a>', "<p>klik</p>"),
    ('<a href=" JaVaScRiPt:alert(1)">klik</a>', "<p>klik</p>"),
    ('<a href="java&#09;script:alert(1)">klik</a>', "<p>klik</p>"),
    ('<a href="data:text/html;base64,PHNjcmlwdD4=">klik</a>', "<p>klik</p>"),
    ('<iframe src="javascript:alert(1)"></iframe><p>ok</p>', "<p>ok</p>"),
    (
        '<iframe src="https://evil.example/"><script>alert(1)</script></iframe>',
        '<p><a href="https://evil.example/" rel="noopener noreferrer">https://evil.example/</a></p>',
    ),
    ('[caption]<img src="javascript:alert(1)">x[/caption]', "<p>x</p>"),
    (
        '[caption caption="<script>alert(1)</script>Aman"]<img src="https://a.example/b.png">'
        "[/caption]",
        '<figure><img src="https://a.example/b.png" alt=""><figcaption>Aman</figcaption></figure>',
    ),
    ('<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="x">', ""),
    ("<svg><script>alert(1)</script><text>t</text></svg>", "<p>t</p>"),
    ("<style>body{display:none}</style><p>ok</p>", "<p>ok</p>"),
    ("<form action=/x><input name=a><button>Kirim</button></form>", "<p>Kirim</p>"),
    (
        "<p>terbuka <strong>tebal <em>miring",
        "<p>terbuka <strong>tebal <em>miring</em></strong></p>",
    ),
    ("<ul><li>satu<li>dua</ul></div></span>", "<ul><li>satu</li><li>dua</li></ul>"),
    ("<p>ok</p><!-- wp:html --><script>alert(1)</script><!-- /wp:html -->", "<p>ok</p>"),
    ('<!-- wp:image {"id":"<script>"} --><p>ok</p><!-- /wp:image -->', "<p>ok</p>"),
    ('<!-- wp:embed {"url":"javascript:alert(1)"} --><p>x</p><!-- /wp:embed -->', ""),
    ("[embed]javascript:alert(1)[/embed]", ""),
    ('[video src="javascript:alert(1)"][/video]ok', "<p>ok</p>"),
    ("<p title='\"><script>alert(1)</script>'>ok</p>", "<p>ok</p>"),
    (
        '<img src="https://a.example/b.png" alt=\'" onerror="alert(1)\'>',
        '<p><img src="https://a.example/b.png" alt="&quot; onerror=&quot;alert(1)"></p>',
    ),
    ("<scr<script>ipt>alert(1)</script>", "<p>ipt&gt;alert(1)</p>"),
    ("[[caption]]<script>x</script>", "<p>[caption]</p>"),
    ("<!-- unterminated comment <script>alert(1)</script>", ""),
]


@pytest.mark.parametrize(("dirty", "clean"), HOSTILE)
def test_nothing_that_runs_survives(dirty, clean):
    assert convert(dirty, resolve_media=resolve, attachments=ATTACHMENTS) == clean


@pytest.mark.parametrize(("dirty", "clean"), HOSTILE)
def test_output_is_already_what_the_sanitizer_keeps(dirty, clean):
    result = convert(dirty)
    assert sanitize_html(result) == result


# Sizes where quadratic work would take minutes; linear work takes well under 0.2 s.
PATHOLOGICAL = {
    "brackets": "[" * 100_000,
    "unclosed caption tags": "[caption" * 20_000,
    "caption openers": "[caption]" * 20_000,
    "nested same-name shortcodes": "[a]" * 20_000 + "[/a]" * 20_000,
    "deep shortcodes": "".join(f"[s{i}]" for i in range(5_000))
    + "".join(f"[/s{i}]" for i in reversed(range(5_000))),
    "shortcode with endless attributes": "[foo " + 'a="x ' * 50_000 + "]",
    "caption with an unclosed quote": '[caption a="' + " x" * 20_000 + "]",
    "unterminated comments": "<!--" * 50_000,
    "unterminated quotes": '<a "' * 50_000,
    "unclosed tags": "<b>" * 30_000,
    "less-than signs": "<" * 50_000,
    "block openers": "<!-- wp:group -->" * 20_000,
    "cut block openers": "<!-- wp:" * 50_000,
    "line breaks": "a\n" * 20_000,
    "spaces": "\n" + " " * 500_000,
    "one huge attribute": "<img src=" + "x" * 500_000,
    "unclosed figures": "<figure>" * 20_000,
    "caption and images": "[caption]<img src=x.jpg>" * 5_000,
}


@pytest.mark.parametrize("html", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_input_finishes_quickly(html):
    started = time.perf_counter()
    convert(html)
    excerpt_text(html)
    assert time.perf_counter() - started < 1


def test_deep_nesting_does_not_overflow_the_stack():
    assert convert("<div>" * 5_000 + "Dalam" + "</div>" * 5_000) == "<p>Dalam</p>"
    assert convert("<blockquote>" * 2_000 + "Kutip").startswith("<blockquote><blockquote>")
    assert convert("<!-- wp:group -->" * 5_000 + "<p>Isi</p>") == "<p>Isi</p>"
    assert convert("[x]" * 5_000 + "Isi" + "[/x]" * 5_000) == "<p>Isi</p>"


def test_a_one_megabyte_body_converts_quickly_and_whole():
    paragraph = (
        "Gubernur Jawa Tengah &#8220;meresmikan&#8221; jembatan di <strong>Demak</strong>, "
        'lihat <a href="https://jatengprov.go.id/berita">berita</a>.\n'
        "Baris kedua paragraf.\n\n"
        '[caption id="attachment_9" width="300"]'
        f'<img src="{UPLOADS}/peresmian-jembatan-300x200.jpg" alt="" /> Keterangan[/caption]'
        "\n\n"
    )
    html = paragraph * (1_000_000 // len(paragraph))
    started = time.perf_counter()
    body = convert(html, resolve_media=resolve)
    assert time.perf_counter() - started < 3
    count = html.count("Baris kedua")
    assert count > 2_500
    assert body.count("<p>Gubernur") == count
    assert body.count("<figure>") == count
    assert body.count('src="/media/photos/2024/05/peresmian-jembatan.jpg"') == count


# --------------------------------------------------------------------------------------
# excerpt_text, for Article.lead.
# --------------------------------------------------------------------------------------


def test_excerpt_is_plain_text_with_whitespace_collapsed():
    html = (
        "<!-- wp:paragraph -->\n<p>Gubernur <strong>meresmikan</strong>&nbsp;jembatan"
        "\n\n di Demak &#8211; ꦢꦼꦩꦏ꧀.</p>\n<!-- /wp:paragraph -->"
        '[contact-form-7 id="5"]<p>Kedua&amp;ketiga</p><script>alert(1)</script>'
    )
    expected = "Gubernur meresmikan jembatan di Demak – ꦢꦼꦩꦏ꧀. Kedua&ketiga"  # noqa: RUF001
    assert excerpt_text(html) == expected


def test_excerpt_is_cut_at_a_word_boundary_within_the_limit():
    text = "Pemerintah Provinsi Jawa Tengah menggelar rapat koordinasi, membahas anggaran."
    assert excerpt_text(text, limit=40) == "Pemerintah Provinsi Jawa Tengah…"
    assert len(excerpt_text(text * 20)) <= 600
    assert excerpt_text(text * 20).endswith("…")
    assert excerpt_text(text, limit=len(text)) == text


def test_excerpt_cut_after_a_comma_drops_it():
    assert excerpt_text("Satu dua, tiga empat lima", limit=11) == "Satu dua…"


def test_excerpt_of_text_without_spaces_is_cut_hard():
    assert excerpt_text("ꦲ" * 50, limit=10) == "ꦲ" * 9 + "…"


def test_excerpt_of_nothing_is_empty():
    assert excerpt_text("") == ""
    assert excerpt_text("<p> </p><!-- wp:spacer /-->") == ""
