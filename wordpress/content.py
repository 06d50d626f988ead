"""WordPress post bodies into the HTML our sanitizer keeps.

    convert(html, *, resolve_media=None, attachments=None) -> str   (for Article.body)
    excerpt_text(html, limit=600) -> str                            (for Article.lead)

`manage.py import_wordpress` calls these for each post's `content:encoded` and
`excerpt:encoded`. They are pure: no database, no network. The command passes in what it
has imported: a resolver for image URLs and the attachments by WordPress id.

A body goes through the steps of WordPress's own `the_content` filter, in a form suited to
an import rather than to a page view:

1. Block markup (`<!-- wp:name {"json"} -->`) is split into a tree of blocks, as
   WordPress's block parser does. Each block is rendered by its name: an image keeps its
   attachment id, a gallery becomes one figure per photo, an embed becomes a link, and
   "more" is dropped. Other blocks keep their inner HTML.
2. Shortcodes are expanded: [caption], [gallery], [embed], [audio] and [video]. Any other
   shortcode is removed, and the text it encloses is kept.
3. Classic content (and the classic parts of a block post) gets wpautop's paragraphs.
4. The whole body is then parsed into one HTML tree and rewritten. Photos go through
   `resolve_media`. Iframes and video become links. Headings are mapped into h2-h4, and
   layout <div>s become paragraphs, so that no text runs together once the sanitizer
   drops those tags.
5. `articles.sanitize.sanitize_html` has the last word, always.

The input is untrusted and may be large. No regular expression here can backtrack across
the text: every pattern is possessive, stops at the next bracket or tag, or is allowed to
end at the end of the input. Nesting is capped, so recursion stays bounded.
"""

import html as html_lib
import json
import re
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from urllib.parse import parse_qs, urlsplit

from articles.sanitize import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    ALLOWED_URL_SCHEMES,
    sanitize_html,
)

__all__ = ["convert", "excerpt_text"]

#: Deeper HTML nesting is flattened (further start tags are ignored, their text kept).
MAX_ELEMENT_DEPTH = 100
#: Deeper block nesting is flattened into the enclosing block.
MAX_BLOCK_DEPTH = 30
#: Deeper shortcode nesting loses its inner shortcode tags (the text stays).
MAX_SHORTCODE_DEPTH = 30

_WS = " \t\n\f\v"  # HTML's whitespace; a no-break space is text, as in wpautop

# --------------------------------------------------------------------------------------
# A small, tolerant HTML tree. It does not replace the sanitizer's parser: it only has to
# be good enough to find paragraphs, figures and images in real posts, and it must stay
# linear on any input.
# --------------------------------------------------------------------------------------

_VOID = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta",
    "param", "source", "track", "wbr",
})  # fmt: skip
# Their content is not markup. All are dropped with their content, except that an
# <iframe> keeps its element (for its src).
_RAW = frozenset({
    "iframe", "noembed", "noframes", "noscript", "script", "style", "template", "textarea",
    "title", "xmp",
})  # fmt: skip
# wpautop's $allblocks, plus <main> and <center>. These elements end a paragraph.
_BLOCK = frozenset({
    "address", "area", "article", "aside", "blockquote", "caption", "center", "col",
    "colgroup", "dd", "details", "div", "dl", "dt", "fieldset", "figcaption", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr",
    "legend", "li", "main", "map", "math", "menu", "nav", "ol", "p", "pre", "section",
    "style", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})  # fmt: skip
_CLOSES_P = _BLOCK - {
    "area", "caption", "col", "colgroup", "legend", "map", "math", "style", "tbody", "td",
    "tfoot", "th", "thead", "tr",
}  # fmt: skip
_BUTTON_SCOPE = ("applet", "button", "caption", "marquee", "object", "table", "td", "th")
_LIST_SCOPE = (*_BUTTON_SCOPE, "ol", "ul")
_DL_SCOPE = (*_BUTTON_SCOPE, "dl")
_CELL_SCOPE = ("tr", "table")
_TABLE_SCOPE = ("table",)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# wpautop splits these into paragraphs only where they contain a block or a blank line.
_SECTIONS = frozenset({
    "article", "aside", "center", "details", "div", "fieldset", "footer", "form", "header",
    "main", "nav", "section",
})  # fmt: skip
# Their children are blocks (items, rows); whitespace between them is not text.
_STRUCTURAL = frozenset({
    "colgroup", "dl", "menu", "ol", "table", "tbody", "tfoot", "thead", "tr", "ul",
})  # fmt: skip
# Not in the sanitizer's allowlist, which would unwrap them and run their text together:
# those holding text become paragraphs, the others give way to their children.
_CONTAINERS = _SECTIONS | {"address", "dd", "dl", "dt", "hgroup", "legend", "summary"}
# Where a paragraph may stand.
_PARAGRAPH_PARENTS = _CONTAINERS | {"#root", "blockquote", "li", "td", "th"}


class _Element:
    __slots__ = ("attrs", "children", "tag")

    def __init__(self, tag, attrs=None, children=None):
        self.tag = tag
        self.attrs = {} if attrs is None else attrs
        self.children = [] if children is None else children


_TOKEN_RE = re.compile(
    r"<!--.*?(?:-->|\Z)"  # a comment, possibly unterminated
    r"|<[!?][^>]*+(?:>|\Z)"  # doctype, CDATA, processing instruction
    r"|<(/?)([A-Za-z][^\s/>]*+)"  # a tag: name, then attributes as HTML5 tokenizes them
    r"((?:[\s/]++|[^\s/>=]++(?:\s*+=\s*+(?:\"[^\"]*+\"?|'[^']*+'?|[^\s>]*+))?|=[^\s/>]*+)*+)"
    r"(>?)",  # empty when the input ends inside the tag; browsers drop such a tag
    re.S,
)
_ATTR_RE = re.compile(
    r"([^\s/>=]++|=[^\s/>=]*+)(?:\s*+=\s*+(?:\"([^\"]*+)\"?|'([^']*+)'?|([^\s>]*+)))?"
)
_RAW_CLOSE_RE = {
    tag: re.compile(rf"</{tag}(?![^\s/>])[^>]*+>?", re.I) for tag in _RAW
}  # fmt: skip


