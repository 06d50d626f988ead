"""A release under embargo, in a real browser (Chromium via Playwright): an editor
approves it in the admin for two hours from now; the journalist, mailed at once, signs
in and reads it on the embargo page from the mail's link; the public gets 404 until the
time, then the release.

The site runs in pytest-django's live_server, a thread of this process: the test reads
the mail the approval sent (Django's locmem outbox) and moves the release's time.
"""

import re
from datetime import timedelta
from importlib import import_module
from urllib.parse import quote

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article
from mailing.models import Subscriber
from press.models import Journalist

from ..factories import make_article, make_reader, make_user

# Fixtures, found by pytest under these names (ruff sees an unused import, then the test's
# `new_page` argument as a redefinition of it: F401 here, F811 there).
from .test_accessibility import audit, axe_script, describe  # noqa: F401
from .test_browser_journey import TIMEOUT_MS, browser, label, new_page  # noqa: F401
from .test_browser_newsroom import body_editor, log_in, save

# live_server needs a transactional database: the server thread must see the test's rows.
pytestmark = pytest.mark.django_db(transaction=True)

EDITOR = ("editor", "sandi-editor-2026")
JOURNALIST_EMAIL = "ani@kantorberita.id"
JOURNALIST_PASSWORD = "kopi-tubruk-semarang-2026"
TITLE = "Gubernur Luncurkan Kartu Tani Digital"
EMBARGO_LINK = re.compile(r"https?://[^\s/]+(/pers/embargo/\d+/)")


@pytest.fixture
def press_roles(roles):
    for app, name in (("press", "0002_roles"), ("mailing", "0002_roles")):
        state = MigrationLoader(connection).project_state((app, name))
        import_module(f"{app}.migrations.{name}").grant(state.apps, None)


def test_an_editor_approves_an_embargoed_release_a_journalist_reads_it_the_public_waits(
    live_server,
    browser,  # noqa: F811
    new_page,  # noqa: F811
    axe_script,  # noqa: F811
    roles,
    press_roles,
    settings,
):
    settings.SITE_URL = live_server.url
    editor = make_user(username=EDITOR[0], password=EDITOR[1], is_staff=True)
    editor.groups.add(roles["Editor"])
    reader = make_reader(email=JOURNALIST_EMAIL, password=JOURNALIST_PASSWORD)
    Journalist.objects.create(user=reader, outlet="Kantor Berita", approved_at=timezone.now())
    Subscriber.objects.create(
        list_key="press", email=JOURNALIST_EMAIL, user=reader, consent_text="Setuju.",
        consent_at=timezone.now(), confirmed_at=timezone.now(),
    )  # fmt: skip
    article = make_article(
        title=TITLE,
        kind=Article.Kind.PRESS_RELEASE,
        status=Article.Status.REVIEW,
        body="<p>Kartu tani digital menggantikan kartu lama.</p>",
    )

    # 1. The editor approves it for two hours from now.
    embargo = (timezone.localtime() + timedelta(hours=2)).replace(microsecond=0)
    editors = log_in(new_page, live_server, EDITOR)
    editors.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    body_editor(editors)
    expect(editors.locator("#id_kind")).to_have_value("siaran-pers")
    editors.select_option("#id_status", label="Terbit")
    editors.fill("#id_published_at_0", embargo.strftime("%Y-%m-%d"))
    editors.fill("#id_published_at_1", embargo.strftime("%H:%M:%S"))
    save(editors, live_server)
    article.refresh_from_db()
    assert article.is_scheduled

    # 2. The journalist has the mail already, and reads the release from its link.
    (message,) = mail.outbox
    assert message.to == [JOURNALIST_EMAIL]
    assert message.subject.startswith("[EMBARGO hingga ") and TITLE in message.subject
    path = EMBARGO_LINK.search(message.body).group(1)
    # axe-core goes in as an inline script, which the site's CSP refuses: bypassed here.
    context = browser.new_context(bypass_csp=True)
    context.set_default_timeout(TIMEOUT_MS)
    journalist = context.new_page()
    journalist.goto(f"{live_server.url}/akun/masuk/?next={quote(path)}")
    journalist.get_by_label(label("Email")).fill(JOURNALIST_EMAIL)
    journalist.get_by_label(label("Kata sandi")).fill(JOURNALIST_PASSWORD)
    journalist.get_by_role("button", name="Masuk", exact=True).click()
    expect(journalist).to_have_url(live_server.url + path)
    notice = journalist.locator("#embargo-notice")
    expect(notice).to_contain_text("EMBARGO hingga")
    expect(notice).to_contain_text(f"{embargo:%H}.{embargo:%M} WIB")
    expect(journalist.locator("h1#article-title")).to_have_text(TITLE)
    expect(journalist.locator(".article-body")).to_contain_text("Kartu tani digital")
    # The embargo page and the journalist's /pers/ page: no serious accessibility issue.
    failing, _ = audit(journalist, axe_script)
    assert not failing, describe(failing)
    journalist.goto(f"{live_server.url}/pers/")
    expect(journalist.locator("#journalist-status")).to_have_text("Disetujui")
    expect(journalist.locator(".embargo-list")).to_contain_text(TITLE)
    failing, _ = audit(journalist, axe_script)
    assert not failing, describe(failing)

    # 3. The public: 404 at the release's address, nothing on the home page.
    public = new_page()
    assert public.goto(live_server.url + article.get_absolute_url()).status == 404
    public.goto(live_server.url + "/")
    expect(public.locator("main")).not_to_contain_text(TITLE)
    # A reader who is not press is refused the embargo page.
    refused = new_page()
    other = make_reader(email="pembaca@example.com", password=JOURNALIST_PASSWORD)
    refused.goto(f"{live_server.url}/akun/masuk/?next={quote(path)}")
    refused.get_by_label(label("Email")).fill(other.email)
    refused.get_by_label(label("Kata sandi")).fill(JOURNALIST_PASSWORD)
    refused.get_by_role("button", name="Masuk", exact=True).click()
    expect(refused.get_by_role("heading", name="Hanya untuk jurnalis terdaftar")).to_be_visible()

    # 4. The embargo time comes (moved into the past, not waited for): public, and the
    # journalist's link now leads to the public page.
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(minutes=1))
    assert public.goto(live_server.url + article.get_absolute_url()).status == 200
    expect(public.locator("h1#article-title")).to_have_text(TITLE)
    journalist.goto(live_server.url + path)
    expect(journalist).to_have_url(live_server.url + article.get_absolute_url())
    assert len(mail.outbox) == 1
    context.close()
