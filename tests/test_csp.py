"""The Content-Security-Policy (humas/settings.py, through django-csp).

What the header says, and that every script on our pages is one the policy allows.
That nothing a reader or the newsroom does in a real browser is blocked by it is
tests/system/test_browser_csp.py.
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

from .factories import make_article, make_photo

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
    "path", ["/", "article", "/cari/?q=berita", "/akun/masuk/", "/akun/masuk/?next=/admin/"]
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
