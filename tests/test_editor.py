"""The article body's rich-text editor (django-prose-editor, see articles/editor.py).

(a) Its assets are our own static files: nothing is loaded from another host.
(b) What the editor writes survives the body's sanitizer, and what could run does not.

The samples in (b) are the editor's own output (`editor.getHTML()` in Chromium, with
`BODY_EXTENSIONS`, django-prose-editor 0.28.0), not hand-written HTML.
"""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django import forms
from django.contrib.staticfiles import finders
from django_prose_editor.config import allowlist_from_extensions
from django_prose_editor.widgets import AdminProseEditorWidget, ProseEditorWidget

from articles.editor import BODY_EXTENSIONS, body_widget
from articles.models import Article
from articles.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, sanitize_html

# --- (a) assets ----------------------------------------------------------------------


@pytest.fixture
def prose_editor_app(settings):
    """django_prose_editor in INSTALLED_APPS, so its static files can be found.

    The app has no models, templates or startup work the widget needs (its ready()
    only registers system checks), so adding it for the test is enough.
    """
    if "django_prose_editor" not in settings.INSTALLED_APPS:
        settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "django_prose_editor"]


class BodyForm(forms.Form):
    body = forms.CharField(widget=body_widget())


class _Assets(HTMLParser):
    """The URLs a page would load: script src, link href, import map targets."""

    def __init__(self):
        super().__init__()
        self.scripts, self.stylesheets, self.importmap = [], [], {}
        self.textarea_attrs = None
        self._in_importmap = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("type") == "importmap":
            self._in_importmap = True
        elif tag == "script":
            self.scripts.append(attrs.get("src") or "")
        elif tag == "link":
            self.stylesheets.append(attrs.get("href") or "")
        elif tag == "textarea":
            self.textarea_attrs = attrs

    def handle_endtag(self, tag):
        self._in_importmap = False

    def handle_data(self, data):
        if self._in_importmap:
            self.importmap = json.loads(data)["imports"]


def _assets(html):
    parser = _Assets()
    parser.feed(html)
    parser.close()
    return parser


def test_form_media_loads_only_local_static_files(prose_editor_app, settings):
    form = BodyForm()
    html = f"{form.media}\n{form.as_div()}"
    assets = _assets(html)
    urls = [*assets.scripts, *assets.stylesheets, *assets.importmap.values()]

    assert urls, "form.media rendered no assets"
    for url in urls:
        assert "http://" not in url and "https://" not in url, url
        assert not url.startswith("//"), url
        assert url.startswith(settings.STATIC_URL), url
        # ...and each one is a file our static files finders serve.
        assert finders.find(url.removeprefix(settings.STATIC_URL)), f"{url} not found"

    # The editor's assets, through form.media, with the import map its modules need.
    static = settings.STATIC_URL + "django_prose_editor/"
    assert f"{static}editor.js" in assets.scripts
    assert f"{static}configurable.js" in assets.scripts
    assert f"{static}editor.css" in assets.stylesheets
    assert f"{static}material-icons.css" in assets.stylesheets
    assert f"{static}overrides.css" in assets.stylesheets  # the admin variant
    assert assets.importmap == {
        "django-prose-editor/editor": f"{static}editor.js",
        "django-prose-editor/configurable": f"{static}configurable.js",
    }
    # The import map comes before the first module script.
    assert html.index('type="importmap"') < html.index('type="module"')


def test_the_editors_css_and_modules_pull_in_nothing_remote(prose_editor_app):
    """No @import or url() of another host in the CSS, no remote import in the JS."""
    remote_css = re.compile(r"(@import|url\()\s*['\"]?\s*(https?:)?//", re.IGNORECASE)
    remote_js = re.compile(r"""(\bfrom\s*|\bimport\s*\(?\s*)["'](https?:)?//""")
    for name in ("editor.css", "material-icons.css", "overrides.css"):
        css = Path(finders.find(f"django_prose_editor/{name}")).read_text(encoding="utf-8")
        assert not remote_css.search(css), name
    for name in ("editor.js", "configurable.js"):
        js = Path(finders.find(f"django_prose_editor/{name}")).read_text(encoding="utf-8")
        assert not remote_js.search(js), name


def test_the_textarea_carries_the_body_config(prose_editor_app):
    attrs = _assets(BodyForm().as_div()).textarea_attrs
    config = json.loads(attrs["data-django-prose-editor-configurable"])
    extensions = config["extensions"]
    assert extensions["Heading"] == {"levels": [2, 3, 4]}
    assert extensions["Link"]["enableTarget"] is False
    for name in BODY_EXTENSIONS:
        assert name in extensions
    assert config["js_modules"] == []  # no extra modules, from anywhere


def test_body_widget_fits_the_article_admin_form():
    """The model field stays a TextField; only the form's widget changes."""
    form_class = forms.modelform_factory(Article, fields=["body"], widgets={"body": body_widget()})
    widget = form_class().fields["body"].widget
    assert isinstance(widget, AdminProseEditorWidget)
    assert widget.preset == "configurable"
    assert type(Article._meta.get_field("body")).__name__ == "TextField"
    assert type(body_widget(admin=False)) is ProseEditorWidget


# --- (b) the editor's output and the sanitizer ---------------------------------------

# Attributes the editor can write that the sanitizer drops, on purpose: styling hooks
# and editor bookkeeping, none of which the page needs.
DROPPED_ATTRIBUTES = {
    ("figure", "class"),  # "figure"
    ("figcaption", "class"),  # "figure-caption"
    ("ol", "data-type"),  # "decimal" etc., the editor's list style
    ("ol", "type"),  # its HTML twin
    ("img", "data-file"),  # only with a file picker (Figure's pickerUrl), not set
    ("a", "target"),  # only from pasted HTML: our config has no new-window checkbox
    ("a", "rel"),  # replaced: the sanitizer sets its own rel on every link
}
LINK_REL = ("rel", "noopener noreferrer")

