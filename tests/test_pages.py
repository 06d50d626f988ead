"""The pages app: a tree of pages at their own addresses, with the articles' editor,
sanitizer, workflow and roles; breadcrumbs, sitemap, search and the page cache."""

from importlib import import_module

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from treebeard.exceptions import InvalidPosition

from pages.models import Page, PageRevision, reserved_slugs

from .factories import make_category, make_photo, make_user
from .test_documents import make_document

pytestmark = pytest.mark.django_db


def make_page(parent=None, **fields):
    """A published page, under `parent` or at the top level."""
    fields.setdefault("title", "Profil")
    fields.setdefault("body", "<p>Isi halaman.</p>")
    fields.setdefault("status", Page.Status.PUBLISHED)
    page = Page(**fields)
    if parent is None:
        page = Page.objects.add_root(instance=page)
    else:
        page = Page.objects.add_child(parent, instance=page)
        parent.refresh_from_db()
    return page


@pytest.fixture
def page_roles(roles):
    """The groups with the pages' and menus' permissions, as their migrations give them
    (re-run here: `roles` re-creates only the newsroom's after a flush)."""
    for app, name in (("pages", "0002_roles"), ("menus", "0002_roles")):
        state = MigrationLoader(connection).project_state((app, name))
        import_module(f"{app}.migrations.{name}").grant(state.apps, None)
    return roles


