"""A reader who arrives from a WhatsApp share, reads, switches to English and searches,
in a real browser (Chromium via Playwright), on a phone-sized screen."""

import re

from playwright.sync_api import expect

from ..factories import make_article, make_category, make_photo
from .test_browser_journey import TIMEOUT_MS, browser  # noqa: F401 - the shared browser

PHONE = {"width": 360, "height": 740}


def test_a_reader_lands_from_a_share_reads_switches_to_english_and_searches(live_server, browser):  # noqa: F811
    category = make_category(name="Infrastruktur")
    article = make_article(
        title="Jembatan Kaligawe Dibuka untuk Umum",
        lead="Jembatan baru memangkas waktu tempuh warga.",
        body="<p>Pemerintah provinsi membuka jembatan Kaligawe.</p><p>Paragraf kedua.</p>",
        category=category,
        featured_photo=make_photo(alt_text="Jembatan baru di atas sungai"),
        tags=["jembatan"],
    )
    make_article(title="Pasar Murah Ramadan", category=category)
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        # 1. The link a WhatsApp share carries: the article's address.
        page.goto(live_server.url + article.get_absolute_url())
        expect(page.locator("h1")).to_have_text("Jembatan Kaligawe Dibuka untuk Umum")
        expect(page.locator("html")).to_have_attribute("lang", "id")
        expect(page.locator(".article-body")).to_contain_text("SEMARANG - Pemerintah provinsi")
        expect(page.locator("figure.article-photo img")).to_have_attribute(
            "alt", "Jembatan baru di atas sungai"
        )
        expect(page.locator(".credit").first).to_contain_text("Foto : ")
        whatsapp = page.get_by_role("link", name=re.compile("^WhatsApp"))
        expect(whatsapp).to_have_attribute(
            "href", re.compile(r"^https://wa\.me/\?text=Jembatan%20Kaligawe")
        )
        # The page fits the phone: nothing wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        # 2. Switch to English in the footer; the reader stays on the article.
        page.get_by_role("link", name="English").click()
        expect(page).to_have_url(live_server.url + article.get_absolute_url())
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator(".share-title")).to_have_text("Share")
        expect(page.locator(".views")).to_contain_text("read :")

        # 3. Search from the menu, in English.
        page.get_by_role("link", name="Search", exact=True).click()
        page.get_by_label("Search the news").fill("jembatan")
        page.get_by_role("button", name="Search").click()
        expect(page).to_have_url(re.compile(r"/cari/\?q=jembatan"))
        results = page.locator(".search-results li")
        expect(results).to_have_count(1)
        expect(results.first.locator("mark").first).to_have_text(re.compile("jembatan", re.I))
        results.first.get_by_role("link").click()
        expect(page).to_have_url(live_server.url + article.get_absolute_url())

        # 4. And back to Indonesian.
        page.get_by_role("link", name="Bahasa Indonesia").click()
        expect(page.locator(".share-title")).to_have_text("Bagikan")
    finally:
        context.close()