EDITOR_OUTPUT = {
    "headings": "<h2>Sub <strong>tebal</strong></h2><h3>H3</h3><h4>H4</h4>",
    "bold, italic, hard break": (
        "<p>Teks <strong>tebal</strong>, <em>miring</em>, <strong><em>keduanya</em></strong>"
        "<br>baris baru.</p>"
    ),
    "links": (
        '<p><a href="https://jatengprov.go.id" title="Portal">Halo</a> dunia '
        '<a href="mailto:humas@example.go.id">surel</a> '
        '<a href="/berita/2026/01/jembatan/">relatif</a> '
        '<a href="https://www.jatengprov.go.id">www.jatengprov.go.id</a></p>'
    ),
    "pasted link with target": (
        '<p><a target="_blank" rel="noopener" href="https://jatengprov.go.id/" '
        'title="Portal">portal</a></p>'
    ),
    "bullet list": "<ul><li><p>satu</p></li><li><p>dua</p></li></ul>",
    "ordered list": "<ol><li><p>Halo dunia</p></li></ol>",
    "pasted ordered list": (
        '<ol data-type="decimal" start="3"><li><p>tiga</p></li><li><p>empat</p></li></ol>'
    ),
    "blockquote": "<blockquote><p>kutipan</p></blockquote>",
    "horizontal rule": "<p>Halo</p><hr><p></p>",
    "figure": (
        '<figure class="figure"><img src="/media/foto/a.jpg" alt="Gubernur">'
        '<figcaption class="figure-caption">Keterangan <em>foto</em></figcaption></figure>'
    ),
    "figure without caption": (
        '<figure class="figure"><img src="/media/foto/gubernur.jpg" '
        'alt="Gubernur meresmikan jembatan"></figure>'
    ),
    "pasted figure": (
        '<figure class="x"><img src="/media/foto/a.jpg" alt="Gubernur" title="t" '
        'width="800" height="600" data-file="7">'
        '<figcaption class="figure-caption">Keterangan <em>foto</em></figcaption></figure>'
    ),
    "bare image": '<img src="/media/foto/b.jpg" alt="bare">',
}


class _Structure(HTMLParser):
    """An HTML fragment as a list of (event, tag, attributes) and text items."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.items = []

    def handle_starttag(self, tag, attrs):
        self.items.append(("start", tag, frozenset(attrs)))

    def handle_endtag(self, tag):
        self.items.append(("end", tag))

    def handle_data(self, data):
        self.items.append(("text", data))


def structure(html):
    parser = _Structure()
    parser.feed(html)
    parser.close()
    return parser.items


def expected_after_sanitizing(html):
    """The editor's structure, minus the attributes the sanitizer is meant to drop."""
    items = []
    for item in structure(html):
        if item[0] == "start":
            _, tag, attrs = item
            attrs = {(k, v) for k, v in attrs if (tag, k) not in DROPPED_ATTRIBUTES}
            if tag == "a":
                attrs.add(LINK_REL)
            item = ("start", tag, frozenset(attrs))
        items.append(item)
    return items


@pytest.mark.parametrize("html", EDITOR_OUTPUT.values(), ids=EDITOR_OUTPUT.keys())
def test_sanitizer_keeps_what_the_editor_writes(html):
    assert structure(sanitize_html(html)) == expected_after_sanitizing(html)


def test_sanitizer_keeps_a_whole_editor_document():
    html = "".join(EDITOR_OUTPUT.values())
    assert structure(sanitize_html(html)) == expected_after_sanitizing(html)


def test_every_tag_the_editor_config_allows_passes_the_sanitizer():
    """The package's own allowlist for BODY_EXTENSIONS, against ours.

    A new extension in BODY_EXTENSIONS whose tags articles/sanitize.py would strip
    (e.g. CodeBlock's <pre>) fails here.
    """
    allowlist = allowlist_from_extensions(BODY_EXTENSIONS)
    assert allowlist["tags"] <= ALLOWED_TAGS
    assert allowlist["tags"] >= {"p", "br", "h2", "h3", "h4", "strong", "em", "a"}
    assert allowlist["tags"] >= {"ul", "ol", "li", "blockquote", "hr"}
    assert allowlist["tags"] >= {"figure", "figcaption", "img"}
    assert not allowlist["tags"] & {"h1", "h5", "h6"}
    dropped = {
        (tag, attribute)
        for tag, attributes in allowlist["attributes"].items()
        for attribute in attributes
        if attribute not in ALLOWED_ATTRIBUTES.get(tag, set())
    }
    assert dropped <= DROPPED_ATTRIBUTES


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        (
            "<p>Halo <strong>dunia</strong></p><script>alert(1)</script>",
            "<p>Halo <strong>dunia</strong></p>",
        ),
        ('<p onclick="alert(1)">klik</p>', "<p>klik</p>"),
        (
            '<figure class="figure"><img src="/media/a.jpg" alt="a" onerror="alert(1)"></figure>',
            '<figure><img src="/media/a.jpg" alt="a"></figure>',
        ),
        (
            '<p><a href="javascript:alert(1)" title="x">tautan</a></p>',
            '<p><a title="x" rel="noopener noreferrer">tautan</a></p>',
        ),
    ],
    ids=["script", "onclick", "onerror", "javascript-link"],
)
def test_sanitizer_removes_what_could_run(dirty, clean):
    assert sanitize_html(dirty) == clean
    assert "script" not in sanitize_html(dirty).lower()
    assert " on" not in sanitize_html(dirty)
