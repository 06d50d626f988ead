"""The Content-Security-Policy in a real browser (Chromium via Playwright): nothing a
reader or the newsroom does is blocked by it: reading, sharing, logging in to the admin,
writing with the body editor, choosing a photo from the library and saving.

What the header says, and that every script on our pages is one it allows, is
tests/test_csp.py.
"""

import pytest
from playwright.sync_api import expect

from articles.models import Article

from ..factories import make_article, make_category, make_photo, make_user

# Fixtures, found by pytest under these names (see test_browser_newsroom.py).
from .test_browser_journey import TIMEOUT_MS, browser  # noqa: F401
from .test_browser_newsroom import body_editor, type_with_bold, wait_for_caret_at_end

STAFF = ("redaktur", "sandi-redaktur-2026")
BEFORE_BOLD = "Gubernur meninjau "
BOLD = "jembatan"
AFTER_BOLD = " yang baru selesai dibangun."
# Reports every violation, whatever the console says; added to each page, popups too.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportViolation([location.pathname, event.effectiveDirective, event.blockedURI,
                          event.sourceFile, event.lineNumber].join(" "));
});
"""


@pytest.mark.django_db(transaction=True)
def test_nothing_is_blocked_for_readers_or_the_newsroom(live_server, browser, settings):  # noqa: F811
    # The page's script reports the view, so the beacon script runs too.
    settings.VIEW_COUNT_MODE = "beacon"
    make_user(username=STAFF[0], password=STAFF[1], is_staff=True, is_superuser=True)
    category = make_category(name="Pemerintahan")
    photo = make_photo(alt_text="Jembatan gantung dari udara", caption="Jembatan gantung.")
    article = make_article(title="Jembatan Gantung Dibuka", category=category, tags=["jembatan"])

    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    violations, errors = [], []
    context.expose_function("reportViolation", lambda text: violations.append(text))
    context.add_init_script(REPORT_VIOLATIONS)
    context.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    context.on("weberror", lambda error: errors.append(str(error.error)))
    try:
        page = context.new_page()

        # A reader: the home page, then an article, whose scripts still work.
        page.goto(live_server.url + "/")
        expect(page.get_by_role("link", name="Jembatan Gantung Dibuka").first).to_be_visible()
        # viewbeacon.js reports the view (headless Chromium is not counted, a crawler).
        with page.expect_response(lambda r: r.url.endswith("/dibaca/")) as beacon:
            page.goto(live_server.url + article.get_absolute_url())
        assert (beacon.value.request.method, beacon.value.ok) == ("POST", True)
        page.locator(".share-copy").click()
        expect(page.locator(".share-status")).to_have_text("Tautan disalin")
        assert page.evaluate("navigator.clipboard.readText()").endswith(article.get_absolute_url())

        # The newsroom: log in, write an article with a bold word and a library photo.
        page.goto(live_server.url + "/admin/login/")
        page.fill("#id_username", STAFF[0])
        page.fill("#id_password", STAFF[1])
        page.locator("#login-form [type=submit]").click()
        expect(page).to_have_url(live_server.url + "/admin/")

        page.goto(live_server.url + "/admin/articles/article/add/")
        editor = body_editor(page)
        page.fill("#id_title", "Gubernur Meninjau Jembatan")
        page.fill("#id_dateline", "WONOSOBO")
        page.locator(".field-category .select2-selection").click()
        page.locator(".select2-dropdown .select2-search__field").fill("Pemerin")
        page.locator(".select2-results__option", has_text="Pemerintahan").click()
        type_with_bold(page, editor, BEFORE_BOLD, BOLD, AFTER_BOLD)
        # Tiptap's own stylesheet applied (allowed by its hash): typed spaces are kept.
        assert editor.evaluate("e => getComputedStyle(e).whiteSpace") == "break-spaces"

        # The figure dialog's "Browse..." opens the photo library in a window of its own,
        # for a figure in a new paragraph after the one typed, where the caret still is.
        wait_for_caret_at_end(editor)
        page.keyboard.press("Enter")
        page.locator('.field-body .prose-editor button[data-name="figure"]').click()
        dialog = page.locator("dialog.prose-editor-dialog[open]")
        with page.expect_popup() as popup:
            dialog.get_by_role("button", name="Browse...").click()
        picker = popup.value
        with picker.expect_event("close"):
            picker.locator(".photo-choice").first.click()
        expect(dialog.locator("input[name=altText]")).to_have_value(photo.alt_text)
        dialog.locator("button[type=submit]").click()
        expect(editor.locator("figure img")).to_have_attribute("alt", photo.alt_text)

        page.locator('.submit-row input[name="_save"]').click()
        expect(page).to_have_url(live_server.url + "/admin/articles/article/")
        expect(page.locator(".messagelist .success")).to_have_count(1)
    finally:
        context.close()

    saved = Article.objects.get(title="Gubernur Meninjau Jembatan")
    assert f"<p>{BEFORE_BOLD}<strong>{BOLD}</strong>{AFTER_BOLD}</p>" in saved.body
    assert f'alt="{photo.alt_text}"' in saved.body
    assert violations == []
    assert errors == []