def _parse_attrs(raw):
    attrs = {}
    for m in _ATTR_RE.finditer(raw):
        name = m.group(1).lower()
        if name not in attrs:  # the first of repeated attributes wins, as in browsers
            value = next((v for v in m.group(2, 3, 4) if v is not None), "")
            attrs[name] = html_lib.unescape(value)
    return attrs


def _self_closing(raw):
    raw = raw.rstrip()
    # `<a href=/x/>` ends in a slash that belongs to the value.
    return raw.endswith("/") and (len(raw) == 1 or raw[-2] in " \t\n\"'")


class _TreeBuilder:
    """A stack of open elements with the few implied end tags real posts rely on."""

    def __init__(self):
        self.root = _Element("#root")
        self.stack = [self.root]
        self.where = {}  # tag -> stack positions of the open elements with that tag

    def text(self, s):
        # Whatever "<" the tokenizer left in text is literal: keep it so when the tree is
        # written out again.
        self.stack[-1].children.append(s.replace("<", "&lt;") if "<" in s else s)

    def _close(self, tag, boundaries):
        """Close the innermost open `tag` unless one of `boundaries` is open inside it."""
        positions = self.where.get(tag)
        if not positions:
            return
        position = positions[-1]
        where = self.where
        for boundary in boundaries:
            inner = where.get(boundary)
            if inner and inner[-1] > position:
                return
        self._pop_to(position)

    def _pop_to(self, position):
        stack, where = self.stack, self.where
        while len(stack) > position:
            where[stack.pop().tag].pop()

    def start(self, tag, attrs, self_closing):
        if tag in _CLOSES_P:
            self._close("p", _BUTTON_SCOPE)
            if tag == "li":
                self._close("li", _LIST_SCOPE)
            elif tag in ("dd", "dt"):
                self._close("dd", _DL_SCOPE)
                self._close("dt", _DL_SCOPE)
            elif tag in _HEADINGS and self.stack[-1].tag in _HEADINGS:
                self._pop_to(len(self.stack) - 1)
        elif tag in ("td", "th"):
            self._close("td", _CELL_SCOPE)
            self._close("th", _CELL_SCOPE)
        elif tag == "tr":
            self._close("tr", _TABLE_SCOPE)
            self._close("td", _TABLE_SCOPE)
            self._close("th", _TABLE_SCOPE)
        elif tag in ("tbody", "thead", "tfoot"):
            for section in ("tbody", "thead", "tfoot", "tr"):
                self._close(section, _TABLE_SCOPE)
        elif tag == "a":
            self._close("a", _BUTTON_SCOPE)
        void = self_closing or tag in _VOID
        if not void and len(self.stack) > MAX_ELEMENT_DEPTH:
            return
        element = _Element(tag, attrs)
        self.stack[-1].children.append(element)
        if not void:
            positions = self.where.get(tag)
            if positions is None:
                self.where[tag] = [len(self.stack)]
            else:
                positions.append(len(self.stack))
            self.stack.append(element)

    def end(self, tag):
        positions = self.where.get(tag)
        if positions:
            self._pop_to(positions[-1])


def _parse(text):
    builder = _TreeBuilder()
    pos = 0
    while True:
        # finditer is the fast path; it restarts only after the content of a raw element
        # (script, iframe, ...), which is skipped, not tokenized.
        restart = None
        for m in _TOKEN_RE.finditer(text, pos):
            start = m.start()
            if start > pos:
                builder.text(text[pos:start])
            pos = m.end()
            name, closing, raw_attrs, complete = m.group(2, 1, 3, 4)
            if name is None or not complete:
                continue  # comment, doctype, or a tag cut off by the end of the input
            tag = name.lower()
            if closing:
                builder.end(tag)
                continue
            attrs = _parse_attrs(raw_attrs) if raw_attrs.strip() else {}
            if tag in _RAW:
                close = _RAW_CLOSE_RE[tag].search(text, pos)
                restart = close.end() if close else len(text)
                if tag == "iframe":
                    builder.start(tag, attrs, True)
                break
            builder.start(tag, attrs, _self_closing(raw_attrs) if raw_attrs else False)
        if restart is None:
            break
        pos = restart
    if pos < len(text):
        builder.text(text[pos:])
    _merge_text(builder.root)
    return builder.root


def _merge_text(root):
    """Join adjacent text nodes (left by dropped comments), without recursion."""
    todo = [root]
    while todo:
        element = todo.pop()
        children, run = [], []
        for child in element.children:
            if isinstance(child, str):
                run.append(child)
                continue
            if run:
                children.append("".join(run))
                run = []
            children.append(child)
            todo.append(child)
        if run:
            children.append("".join(run))
        element.children = children


_SAFE_TAG_RE = re.compile(r"[a-z][a-z0-9-]*+")
_SAFE_ATTR_RE = re.compile(r"[a-z_:][-a-z0-9_:.]*+")


def _write(nodes, out, *, clean=False):
    """Serialize nodes: every tag and attribute, or (clean) only the sanitizer's own."""
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
            continue
        tag = node.tag
        if not (tag in ALLOWED_TAGS if clean else _SAFE_TAG_RE.fullmatch(tag)):
            _write(node.children, out, clean=clean)
            continue
        out.append("<" + tag)
        allowed = ALLOWED_ATTRIBUTES.get(tag, ())
        for name, value in node.attrs.items():
            if name in allowed if clean else _SAFE_ATTR_RE.fullmatch(name):
                out.append(f' {name}="{html_lib.escape(value)}"')
        out.append(">")
        if tag not in _VOID:
            _write(node.children, out, clean=clean)
            out.append(f"</{tag}>")


