"""Hoax clarifications and media kits in a real browser (Chromium via Playwright): a reader
finds a clarification at /klarifikasi/ without JavaScript and reads its verdict; a
journalist clicks "Unduh kit media" on an article and gets a ZIP whose photos carry
their credits. axe-core checks the listing and the clarification's page.
"""

import zipfile

import pytest
from playwright.sync_api import expect

from factcheck.models import Clarification

from ..factories import make_article, make_photo, make_photographer
from ..test_mediakit import iim_of_jpeg, xmp_fields, xmp_of_jpeg
from .test_accessibility import PASSES, audit, axe_script, describe, new_context  # noqa: F401
from .test_browser_journey import TIMEOUT_MS, browser  # noqa: F401 - the shared browser

# live_server needs a transactional database: the server thread must see the test's rows.
pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Klarifikasi: Tidak Ada Bansos Rp 2 Juta Lewat Tautan WhatsApp"


@pytest.fixture
def clarification(settings, tmp_path):
    settings.MEDIAKIT_CACHE_DIR = tmp_path / "kits"
    photo = make_photo(
        photographer=make_photographer(name="Handy", agency="Humas Jateng"),
        caption="Kepala Dinas Sosial memberi keterangan.",
        alt_text="Kepala Dinas Sosial berbicara kepada wartawan",
    )
    article = make_article(
        kind="klarifikasi",
        title=TITLE,
        lead="Pesan berantai yang menjanjikan bantuan sosial itu hoaks.",
        featured_photo=photo,
    )
    return Clarification.objects.create(
        article=article,
        claim="Bantuan sosial Rp 2 juta dibagikan lewat tautan di WhatsApp.",
        platform="whatsapp",
        platform_detail="grup keluarga",
        verdict="hoaks",
        evidence="Dinas Sosial memastikan tidak ada program tersebut.",
        sources="https://dinsos.jatengprov.go.id/",
    )


def test_a_reader_finds_the_verdict_without_javascript_and_the_pages_are_accessible(
    live_server,
    browser,  # noqa: F811 - the imported fixture
    axe_script,  # noqa: F811
    clarification,
    subtests,
):
    base = live_server.url
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{base}/klarifikasi/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Klarifikasi Hoaks")
    item = page.locator(".clarification-item").first
    expect(item.locator(".verdict-badge")).to_have_text("Hoaks")
    item.get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(f"{base}{clarification.article.get_absolute_url()}")
    box = page.get_by_role("region", name="Putusan: Hoaks")
    expect(box).to_contain_text("Bantuan sosial Rp 2 juta")
    expect(box).to_contain_text("WhatsApp (grup keluarga)")
    context.close()

    for pass_name, viewport, language in PASSES:
        context = new_context(browser, base, viewport, language)
        page = context.new_page()
        for path in ("/klarifikasi/", clarification.article.get_absolute_url()):
            with subtests.test(msg=f"{path} ({pass_name})"):
                assert page.goto(base + path).ok
                failing, _others = audit(page, axe_script)
                assert not failing, describe(failing)
        context.close()


def test_a_journalist_downloads_a_media_kit_whose_photos_keep_their_credits(
    live_server,
    browser,  # noqa: F811 - the imported fixture
    clarification,
    tmp_path,
):
    context = browser.new_context(accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(live_server.url + clarification.article.get_absolute_url())
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Unduh kit media").click()
    download = download_info.value
    assert download.suggested_filename == f"kit-media-{clarification.article.slug}.zip"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    context.close()

    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        photo = next(name for name in archive.namelist() if "/foto/" in name)
        data = archive.read(photo)
    assert xmp_fields(xmp_of_jpeg(data))["credit"] == "Foto : Handy (Humas Jateng)"
    assert iim_of_jpeg(data)[(2, 110)] == [b"Foto : Handy (Humas Jateng)"]
    assert iim_of_jpeg(data)[(2, 120)] == [b"Kepala Dinas Sosial memberi keterangan."]
