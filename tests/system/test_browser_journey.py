"""A reader's whole journey through the site, in a real browser (Chromium via Playwright).

From an article, a visitor registers, confirms their address with the emailed link, logs
in, comments, and sees their comment waiting for moderation, which nobody else sees.

Chromium comes from Debian (`apt-get install chromium`), not from `playwright install`,
which downloads a browser build of its own. The site runs in pytest-django's live_server:
a thread of this process, so the mail it sends lands in django.core.mail.outbox, and
its in-memory caches are the ones this test can reach.
"""

import os
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core import mail
from playwright.sync_api import expect, sync_playwright

from articles.models import Comment
from humas import pagecache

from ..factories import make_article

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    # The machine has no network: keep Chromium from trying to reach Google's services.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# For actions and navigation (expect() keeps its own 5 s): long enough for a slow CI
# machine, shorter than Playwright's 30 s so that a missing element fails quickly.
TIMEOUT_MS = 15_000

EMAIL = "pembaca@example.com"
DISPLAY_NAME = "Pembaca Setia"
PASSWORD = "kopi-tubruk-semarang-2026"
# Not plain ASCII on purpose: the emoji must survive the form, the database and the page.
COMMENT = "Semoga jembatannya awet dan bermanfaat bagi warga 👍"
VERIFY_LINK = re.compile(r"https?://[^\s/]+/akun/verifikasi/[^\s]+")


def label(text):
    """A label's exact text; Django's label_tag may end it with a colon ("Email:")."""
    return re.compile(rf"^\s*{re.escape(text)}\s*:?\s*$")


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API marks an asyncio loop as running in this thread between its
    # calls, so Django takes every ORM call of the test (and the database set-up and
    # flush around it) for one made from async code and refuses it. Nothing runs
    # concurrently in this thread, so lift the check while Playwright is active; the
    # setting ends with the module, not leaking into other tests.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """Pages in fresh browser contexts (own cookies: separate visitors), closed after."""
    contexts = []

    def make():
        context = browser.new_context()
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def test_a_reader_registers_confirms_logs_in_and_sees_their_comment_waiting(live_server, new_page):
    article = make_article(title="Jembatan Baru Diresmikan")
    article_path = article.get_absolute_url()
    article_url = live_server.url + article_path
    page = new_page()

    # 1. An anonymous visitor is invited to register before commenting.
    page.goto(article_url)
    comments = page.locator("section#komentar")
    expect(comments).to_contain_text("Daftarkan diri anda terlebih dahulu")
    # The header has a "Daftar" link too; this one is in the comment area.
    register_link = comments.get_by_role("link", name="Daftar", exact=True)
    expect(register_link).to_have_attribute("href", re.compile(r"^/akun/daftar/\?next="))
    register_link.click()

    # 2. Registration; the link carried the article along as ?next=.
    expect(page).to_have_url(
        re.compile(rf"^{re.escape(live_server.url)}/akun/daftar/\?next={re.escape(article_path)}$")
    )
    page.get_by_label(label("Email")).fill(EMAIL)
    page.get_by_label(label("Nama tampilan")).fill(DISPLAY_NAME)
    page.get_by_label(label("Kata sandi")).fill(PASSWORD)
    page.get_by_label(label("Saya telah membaca dan menyetujui pemberitahuan privasi.")).check()
    page.get_by_role("button", name="Daftar", exact=True).click()
    expect(page.get_by_role("heading", name="Periksa email Anda")).to_be_visible()

    # 3. The emailed link confirms the address.
    assert [m.to for m in mail.outbox] == [[EMAIL]]
    found = VERIFY_LINK.search(mail.outbox[-1].body)
    assert found, mail.outbox[-1].body
    # Built from the request's host; a SITE_URL in the environment would point it away.
    assert found.group().startswith(live_server.url + "/"), found.group()
    page.goto(found.group())
    expect(page.get_by_role("heading", name="Alamat email dikonfirmasi")).to_be_visible()

    # 4. Logging in leads back to the article.
    page.goto(f"{live_server.url}/akun/masuk/?next={quote(article_path)}")
    page.get_by_label(label("Email")).fill(EMAIL)
    page.get_by_label(label("Kata sandi")).fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page).to_have_url(article_url)

    # 5. The reader comments.
    comments.get_by_label(label("Komentar Anda")).fill(COMMENT)
    comments.get_by_role("button", name="Kirim komentar", exact=True).click()

    # 6. Back on the article: a thank-you notice, and the comment marked as waiting.
    expect(page).to_have_url(re.compile(rf"^{re.escape(article_url)}#komentar-\d+$"))
    # (The share box has a role="status" element of its own, hence the filter.)
    notice = page.get_by_role("status").filter(
        has_text="Terima kasih. Komentar Anda akan tampil setelah disetujui editor."
    )
    expect(notice).to_be_visible()
    own_comment = comments.get_by_role("listitem").filter(has_text=COMMENT)
    expect(own_comment).to_have_count(1)
    expect(own_comment).to_contain_text("Menunggu moderasi")
    expect(own_comment).to_contain_text(DISPLAY_NAME)

    assert Comment.objects.count() == 1
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.body == COMMENT
    assert comment.article_id == article.pk
    assert comment.user.email == EMAIL

    # 7. Another visitor, in a new browser context, does not see it. Anonymous readers
    # get a cached rendering of the page, made before the comment existed; so look at
    # the page as cached, then retire every cached page and look at a fresh rendering,
    # which is the one that shows whether pending comments are kept from the public.
    assert_anonymous_reader_does_not_see(new_page(), article_url, COMMENT)
    pagecache.changed()
    assert_anonymous_reader_does_not_see(new_page(), article_url, COMMENT)


def assert_anonymous_reader_does_not_see(page, url, text):
    page.goto(url)
    # The comment area is there and says it is empty, so the absence means something.
    expect(page.locator("section#komentar")).to_contain_text("Belum ada komentar.")
    expect(page.locator("body")).not_to_contain_text(text)
