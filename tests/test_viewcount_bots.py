"""Bot detection cached by the user agent's shape: CrawlerDetect's answers, at a fraction
of its cost for a user agent not seen before (humas/readers.py, "Bot detection")."""

import re
import time

import pytest
from crawlerdetect import CrawlerDetect
from crawlerdetect.providers.crawlers import data as CRAWLER_PATTERNS

from articles import viewcount
from humas import readers

from .test_viewcount import BOTS, BROWSERS, CHROME_ANDROID

DIGITS = re.compile(r"[0-9]+")


@pytest.fixture(autouse=True)
def _empty_caches():
    viewcount.is_bot.cache_clear()
    readers._shape_is_bot.cache_clear()
    yield
    viewcount.is_bot.cache_clear()
    readers._shape_is_bot.cache_clear()


def crawlerdetect_says(user_agent):
    user_agent = user_agent.strip()
    return not user_agent or CrawlerDetect().is_crawler(user_agent)


def browser(n):
    """Browser user agents differing in build numbers, as `make bench` sends them."""
    major, build, patch = 116 + n % 9, 5845 + n // 9 % 1000, n // 9000
    return [
        f"Mozilla/5.0 (Linux; Android {11 + n % 4}; SM-A546E) AppleWebKit/537.36 (KHTML, like "
        f"Gecko) Chrome/{major}.0.{build}.{patch} Mobile Safari/537.36",
        f"Mozilla/5.0 (Linux; Android 13; SM-A155F) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"SamsungBrowser/{20 + n % 6}.0 Chrome/{major}.0.{build}.{patch} Mobile Safari/537.36",
        f"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/{major}.0.{build}.{patch} Safari/537.36 Edg/{major}.0.{build - 3000}.{patch}",
    ][n % 3]


@pytest.mark.parametrize(
    "ua",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 (compatible; 008/0.83; http://www.80legs.com/webcrawler.html) "
        "Gecko/2008032620",
        "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 80legs",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/91.0.4472.114 Safari/537.36 360Spider",
        "Mozilla/5.0 (compatible; MJ12bot/v1.4.8; http://mj12bot.com/)",
        "Majestic12 Distributed Search Bot",
        "Site24x7",
        "Dart/3.2 (dart:io)",
        "Mozilla/5.0 (compatible; Yahoo! Slurp China; http://misc.yahoo.com.cn/help.html) 13TABS",
        "PTST/240101.120000",
    ],
)
def test_crawlers_with_digits_are_still_detected_after_a_browser_of_the_same_shape(ua):
    # A user agent of the same shape (only its digits differ) seen first must not decide
    # for this one: "81legs" is no crawler, "80legs" is.
    for sibling in (DIGITS.sub("7", ua), DIGITS.sub("12345", ua)):
        assert viewcount.is_bot(sibling) == crawlerdetect_says(sibling)
    assert viewcount.is_bot(ua)
    assert crawlerdetect_says(ua)


def test_the_same_answers_as_crawlerdetect():
    """Every crawler pattern that is plain text, inside a browser's user agent and in a
    crawler's usual form, and each with other digits (asked first, so that a wrong
    answer cached for the shape would show): the same answer as CrawlerDetect."""
    literal = re.compile(r"\^?((?:[\w %:;,!@#=&'-]|\\[./\-()+ ])+)\$?")
    agents = []
    for pattern in CRAWLER_PATTERNS:
        match = literal.fullmatch(pattern)
        if not match:
            continue
        text = match.group(1).replace("\\", "")
        agents += [f"{text}/1.0", f"{CHROME_ANDROID} {text}"]
        if not pattern.startswith("^"):
            agents.append(f"Mozilla/5.0 (compatible; {text}/2.1; +http://example.com/bot)")
    assert len(agents) > 3000
    agents += BOTS + BROWSERS + [browser(n) for n in range(300)]
    disagreements = []
    for agent in agents:
        for ua in (DIGITS.sub("9", agent), DIGITS.sub("31", agent), agent):
            if viewcount.is_bot(ua) != crawlerdetect_says(ua):
                disagreements.append(ua)
    assert not disagreements


def test_patterns_that_can_match_a_digit_are_told_apart():
    for pattern in ("80legs", r"Dart\/[0-9]", "a.b", "[^a]", r"\w+bot", r"x\d", "Go [\\d\\.]*"):
        assert viewcount.can_match_digit(pattern), pattern
    for pattern in ("Googlebot", "^curl", "(bot|spider)", "[a-z]+bot", r"\bbot\b", r"[\s/]bot"):
        assert not viewcount.can_match_digit(pattern), pattern
    _browser_tokens, _digit_free, with_digits = viewcount.bot_rules()
    assert len(with_digits.pattern.split("|(?:")) < len(CRAWLER_PATTERNS) / 10


def test_many_distinct_browser_user_agents_cost_little():
    """`make bench` sends a user agent of its own with every request: each is new."""
    agents = [browser(n) for n in range(100_000, 103_000)]
    viewcount.bot_rules()  # compiled once per process, not per user agent
    started = time.perf_counter()
    assert not any(viewcount.is_bot(ua) for ua in agents)
    ours = (time.perf_counter() - started) / len(agents)
    detector = CrawlerDetect()
    started = time.perf_counter()
    assert not any(detector.is_crawler(ua) for ua in agents[:300])
    theirs = (time.perf_counter() - started) / 300
    assert len({DIGITS.sub("0", ua) for ua in agents}) == 3  # but only three shapes
    assert ours * 3 < theirs, f"{ours * 1e6:.0f} us vs CrawlerDetect {theirs * 1e6:.0f} us"
