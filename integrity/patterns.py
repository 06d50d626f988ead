"""Text and domain matching: how a phrase finds spam however it is written, and how an
address's host is compared with the allowlist.

Spam hides its words from filters: "Slot-Gacor", "slotgacor88", full-width letters, a
zero-width space inside a word. Text is therefore folded first (NFKC, case-folded,
invisible format characters removed), and a phrase's words may be joined by nothing,
spaces or punctuation. A phrase matches only where letters do not continue on either
side, so "toto" does not match "fototo" and "bandar judi" does not match "bandar udara";
digits may follow ("togel4d").
"""

import contextlib
import re
import unicodedata
from functools import cache
from urllib.parse import urlsplit

# The seeded list (migration 0002): Indonesian online-gambling spam as found injected
# into go.id sites, chosen so that ordinary government news does not trip it. Single
# words that also mean something else are left out or only used in a phrase: "bandar"
# (Bandar Udara, Bandar Lampung), "toto" (a name), "gacor" (a bird that sings well, in
# bird-song contests), "wd", "zeus", "jackpot", "bola", "pola", "jam".
GAMBLING_TERMS = (
    "slot gacor", "situs slot", "slot online", "slot88", "slot demo", "akun demo slot",
    "bo slot", "daftar slot", "agen slot", "bandar slot", "link slot", "slot thailand",
    "slot server", "slot maxwin", "slot zeus", "kakek zeus", "slot pulsa", "slot dana",
    "judi online", "judol", "situs judi", "agen judi", "bandar judi", "judi slot",
    "judi bola", "judi togel", "togel", "toto togel", "toto macau", "situs toto",
    "bandar togel", "prediksi togel", "keluaran hk", "keluaran sgp", "data sgp",
    "maxwin", "scatter hitam", "rtp live", "rtp slot", "bocoran rtp", "pola gacor",
    "jam gacor", "gacor hari ini", "link gacor", "situs gacor", "server gacor",
    "deposit pulsa", "depo pulsa", "depo 5k", "depo 10k", "deposit dana", "wd cepat",
    "link alternatif", "anti rungkad", "sbobet", "pragmatic play", "pg soft",
    "mahjong ways", "gates of olympus", "starlight princess", "sweet bonanza",
    "casino online", "kasino online", "poker online", "domino qq", "dominoqq", "bandarqq",
    "pkv games", "sabung ayam online", "taruhan bola", "mix parlay", "freebet",
    "bonus new member", "new member 100",
)  # fmt: skip

# Letters (not digits, not "_"): where a word would continue.
LETTER = r"[^\W\d_]"
WORD = re.compile(r"[^\W_]+")


@cache
def invisible():
    """Zero-width and other invisible format characters (Unicode's Cf), which spam hides
    inside words: a table for str.translate, made on first use (a tenth of a second)."""
    return dict.fromkeys(cp for cp in range(0x110000) if unicodedata.category(chr(cp)) == "Cf")


def fold(text: str) -> str:
    """`text` as phrases are matched against: NFKC, case-folded, invisibles removed."""
    return unicodedata.normalize("NFKC", text).translate(invisible()).casefold()


def compile_phrase(phrase: str):
    """The regex for `phrase` (see the module's docstring), or None if it has no word."""
    words = WORD.findall(fold(phrase))
    if not words:
        return None
    joined = r"[\W_]*".join(re.escape(word) for word in words)
    # The letter before is checked after the first character matched, not before it: a
    # pattern that starts with a literal is searched for by that character, twelve times
    # faster (0.7 against 8.6 ms for the seeded list over a 4,500-character article).
    first = joined[0]  # a letter or a digit: re.escape leaves it alone
    return re.compile(rf"{first}(?<!{LETTER}{first}){joined[1:]}(?!{LETTER})")


def excerpt(text: str, start: int, end: int, width: int = 60) -> str:
    """The match with up to `width` characters either side, on one line."""
    left = max(start - width, 0)
    piece = text[left : end + width]
    piece = " ".join(piece.split())
    return f"{'…' if left else ''}{piece}{'…' if end + width < len(text) else ''}"


def normalize_domain(value: str) -> str:
    """A host name in one spelling: "https://WWW.Example.com:443/x" -> "example.com",
    internationalized names in their ASCII (punycode) form; "" if there is none."""
    value = (value or "").strip()
    if not value:
        return ""
    if "//" not in value:
        value = "//" + value.lstrip("*.").lstrip(".")
    try:
        host = urlsplit(value).hostname or ""
    except ValueError:
        return ""
    host = host.rstrip(".").lower()
    if host.startswith("www."):
        host = host[4:]
    with contextlib.suppress(UnicodeError):  # not a valid name: compared as it is
        host = host.encode("idna").decode("ascii")
    return host


def domain_allowed(host: str, rules) -> bool:
    """Whether `host` is covered by `rules`: (domain, include_subdomains) pairs."""
    for domain, subdomains in rules:
        if host == domain or (subdomains and host.endswith("." + domain)):
            return True
    return False
