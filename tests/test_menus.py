"""Menus edited in the admin: the header navigation and the footer's columns, each item a
page, a category, a document section or an address; read once per page-cache version."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from menus.models import Menu, MenuItem

from .factories import make_article, make_category
from .test_pages import make_page, page_roles, staff  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def header():
    return Menu.objects.create(location=Menu.Location.HEADER, title="Menu utama")


def item(menu, **fields):
    entry = MenuItem(menu=menu, **fields)
    entry.full_clean()
    entry.save()
    return entry


def header_nav(html):
    start = html.index('<nav class="site-nav"')
    return html[start : html.index("</nav>", start)]


def test_each_kind_of_target_renders_its_address(client, header):
    profil = make_page(title="Profil")
    category = make_category(name="Pemerintahan")
    item(header, order=1, page=profil)
    item(header, order=2, category=category, label="Berita Pemerintahan")
    item(header, order=3, document_section="peraturan")
    item(header, order=4, document_section="semua")
    item(header, order=5, url="https://jatengprov.go.id/", label="Portal", new_tab=True)
    item(header, order=6, url="/arsip/", label="Arsip")
    nav = header_nav(client.get("/").content.decode())
    assert 'aria-label="Main menu"' in nav or 'aria-label="Menu utama"' in nav
    assert '<a href="/profil/">Profil</a>' in nav
    assert f'<a href="{category.get_absolute_url()}">Berita Pemerintahan</a>' in nav
    assert 'href="/dokumen/?jenis=peraturan"' in nav
    assert '<a href="/dokumen/">' in nav
    assert 'href="https://jatengprov.go.id/" target="_blank" rel="noopener"' in nav
    assert '<a href="/arsip/">Arsip</a>' in nav
    assert nav.index("/profil/") < nav.index("jenis=peraturan") < nav.index("jatengprov")


def test_the_current_page_is_marked_and_submenus_need_no_script(client, header):
    profil = make_page(title="Profil")
    visi = make_page(profil, title="Visi dan Misi")
    top = item(header, page=profil)
    item(header, page=visi, parent=top)
    html = client.get("/profil/visi-dan-misi/").content.decode()
    nav = header_nav(html)
    assert "<details><summary>Profil</summary>" in nav
    assert '<a href="/profil/visi-dan-misi/" aria-current="page">Visi dan Misi</a>' in nav


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "//evil.example/",
        "vbscript:x",
        "https://",
        "/a b",
        "ftp://example.com/",
    ],
)
def test_hostile_or_broken_addresses_are_refused(header, url):
    with pytest.raises(ValidationError) as refused:
        item(header, url=url)
    assert "url" in refused.value.message_dict


def test_an_item_has_exactly_one_target(header):
    with pytest.raises(ValidationError):
        item(header, label="Kosong")
    with pytest.raises(ValidationError):
        item(header, url="/arsip/", document_section="laporan")
    with pytest.raises(IntegrityError), transaction.atomic():
        MenuItem.objects.create(menu=header, url="/arsip/", category=make_category())


def test_submenus_have_one_level(header):
    top = item(header, url="/a/", label="A")
    middle = item(header, url="/b/", label="B", parent=top)
    with pytest.raises(ValidationError) as refused:
        item(header, url="/c/", label="C", parent=middle)
    assert "parent" in refused.value.message_dict


def test_items_whose_page_is_not_published_are_hidden(client, header):
    item(header, page=make_page(title="Kontak", status="draft"))
    item(header, url="/arsip/", label="Arsip")
    nav = header_nav(client.get("/").content.decode())
    assert "Kontak" not in nav and "Arsip" in nav


def test_a_menu_edit_shows_on_the_next_request(client, header):
    entry = item(header, url="/arsip/", label="Arsip Lama")
    assert "Arsip Lama" in client.get("/").content.decode()
    entry.label = "Arsip Baru"
    entry.save()
    assert "Arsip Baru" in client.get("/").content.decode()
    page = make_page(title="Kontak")
    item(header, page=page)
    assert "Kontak" in header_nav(client.get("/").content.decode())
    page.title = "Hubungi Kami"
    page.save()
    assert "Hubungi Kami" in header_nav(client.get("/").content.decode())


def test_without_a_header_menu_the_categories_are_the_navigation(client):
    make_article(category=make_category(name="Ekonomi"))
    nav = header_nav(client.get("/").content.decode())
    assert 'aria-label="Categories"' in nav or 'aria-label="Kategori"' in nav
    assert "Ekonomi" in nav


def test_footer_columns_come_from_footer_menus(client):
    footer = Menu.objects.create(location=Menu.Location.FOOTER_2, title="Tautan Penting")
    item(footer, url="https://ppid.jatengprov.go.id/", label="PPID")
    item(footer, document_section="laporan")
    html = client.get("/").content.decode()
    footer_html = html[html.index("<footer") :]
    assert "Tautan Penting" in footer_html
    assert '<a href="https://ppid.jatengprov.go.id/">PPID</a>' in footer_html
    assert 'href="/dokumen/?jenis=laporan"' in footer_html


@pytest.fixture
def version(settings):
    """Queries of the page version: none with Redis (as in test_queries.py)."""
    return 0 if settings.REDIS_URL else 1


def test_home_page_queries_with_menus_are_exact_cold_and_warm(
    client, header, version, django_assert_num_queries
):
    """Prevents a query per menu item (its page, its category) and per request: the
    menus are one query, kept with the page's version."""
    category = make_category(name="Ekonomi")
    for n in range(3):
        make_article(category=category)
        item(header, page=make_page(title=f"Profil {n}"))
    item(header, category=category)
    item(header, document_section="laporan")
    footer = Menu.objects.create(location=Menu.Location.FOOTER_1, title="Layanan")
    item(footer, page=make_page(title="Kontak"))
    item(footer, url="https://jatengprov.go.id/", label="Portal")
    # latest; candidates; blocks; 3 most-read rankings; site settings; the categories
    # with whether any menu exists; the menus' items with their pages and categories
    with django_assert_num_queries(version + 9):
        assert client.get("/").status_code == 200
    with django_assert_num_queries(version):
        assert client.get("/").status_code == 200


@pytest.mark.usefixtures("page_roles")
def test_editor_edits_a_menu_in_the_admin_and_readers_see_it(client):
    _editor, editor_client = staff("Editor")
    profil = make_page(title="Profil")
    data = {
        "location": "header",
        "title": "Menu utama",
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-order": "2",
        "items-0-page": profil.pk,
        "items-1-order": "1",
        "items-1-url": "javascript:alert(1)",
        "items-1-label": "Jahat",
    }
    response = editor_client.post("/admin/menus/menu/add/", data)
    assert response.status_code == 200  # the hostile address is refused
    assert not Menu.objects.exists()
    data["items-1-url"] = "/arsip/"
    response = editor_client.post("/admin/menus/menu/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    nav = header_nav(client.get("/").content.decode())
    assert nav.index("/arsip/") < nav.index("/profil/")
