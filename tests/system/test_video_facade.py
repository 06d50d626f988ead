"""A video's facade in a real browser (Chromium via Playwright): every request the page
makes is recorded, and none goes to YouTube or Google until the reader presses play, by
mouse or by keyboard; then the cookie-less player appears in place, allowed by the
page's policy. Without JavaScript the play link opens the page with the player.

The machine is offline: requests to other hosts are recorded and aborted.
"""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from ..factories import make_video

# Fixtures, found by pytest under these names (see test_browser_newsroom.py).
from .test_accessibility import FAILING_IMPACTS, axe_script, describe  # noqa: F401
from .test_browser_journey import TIMEOUT_MS, browser  # noqa: F401

VIDEO_ID = "Ab_3-dEfGhI"
PLAYER = f"https://www.youtube-nocookie.com/embed/{VIDEO_ID}?autoplay=1"
GOOGLE = re.compile(r"(^|\.)(youtube(-nocookie)?\.com|youtu\.be|ytimg\.com|googlevideo\.com|"
                    r"google\.com|gstatic\.com|googleapis\.com|doubleclick\.net)$")  # fmt: skip
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportViolation(event.effectiveDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def watched_page(browser, live_server):  # noqa: F811
    """A page in a fresh context, with every request it makes recorded (other hosts
    aborted: there is no network) and every CSP violation reported."""
    contexts = []

    def make(**options):
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        requests, violations = [], []
        ours = urlsplit(live_server.url).netloc

        def route(route):
            if urlsplit(route.request.url).netloc == ours:
                route.continue_()
            else:
                route.abort()

        # Every request, whatever becomes of it (frames' too), in the order made.
        context.on("request", lambda request: requests.append(request.url))
        context.route("**/*", route)
        context.expose_function("reportViolation", lambda text: violations.append(text))
        context.add_init_script(REPORT_VIOLATIONS)
        return context.new_page(), requests, violations

    yield make
    for context in contexts:
        context.close()


def to_google(requests):
    return [url for url in requests if GOOGLE.search(urlsplit(url).hostname or "")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("press", ["click", "Enter"])
def test_nothing_loads_from_youtube_until_play_is_pressed(live_server, watched_page, press):
    video = make_video(title="Gubernur Meninjau Jembatan", youtube_id=VIDEO_ID)
    page, requests, violations = watched_page()
    url = live_server.url + video.get_absolute_url()
    page.goto(url)  # waits for "load": the deferred facade.js has run
    play = page.get_by_role("link", name="Putar video")
    expect(play).to_be_visible()
    expect(page.get_by_role("img", name="Gubernur Meninjau Jembatan")).to_be_visible()
    expect(page.get_by_text("Memutar video memuat konten dari YouTube (Google)")).to_be_visible()
    assert any(u.endswith("/videos/facade.js") for u in requests)
    assert to_google(requests) == []
    assert page.locator("iframe").count() == 0

    with page.expect_request(lambda request: to_google([request.url])) as first:
        if press == "click":
            play.click()
        else:
            play.focus()
            page.keyboard.press("Enter")
    assert first.value.url == PLAYER

    player = page.locator(f'iframe[src="{PLAYER}"]')
    expect(player).to_have_attribute("title", "Video: Gubernur Meninjau Jembatan")
    expect(page.locator(".video-facade")).to_have_count(0)  # the poster gave its place
    expect(player).to_be_focused()
    assert page.url == url  # in place: no navigation
    assert to_google(requests) == [PLAYER]
    assert not [v for v in violations if v.startswith("frame-src")]


@pytest.mark.django_db(transaction=True)
def test_without_javascript_the_play_link_opens_the_page_with_the_player(live_server, watched_page):
    video = make_video(title="Festival Budaya Dieng", youtube_id=VIDEO_ID)
    page, requests, _violations = watched_page(java_script_enabled=False)
    page.goto(live_server.url + video.get_absolute_url())
    assert to_google(requests) == []
    page.get_by_role("link", name="Putar video").click()
    expect(page).to_have_url(live_server.url + video.get_absolute_url() + "?putar=1")
    expect(page.locator(f'iframe[src="{PLAYER}"]')).to_have_attribute(
        "title", "Video: Festival Budaya Dieng"
    )
    expect(page.get_by_role("link", name="Tonton di YouTube")).to_have_attribute(
        "href", f"https://www.youtube.com/watch?v={VIDEO_ID}"
    )
    assert PLAYER in requests  # the frame's own request, allowed by the policy (aborted)


# The player's frame is aborted (no network): axe is not to wait for it.
AXE_RUN = "async () => await axe.run(document, {resultTypes: ['violations'], iframes: false})"


@pytest.mark.django_db(transaction=True)
def test_the_gallery_and_a_video_page_have_no_serious_accessibility_violations(
    live_server,
    watched_page,
    axe_script,  # noqa: F811
):
    video = make_video(title="Gubernur Meninjau Jembatan", youtube_id=VIDEO_ID)
    make_video(title="Festival Budaya Dieng")
    # axe.min.js goes in as an inline <script>, which the policy refuses (as in
    # test_accessibility.py).
    page, _requests, _violations = watched_page(bypass_csp=True)
    for path in ("/video/", video.get_absolute_url(), video.get_absolute_url() + "?putar=1"):
        page.goto(live_server.url + path)
        page.add_script_tag(path=str(axe_script))
        violations = page.evaluate(AXE_RUN)["violations"]
        failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
        assert not failing, f"{path}\n{describe(failing)}"
