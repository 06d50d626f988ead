"""The leaders' agenda in a real browser (Chromium via Playwright), without JavaScript of
our own: an editor opens the admin's week calendar and sees who covers what; the writer
moves their coverage's status from "My coverage" on the admin index; a reader opens the
public week, clicks the event and clicks its coverage article. axe-core checks the
public pages.
"""

from datetime import datetime, time, timedelta

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from agenda import dates
from agenda.models import Coverage, Leader

from ..agenda_helpers import make_coverage, make_event, with_agenda_permissions
from ..factories import make_article, make_user
from .test_accessibility import PASSES, audit, axe_script, describe, new_context  # noqa: F401
from .test_browser_journey import TIMEOUT_MS, browser  # noqa: F401 - the shared browser

# live_server needs a transactional database: the server thread must see the test's rows.
pytestmark = pytest.mark.django_db(transaction=True)

EDITOR = ("editor-agenda", "sandi-editor-agenda-2026")
WRITER = ("penulis-agenda", "sandi-penulis-agenda-2026")
EVENT = "Peresmian Bendungan Jlantah"
ARTICLE = "Gubernur Resmikan Bendungan Jlantah di Karanganyar"


@pytest.fixture
def agenda(roles):
    """This week's agenda: one public event today at 10.00 WIB with the governor, a
    writer and a photographer assigned, and the published article of its coverage."""
    groups = with_agenda_permissions(roles)
    editor = make_user(username=EDITOR[0], password=EDITOR[1], is_staff=True)
    editor.groups.add(groups["Editor"])
    writer = make_user(
        username=WRITER[0], password=WRITER[1], is_staff=True, display_name="Sri Wartawati"
    )
    writer.groups.add(groups["Penulis"])
    photographer = make_user(is_staff=True, display_name="Joko Lensa")
    photographer.groups.add(Group.objects.get(name="Fotografer"))
    governor, _ = Leader.objects.get_or_create(position="Gubernur Jawa Tengah")
    today = dates.today()
    start = datetime.combine(today, time(10), tzinfo=dates.wib())
    event = make_event(
        title=EVENT,
        start=start,
        place="Kabupaten Karanganyar",
        description="Peresmian bendungan untuk irigasi 1.500 hektare sawah.",
        leaders=[governor],
    )
    article = make_article(title=ARTICLE, author=writer)
    coverage = make_coverage(event, writer=writer, photographer=photographer, article=article)
    make_event(title="Rapat internal biro", start=start + timedelta(hours=3), is_public=False)
    return {"event": event, "coverage": coverage, "article": article, "today": today}


def log_in(context, base_url, credentials):
    page = context.new_page()
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", credentials[0])
    page.fill("#id_password", credentials[1])
    page.locator("#login-form [type=submit]").click()
    expect(page).to_have_url(f"{base_url}/admin/")
    return page


def test_the_editor_sees_who_covers_what_and_a_reader_reaches_the_coverage_in_two_clicks(
    live_server,
    browser,  # noqa: F811 - the imported fixture
    agenda,
):
    base = live_server.url
    event, coverage, article = agenda["event"], agenda["coverage"], agenda["article"]
    year, week = dates.iso_week(agenda["today"])

    # 1. The editor: from the admin index to this week's calendar, without JavaScript.
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = log_in(context, base, EDITOR)
        page.locator("#liputan-saya").get_by_role("link", name="Agenda minggu ini").click()
        expect(page).to_have_url(f"{base}/admin/agenda/event/minggu/")
        today = page.locator(".agenda-column.agenda-today")
        card = today.locator(".agenda-card").filter(has_text=EVENT)
        expect(card).to_contain_text("10.00")
        expect(card).to_contain_text("Gubernur Jawa Tengah")
        expect(card.locator(".agenda-assignment")).to_contain_text("Penulis: Sri Wartawati")
        expect(card.locator(".agenda-assignment")).to_contain_text("Fotografer: Joko Lensa")
        expect(card.locator(".agenda-status")).to_have_text("Ditugaskan")
        internal = today.locator(".agenda-card.agenda-internal")
        expect(internal).to_contain_text("Rapat internal biro")
        # Next week and back.
        page.locator("#agenda-next-week").click()
        expect(page.locator(".agenda-card").filter(has_text=EVENT)).to_have_count(0)
        page.locator("#agenda-previous-week").click()
        expect(page).to_have_url(f"{base}/admin/agenda/event/minggu/{year}/{week}/")
        expect(page.locator(".agenda-card").filter(has_text=EVENT)).to_have_count(1)
    finally:
        context.close()

    # 2. The writer: "My coverage" on the admin index, the status moved to "filed".
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = log_in(context, base, WRITER)
        mine = page.locator("#agenda-my-coverage")
        expect(mine).to_contain_text(EVENT)
        mine.get_by_label(f"Status “{EVENT}”").select_option("dikirim")
        mine.get_by_role("button", name="Simpan").click()
        expect(page).to_have_url(f"{base}/admin/")
        expect(page.locator(".messagelist")).to_contain_text("Dikirim")
        coverage.refresh_from_db()
        assert coverage.status == Coverage.Status.FILED
        expect(page.get_by_label(f"Status “{EVENT}”")).not_to_contain_text("Terbit")
    finally:
        context.close()

    # 3. A reader: the public week, the event, its coverage article.
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(f"{base}/agenda/")
        page.get_by_role("link", name="Sepekan penuh").click()
        expect(page).to_have_url(f"{base}/agenda/minggu/{year:04d}/{week:02d}/")
        expect(page.locator("main")).not_to_contain_text("Rapat internal biro")
        page.get_by_role("link", name=EVENT).first.click()
        expect(page).to_have_url(f"{base}{event.get_absolute_url()}")
        expect(page.locator("h1")).to_have_text(EVENT)
        expect(page.locator(".agenda-facts")).to_contain_text("10.00")
        expect(page.locator(".agenda-facts")).to_contain_text("Gubernur Jawa Tengah")
        expect(page.locator("main")).not_to_contain_text("Sri Wartawati")
        page.locator("#event-coverage").get_by_role("link", name=ARTICLE).click()
        expect(page).to_have_url(f"{base}{article.get_absolute_url()}")
        expect(page.locator("h1")).to_have_text(ARTICLE)
    finally:
        context.close()


def test_the_public_agenda_has_no_serious_accessibility_violations(
    live_server,
    browser,  # noqa: F811 - the imported fixture
    axe_script,  # noqa: F811 - the imported fixture
    agenda,
    subtests,
):
    """axe-core on the day, the week and the event's page, as test_accessibility.py runs
    it: a phone and a desktop in Indonesian, a phone in English."""
    year, week = dates.iso_week(agenda["today"])
    paths = {
        "day": "/agenda/",
        "week": f"/agenda/minggu/{year:04d}/{week:02d}/",
        "event": agenda["event"].get_absolute_url(),
    }
    for pass_name, viewport, language in PASSES:
        context = new_context(browser, live_server.url, viewport, language)
        try:
            page = context.new_page()
            for name, path in paths.items():
                page.goto(f"{live_server.url}{path}")
                with subtests.test(msg=f"{name} ({pass_name})"):
                    failing, _others = audit(page, axe_script)
                    assert not failing, f"{name} ({pass_name}):\n{describe(failing)}"
                if viewport["width"] < 400:
                    width = page.evaluate("document.documentElement.scrollWidth")
                    assert width <= viewport["width"], f"{name} is wider than the phone"
        finally:
            context.close()
