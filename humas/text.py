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
