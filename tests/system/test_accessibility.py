"""Accessibility of the public pages: axe-core, run in a real browser (Chromium via Playwright).

axe-core comes from the npm registry, pinned in package.json and package-lock.json
(`npm ci --no-audit --no-fund` installs it into node_modules/); each page gets axe.min.js
injected and axe.run() reports what it finds. Any "serious" or "critical" violation fails;
"moderate" and "minor" ones are printed only (shown with -rP, or under a failure).

The demo content of `manage.py seed_demo` fills the pages. Seeding takes seconds, so one
test seeds once and visits every page in every pass (phone and desktop viewports, which
can differ in colour contrast and target size; and the English interface), each visit
a subtest of its own, so that every page and pass is reported separately.

Browser handling (Debian's Chromium, skipped unless CI when it is missing) is the one of
test_browser_journey.py.
"""

import os
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from articles.models import Article, Category
from pages.models import Page

from .test_browser_journey import TIMEOUT_MS, browser  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = "async () => await axe.run(document, {resultTypes: ['violations']})"
FAILING_IMPACTS = {"serious", "critical"}
SEARCH = "search"

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
# (name, viewport, interface language); Indonesian is the default, English is the
# cookie the language switcher sets. Longer English labels matter most on a phone.
PASSES = [
    ("phone 360x740, id", PHONE, None),
    ("desktop 1280x900, id", DESKTOP, None),
    ("phone 360x740, en", PHONE, "en"),
]


@pytest.fixture(scope="module")
def axe_script():
    if not AXE.exists():
        message = f"{AXE} is missing: run npm ci --no-audit --no-fund"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return AXE


def pages():
    """(name, path) of the pages checked; needs the demo content."""
    article = Article.objects.published().latest_first().first()
    category = Category.objects.first()
    page = Page.objects.published().filter(depth=2).first()  # with breadcrumbs
    assert article is not None and category is not None, "seed_demo made no content"
    assert page is not None, "seed_demo made no page below another"
    return [
        ("home", "/"),
        ("article", article.get_absolute_url()),
        ("category", category.get_absolute_url()),
        ("page", page.get_absolute_url()),
        ("documents", "/dokumen/"),
        ("register", "/akun/daftar/"),
        ("log-in", "/akun/masuk/"),
        (SEARCH, "/cari/?q=jembatan"),
    ]


def describe(violations, nodes=3):
    """Each violation: id, impact, axe's help text, and up to `nodes` targets and HTML."""
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" [{len(violation['nodes'])} element(s); {violation['helpUrl']}]"
        )
        for node in violation["nodes"][:nodes]:
            target = " ".join(map(str, node["target"]))
            lines.append(f"    {target}\n      {node['html']}")
    return "\n".join(lines)


def audit(page, axe_script):
    """axe-core's violations on the page open in `page`: (failing, others)."""
    page.add_script_tag(path=str(axe_script))
    violations = page.evaluate(AXE_RUN)["violations"]
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    others = [v for v in violations if v["impact"] not in FAILING_IMPACTS]
    return failing, others


def new_context(chromium, base_url, viewport, language):
    # axe.min.js goes in as an inline <script>, which the site's Content-Security-Policy
    # refuses (test_csp.py checks the policy against what the pages themselves do).
    context = chromium.new_context(viewport=viewport, bypass_csp=True)
    context.set_default_timeout(TIMEOUT_MS)
    if language:
        cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url}
        context.add_cookies([cookie])
    return context


def test_public_pages_have_no_serious_accessibility_violations(
    live_server,
    browser,  # noqa: F811 - the imported fixture
    axe_script,
    subtests,
):
    # (Its output, which has the demo staff password, goes nowhere.)
    call_command("seed_demo", verbosity=0, stdout=StringIO())
    checked = pages()
    not_failing = []

    for pass_name, viewport, language in PASSES:
        context = new_context(browser, live_server.url, viewport, language)
        try:
            page = context.new_page()
            for page_name, path in checked:
                where = f"{page_name} ({pass_name}) {path}"
                with subtests.test(msg=f"{page_name} ({pass_name})", path=path):
                    response = page.goto(live_server.url + path)
                    assert response.ok, f"{where} answered {response.status}"
                    if language:
                        lang = page.locator("html").get_attribute("lang") or ""
                        assert lang.startswith(language), f"{where}: <html lang={lang!r}>"
                    failing, others = audit(page, axe_script)
                    if others:
                        not_failing.append(f"{where}:\n{describe(others, nodes=1)}")
                    if failing:
                        pytest.fail(
                            f"{where}: serious or critical accessibility violations "
                            f"found by axe-core:\n{describe(failing)}",
                            pytrace=False,
                        )
        finally:
            context.close()
    # Printed here, not in the subtests, whose output pytest shows only when they fail.
    if not_failing:
        print("Moderate or minor accessibility violations (not failing):")
        print("\n".join(not_failing))
