"""Cleaning what readers type: names and comments are plain text, in any script."""

import re
import unicodedata

# C0/C1 controls other than tab and newline, and the bidi embeddings, overrides and
# isolates that can make text display in another order than it is stored ("Trojan
# Source"). Marks (LRM, RLM) and joiners (ZWJ, used by emoji and Indic scripts) stay.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_text(text: str, *, multiline: bool = False) -> str:
    text = unicodedata.normalize("NFC", text or "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _UNSAFE.sub("", text)
    if multiline:
        text = re.sub(r"[ \t]+\n", "\n", text)
        text = re.sub(r"\n{3,}", "\n\n", text)
    else:
        text = re.sub(r"\s+", " ", text)
    return text.strip()


# What shows nothing on its own, so that text made only of it reads as empty: format
# characters (zero-width space and joiners, the byte-order mark, word joiner, soft
# hyphen, direction marks, tag characters), controls, spaces of every width (no-break,
# ideographic) and the line and paragraph separators, and marks without a letter to sit
# on (combining accents, variation selectors). By Unicode category, so new ones of these
# kinds are covered; and by name the letters and symbols that fonts draw blank: the
# Hangul fillers and the empty braille pattern, favourites for "empty" names and posts.
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Zs", "Zl", "Zp", "Mn", "Me", "Mc"})
_BLANK_CHARACTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Tag characters close an emoji flag sequence (a Scottish flag ends with U+E007F).
_TAGS = range(0xE0020, 0xE0080)


def is_invisible(char: str) -> bool:
    return char in _BLANK_CHARACTERS or unicodedata.category(char) in _INVISIBLE_CATEGORIES


def visible_text(text: str) -> str:
    """The characters of `text` that show something: empty for text that shows nothing."""
    return "".join(char for char in text if not is_invisible(char))


def strip_invisible(text: str) -> str:
    """`text` without the invisible characters before its first visible one and after
    its last, except what belongs to that last one: its combining marks and variation
    selectors (❤️ is a heart and U+FE0F), and the tags of a flag."""
    shown = [i for i, char in enumerate(text) if not is_invisible(char)]
    if not shown:
        return ""
    end = shown[-1] + 1
    while end < len(text) and (
        unicodedata.category(text[end]).startswith("M") or ord(text[end]) in _TAGS
    ):
        end += 1
    return text[shown[0] : end]
