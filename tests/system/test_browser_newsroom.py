"""The newsroom's workflow in a real browser (Chromium via Playwright), with the real editor.

A writer drafts an article in the Django admin, typing the body into the rich-text editor
(django-prose-editor: a ProseMirror contenteditable over a hidden <textarea>) and making
a word bold with its toolbar, then submits it for review. An editor sends it back with a
note, the writer sees the note, revises and resubmits, the editor schedules it for
tomorrow; it stays hidden from readers until its publish time has come.

Browser set-up (Debian's Chromium, the async-unsafe switch) comes from
test_browser_journey.py; the site runs in pytest-django's live_server, a thread of this
process, so the test can reach its database and in-memory caches.
"""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article, ArticleTransition

from ..factories import make_category, make_user

# Fixtures, found by pytest under these names (ruff sees an unused import, then the test's
# `new_page` argument as a redefinition of it: F401 here, F811 there).
from .test_browser_journey import browser, new_page  # noqa: F401

# live_server needs a transactional database: the server thread must see the test's rows.
pytestmark = pytest.mark.django_db(transaction=True)

WRITER = ("penulis", "sandi-penulis-2026")
EDITOR = ("editor", "sandi-editor-2026")
TITLE = "Jembatan Gantung Wonosobo Diresmikan"
# The body as typed; BOLD is made bold with the toolbar after typing the sentence.
BEFORE_BOLD = "Pemerintah Provinsi Jawa Tengah meresmikan "
BOLD = "jembatan"
AFTER_BOLD = " gantung di Kabupaten Wonosobo pada Senin pagi."
ADDED = "Gubernur berkata jembatan ini memperpendek jalan warga ke sekolah."
NOTE = "Mohon tambahkan kutipan"


def log_in(open_page, live_server, credentials):
    """A page in a fresh browser context (from `new_page`), logged in to the admin."""
    page = open_page()
    page.goto(live_server.url + "/admin/login/")
    username, password = credentials
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("#login-form [type=submit]").click()
    # The admin's index page: the login worked (a failed one stays on /admin/login/).
    expect(page).to_have_url(live_server.url + "/admin/")
    return page


def body_editor(page):
    """The editor's contenteditable, once its JavaScript has replaced the textarea."""
    # The toolbar's heading picker is a ".ProseMirror" too (for its styling), hence the
    # contenteditable attribute, which only the editing surface has.
    editor = page.locator('.field-body .prose-editor .ProseMirror[contenteditable="true"]')
    expect(editor).to_have_count(1)
    return editor


BOLD_BUTTON = '.field-body .prose-editor button[data-name="bold"]'
ACTIVE = re.compile(r"(^|\s)active(\s|$)")  # the toolbar's class for a mark at the caret

# ProseMirror's selection, which Enter and the toolbar act on, is a caret at the end
# of the last paragraph, and the browser's caret is the same place. Tiptap keeps its editor
# on the editing element (`element.editor`).
CARET_AT_END = """(element) => {
    const { state, view } = element.editor;
    const caret = element.ownerDocument.getSelection();
    return state.selection.empty && state.selection.head === state.doc.content.size - 1
        && caret.isCollapsed && element.contains(caret.focusNode)
        && view.posAtDOM(caret.focusNode, caret.focusOffset) === state.selection.head;
}"""


# Why the helpers below move the caret only by typing and through the editor.
#
# ProseMirror learns of text typed into the page at once, from the change the browser makes
# to the page, but of a caret the browser moved by itself (a click, arrow keys, Control+End)
# only from the `selectionchange` event, which Chromium delivers 5 to 25 ms later, and later
# still while keys keep arriving. Until then Enter (handled by ProseMirror) and the toolbar's
# buttons (which give the editor its focus back and put ProseMirror's caret into the page)
# act on the old caret. And 20 ms or more after the editor gains focus, ProseMirror puts its
# own caret back into the page if the browser's has moved since it last looked
# (prosemirror-view's focus handler), a check that a flood of keys delays too. So after
# Control+End the added sentence went to the start of the body, and some of the arrow keys
# that selected the word were undone, so that the bold button made "atan gan" bold instead
# of "jembatan".


