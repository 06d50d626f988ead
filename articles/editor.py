"""The rich-text editor for an article's body: django-prose-editor (Tiptap/ProseMirror).

Why this editor
---------------
django-prose-editor edits the HTML in a plain <textarea>, so `Article.body` stays a
`models.TextField` (no field or migration change); the editor only swaps the widget.
Its extension config is a dict (`BODY_EXTENSIONS` below) that decides both which
toolbar buttons exist and which nodes the ProseMirror schema accepts, so the editor
cannot produce markup outside that list, even from pasted Word or web pages.

The model still sanitizes with nh3 on save (`articles/sanitize.py`); that allowlist is
the one that counts. Every tag `BODY_EXTENSIONS` can produce is inside it. The
sanitizer drops only attributes the page does not need: `class` on <figure> and
<figcaption>, `type`/`data-type` on <ol> (the "list properties" dialog that would set
them is switched off below), and, from pasted HTML only, `target` on links and
`data-file` on images; it replaces `rel` on links with its own. tests/test_editor.py
checks this against the editor's real output.

The reverse is narrower: the editor's schema has no tables, so an older body that uses
them loses that markup (the text stays) the first time it is edited and saved here.

Assets
------
Nothing comes from a CDN. The editor's JavaScript (Tiptap and ProseMirror bundled into
django_prose_editor/editor.js), its CSS and its icon font (material-icons.woff2) ship
inside the package as Django static files, are collected by `collectstatic` and are
served from /static/django_prose_editor/ by WhiteNoise like the rest of our static
files. The widget's `media` renders them, with an import map
(<script type="importmap">) that maps the editor's module names to those /static/
URLs; the admin's change form prints it with `{{ media }}`.

Content-Security-Policy
-----------------------
An import map cannot be a file, so the policy (humas/settings.py) lets it run only with
the response's nonce. django-js-asset's `Media` puts a nonce on every tag it renders;
the article change form (templates/admin/articles/article/change_form.html) hands it
the request's through the `with_csp_nonce` filter (articles/templatetags/editor.py).
Tiptap adds one small stylesheet of its own at run time, which cannot carry a nonce;
the policy allows that stylesheet by its hash.
"""

from django_prose_editor.widgets import AdminProseEditorWidget, ProseEditorWidget

#: Tiptap extensions enabled for the article body. Keys are the names django-prose-editor
#: knows (django_prose_editor.config.EXTENSION_MAPPING); a dict value is passed to the
#: extension's Tiptap `configure()`. Document, Paragraph, Text, History (undo/redo),
#: Menu, Dropcursor, Gapcursor and NoSpellCheck are always added by the package.
BODY_EXTENSIONS = {
    # <p> and <br>
    "Paragraph": True,
    "HardBreak": True,
    # <h2>-<h4>: the article title is the page's <h1>.
    "Heading": {"levels": [2, 3, 4]},
    # <strong>, <em>, <u>, <s>, <sub>, <sup>: all in the sanitizer's allowlist, so older
    # bodies keep them when edited here.
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    # <a href title>. No "open in new window" checkbox, so no target/rel attributes.
    # Autolinked addresses typed without a scheme (www.jatengprov.go.id) get https://.
    # Link schemes are enforced by our sanitizer, not here: Tiptap's own check already
    # refuses javascript: and data: links, and its `protocols` option only *adds*
    # schemes to its autolinker (registering "mailto" there even stops typed
    # "mailto:..." text from being autolinked), so it is deliberately not set.
    "Link": {"enableTarget": False, "defaultProtocol": "https"},
    # <ul>, <ol>, <li>. The ordered-list "properties" dialog would set type="a"/"i"
    # styles which the sanitizer drops, so it is off.
    "BulletList": True,
    "OrderedList": {"enableListAttributes": False},
    "ListItem": True,
    # <blockquote>, <hr>
    "Blockquote": True,
    "HorizontalRule": True,
    # <figure><img src alt><figcaption>…</figcaption></figure>, or a bare <img> once
    # the caption is removed. The image URL is typed in a dialog (an uploaded photo's
    # /media/ URL); Figure needs Image and Caption listed explicitly.
    # "Browse..." in the figure dialog opens the photo library's picker, which fills in
    # the photo's address, alt text and caption with its credit line.
    "Figure": {"pickerUrl": "/admin/articles/photo/pilih/"},
    "Image": True,
    "Caption": True,
}

#: The widget's config: django-prose-editor's "new style" config is a dict with an
#: "extensions" key, read by its "configurable" JavaScript preset.
BODY_EDITOR_CONFIG = {"extensions": BODY_EXTENSIONS}


def body_widget(attrs=None, *, admin=True):
    """A widget for the `body` TextField: the editor, configured with `BODY_EXTENSIONS`.

    Use it in a ModelForm's `Meta.widgets = {"body": body_widget()}`; the model field
    stays a TextField and the model's own nh3 sanitizing is unchanged. `attrs` go on
    the <textarea> (which the editor hides and keeps in sync). `admin=True` adds the
    package's CSS overrides for the Django admin; pass `admin=False` outside the admin.
    """
    widget_class = AdminProseEditorWidget if admin else ProseEditorWidget
    # The "configurable" preset is the one that reads the "extensions" config; the
    # widget's own default ("default") is the package's legacy, fixed-toolbar preset.
    return widget_class(attrs=attrs, config=BODY_EDITOR_CONFIG, preset="configurable")