def _html(nodes):
    out = []
    _write(nodes, out)
    return "".join(out)


def _is_el(node, *tags):
    return isinstance(node, _Element) and node.tag in tags


def _is_blank(node):
    return isinstance(node, str) and not node.strip(_WS)


def _has_content(nodes):
    return any(not _is_blank(n) and not _is_el(n, "br") for n in nodes)


def _contains(element, tag):
    todo = list(element.children)
    while todo:
        node = todo.pop()
        if isinstance(node, _Element):
            if node.tag == tag:
                return True
            todo.extend(node.children)
    return False


def _find_all(element, tag):
    """Elements named `tag` in document order, not looking inside the ones found."""
    found = []
    for child in element.children:
        if isinstance(child, _Element):
            if child.tag == tag:
                found.append(child)
            else:
                found.extend(_find_all(child, tag))
    return found


def _plain_text(nodes, out):
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif node.tag in _BLOCK or node.tag == "br":
            out.append(" ")
            _plain_text(node.children, out)
            out.append(" ")
        else:
            _plain_text(node.children, out)


# --------------------------------------------------------------------------------------
# wpautop, on the tree: blank lines and block elements separate paragraphs, and a single
# newline inside a paragraph is a <br>.
# --------------------------------------------------------------------------------------

_BLANK_LINE_RE = re.compile(r"\n[ \t\f\v]*+\n")
_NEWLINE_RE = re.compile(r"[ \t]*+\n")


def _flow(children, mode):
    """Paragraphs for a container's children.

    mode "wrap": each run of inline content becomes a <p> (the body, a blockquote).
    mode "inline": runs stay inline, blank lines become two <br> (li, td, headings).
    mode "auto": "wrap" if the container holds a block or a blank line, as wpautop
    treats a <div>, else "inline".
    """
    runs, current = [], []
    for child in children:
        if isinstance(child, _Element) and child.tag in _BLOCK:
            if current:
                runs.append((False, _split_paragraphs(current)))
                current = []
            runs.append((True, child))
        else:
            current.append(child)
    if current:
        runs.append((False, _split_paragraphs(current)))
    if mode == "auto":
        mode = "wrap" if any(is_block or len(v) > 1 for is_block, v in runs) else "inline"
    out = []
    for is_block, value in runs:
        if is_block:
            out.extend(_flow_block(value))
        elif mode == "wrap":
            for segment in value:
                segment = _trim(segment)
                if _has_content(segment):
                    out.append(_Element("p", {}, _newlines_to_br(segment)))
        else:
            joined = []
            for i, segment in enumerate(value):
                if i:
                    joined += [_Element("br"), _Element("br")]
                joined.extend(segment)
            out.extend(_newlines_to_br(_trim(joined)))
    return out


def _flow_block(element):
    tag = element.tag
    if tag == "p":
        # A blank line inside a <p> starts a new paragraph, as in wpautop.
        paragraphs = []
        for segment in _split_paragraphs(element.children):
            segment = _trim(segment)
            if _has_content(segment):
                paragraphs.append(_Element("p", dict(element.attrs), _newlines_to_br(segment)))
        return paragraphs
    if tag == "pre":
        return [element]
    if tag == "div" and "wp-caption" in element.attrs.get("class", "").split():
        element = _caption_div_to_figure(element)  # its image stays out of a <p>
        tag = "figure"
    if tag in _STRUCTURAL:
        children = []
        for child in element.children:
            if _is_el(child, *_BLOCK):
                children.extend(_flow_block(child))
            else:
                children.append(child)
        element.children = children
    elif tag == "blockquote":
        element.children = _flow(element.children, "wrap")
    elif tag in _SECTIONS:
        element.children = _flow(element.children, "auto")
    else:
        element.children = _flow(element.children, "inline")
    return [element]


def _split_paragraphs(nodes):
    """Split inline nodes at blank lines and at <br><br>, splitting inline elements too."""
    segments = [[]]
    pending_br = None  # position of a <br> that a second one would turn into a break
    for node in nodes:
        if isinstance(node, str):
            for i, piece in enumerate(_BLANK_LINE_RE.split(node)):
                if i:
                    segments.append([])
                    pending_br = None
                if piece:
                    segments[-1].append(piece)
                    if piece.strip(_WS):
                        pending_br = None
        elif node.tag == "br":
            if pending_br is None:
                segments[-1].append(node)
                pending_br = len(segments[-1]) - 1
            else:
                del segments[-1][pending_br:]
                segments.append([])
                pending_br = None
        elif node.tag in _VOID or node.tag in _BLOCK:
            segments[-1].append(node)
            pending_br = None
        else:
            parts = _split_paragraphs(node.children)
            node.children = parts[0]
            segments[-1].append(node)
            for part in parts[1:]:
                segments.append([_Element(node.tag, dict(node.attrs), part)])
            pending_br = None
    return segments


def _trim(nodes):
    """Strip whitespace and <br> at both ends of a run, reaching into inline elements."""
    nodes = list(nodes)
    start = 0
    while start < len(nodes):
        node = nodes[start]
        if isinstance(node, str):
            node = node.lstrip(_WS)
            if node:
                nodes[start] = node
                break
        elif node.tag != "br":
            if node.tag not in _VOID and node.tag not in _BLOCK:
                node.children = _trim_start(node.children)
            break
        start += 1
    stop = len(nodes)
    while stop > start:
        node = nodes[stop - 1]
        if isinstance(node, str):
            node = node.rstrip(_WS)
            if node:
                nodes[stop - 1] = node
                break
        elif node.tag != "br":
            if node.tag not in _VOID and node.tag not in _BLOCK:
                node.children = _trim_end(node.children)
            break
        stop -= 1
    return nodes[start:stop]


def _trim_start(nodes):
    trimmed = _trim([*nodes, _Element("img")])  # the sentinel keeps the end untouched
    return trimmed[:-1]