def type_with_bold(page, editor, before, bold, after):
    """Type a paragraph into the empty body editor, `bold` in bold as a writer types it:
    the toolbar's bold button pressed before the word and again after it.

    Only typing and the button place the caret (see above): after the click into the
    empty editor, which has one place for the caret, each step waits for its result.
    """
    expect(editor).to_have_text("")
    editor.click()
    expect(editor).to_be_focused()
    page.keyboard.type(before)
    button = page.locator(BOLD_BUTTON)
    button.click()
    expect(button).to_have_class(ACTIVE)  # bold is on for what is typed next
    expect(editor).to_be_focused()
    page.keyboard.type(bold)
    expect(editor.locator("strong")).to_have_text(bold)
    button.click()
    expect(button).not_to_have_class(ACTIVE)
    expect(editor).to_be_focused()
    page.keyboard.type(after)
    expect(editor).to_have_text(before + bold + after)
    expect(editor.locator("strong")).to_have_text(bold)


def wait_for_caret_at_end(editor):
    """Wait until ProseMirror's caret and the browser's are both at the end of the body."""
    editor.page.wait_for_function(CARET_AT_END, arg=editor.element_handle())


def caret_to_end(editor):
    """Give the body editor the focus with the caret at the end of its text, through the
    editor's own command, and wait until it is there.

    Not by a click and Control+End: the click gives the editor the focus, and ProseMirror's
    check that follows can put the caret back before it has learnt of the move (see above).
    The command sets ProseMirror's caret and then the page's, so the two never differ.
    """
    editor.evaluate("element => element.editor.commands.focus('end')")
    expect(editor).to_be_focused()
    wait_for_caret_at_end(editor)


def save(page, live_server):
    """Press "Simpan", wait for the article list (a form with errors stays put), and
    return the form's fields as the browser sent them."""
    with page.expect_request(lambda request: request.method == "POST") as submitted:
        page.locator('.submit-row input[name="_save"]').click()
    expect(page).to_have_url(live_server.url + "/admin/articles/article/")
    expect(page.locator(".messagelist .success")).to_have_count(1)
    return parse_qs(submitted.value.post_data, keep_blank_values=True)


def assert_same_origin(live_server, urls):
    origin = urlsplit(live_server.url)
    foreign = [
        url
        for url in urls
        if not url.startswith(("data:", "blob:"))
        and urlsplit(url)[:2] != (origin.scheme, origin.netloc)
    ]
    assert not foreign, foreign


