"""An article's text for the media kit: a DOCX (python-docx) and plain text (UTF-8).

The body is the stored, sanitized HTML (articles/sanitize.py's allowlist), read into
blocks (paragraphs, headings, list items, quotes, captions, table rows) of runs (bold,
italic, underlined text); both documents are written from those blocks. Links keep
their address in brackets after their text, images are left out (the photos are files
of the kit, listed at the end with their captions and credits).
"""

import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

from docx import Document
from docx.enum.text import WD_BREAK
from docx.shared import Pt

BOLD, ITALIC, UNDERLINE = {"strong", "b"}, {"em", "i"}, {"u"}
HEADINGS = {"h2": 2, "h3": 3, "h4": 4}
# Tags that end the block being written and start another.
BLOCK_TAGS = {"p", "h2", "h3", "h4", "li", "figcaption", "caption", "tr", "hr", "blockquote"}


@dataclass
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    underline: bool = False


@dataclass
class Block:
    kind: str  # paragraph, heading, bullet, number, quote, caption, row, rule
    runs: list[Run] = field(default_factory=list)
    level: int = 0  # a heading's level, a list item's depth (0: top)
    number: int = 0  # a numbered item's number

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs).strip()


class BodyReader(HTMLParser):
    """Sanitized article HTML into Blocks; anything outside the allowlist is ignored."""

    def __init__(self, base_url=""):
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.blocks: list[Block] = []
        self.current: Block | None = None
        self.styles: list[str] = []  # the open inline tags
        self.lists: list[list] = []  # ["ul"|"ol", items so far]
        self.quote = 0
        self.links: list[str] = []
        self.cells = 0

    # -- blocks
    def start_block(self, kind, **fields):
        self.end_block()
        self.current = Block(kind=kind, **fields)

    def end_block(self):
        block, self.current = self.current, None
        if block is None:
            return
        if block.runs:  # whitespace trimmed at the block's edges
            block.runs[0].text = block.runs[0].text.lstrip()
            block.runs[-1].text = block.runs[-1].text.rstrip()
        if block.text or block.kind == "rule":
            self.blocks.append(block)

    def add_text(self, text):
        if self.current is None:
            self.start_block("quote" if self.quote else "paragraph")
        previous = self.current.runs[-1].text if self.current.runs else ""
        if previous.endswith((" ", "\n")) or not previous:
            text = text.lstrip(" ")
        if not text:
            return
        self.current.runs.append(
            Run(
                text=text,
                bold=bool(BOLD.intersection(self.styles)) or self.current.kind == "heading",
                italic=bool(ITALIC.intersection(self.styles)) or self.current.kind == "caption",
                underline=bool(UNDERLINE.intersection(self.styles)),
            )
        )

    # -- the parser's events
    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("ul", "ol"):
            self.end_block()
            self.lists.append([tag, 0])
        elif tag == "li":
            kind = "number" if self.lists and self.lists[-1][0] == "ol" else "bullet"
            if self.lists:
                self.lists[-1][1] += 1
            depth = max(len(self.lists) - 1, 0)
            self.start_block(kind, level=depth, number=self.lists[-1][1] if self.lists else 0)
        elif tag in HEADINGS:
            self.start_block("heading", level=HEADINGS[tag])
        elif tag == "blockquote":
            self.end_block()
            self.quote += 1
        elif tag == "p":
            if self.current is not None and self.current.kind in ("bullet", "number"):
                if self.current.runs:
                    self.add_text(" ")  # a paragraph inside a list item continues it
                return
            self.start_block("quote" if self.quote else "paragraph")
        elif tag in ("figcaption", "caption"):
            self.start_block("caption")
        elif tag == "tr":
            self.start_block("row")
            self.cells = 0
        elif tag in ("td", "th"):
            if self.current is None:
                self.start_block("row")
            if self.cells:
                self.add_text(" | ")
            self.cells += 1
        elif tag == "hr":
            self.start_block("rule")
            self.end_block()
        elif tag == "br":
            if self.current is not None:
                self.current.runs.append(Run("\n"))
        elif tag == "a":
            self.links.append(attrs.get("href") or "")
            self.styles.append(tag)
        elif tag in BOLD | ITALIC | UNDERLINE or tag in ("s", "sub", "sup"):
            self.styles.append(tag)

    def handle_endtag(self, tag):
        if tag in ("ul", "ol"):
            self.end_block()
            if self.lists:
                self.lists.pop()
        elif tag == "blockquote":
            self.end_block()
            self.quote = max(self.quote - 1, 0)
        elif tag in HEADINGS or tag in ("p", "li", "figcaption", "caption", "tr"):
            if (
                tag == "p"
                and self.current is not None
                and self.current.kind in ("bullet", "number")
            ):
                return
            self.end_block()
        elif tag == "a":
            href = self.links.pop() if self.links else ""
            self.close_style(tag)
            address = urljoin(self.base_url, href) if href else ""
            shown = self.current is not None and address.rstrip("/") in self.current.text
            if address.startswith(("http://", "https://")) and self.current and not shown:
                self.add_text(f" ({address})")
        elif tag in BOLD | ITALIC | UNDERLINE or tag in ("s", "sub", "sup"):
            self.close_style(tag)

    def close_style(self, tag):
        for index in range(len(self.styles) - 1, -1, -1):
            if self.styles[index] == tag:
                del self.styles[index]
                break

    def handle_data(self, data):
        text = re.sub(r"\s+", " ", data)
        if text.strip() or (self.current is not None and text):
            self.add_text(text)

    def close(self):
        super().close()
        self.end_block()