def _trim_end(nodes):
    return _trim([_Element("img"), *nodes])[1:]


def _newlines_to_br(nodes):
    out = []
    for i, node in enumerate(nodes):
        if isinstance(node, _Element):
            if node.tag not in _VOID and node.tag != "pre":
                node.children = _newlines_to_br(node.children)
            out.append(node)
            continue
        if "\n" not in node:
            out.append(node)
            continue
        pieces = _NEWLINE_RE.split(node)
        for k, piece in enumerate(pieces):
            if k:
                after_br = not pieces[k - 1] and out and _is_el(out[-1], "br")
                before_br = (
                    k == len(pieces) - 1
                    and not piece
                    and i + 1 < len(nodes)
                    and _is_el(nodes[i + 1], "br")
                )
                if not (after_br or before_br):
                    out.append(_Element("br"))
                out.append("\n")
            if piece:
                out.append(piece)
    return out


# --------------------------------------------------------------------------------------
# Shortcodes. WordPress matches only registered names; an import cannot know which
# plugins the old site had. So a bracketed name counts as a shortcode when WordPress
# itself knows it, or when it is lowercase and has either only key=value attributes or a
# closing tag. "[1]", "[Foto: Humas]" and "[baca juga: ...]" stay text.
# --------------------------------------------------------------------------------------

_SHORTCODE_RE = re.compile(r"\[(/?)([A-Za-z][A-Za-z0-9_-]*+)([^\[\]]*+)\]")
_SHORTCODE_NAME_RE = re.compile(r"[a-z][a-z0-9_-]*+")
_SHORTCODE_ARGS_RE = re.compile(
    r"(?:\s++[\w-]++\s*+=\s*+(?:\"[^\"]*+\"|'[^']*+'|[^\s\"'=]++))*+\s*+/?+", re.A
)
# WordPress's get_shortcode_atts_regex().
_SHORTCODE_ATTR_RE = re.compile(
    r"([\w-]+)\s*=\s*\"([^\"]*)\"(?:\s|$)|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)"
    r"|([\w-]+)\s*=\s*([^\s'\"]+)(?:\s|$)|\"([^\"]*)\"(?:\s|$)|'([^']*)'(?:\s|$)|(\S+)(?:\s|$)",
    re.A,
)


class _Shortcode:
    __slots__ = ("args", "closing", "end", "name", "start")

    def __init__(self, m):
        self.start, self.end = m.span()
        self.closing = bool(m.group(1))
        self.name = m.group(2)
        self.args = m.group(3)


def _shortcode_tokens(text):
    tokens = []
    for m in _SHORTCODE_RE.finditer(text):
        token = _Shortcode(m)
        if token.closing:
            if token.args.strip():
                continue
        elif token.args and token.args[0] not in " \t\n/=":
            continue  # "[caption:x]" is not a shortcode tag
        if token.name in _SHORTCODES or _SHORTCODE_NAME_RE.fullmatch(token.name):
            tokens.append(token)
    return tokens


def _shortcode_attrs(args):
    """Attributes as WordPress's shortcode_parse_atts(); positional ones under 0, 1, ..."""
    attrs, position = {}, 0
    for m in _SHORTCODE_ATTR_RE.finditer(re.sub("[\u00a0\u200b]+", " ", args)):
        for name_group in (1, 3, 5):
            if m.group(name_group):
                attrs[m.group(name_group).lower()] = m.group(name_group + 1)
                break
        else:
            attrs[position] = next(v for v in m.group(7, 8, 9) if v is not None)
            position += 1
    return attrs


def _expand_shortcodes(text, ctx):
    if "[" not in text:
        return text
    tokens = _shortcode_tokens(text)
    if not tokens:
        return text
    closers = {}
    for i, token in enumerate(tokens):
        if token.closing:
            closers.setdefault(token.name, []).append(i)
    return _expand_range(text, tokens, closers, 0, len(tokens), 0, len(text), ctx, 0)


def _expand_range(text, tokens, closers, lo, hi, start, end, ctx, depth):
    out, pos, i = [], start, lo
    while i < hi:
        token = tokens[i]
        if token.closing:  # a closing tag without its opening one
            out.append(text[pos : token.start])
            pos, i = token.end, i + 1
            continue
        j = _closer_after(closers, token.name, i, hi)
        if j is None and not (
            token.name in _SHORTCODES or _SHORTCODE_ARGS_RE.fullmatch(token.args)
        ):
            i += 1  # prose in brackets, such as "[baca juga: ...]"
            continue
        escaped = token.start > start and text[token.start - 1] == "["
        if escaped and token.end < end and text[token.end] == "]":  # [[caption]]
            out.append(text[pos : token.start - 1])
            out.append(text[token.start : token.end])
            pos, i = token.end + 1, i + 1
            continue
        closer = tokens[j] if j is not None else None
        if escaped and closer and closer.end < end and text[closer.end] == "]":
            out.append(text[pos : token.start - 1])  # [[caption]...[/caption]]
            out.append(text[token.start : closer.end])
            pos, i = closer.end + 1, j + 1
            continue
        out.append(text[pos : token.start])
        content = None
        if closer:
            if depth < MAX_SHORTCODE_DEPTH:
                content = _expand_range(
                    text, tokens, closers, i + 1, j, token.end, closer.start, ctx, depth + 1
                )
            else:
                content = _SHORTCODE_RE.sub("", text[token.end : closer.start])
        handler = _SHORTCODES.get(token.name)
        if handler is None:
            out.append(content or "")
        else:
            out.append(handler(_shortcode_attrs(token.args), content, ctx))
        pos = closer.end if closer else token.end
        i = j + 1 if closer else i + 1
    out.append(text[pos:end])
    return "".join(out)


def _closer_after(closers, name, i, hi):
    positions = closers.get(name, ())
    k = bisect_right(positions, i)
    if k < len(positions) and positions[k] < hi:
        return positions[k]
    return None


