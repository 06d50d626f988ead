"""The pages' and menus' screens under the Content-Security-Policy (tests/test_csp.py):
treebeard's tree list and its scripts, the page form with the body editor's import map,
and the public page with a menu (no nonce: it is cached)."""

import pytest

from menus.models import Menu, MenuItem
from pages.models import Page

from .test_csp import assert_allowed_by_policy, nonce_of
from .test_pages import make_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def page():
    profil = make_page(title="Profil")
    return make_page(profil, title="Visi dan Misi")


@pytest.mark.parametrize(
    "path",
    [
        "/admin/pages/page/",
        "/admin/pages/page/add/",
        "/admin/pages/page/{pk}/change/",
        "/admin/pages/page/{pk}/revisi/",
        "/admin/menus/menu/",
        "/admin/menus/menu/add/",
    ],
)
def test_admin_screens_carry_the_policy(admin_client, page, path):
    assert_allowed_by_policy(admin_client.get(path.format(pk=page.pk)))


def test_the_page_forms_editor_import_map_carries_the_nonce(admin_client, page):
    response = admin_client.get(f"/admin/pages/page/{page.pk}/change/")
    markup = assert_allowed_by_policy(response)
    importmaps = [s for s in markup.scripts if s.get("type") == "importmap"]
    assert [s["nonce"] for s in importmaps] == [nonce_of(response)]


def test_a_public_page_with_menus_carries_the_policy_and_no_nonce(client, page):
    header = Menu.objects.create(location="header", title="Menu utama")
    top = MenuItem.objects.create(menu=header, page=Page.objects.get_parent(page))
    MenuItem.objects.create(menu=header, page=page, parent=top)
    for _ in range(2):  # rendered, then from the page cache
        response = client.get(page.url_path)
        assert_allowed_by_policy(response)
        assert nonce_of(response) is None
