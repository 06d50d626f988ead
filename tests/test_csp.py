"""The Content-Security-Policy (humas/settings.py, through django-csp).

What the header says, that every script on our pages is one the policy allows, and, in a
real browser (Chromium via Playwright), that nothing a reader or the newsroom does is
blocked by it: reading, logging in to the admin, writing with the body editor, choosing
a photo from the library and saving.
"""

import base64
import hashlib
import re
import runpy
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from playwright.sync_api import expect

from articles.models import Article

from .factories import make_article, make_category, make_photo, make_user

# Fixtures, found by pytest under these names (see test_browser_newsroom.py).
from .test_browser_journey import TIMEOUT_MS, browser  # noqa: F401
from .test_browser_newsroom import body_editor, type_with_bold

HEADER = "Content-Security-Policy"
# <script> types a browser runs, so script-src governs them. Others are data blocks.
EXECUTABLE = {"", "text/javascript", "module", "importmap"}
DATA_BLOCKS = {"application/ld+json", "application/json"}


def policy(response):
    """The response's policy as {directive: [sources]}."""
    directives = (part.split() for part in response[HEADER].split(";"))
    return {name: sources for name, *sources in directives}


def nonce_of(response):
    """The nonce in the header's script-src, or None."""
    nonces = [s for s in policy(response)["script-src"] if s.startswith("'nonce-")]
    assert len(nonces) <= 1, nonces
    return nonces[0].removeprefix("'nonce-").removesuffix("'") if nonces else None


class Markup(HTMLParser):
    """The page's <script> and <style> tags, and any attribute that CSP would block."""

    def __init__(self, html):
        super().__init__()
        self.scripts, self.styles, self.handlers, self.style_attributes = [], [], [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs)
        if tag == "style":
            self.styles.append(attrs)
        self.handlers += [f"<{tag} {name}>" for name in attrs if name.startswith("on")]
        if "style" in attrs:
            self.style_attributes.append(f"<{tag} style={attrs['style']!r}>")


def assert_allowed_by_policy(response):
    """Every script is a same-origin file or carries the header's nonce; no inline event
    handler, <style> element or style attribute (style-src has no 'unsafe-inline')."""
    assert response.status_code == 200
    directives = policy(response)
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-inline'" not in directives["style-src"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    nonce = nonce_of(response)
    markup = Markup(response.content.decode())
    for script in markup.scripts:
        if "src" in script:
            assert urlsplit(script["src"]).netloc in ("", "testserver"), script
        elif script.get("type", "") in EXECUTABLE:
            assert nonce and script.get("nonce") == nonce, script
        else:
            assert script["type"] in DATA_BLOCKS, script
    assert not markup.handlers
    assert not markup.style_attributes
    assert not markup.styles
    return markup


@pytest.fixture
def newsroom(db):
    photo = make_photo(alt_text="Gubernur meninjau jembatan")
    article = make_article(featured_photo=photo, tags=["jembatan"])
    return article


@pytest.mark.parametrize(
    "path", ["/", "article", "/cari/?q=berita", "/akun/masuk/", "/admin/login/"]
)
def test_public_pages_carry_the_policy_and_no_nonce(client, newsroom, path):
    """A cached page is served again with other responses' headers, so it must not
    depend on a nonce: public pages use none, and their header names none."""
    path = newsroom.get_absolute_url() if path == "article" else path
    for _ in range(2):  # rendered, then from the page cache
        response = client.get(path)
        markup = assert_allowed_by_policy(response)
        assert nonce_of(response) is None
        assert all("nonce" not in script for script in markup.scripts)


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/articles/article/",
        "/admin/articles/article/add/",
        "/admin/articles/article/{pk}/change/",
        "/admin/articles/article/{pk}/revisi/",
        "/admin/articles/article/terpopuler/",
        "/admin/articles/photo/",
        "/admin/articles/photo/pilih/?CKEditorFuncNum=1",
    ],
)
def test_admin_pages_carry_the_policy(admin_client, newsroom, path):
    assert_allowed_by_policy(admin_client.get(path.format(pk=newsroom.pk)))


def test_the_body_editors_import_map_carries_the_responses_nonce(admin_client, newsroom):
    response = admin_client.get(f"/admin/articles/article/{newsroom.pk}/change/")
    markup = assert_allowed_by_policy(response)
    nonce = nonce_of(response)
    importmaps = [s for s in markup.scripts if s.get("type") == "importmap"]
    assert nonce and [s["nonce"] for s in importmaps] == [nonce]
    # A new nonce for every response: one that stayed the same would be guessable.
    assert nonce_of(admin_client.get(f"/admin/articles/article/{newsroom.pk}/change/")) != nonce


def test_the_editor_stylesheet_hash_matches_the_installed_editor(client, db):
    """Tiptap adds its stylesheet (a template literal in editor.js) at run time; the
    policy allows exactly that text. An upgrade that changes it fails here."""
    editor_js = Path(finders.find("django_prose_editor/editor.js")).read_text(encoding="utf-8")
    found = re.search(r"`(\.ProseMirror \{\n  position: relative;\n\}[^`]*)`", editor_js)
    assert found, "Tiptap's stylesheet is no longer where this test looks for it"
    stylesheet = found.group(1)
    assert "\\" not in stylesheet and "${" not in stylesheet  # the file text is the value
    digest = base64.b64encode(hashlib.sha256(stylesheet.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy(client.get("/"))["style-src"]


def test_photos_from_a_separate_media_host_are_allowed(monkeypatch):
    """With uploads on S3 (humas/settings.py) MEDIA_URL is absolute: img-src names its
    origin, or every photo would be blocked."""
    pytest.importorskip("storages")
    for name in ("S3_REGION", "S3_CUSTOM_DOMAIN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("S3_BUCKET", "humas-media")
    monkeypatch.setenv("S3_ENDPOINT_URL", "https://s3.example.go.id:9000")
    site = runpy.run_path(str(Path(__file__).resolve().parent.parent / "humas" / "settings.py"))
    assert site["MEDIA_URL"].startswith("https://s3.example.go.id:9000/")
    img_src = site["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"]
    assert img_src == ["'self'", "data:", "https://s3.example.go.id:9000"]


# In a real browser. -----------------------------------------------------------------------

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
        page.locator(".select2-search__field").fill("Pemerin")
        page.locator(".select2-results__option", has_text="Pemerintahan").click()
        type_with_bold(page, editor, BEFORE_BOLD, BOLD, AFTER_BOLD)
        # Tiptap's own stylesheet applied (allowed by its hash): typed spaces are kept.
        assert editor.evaluate("e => getComputedStyle(e).whiteSpace") == "break-spaces"

        # The figure dialog's "Browse..." opens the photo library in a window of its own.
        editor.click()
        page.keyboard.press("Control+End")  # the end of the document, after the paragraph
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