_CAPTION_IMAGE_RE = re.compile(
    r"((?:<a\b[^<>]*+>\s*+)?<img\b[^<>]*+>(?:\s*+</a>)?)(.*)", re.S | re.I
)
_IMG_OPEN_RE = re.compile(r"<img(?=[\s/>])", re.I)


def _caption_shortcode(attrs, content, ctx):
    content = content or ""
    caption = attrs.get("caption")
    if caption is None:  # current form: the caption follows the image inside the shortcode
        m = _CAPTION_IMAGE_RE.search(content)
        if m is None:
            return content
        image, caption = m.group(1), m.group(2)
    else:  # the old caption="..." form
        image = content
    attachment = re.fullmatch(r"attachment_(\d+)", str(attrs.get("id", "")).strip())
    if attachment:
        image = _with_attachment_id(image, attachment.group(1))
    caption = caption.strip()
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f"<figure>{image.strip()}{figcaption}</figure>"


def _gallery_shortcode(attrs, content, ctx):
    ids = str(attrs.get("ids") or attrs.get("include") or "")
    chosen = re.findall(r"\d+", ids)
    if not ids.strip():
        # [gallery] alone: WordPress shows the images uploaded to this post, in order,
        # less any `exclude`.
        excluded = set(re.findall(r"\d+", str(attrs.get("exclude") or "")))
        chosen = [str(i) for i in ctx.gallery_ids if str(i) not in excluded]
    figures = []
    for raw_id in chosen:
        info = ctx.attachments.get(int(raw_id))
        if not isinstance(info, Mapping):
            continue  # not imported: nothing to show
        caption = (info.get("caption") or "").strip()
        figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
        figures.append(f'<figure><img data-id="{int(raw_id)}">{figcaption}</figure>')
    return "".join(figures)


def _embed_shortcode(attrs, content, ctx):
    m = _URL_RE.search(content or "")
    return _link_paragraph(html_lib.unescape(m.group())) if m else ""


def _media_shortcode(*keys):
    def handler(attrs, content, ctx):
        for key in keys:
            url = html_lib.unescape(str(attrs.get(key) or "")).strip()
            if url and _usable(url):
                return _link_paragraph(url)
        return ""

    return handler


def _url_shortcode(attrs, content, ctx):
    """Jetpack's [youtube URL], [youtube=URL] and [vimeo URL]."""
    for value in (attrs.get("url"), attrs.get(0), content):
        m = _URL_RE.search(str(value or ""))
        if m:
            return _link_paragraph(html_lib.unescape(m.group()))
    return ""


_SHORTCODES = {
    "caption": _caption_shortcode,
    "wp_caption": _caption_shortcode,
    "gallery": _gallery_shortcode,
    "embed": _embed_shortcode,
    "audio": _media_shortcode("src", "mp3", "m4a", "ogg", "wav", "wma", "flac"),
    "video": _media_shortcode("src", "mp4", "m4v", "webm", "ogv", "wmv", "flv", "mov"),
    "playlist": lambda attrs, content, ctx: "",
    "youtube": _url_shortcode,
    "vimeo": _url_shortcode,
}


def _with_attachment_id(html, attachment_id):
    # Put first, so that it wins over a data-id already on the tag.
    return _IMG_OPEN_RE.sub(f'<img data-id="{int(attachment_id)}"', html, count=1)


# --------------------------------------------------------------------------------------
# Blocks, parsed like WordPress's WP_Block_Parser: delimiters are HTML comments.
# --------------------------------------------------------------------------------------

_COMMENT_RE = re.compile(r"<!--(.*?)(?:-->|\Z)", re.S)
_DELIMITER_RE = re.compile(
    r"\s++(/)?wp:([a-z][a-z0-9_-]*+/)?([a-z][a-z0-9_-]*+)\s++(?:(\{.*\})\s++)?(/)?", re.S
)


class _Block:
    __slots__ = ("attrs", "name", "parts")

    def __init__(self, name, attrs):
        self.name = name
        self.attrs = attrs
        self.parts = []  # HTML strings and inner blocks, in order


def _parse_blocks(text):
    root = _Block("#root", {})
    stack = [root]
    pos = 0
    for m in _COMMENT_RE.finditer(text):
        delimiter = _DELIMITER_RE.fullmatch(m.group(1))
        if delimiter is None:
            continue
        if m.start() > pos:
            stack[-1].parts.append(text[pos : m.start()])
        pos = m.end()
        closing, namespace, name, attrs, void = delimiter.groups()
        name = (namespace or "core/") + name
        if closing:
            for i in range(len(stack) - 1, 0, -1):
                if stack[i].name == name:
                    del stack[i:]
                    break
            continue
        block = _Block(name, _json_object(attrs))
        stack[-1].parts.append(block)
        if not void and len(stack) <= MAX_BLOCK_DEPTH:
            stack.append(block)
    if pos < len(text):
        stack[-1].parts.append(text[pos:])
    return root


def _json_object(text):
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _render_blocks(root, ctx):
    out = []
    for part in root.parts:
        if isinstance(part, str):
            # Classic content, or a classic part of a block post. WordPress's front end
            # leaves the latter without paragraphs, but the block editor runs autop on it
            # when it loads the post (and saves it so), which is what editors saw.
            if part.strip(_WS):
                out.append(_classic(part, ctx))
        else:
            out.append(_render_block(part, ctx))
    return "".join(out)


def _render_block(block, ctx):
    name = block.name
    if name in ("core/more", "core/nextpage"):
        return ""
    if name in ("core/freeform", "core/shortcode"):
        return _classic(_render_parts(block, ctx, expand=False), ctx)
    inner = _render_parts(block, ctx, expand=True)
    if name == "core/image" and isinstance(block.attrs.get("id"), int):
        return _with_attachment_id(inner, block.attrs["id"])
    if name == "core/gallery":
        return _flatten_gallery(inner)
    if name == "core/embed" or name.startswith("core-embed/"):
        return _embed_block(inner, block.attrs)
    if name == "core/file":
        return _file_block(inner)
    return inner  # any other block: its inner HTML, for the sanitizer to trim


