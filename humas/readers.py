"""Who the reader is: bots and speculative loads that are no reader, and the key a reader
is counted by. Shared by everything that counts readers (article views, document
downloads).

A reader is the user id when logged in, else a salted hash of IP and user agent whose
salt changes daily; no raw IP is stored. The address key (an IPv4 address, an IPv6 /64)
is hashed with the same salt. The day is WIB's: it turns the salt over and names the
daily view buckets.
"""

import hashlib
import hmac
import re
import zoneinfo
from functools import cache, lru_cache

from crawlerdetect.providers.crawlers import data as CRAWLER_PATTERNS
from crawlerdetect.providers.exclusions import data as BROWSER_TOKEN_PATTERNS
from django.conf import settings
from django.utils import timezone

from .clientip import address_group, client_ip

PREFETCH_HEADERS = ("HTTP_SEC_PURPOSE", "HTTP_PURPOSE", "HTTP_X_PURPOSE", "HTTP_X_MOZ")


@cache
def local_zone():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local_today(now=None):
    """Today in WIB. Cheaper than timezone.localdate(), which looks up the active zone."""
    return (now or timezone.now()).astimezone(local_zone()).date()


# Bot detection: CrawlerDetect's rules, answered without its cost for each new user agent.
#
# CrawlerDetect removes the browser tokens ("Chrome/120.0.6099.109", "Safari/537.36": its
# exclusion list) from the user agent, then searches what is left with one regex of its
# ~1,500 crawler patterns: 0.3-0.5 ms, and phones' user agents differ in build numbers, so
# a cache by user agent rarely hits. The same answer, cheaper:
# 1. remove the browser tokens exactly as CrawlerDetect does (~15 us);
# 2. the patterns that cannot match a digit (all but ~85) cannot tell apart two strings
#    that differ only inside their digit runs: they see the same digit-free stretches,
#    with the same kind of neighbour (a digit, another character or the end) around each.
#    So their answer for the remainder is the answer for its "shape", every digit run
#    written "0", and is cached by that shape ("Edg/117.0.2845.0" -> "Edg/0.0.0.0");
# 3. the patterns that can match a digit ("80legs", "Dart\/[0-9]", "Site24x7", ".") run
#    on the remainder itself, every time (~20 us).
# A pattern's leading `[...]*` is dropped: it can match nothing, so a search finds the
# pattern exactly where it finds the rest ("[a-z0-9\-_]*(bot|crawl|spider...)").
# tests/test_viewcount_bots.py checks the answers against CrawlerDetect's own.

DIGIT_RUN = re.compile(r"[0-9]+")
PLAIN_TEXT_CAN_MATCH_DIGIT = re.compile(r"[0-9.\[\\]")
LEADING_OPTIONAL_CLASS = re.compile(r"\[(?:\\.|[^\]\\])+\]\*(?![*+?{|])")


def _digit_in(items, c) -> bool:
    """Whether a parsed pattern (re._parser's tree) can match an ASCII digit anywhere.

    Anything not understood here counts as "can": the pattern is then checked on the
    user agent itself, which is always right, only slower."""
    digits = range(ord("0"), ord("9") + 1)
    categories_with_digits = {
        c.CATEGORY_DIGIT, c.CATEGORY_WORD, c.CATEGORY_NOT_SPACE, c.CATEGORY_NOT_LINEBREAK,
        c.CATEGORY_UNI_DIGIT, c.CATEGORY_UNI_WORD, c.CATEGORY_UNI_NOT_SPACE,
        c.CATEGORY_UNI_NOT_LINEBREAK, c.CATEGORY_LOC_WORD,
    }  # fmt: skip
    repeats = {c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)}
    for op, arg in items:
        if op is c.AT:
            continue
        if op is c.LITERAL:
            if arg in digits:
                return True
        elif op is c.IN:
            for item_op, item in arg:
                if item_op is c.LITERAL and item not in digits:
                    continue
                if item_op is c.RANGE and (item[1] < digits.start or item[0] >= digits.stop):
                    continue
                if item_op is c.CATEGORY and item not in categories_with_digits:
                    continue
                return True  # a digit, a range over digits, a negated class, the unknown
        elif op is c.SUBPATTERN:
            if _digit_in(arg[-1], c):
                return True
        elif op is c.BRANCH:
            if any(_digit_in(branch, c) for branch in arg[1]):
                return True
        elif op in repeats:
            if _digit_in(arg[2], c):
                return True
        elif op in (c.ASSERT, c.ASSERT_NOT):
            if _digit_in(arg[1], c):
                return True
        else:
            return True  # ANY, NOT_LITERAL, backreferences, anything new
    return False


