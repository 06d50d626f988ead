"""In a real browser (Chromium via Playwright): an editor copies an article's WhatsApp
text from its public page with the copy button; a visitor subscribes to the email
digest, on a page that passes axe-core."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from playwright.sync_api import expect

from mailing.models import Subscriber

from ..factories import make_article, make_category, make_user
from .test_accessibility import audit, axe_script, describe  # noqa: F401
from .test_browser_journey import TIMEOUT_MS, browser  # noqa: F401 - the shared browser

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("roles")]

PASSWORD = "sandi-editor-2026"


def context_for(browser, live_server, *, clipboard=False, axe=False):  # noqa: F811
    # axe.min.js goes in as an inline <script>, which our CSP refuses: only the axe
    # contexts bypass it; the editor's runs under the CSP, our copy script included.
    context = browser.new_context(bypass_csp=axe)
    context.set_default_timeout(TIMEOUT_MS)
    if clipboard:
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    return context


def test_an_editor_copies_an_articles_whatsapp_text_from_its_page(live_server, browser):  # noqa: F811
    article = make_article(title="Gubernur *Resmikan* Bendungan", tags=["jawa tengah"])
    editor = make_user(username="editor", password=PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    context = context_for(browser, live_server, clipboard=True)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/admin/login/")
        page.fill("#id_username", "editor")
        page.fill("#id_password", PASSWORD)
        page.locator("#login-form [type=submit]").click()
        expect(page).to_have_url(live_server.url + "/admin/")

        page.goto(live_server.url + article.get_absolute_url())
        page.locator(".staff-links").get_by_role("link", name="Teks WhatsApp").click()
        expect(page).to_have_url(re.compile(r"/admin/whatsapp/artikel/\d+/$"))
        box = page.get_by_label("Teks untuk saluran atau grup WhatsApp")
        expect(box).to_have_value(re.compile(r"^\*Gubernur \u2217Resmikan\u2217 Bendungan\*\n\n"))
        button = page.get_by_role("button", name="Salin")
        expect(button).to_be_visible()  # shown by the script
        button.click()
        expect(page.locator(".wa-status")).to_have_text("Tersalin. Tempelkan ke WhatsApp.")
        assert page.evaluate("navigator.clipboard.readText()") == box.input_value()
    finally:
        context.close()

    # A visitor's page has no staff link: the shared copy was rendered for the editor.
    visitor = context_for(browser, live_server)
    try:
        page = visitor.new_page()
        page.goto(live_server.url + article.get_absolute_url())
        expect(page.locator("h1")).to_have_text(article.title)
        expect(page.locator(".staff-links")).to_have_count(0)
    finally:
        visitor.close()


def test_a_visitor_subscribes_to_the_digest(live_server, browser, axe_script):  # noqa: F811
    economy = make_category(name="Ekonomi")
    make_category(name="Kesehatan")
    context = context_for(browser, live_server, axe=True)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/langganan/")
        failing, _ = audit(page, axe_script)
        assert not failing, describe(failing)

        # Sent without a category or consent: the errors, tied to their fields.
        page.locator('[name="email"]').fill("warga@example.com")
        page.get_by_role("button", name="Berlangganan").click()
        expect(page.locator("#id_categories_error")).to_contain_text("Pilih setidaknya satu")
        expect(page.locator("#id_consent_error")).to_be_visible()
        failing, _ = audit(page, axe_script)
        assert not failing, describe(failing)

        page.get_by_label("Ekonomi").check()
        page.get_by_label(re.compile("Mingguan")).check()
        page.locator('[name="consent"]').check()
        page.get_by_role("button", name="Berlangganan").click()
        expect(page).to_have_url(live_server.url + "/surat/cek-email/")
    finally:
        context.close()
    subscriber = Subscriber.objects.get(list_key="digest")
    assert subscriber.options == {"categories": [economy.pk], "frequency": "weekly"}
    assert subscriber.confirmed_at is None
    assert "/surat/konfirmasi/" in mail.outbox[-1].body