def _render_parts(block, ctx, *, expand):
    return "".join(
        (_expand_shortcodes(part, ctx) if expand else part)
        if isinstance(part, str)
        else _render_block(part, ctx)
        for part in block.parts
    )


def _flatten_gallery(html):
    """One <figure> per photo, then the gallery's own caption as a paragraph.

    Both gallery formats: image blocks nested in a <figure> (WordPress 5.9+), and the
    older <ul class="blocks-gallery-grid"> of <li><figure>.
    """
    figures, captions = [], []

    def collect(element):
        for child in element.children:
            if not isinstance(child, _Element):
                continue
            if child.tag == "figure" and _contains(child, "img"):
                if not _contains(child, "figure"):
                    figures.append(child)
                    continue
            elif child.tag in ("img", "a") and (child.tag == "img" or _contains(child, "img")):
                figures.append(_Element("figure", {}, [child]))
                continue
            elif child.tag == "figcaption":
                captions.append(_Element("p", {}, child.children))
                continue
            collect(child)

    collect(_parse(html))
    return _html(figures + captions)


def _embed_block(html, attrs):
    root = _parse(html)
    captions = _find_all(root, "figcaption")
    url = attrs.get("url") if isinstance(attrs.get("url"), str) else ""
    if not url:
        text = []
        _plain_text([c for c in root.children if not _is_el(c, "figcaption")], text)
        m = _URL_RE.search(html_lib.unescape("".join(text)))
        url = m.group() if m else ""
    out = _link_paragraph(url) if _URL_RE.fullmatch(url.strip()) else ""
    return out + _html([_Element("p", {}, caption.children) for caption in captions])


def _file_block(html):
    """The file's link, once: the block repeats it as a download button (and a preview)."""
    root = _parse(html)
    link = next((a for a in _find_all(root, "a") if a.attrs.get("href", "").strip()), None)
    return _html([_Element("p", {}, [link])]) if link else ""


# --------------------------------------------------------------------------------------
# Classic content and links.
# --------------------------------------------------------------------------------------

_URL_RE = re.compile(r"https?://[^\s<>\"\[\]]++")
# WordPress's auto-embed: a URL alone on its line.
_URL_LINE_RE = re.compile(r"^[ \t]*+(https?://[^\s<>\"]++)[ \t]*+$", re.M)


def _classic(text, ctx):
    return _html(_classic_nodes(text, ctx))


def _classic_nodes(text, ctx):
    """Classic editor content: shortcodes, auto-embeds, then wpautop's paragraphs."""
    text = _expand_shortcodes(text, ctx)
    text = _URL_LINE_RE.sub(lambda m: _link_paragraph(html_lib.unescape(m.group(1))), text)
    return _flow(_parse(text).children, "wrap")


def _link_paragraph(url):
    url = html_lib.escape(url.strip())
    return f'<p><a href="{url}">{url}</a></p>'


def _link_node(url):
    return _Element("a", {"href": url}, [html_lib.escape(url)])


# --------------------------------------------------------------------------------------
# Media: which URLs are usable, which are WordPress uploads, how they resolve.
# --------------------------------------------------------------------------------------

_UPLOAD_PATH_RE = re.compile(r"(?:^|/)wp-content/(?:uploads|blogs\.dir)/")
_IMAGE_EXTENSIONS = frozenset({
    "avif", "bmp", "gif", "heic", "jpe", "jpeg", "jpg", "png", "svg", "tif", "tiff",
    "webp",
})  # fmt: skip
_WP_IMAGE_CLASS_RE = re.compile(r"(?:^|\s)wp-image-(\d+)(?:\s|$)")


def _split(url):
    try:
        return urlsplit(url)
    except ValueError:
        return None


def _usable(url):
    """http(s), protocol-relative or relative: not javascript:, data: or the like."""
    parts = _split(url)
    return parts is not None and parts.scheme.lower() in ("", "http", "https")


def _linkable(url):
    parts = _split(url) if url else None
    return parts is not None and (not parts.scheme or parts.scheme.lower() in ALLOWED_URL_SCHEMES)


def _is_upload(url):
    parts = _split(url)
    return parts is not None and bool(_UPLOAD_PATH_RE.search(parts.path))


def _is_image(url):
    parts = _split(url)
    if parts is None or "." not in parts.path:
        return False
    return parts.path.rsplit(".", 1)[1].lower() in _IMAGE_EXTENSIONS


def _is_attachment_page(url, rel):
    parts = _split(url)
    if "attachment" in rel.split() or "wp-att-" in rel:
        return True
    return parts is not None and (
        "attachment_id" in parse_qs(parts.query) or "/attachment/" in parts.path
    )


class _Context:
    def __init__(self, resolve_media, attachments, gallery_ids=()):
        self.resolve_media = resolve_media
        self.attachments = attachments or {}
        self.gallery_ids = list(gallery_ids)
        self.cache = {}

    def resolve(self, url, attachment_id=None):
        if attachment_id is not None:
            info = self.attachments.get(attachment_id)
            if _valid_media(info):
                return info
        if not url or self.resolve_media is None or not _usable(url):
            return None
        if url not in self.cache:
            info = self.resolve_media(url)
            self.cache[url] = info if _valid_media(info) else None
        return self.cache[url]


def _valid_media(info):
    return isinstance(info, Mapping) and bool(info.get("src"))


def _dimension(value):
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return str(value)
    if isinstance(value, str) and value.strip().isdigit() and int(value) > 0:
        return str(int(value))
    return None