def body_blocks(html: str, base_url: str = "") -> list[Block]:
    reader = BodyReader(base_url=base_url)
    reader.feed(html or "")
    reader.close()
    return reader.blocks


@dataclass
class KitText:
    """What both documents say, prepared by the kit (in Indonesian)."""

    title: str
    dateline: str  # "SEMARANG, 2 Desember 2026 09.00 WIB"
    lead: str
    blocks: list[Block]
    photos_heading: str  # "Foto"
    photos: list[tuple[str, str, str]]  # (file name, caption, credit)
    closing: list[str]  # source line, usage note


def docx_bytes(text: KitText, *, author: str = "") -> bytes:
    document = Document()
    document.core_properties.title = text.title
    document.core_properties.author = author
    document.core_properties.language = "id-ID"
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading(text.title, level=0)
    if text.dateline:
        document.add_paragraph().add_run(text.dateline).italic = True
    if text.lead:
        document.add_paragraph().add_run(text.lead).bold = True
    for block in text.blocks:
        write_block(document, block)
    if text.photos:
        document.add_heading(text.photos_heading, level=2)
        for name, caption, credit in text.photos:
            paragraph = document.add_paragraph(style="List Bullet")
            paragraph.add_run(name).bold = True
            if caption:
                paragraph.add_run(f" — {caption}")
            paragraph.add_run(f" {credit}").italic = True
    for line in text.closing:
        document.add_paragraph().add_run(line).italic = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


LIST_STYLES = {"bullet": "List Bullet", "number": "List Number"}


def write_block(document, block: Block):
    if block.kind == "heading":
        paragraph = document.add_heading(level=min(block.level, 4))
    elif block.kind in LIST_STYLES:
        depth = min(block.level, 2)
        style = LIST_STYLES[block.kind] + (f" {depth + 1}" if depth else "")
        paragraph = document.add_paragraph(style=style)
    elif block.kind == "quote":
        paragraph = document.add_paragraph(style="Quote")
    elif block.kind == "caption":
        paragraph = document.add_paragraph(style="Caption")
    elif block.kind == "rule":
        document.add_paragraph("* * *")
        return
    else:
        paragraph = document.add_paragraph()
    for run in block.runs:
        parts = run.text.split("\n")
        for index, part in enumerate(parts):
            if index:
                paragraph.add_run().add_break(WD_BREAK.LINE)
            if part:
                written = paragraph.add_run(part)
                written.bold = run.bold or None
                written.italic = run.italic or None
                written.underline = run.underline or None


# Kinds written line after line, without a blank line between them.
TIGHT = ("bullet", "number", "row")


def plain_text(text: KitText) -> str:
    lines = [text.title, "=" * min(len(text.title), 72), ""]
    if text.dateline:
        lines += [text.dateline, ""]
    if text.lead:
        lines += [text.lead, ""]
    previous = ""
    for block in text.blocks:
        body = block.text
        if previous in TIGHT and block.kind != previous and block.kind not in ("bullet", "number"):
            lines.append("")
        previous = block.kind
        if block.kind == "heading":
            lines += [body, "-" * min(len(body), 72)]
        elif block.kind == "bullet":
            lines.append("  " * block.level + "- " + body)
        elif block.kind == "number":
            lines.append("  " * block.level + f"{block.number}. " + body)
        elif block.kind == "quote":
            lines.append("> " + body.replace("\n", "\n> "))
        elif block.kind == "caption":
            lines.append(f"[{body}]")
        elif block.kind == "rule":
            lines.append("* * *")
        else:
            lines.append(body)
        if block.kind not in TIGHT:
            lines.append("")
    if lines[-1]:
        lines.append("")
    if text.photos:
        lines += [text.photos_heading, "-" * len(text.photos_heading)]
        for name, caption, credit in text.photos:
            lines.append(" — ".join(part for part in (f"- {name}", caption, credit) if part))
        lines.append("")
    lines += text.closing
    return "\n".join(lines).rstrip("\n") + "\n"
