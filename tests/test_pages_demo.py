"""The demo pages and menus that seed_demo makes for `make run`."""

from io import StringIO

import pytest
from django.core.management import call_command

from menus.models import Menu, MenuItem
from pages.models import Page

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_pages_and_menus_once_and_they_render(client):
    call_command("seed_demo", stdout=StringIO())
    assert set(Page.objects.values_list("url_path", flat=True)) == {
        "/profil/",
        "/profil/visi-dan-misi/",
        "/profil/struktur-organisasi/",
        "/profil/pejabat/",
        "/kontak/",
    }
    assert set(Menu.objects.values_list("location", flat=True)) == {
        "header",
        "footer-1",
        "footer-2",
    }
    items = MenuItem.objects.count()
    html = client.get("/profil/struktur-organisasi/").content.decode()
    assert 'aria-current="page">Struktur Organisasi</a>' in html
    assert "Tentang Kami" in html
    out = StringIO()
    call_command("seed_demo_pages", stdout=out)
    assert "0 items created" in out.getvalue()
    assert MenuItem.objects.count() == items


def test_seed_demo_pages_dry_run_changes_nothing():
    out = StringIO()
    call_command("seed_demo_pages", "--dry-run", stdout=out)
    assert "Dry run" in out.getvalue()
    assert not Page.objects.exists() and not Menu.objects.exists()