def staff(role, **fields):
    user = make_user(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return user, client


def page_form(page=None, **overrides):
    data = {
        "title": page.title if page else "Visi dan Misi",
        "slug": page.slug if page else "",
        "body": page.body if page else "<p>Visi kami.</p>",
        "featured_photo": "",
        "seo_title": "",
        "meta_description": "",
        "status": page.status if page else "draft",
        "treebeard_position": "first-child",
        "treebeard_ref_node": "",
        "revisions-TOTAL_FORMS": "0",
        "revisions-INITIAL_FORMS": "0",
        "revisions-MIN_NUM_FORMS": "0",
        "revisions-MAX_NUM_FORMS": "1000",
    }
    if page is not None:
        parent = Page.objects.get_parent(page)
        data["treebeard_ref_node"] = parent.pk if parent else ""
        data["revisions-TOTAL_FORMS"] = data["revisions-INITIAL_FORMS"] = str(
            page.revisions.count()
        )
        for n, revision in enumerate(page.revisions.all()):
            data[f"revisions-{n}-id"] = revision.pk
            data[f"revisions-{n}-page"] = page.pk
    data.update(overrides)
    return data


# -- the tree and its addresses ------------------------------------------------------


def test_a_page_address_is_the_slugs_of_its_ancestors_and_its_own():
    profil = make_page(title="Profil")
    struktur = make_page(profil, title="Struktur Organisasi")
    bidang = make_page(struktur, title="Bidang Humas")
    assert profil.url_path == "/profil/"
    assert struktur.url_path == "/profil/struktur-organisasi/"
    assert bidang.get_absolute_url() == "/profil/struktur-organisasi/bidang-humas/"


def test_moving_a_subtree_updates_every_descendant_address():
    profil = make_page(title="Profil")
    tentang = make_page(title="Tentang")
    struktur = make_page(profil, title="Struktur Organisasi")
    bidang = make_page(struktur, title="Bidang Humas")
    Page.objects.move(struktur, tentang, pos="last-child")
    struktur.refresh_from_db()
    bidang.refresh_from_db()
    assert struktur.url_path == "/tentang/struktur-organisasi/"
    assert bidang.url_path == "/tentang/struktur-organisasi/bidang-humas/"
    assert [p.title for p in Page.objects.get_ancestors(bidang)] == [
        "Tentang",
        "Struktur Organisasi",
    ]


def test_renaming_a_slug_moves_the_subtree_addresses(client):
    profil = make_page(title="Profil")
    visi = make_page(profil, title="Visi dan Misi")
    profil.slug = "profil-pemprov"
    profil.save()
    visi.refresh_from_db()
    assert visi.url_path == "/profil-pemprov/visi-dan-misi/"
    assert client.get("/profil-pemprov/visi-dan-misi/").status_code == 200
    assert client.get("/profil/visi-dan-misi/").status_code == 404


def test_a_move_next_to_a_page_with_the_same_slug_is_refused():
    a = make_page(title="A")
    b = make_page(title="B")
    make_page(a, title="Kontak")
    kontak_b = make_page(b, title="Kontak")
    with pytest.raises(InvalidPosition):
        Page.objects.move(kontak_b, a, pos="last-child")
    with pytest.raises(IntegrityError):
        make_page(title="Kontak A", slug="a")


def test_reserved_prefixes_come_from_the_site_urls():
    assert {"admin", "akun", "berita", "kategori", "tag", "cari", "dokumen", "video"} <= (
        reserved_slugs()
    )
    assert {"feed", "arsip", "populer", "penulis", "fotografer", "bahasa", "healthz"} <= (
        reserved_slugs()
    )
    assert "profil" not in reserved_slugs()


@pytest.mark.usefixtures("page_roles")
def test_admin_refuses_reserved_and_duplicate_slugs():
    _editor, client = staff("Editor")
    response = client.post("/admin/pages/page/add/", page_form(title="Berita"))
    assert response.status_code == 200
    assert "another part of the site" in response.content.decode() or (
        "bagian lain" in response.content.decode()
    )
    make_page(title="Kontak")
    response = client.post("/admin/pages/page/add/", page_form(title="Kontak"))
    assert response.status_code == 200
    assert Page.objects.count() == 1
    # Under another page, "berita" is a fine slug.
    profil = make_page(title="Profil")
    response = client.post(
        "/admin/pages/page/add/", page_form(title="Berita", treebeard_ref_node=profil.pk)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Page.objects.get(title="Berita").url_path == "/profil/berita/"


# -- what readers see ----------------------------------------------------------------


def test_a_published_page_shows_with_breadcrumbs_children_and_seo(client):
    profil = make_page(title="Profil", meta_description="Profil Pemerintah Provinsi.")
    make_page(profil, title="Visi dan Misi")
    make_page(profil, title="Draf Rahasia", status=Page.Status.DRAFT)
    html = client.get("/profil/").content.decode()
    assert "<h1" in html and "Profil" in html
    assert '<meta name="description" content="Profil Pemerintah Provinsi.">' in html
    assert '<link rel="canonical" href="http://testserver/profil/">' in html
    assert 'href="/profil/visi-dan-misi/"' in html
    assert "Draf Rahasia" not in html
    child = client.get("/profil/visi-dan-misi/").content.decode()
    assert 'aria-label="Breadcrumb"' in child or 'aria-label="Remah roti"' in child
    assert '<a href="/profil/">Profil</a>' in child
    assert 'aria-current="page">Visi dan Misi</a>' in child
    assert '"@type": "BreadcrumbList"' in child


def test_a_page_shows_its_photo_with_the_articles_picture():
    photo = make_photo()
    make_page(title="Pejabat", featured_photo=photo)
    html = Client().get("/pejabat/").content.decode()
    assert "<picture>" in html and f'alt="{photo.alt_text}"' in html
    assert 'property="og:image"' in html


@pytest.mark.parametrize("status", ["draft", "review", "unpublished"])
def test_an_unpublished_page_is_not_found(client, status):
    make_page(title="Kontak", status=status)
    assert client.get("/kontak/").status_code == 404


def test_an_unknown_address_is_not_found(client):
    make_page(title="Profil")
    assert client.get("/profil/tidak-ada/").status_code == 404
    assert client.get("/tidak-ada/").status_code == 404


@pytest.mark.usefixtures("page_roles")
def test_staff_preview_an_unpublished_page_and_readers_do_not(client):
    make_page(title="Kontak", status=Page.Status.DRAFT)
    assert client.get("/kontak/?pratinjau=1").status_code == 404
    _editor, editor_client = staff("Editor")
    response = editor_client.get("/kontak/?pratinjau=1")
    assert response.status_code == 200 and "preview-banner" in response.content.decode()
    assert client.get("/kontak/").status_code == 404  # the preview was not kept


def test_the_body_is_sanitized_on_save():
    page = make_page(body='<p>Halo</p><script>alert(1)</script><a href="javascript:x">x</a>')
    assert "<script" not in page.body and "javascript:" not in page.body
    assert "<p>Halo</p>" in page.body


def test_sitemap_lists_published_pages_only(client):
    profil = make_page(title="Profil")
    make_page(profil, title="Draf", status=Page.Status.DRAFT)
    xml = client.get("/sitemap.xml").content.decode()
    assert "http://testserver/profil/</loc>" in xml
    assert "/profil/draf/" not in xml


def test_search_finds_published_pages(client):
    make_page(title="Struktur Organisasi", body="<p>Kepala Biro Humas dan para kabag.</p>")
    make_page(title="Draf Biro", status=Page.Status.DRAFT, body="<p>Biro humas rahasia.</p>")
    html = client.get("/cari/", {"q": "biro humas"}).content.decode()
    assert 'href="/struktur-organisasi/"' in html
    assert "Draf Biro" not in html


def test_a_page_edit_shows_on_the_next_request(client):
    page = make_page(title="Kontak", body="<p>Telepon lama</p>")
    assert "Telepon lama" in client.get("/kontak/").content.decode()
    page.body = "<p>Telepon baru</p>"
    page.save()
    assert "Telepon baru" in client.get("/kontak/").content.decode()
    page.status = Page.Status.UNPUBLISHED
    page.save()
    assert client.get("/kontak/").status_code == 404


# -- the workflow through the admin --------------------------------------------------


@pytest.mark.usefixtures("page_roles")
def test_writer_drafts_a_page_and_submits_it_for_review():
    writer, client = staff("Penulis")
    response = client.post("/admin/pages/page/add/", page_form())
    assert response.status_code == 302, response.content.decode()[:3000]
    page = Page.objects.get()
    assert (page.author, page.status, page.url_path) == (writer, "draft", "/visi-dan-misi/")
    response = client.post(f"/admin/pages/page/{page.pk}/change/", page_form(page, status="review"))
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.status == "review"
    assert page.revisions.count() == 2


@pytest.mark.usefixtures("page_roles")
@pytest.mark.parametrize("status", ["published", "unpublished"])
def test_a_crafted_post_cannot_make_a_writer_publish_a_page(status):
    writer, client = staff("Penulis")
    response = client.post("/admin/pages/page/add/", page_form(status=status))
    assert response.status_code == 200  # the form refuses the choice
    assert not Page.objects.exists()
    page = make_page(title="Kontak", status="draft", author=writer)
    client.post(f"/admin/pages/page/{page.pk}/change/", page_form(page, status=status))
    page.refresh_from_db()
    assert page.status == "draft"


@pytest.mark.usefixtures("page_roles")
def test_writer_cannot_change_a_published_page_or_another_writers():
    writer, client = staff("Penulis")
    published = make_page(title="Profil", author=writer)
    others = make_page(title="Kontak", status="draft", author=make_user())
    for page in (published, others):
        response = client.post(
            f"/admin/pages/page/{page.pk}/change/", page_form(page, title="Diubah")
        )
        assert response.status_code == 403
        page.refresh_from_db()
        assert page.title != "Diubah"


@pytest.mark.usefixtures("page_roles")
def test_editor_publishes_and_every_save_is_a_revision(client):
    _editor, editor_client = staff("Editor")
    page = make_page(title="Kontak", status="review")
    response = editor_client.post(
        f"/admin/pages/page/{page.pk}/change/",
        page_form(page, status="published", body="<p>Jl. Pahlawan</p><script>x()</script>"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    page.refresh_from_db()
    assert page.status == "published" and page.published_at is not None
    assert "<script" not in page.body
    revision = PageRevision.objects.get(page=page)
    assert "status" in revision.changed and revision.data["status"] == "published"
    assert "Jl. Pahlawan" in client.get("/kontak/").content.decode()


@pytest.mark.usefixtures("page_roles")
def test_admin_tree_list_and_drag_and_drop_move_update_addresses():
    _editor, client = staff("Editor")
    profil = make_page(title="Profil")
    kontak = make_page(title="Kontak")
    assert client.get("/admin/pages/page/").status_code == 200
    response = client.post(
        "/admin/pages/page/move/", {"node": kontak.pk, "target": profil.pk, "relation": "child"}
    )
    assert response.status_code == 200
    kontak.refresh_from_db()
    assert kontak.url_path == "/profil/kontak/"


@pytest.mark.usefixtures("page_roles")
def test_roles_have_their_page_permissions():
    writer, _ = staff("Penulis")
    editor, _ = staff("Editor")
    assert writer.has_perm("pages.add_page") and not writer.has_perm("pages.publish_page")
    assert editor.has_perm("pages.publish_page") and editor.has_perm("menus.change_menuitem")
    assert not writer.has_perm("menus.change_menuitem")


@pytest.fixture
def version(settings):
    """Queries of the page version: none with Redis (as in test_queries.py)."""
    return 0 if settings.REDIS_URL else 1


def test_page_queries_are_exact_cold_and_warm(client, version, django_assert_num_queries):
    """Prevents a query per ancestor (breadcrumbs) or per child (the section's list)."""
    profil = make_page(title="Profil", featured_photo=make_photo())
    struktur = make_page(profil, title="Struktur Organisasi")
    for n in range(4):
        make_page(struktur, title=f"Bidang {n}")
    make_category(name="Pemerintahan")
    # the page with its ancestors and photo; its children; site settings; the
    # categories with whether any menu exists (none: the categories are the menu)
    with django_assert_num_queries(version + 4):
        assert client.get("/profil/struktur-organisasi/").status_code == 200
    with django_assert_num_queries(version):
        assert client.get("/profil/struktur-organisasi/").status_code == 200


def test_a_page_lists_its_published_documents(client):
    page = make_page(title="Laporan")
    shown = make_document(title="Laporan Kinerja 2026")
    hidden = make_document(title="Draf Laporan", is_published=False)
    page.attachments.add(shown, hidden)
    html = client.get("/laporan/").content.decode()
    assert f'href="{shown.get_absolute_url()}"' in html
    assert "Draf Laporan" not in html


@pytest.mark.usefixtures("page_roles")
def test_writers_delete_no_page_and_editors_delete_a_subtree():
    writer, client = staff("Penulis")
    own = make_page(title="Draf Saya", status="draft", author=writer)
    make_page(own, title="Anak", status="draft", author=writer)
    assert client.post(f"/admin/pages/page/{own.pk}/delete/", {"post": "yes"}).status_code == 403
    _editor, editor_client = staff("Editor")
    response = editor_client.post(f"/admin/pages/page/{own.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Page.objects.exists()


@pytest.mark.usefixtures("page_roles")
def test_editor_compares_revisions_and_restores_one(client):
    _editor, editor_client = staff("Editor")
    page = make_page(title="Kontak", body="<p>Telepon 024-111</p>")
    url = f"/admin/pages/page/{page.pk}/change/"
    for body in ("<p>Telepon 024-111</p>", "<p>Faks 024-222</p>", "<p>Telepon 024-999</p>"):
        page.refresh_from_db()
        assert editor_client.post(url, page_form(page, body=body)).status_code == 302
    first, _second, _latest = sorted(page.revisions.all(), key=lambda r: r.pk)
    response = editor_client.get(f"/admin/pages/page/{page.pk}/revisi/")
    assert response.status_code == 200 and "024-999" in response.content.decode()
    response = editor_client.post(f"/admin/pages/page/{page.pk}/revisi/", {"restore": first.pk})
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.body == "<p>Telepon 024-111</p>"
    assert page.revisions.latest("pk").note.endswith(f"#{first.pk}")
    assert "024-111" in client.get("/kontak/").content.decode()