def _embed_target(src):
    """The page an embed's iframe shows: a YouTube or Vimeo player becomes its video."""
    src = src.strip()
    if src.startswith("//"):
        src = "https:" + src
    parts = _split(src)
    if parts is None or parts.scheme.lower() not in ("http", "https"):
        return None
    host = parts.netloc.lower().removeprefix("www.")
    m = re.fullmatch(r"/embed/([\w-]++)", parts.path)
    if host in ("youtube.com", "youtube-nocookie.com") and m:
        return f"https://www.youtube.com/watch?v={m.group(1)}"
    m = re.fullmatch(r"/video/(\d++)", parts.path)
    if host == "player.vimeo.com" and m:
        return f"https://vimeo.com/{m.group(1)}"
    if host == "facebook.com" and parts.path.startswith("/plugins/"):
        target = parse_qs(parts.query).get("href", [""])[0]
        if _URL_RE.fullmatch(target):
            return target
    return src


# --------------------------------------------------------------------------------------
# The rewrite of the whole body's tree, children before their parent.
# --------------------------------------------------------------------------------------


def _rewrite(children, parent, ctx):
    out = []
    for node in children:
        if isinstance(node, str):
            out.append(node)
            continue
        had_image = node.tag == "a" and any(_is_el(c, "img") for c in node.children)
        node.children = _rewrite(node.children, node.tag, ctx)
        out.extend(_rewrite_element(node, parent, ctx, had_image))
    return out


def _rewrite_element(element, parent, ctx, had_image):
    tag = element.tag
    if tag == "img":
        return _rewrite_image(element, ctx)
    if tag == "a":
        return _rewrite_link(element, ctx, had_image)
    if tag in ("iframe", "video", "audio"):
        return _media_to_link(element, parent)
    if tag == "h1":
        element.tag = "h2"
    elif tag in ("h5", "h6"):
        element.tag = "h4"
    elif tag == "pre":
        return [_pre_to_paragraph(element)]
    elif tag == "figcaption" and parent != "figure":
        return [_Element("p", {}, element.children)]
    elif tag == "div" and "wp-caption" in element.attrs.get("class", "").split():
        return _rewrite_figure(_caption_div_to_figure(element), parent)
    elif tag == "figure":
        return _rewrite_figure(element, parent)
    elif tag == "cite" and parent == "blockquote":
        return [_Element("p", {}, [_Element("em", {}, element.children)])]
    elif tag == "blockquote":
        element.children = _wrap_runs(element.children)
    elif tag in _CONTAINERS:
        return _rewrite_container(element, parent)
    elif tag == "p":
        element.children = _trim(element.children)  # around a dropped photo, say
        _link_bare_url(element)
    elif tag in _STRUCTURAL:
        element.children = [c for c in element.children if not _is_blank(c)]
    return [element]


def _rewrite_image(element, ctx):
    attrs = element.attrs
    src = attrs.get("src", "").strip()
    if not src or src.startswith("data:"):  # lazy-loading plugins keep the real one aside
        src = next(
            (attrs[k].strip() for k in ("data-lazy-src", "data-src", "data-orig-file")
             if attrs.get(k, "").strip()),
            src,
        )  # fmt: skip
    info = ctx.resolve(src, _attachment_id(attrs))
    alt = attrs.get("alt", "").strip()
    width, height = _dimension(attrs.get("width")), _dimension(attrs.get("height"))
    if info is not None:
        src = str(info["src"])
        alt = alt or str(info.get("alt") or "").strip()
        new_width, new_height = _dimension(info.get("width")), _dimension(info.get("height"))
        if new_width and new_height:
            width, height = new_width, new_height
    elif not src or not _usable(src) or _is_upload(src):
        # An upload that was not imported would be a broken image on our site.
        return []
    new = {"src": src, "alt": alt}
    if width and height:
        new.update(width=width, height=height)
    if attrs.get("title", "").strip():
        new["title"] = attrs["title"].strip()
    element.attrs = new
    return [element]


def _attachment_id(attrs):
    if attrs.get("data-id", "").strip().isdigit():
        return int(attrs["data-id"])
    m = _WP_IMAGE_CLASS_RE.search(attrs.get("class", ""))
    return int(m.group(1)) if m else None


def _rewrite_link(element, ctx, had_image):
    content = [c for c in element.children if not _is_blank(c)]
    if had_image and not content:
        return []  # it only wrapped a photo that was dropped
    only_image = len(content) == 1 and _is_el(content[0], "img")
    href = element.attrs.get("href", "").strip()
    if not _linkable(href):
        return element.children  # an anchor, or a javascript: link the sanitizer would empty
    if only_image and _is_attachment_page(href, element.attrs.get("rel", "")):
        return element.children  # that page is not imported
    if href and _is_upload(href) and _is_image(href):
        info = ctx.resolve(href)
        if info is None:
            return element.children
        if only_image and content[0].attrs.get("src") == str(info["src"]):
            return element.children  # a link from a photo to itself
        element.attrs["href"] = str(info["src"])
    return [element]


def _media_to_link(element, parent):
    src = element.attrs.get("src", "")
    if not src.strip():
        source = next((c for c in element.children if _is_el(c, "source")), None)
        src = source.attrs.get("src", "") if source else ""
    if element.tag == "iframe":
        url = _embed_target(src)
    else:
        url = src.strip() if src.strip() and _usable(src.strip()) else None
    if not url:
        return []
    link = _link_node(url)
    return [_Element("p", {}, [link])] if parent in _PARAGRAPH_PARENTS else [link]


def _pre_to_paragraph(element):
    children = list(element.children)
    if children and isinstance(children[0], str):
        children[0] = children[0].removeprefix("\n")  # as browsers ignore it
    children = _trim_end(children)
    return _Element("p", {}, _all_newlines_to_br(children))


def _all_newlines_to_br(nodes):
    out = []
    for node in nodes:
        if isinstance(node, _Element):
            node.children = _all_newlines_to_br(node.children)
            out.append(node)
            continue
        for i, line in enumerate(node.split("\n")):
            if i:
                out.append(_Element("br"))
            if line:
                out.append(line)
    return out


