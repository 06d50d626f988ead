"""What stored HTML shows, hides and links to, read the way a browser would lay it out.

The article and page bodies are sanitized on save (articles/sanitize.py: no style, no
class, no `hidden`), so through the admin hidden text cannot be stored. A defacer who
writes to the database directly (a stolen database password, an SQL injection, a web
shell) is not sanitized, and hidden links are the classic form of injected SEO spam:
"display:none" blocks of gambling links that readers never see and search engines do.
This module reads the stored HTML without trusting it.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
     "track", "wbr"}
)  # fmt: skip
# Elements whose content a reader never sees.
INVISIBLE_ELEMENTS = frozenset({"noscript", "template", "script", "style", "noembed"})
HIDING_CLASSES = frozenset({"hidden", "d-none", "invisible", "hide"})
OFFSET = re.compile(
    r"(?:^|;)\s*(?:left|top|right|text-indent|margin-left|margin-top)\s*:\s*-\s*(\d+)"
)
WHITE = re.compile(
    r"(?:^|;)\s*color\s*:\s*(?:#fff(?:fff)?\b|white\b|rgba?\(\s*255\s*,\s*255\s*,\s*255\b)"
)
TINY_FONT = re.compile(r"(?:^|;)\s*font-size\s*:\s*(0*\.?\d*)\s*(px|pt|em|rem|%)?\s*(?:;|$)")
ZERO_BOX = re.compile(r"(?:^|;)\s*(?:height|width|max-height|max-width)\s*:\s*0(?:px)?\s*(?:;|$)")
URL_ATTRIBUTES = {"a": "href", "area": "href", "img": "src", "iframe": "src", "form": "action"}


@dataclass
class Link:
    url: str
    hidden: str = ""  # why it is hidden, "" when visible


@dataclass
class Scan:
    text: str = ""  # everything a reader sees, space-separated
    hidden_text: str = ""  # text laid out so that no reader sees it
    hidden_reasons: list = field(default_factory=list)
    links: list = field(default_factory=list)
    attributes: str = ""  # titles, alt texts, addresses: searched for phrases too


def style_hides(style: str) -> str:
    """Why this inline style makes an element invisible to readers, or ""."""
    css = re.sub(r"/\*.*?\*/", "", style.lower()).replace("!important", "")
    css = ";".join(part.strip() for part in css.split(";"))
    if re.search(r"(?:^|;)\s*display\s*:\s*none", css):
        return "display:none"
    if re.search(r"(?:^|;)\s*visibility\s*:\s*(?:hidden|collapse)", css):
        return "visibility:hidden"
    if re.search(r"(?:^|;)\s*opacity\s*:\s*0*(?:\.0*)?\s*(?:;|$)", css):
        return "opacity:0"
    size = TINY_FONT.search(css)
    if size and size.group(1) not in ("", "."):
        value, unit = float(size.group(1)), size.group(2) or "px"
        if (
            value == 0
            or (unit in ("px", "pt") and value < 4)
            or (unit in ("em", "rem") and value < 0.3)
            or (unit == "%" and value < 30)
        ):
            return "font-size:" + size.group(1) + (size.group(2) or "")
    offset = OFFSET.search(css)
    if offset and int(offset.group(1)) >= 500:
        return "off-screen"
    if WHITE.search(css) and "background" not in css:
        return "white text"
    if ZERO_BOX.search(css) and "overflow" in css and "hidden" in css:
        return "zero size"
    if re.search(r"(?:^|;)\s*clip\s*:\s*rect\(\s*0", css) or "clip-path: inset(50%" in css:
        return "clipped"
    return ""


def element_hides(tag: str, attrs: dict) -> str:
    """Why this element (and so everything inside it) is hidden, or ""."""
    if tag in INVISIBLE_ELEMENTS:
        return f"<{tag}>"
    if "hidden" in attrs:
        return "hidden attribute"
    if (attrs.get("aria-hidden") or "").strip().lower() == "true":
        return "aria-hidden"
    reason = style_hides(attrs.get("style") or "")
    if reason:
        return reason
    classes = set((attrs.get("class") or "").lower().split())
    if classes & HIDING_CLASSES:
        return "class " + " ".join(sorted(classes & HIDING_CLASSES))
    if tag == "font" and (attrs.get("color") or "").strip().lower() in ("#fff", "#ffffff", "white"):
        return "white text"
    if tag == "font" and (attrs.get("size") or "").strip() in ("0", "-3", "-4"):
        return "tiny text"
    return ""


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # [(tag, reason the element hides, or "")]
        self.scan = Scan()
        self.visible, self.hidden, self.attrs = [], [], []

    def hidden_reason(self):
        for _tag, reason in reversed(self.stack):
            if reason:
                return reason
        return ""

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        reason = element_hides(tag, attrs)
        inherited = reason or self.hidden_reason()
        if reason and reason not in self.scan.hidden_reasons:
            self.scan.hidden_reasons.append(reason)
        url = attrs.get(URL_ATTRIBUTES.get(tag, ""), "")
        if url:
            self.scan.links.append(Link(url=url.strip(), hidden=inherited))
        for name in ("title", "alt", "href", "src"):
            if attrs.get(name):
                self.attrs.append(attrs[name])
        if tag not in VOID:
            self.stack.append((tag, reason))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if not data.strip():
            return
        if self.hidden_reason():
            self.hidden.append(data)
        else:
            self.visible.append(data)


def scan_html(html: str) -> Scan:
    parser = _Parser()
    parser.feed(html or "")
    parser.close()
    scan = parser.scan
    scan.text = " ".join(" ".join(parser.visible).split())
    scan.hidden_text = " ".join(" ".join(parser.hidden).split())
    scan.attributes = " ".join(parser.attrs)
    return scan