def test_writer_and_editor_take_an_article_from_draft_to_published(
    live_server,
    new_page,  # noqa: F811
    roles,
):
    writer = make_user(username=WRITER[0], password=WRITER[1], is_staff=True)
    writer.groups.add(roles["Penulis"])
    editor = make_user(username=EDITOR[0], password=EDITOR[1], is_staff=True)
    editor.groups.add(roles["Editor"])
    category = make_category(name="Pemerintahan")

    # 1. The writer drafts the article and submits it for review. -----------------------
    writers = log_in(new_page, live_server, WRITER)
    requested = []  # every URL the add page loads: scripts, styles, fonts, modules
    writers.on("request", lambda request: requested.append(request.url))
    writers.goto(live_server.url + "/admin/articles/article/add/")
    editor_box = body_editor(writers)

    # Nothing from a CDN: what the page names, and what the browser actually fetched
    # (the editor's ES modules and icon font are loaded by other files, not the page).
    named = writers.evaluate(
        """() => [
            ...Array.from(document.querySelectorAll("script[src]"), (s) => s.src),
            ...Array.from(document.querySelectorAll("link[href]"), (l) => l.href),
        ]"""
    )
    assert any("/static/django_prose_editor/" in url for url in named), named
    assert_same_origin(live_server, named)
    assert any(url.endswith("/django_prose_editor/editor.js") for url in requested), requested
    assert_same_origin(live_server, requested)

    writers.fill("#id_title", TITLE)
    writers.fill("#id_dateline", "SEMARANG")
    # The category is a select2 autocomplete: its <select> starts empty and gets its
    # options from /admin/autocomplete/. Choose it as a person does, through that search
    # (this also checks that writers may use it).
    writers.locator(".field-category .select2-selection").click()
    writers.locator(".select2-dropdown .select2-search__field").fill("Pemerin")
    writers.locator(".select2-results__option", has_text="Pemerintahan").click()
    expect(writers.locator("#id_category")).to_have_value(str(category.pk))

    type_with_bold(writers, editor_box, BEFORE_BOLD, BOLD, AFTER_BOLD)
    expect(editor_box).to_contain_text(BEFORE_BOLD + BOLD + AFTER_BOLD)

    # Writers get only "Draf" and "Dalam peninjauan".
    status_labels = writers.locator("#id_status option").all_inner_texts()
    assert [text.strip() for text in status_labels] == ["Draf", "Dalam peninjauan"]
    writers.select_option("#id_status", label="Dalam peninjauan")
    sent = save(writers, live_server)

    article = Article.objects.get()
    assert (article.status, article.author, article.category) == ("review", writer, category)
    assert (article.title, article.dateline) == (TITLE, "SEMARANG")
    assert article.body == f"<p>{BEFORE_BOLD}<strong>{BOLD}</strong>{AFTER_BOLD}</p>"
    # What the editor sent is what was stored: no data-*, class or other junk for the
    # sanitizer (Article.save) to strip.
    assert sent["body"] == [article.body]
    assert not re.search(r"\s(data-[\w-]+|class|style|id|contenteditable)=", sent["body"][0])
    change_url = f"{live_server.url}/admin/articles/article/{article.pk}/change/"

    # 2. The editor sends it back to draft with a note. ---------------------------------
    editors = log_in(new_page, live_server, EDITOR)
    editors.goto(change_url)
    body_editor(editors)  # let the editor load: it rewrites the textarea it submits
    editors.select_option("#id_status", label="Draf")
    editors.fill("#id_workflow_comment", NOTE)
    save(editors, live_server)

    back = ArticleTransition.objects.get(article=article, to_status="draft")
    assert (back.from_status, back.by, back.comment) == ("review", editor, NOTE)

    # 3. The writer reads the note, adds a sentence and resubmits. ----------------------
    writers.goto(change_url)
    expect(writers.locator(".field-workflow_history")).to_contain_text(NOTE)
    expect(writers.locator("#id_status")).to_have_value("draft")
    editor_box = body_editor(writers)
    expect(editor_box.locator("strong")).to_have_text(BOLD)
    caret_to_end(editor_box)
    writers.keyboard.press("Enter")
    writers.keyboard.type(ADDED)
    expect(editor_box.locator("p")).to_have_count(2)
    expect(editor_box.locator("p").last).to_have_text(ADDED)
    writers.select_option("#id_status", label="Dalam peninjauan")
    sent = save(writers, live_server)

    article.refresh_from_db()
    revised = f"<p>{BEFORE_BOLD}<strong>{BOLD}</strong>{AFTER_BOLD}</p><p>{ADDED}</p>"
    assert (article.status, article.body, sent["body"]) == ("review", revised, [revised])

    # 4. The editor schedules it for tomorrow. ------------------------------------------
    tomorrow = timezone.localtime() + timedelta(days=1)  # the admin's inputs: TIME_ZONE
    editors.goto(change_url)
    body_editor(editors)
    editors.select_option("#id_status", label="Terbit")
    editors.fill("#id_published_at_0", tomorrow.strftime("%Y-%m-%d"))
    editors.fill("#id_published_at_1", tomorrow.strftime("%H:%M:%S"))
    save(editors, live_server)

    article.refresh_from_db()
    assert article.status == "published" and article.is_scheduled
    assert timezone.localtime(article.published_at).replace(microsecond=0) == tomorrow.replace(
        microsecond=0
    )
    row = editors.locator("#result_list tbody tr", has_text=TITLE)
    expect(row.locator(".status-chip")).to_have_text("Terjadwal")
    statuses = ArticleTransition.objects.filter(article=article).order_by("at", "pk")
    assert list(statuses.values_list("to_status", flat=True)) == [
        "draft",
        "review",
        "published",
    ]
    # The editor's two saves sent the body back through the editor: unchanged.
    assert article.body == revised

    path = article.get_absolute_url()
    assert path == f"/berita/{article.slug}/"
    readers = new_page()
    response = readers.goto(live_server.url + path)
    assert response.status == 404

    # 5. The publish time comes (moved into the past, not waited for). ------------------
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(minutes=1))
    # The 404 above was not cached (only published articles' pages are), so no cache
    # needs clearing for the article to appear.
    response = readers.goto(live_server.url + path)
    assert response.status == 200
    expect(readers.locator("h1#article-title")).to_have_text(TITLE)
    body = readers.locator(".article-body")
    expect(body.locator("strong")).to_have_text(BOLD)
    expect(body).to_contain_text(ADDED)
    html = body.inner_html()
    assert f"<strong>{BOLD}</strong>{AFTER_BOLD}" in html, html
    assert "SEMARANG - " in body.inner_text()