def _caption_div_to_figure(element):
    """A caption as WordPress renders it, pasted back into a post, is a figure again."""
    children = []
    for child in element.children:
        if _is_el(child, "p") and "wp-caption-text" in child.attrs.get("class", "").split():
            child = _Element("figcaption", {}, child.children)
        children.append(child)
    return _Element("figure", {}, children)


def _rewrite_figure(element, parent):
    children = [c for c in element.children if not _is_blank(c)]
    captions = [c for c in children if _is_el(c, "figcaption")]
    table = next((c for c in children if _is_el(c, "table")), None)
    if table is not None:
        if captions and not any(_is_el(c, "caption") for c in table.children):
            table.children.insert(0, _Element("caption", {}, captions[0].children))
            children.remove(captions[0])
        return _unwrap_figure(children, parent)
    if not _contains(element, "img"):
        # Its photo was not imported, or it never held one (a pull quote, an embed).
        return _unwrap_figure(children, parent)
    element.attrs = {}
    element.children = children
    return [element]


def _unwrap_figure(children, parent):
    children = [_Element("p", {}, c.children) if _is_el(c, "figcaption") else c for c in children]
    return _wrap_runs(children) if parent in _PARAGRAPH_PARENTS else children


def _rewrite_container(element, parent):
    if parent not in _PARAGRAPH_PARENTS:
        return element.children
    if any(_is_el(c, *_BLOCK) for c in element.children):
        return _wrap_runs(element.children)
    children = _trim(element.children)
    return [_Element("p", {}, children)] if _has_content(children) else []


def _wrap_runs(nodes):
    """Blocks as they are; each run of inline content between them in a <p>."""
    out, run = [], []

    def flush():
        trimmed = _trim(run)
        if _has_content(trimmed):
            out.append(_Element("p", {}, trimmed))
        run.clear()

    for node in nodes:
        if _is_el(node, *_BLOCK):
            flush()
            out.append(node)
        else:
            run.append(node)
    flush()
    return out


def _link_bare_url(paragraph):
    """<p>https://...</p>, which WordPress would have embedded, becomes a link."""
    content = [c for c in paragraph.children if not _is_blank(c)]
    if len(content) == 1 and isinstance(content[0], str):
        text = content[0].strip(_WS)
        if not text.startswith(("http://", "https://")):
            return
        url = html_lib.unescape(text)
        if _URL_RE.fullmatch(url):
            paragraph.children = [_Element("a", {"href": url}, [text])]


# --------------------------------------------------------------------------------------
# The API.
# --------------------------------------------------------------------------------------

_EMPTY_PARAGRAPH_RE = re.compile(r"<p>(?:\s|&nbsp;|<br>)*+</p>")


def convert(
    html: str,
    *,
    resolve_media: Callable[[str], dict | None] | None = None,
    attachments: Mapping[int, dict] | None = None,
    gallery_ids: Sequence[int] = (),
) -> str:
    """WordPress post_content (classic or block editor) -> sanitized HTML for Article.body.

    resolve_media(url) -> dict | None: for an image URL (absolute or relative, possibly a
        size variant such as /wp-content/uploads/2024/05/foto-300x200.jpg), returns
        {"src": new_url, "alt": str, "caption": str, "width": int|None, "height": int|None}
        of the imported photo, or None if unknown (then the original URL is kept only if it
        is not under /wp-content/uploads/ — an unknown upload image is dropped, keeping its
        caption text if any, because its file was not imported and would be a broken image).
    attachments: dict[int, dict] wp attachment id -> same dict as resolve_media returns;
        used by [gallery ids="1,2,3"] and by <!-- wp:image {"id":123} --> blocks.
    gallery_ids: the ids of the images uploaded to this post, in order: what a [gallery]
        without ids shows.

    An image's own alt text wins over the photo's; the photo's width and height win over
    the tag's (they are those of the file `src` now points to). An image known by its
    attachment id (a wp:image block, [caption id="attachment_N"], class="wp-image-N") is
    looked up in `attachments` first, then by URL.
    """
    if not html or not html.strip():
        return ""
    ctx = _Context(resolve_media, attachments, gallery_ids)
    text = html.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    blocks = _parse_blocks(text)
    if all(isinstance(part, str) for part in blocks.parts):  # a classic post
        nodes = _classic_nodes(text, ctx)
    else:
        nodes = _parse(_render_blocks(blocks, ctx)).children
    out = []
    _write(_wrap_runs(_rewrite(nodes, "#root", ctx)), out, clean=True)
    body = sanitize_html("".join(out))
    # Empty paragraphs: spacers (<p>&nbsp;</p>), and what the sanitizer's parser leaves
    # when it splits a <p> around a block inside it.
    body, removed = _EMPTY_PARAGRAPH_RE.subn("", body)
    # The sanitizer has the last word: its output stays as is, or goes through it again.
    return sanitize_html(body) if removed else body


def excerpt_text(html: str, limit: int = 600) -> str:
    """Plain text of an excerpt that has markup, cut at a word boundary to `limit` chars."""
    if not html:
        return ""
    text = _SHORTCODE_RE.sub(
        lambda m: " " if _SHORTCODE_NAME_RE.fullmatch(m.group(2)) else m.group(), html
    )
    pieces = []
    _plain_text(_parse(text).children, pieces)
    text = " ".join(html_lib.unescape("".join(pieces)).split())
    if len(text) <= limit:
        return text
    if limit < 2:
        return text[:limit]
    cut = text[: limit - 1]  # room for the ellipsis
    if text[limit - 1] != " ":  # the cut falls inside a word
        space = cut.rfind(" ")
        if space > 0:
            cut = cut[:space]
    return cut.rstrip(" ,.;:-\u2013\u2014") + "\u2026"