def can_match_digit(pattern: str) -> bool:
    if not PLAIN_TEXT_CAN_MATCH_DIGIT.search(pattern):
        return False  # no digit, no ".", no class, no escape: letters and punctuation only
    try:
        from re import _constants, _parser

        return _digit_in(_parser.parse(pattern, re.IGNORECASE), _constants)
    except (ImportError, AttributeError, TypeError, ValueError, re.error):
        return True  # another Python's internals: check this pattern the slow, sure way


def _for_search(pattern: str) -> str:
    match = LEADING_OPTIONAL_CLASS.match(pattern)
    if match and match.end() < len(pattern):
        rest = pattern[match.end() :]
        try:
            re.compile(rest)
        except re.error:
            return pattern
        return rest
    return pattern


def _any_of(patterns) -> re.Pattern:
    if not patterns:
        return re.compile(r"(?!)")  # matches nothing
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


@cache
def bot_rules():
    """(browser tokens, digit-free patterns, digit patterns), compiled once per process."""
    digit_free, with_digits = [], []
    for pattern in map(_for_search, CRAWLER_PATTERNS):
        (with_digits if can_match_digit(pattern) else digit_free).append(pattern)
    browser_tokens = re.compile(f"({'|'.join(BROWSER_TOKEN_PATTERNS)})", re.IGNORECASE)
    return browser_tokens, _any_of(digit_free), _any_of(with_digits)


@lru_cache(maxsize=4096)
def _shape_is_bot(shape: str) -> bool:
    return bot_rules()[1].search(shape) is not None


@lru_cache(maxsize=8192)
def is_bot(user_agent: str) -> bool:
    """Crawlers, link-preview fetchers and HTTP libraries, by the maintained CrawlerDetect
    list; a request without a user agent is no browser either."""
    user_agent = user_agent.strip()
    if not user_agent:
        return True
    rest = bot_rules()[0].sub("", user_agent)
    if not rest:
        return False  # nothing but browser tokens, as CrawlerDetect says
    return _rest_is_bot(rest)


@lru_cache(maxsize=4096)
def _rest_is_bot(rest: str) -> bool:
    """What is left once the browser tokens are gone is mostly the same for every phone
    of a model (" (; ; SM-A546E)  (  Mobile "): cached as it is."""
    return _shape_is_bot(DIGIT_RUN.sub("0", rest)) or bot_rules()[2].search(rest) is not None


def is_prefetch(request) -> bool:
    """Speculative loads (link prefetch, prerender, previews) that no one may ever see."""
    for header in PREFETCH_HEADERS:
        value = request.META.get(header, "").lower()
        if "prefetch" in value or "prerender" in value or "preview" in value:
            return True
    return False


@lru_cache(maxsize=2)
def _daily_salt(day: str) -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), f"view-salt:{day}".encode(), "sha256").digest()


def reader_key(request) -> str:
    if request.user.is_authenticated:
        return f"u{request.user.pk}"
    ua = request.META.get("HTTP_USER_AGENT", "")
    return _salted(f"{client_ip(request)}\n{ua}")


def address_key(request) -> str:
    """The address a reader comes from, for VIEW_MAX_READERS_PER_ADDRESS: the client's
    IPv4 address or IPv6 /64, salted and hashed like reader_key. Logged-in readers too:
    accounts are cheap to make, so many of them from one address are limited alike."""
    return _salted(f"address\n{address_group(client_ip(request))}")


def _salted(text: str) -> str:
    digest = _keyed_hash(local_today().isoformat()).copy()  # the salt already hashed in
    digest.update(text.encode())
    return digest.hexdigest()[:40]


@lru_cache(maxsize=2)
def _keyed_hash(day: str):
    return hmac.new(_daily_salt(day), digestmod=hashlib.sha256)


def is_countable(request, *, method="GET") -> bool:
    """Whether this request is a reader's: the method expected, not a speculative load,
    not staff (editors checking their own pages), not a bot."""
    if request.method != method or is_prefetch(request):
        return False
    user = request.user
    if user.is_authenticated and user.is_staff:
        return False
    return not is_bot(request.META.get("HTTP_USER_AGENT", ""))
