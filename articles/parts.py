"""Parts that other apps add to the article page, so that articles never imports them.

From its AppConfig.ready(), an app names a template to include in one of the page's
slots, for some kinds of article (every kind when `kinds` is None):

    parts.register("head", "factcheck/_claim_review.html", kinds=[Article.Kind.CLARIFICATION])

    head   inside <head>, after the NewsArticle JSON-LD: more structured data
    top    under the article's header, before its photo: a verdict, a notice
    end    at the end of the article, after its tags: links (a media kit)

The template gets the page's context (`article`, `absolute_url`, ...). It becomes part
of the shared copy of the page (humas/pagecache/), so it may show only what a watched
model holds: the app watches what its part reads. The choice is made on
`article.kind`, a column of the page's own row, so an article of a kind no part asks
for costs no query.
"""

SLOTS = ("head", "top", "end")

_parts: list[tuple[str, str, frozenset | None]] = []


def register(slot: str, template_name: str, *, kinds=None) -> None:
    if slot not in SLOTS:
        raise ValueError(f"No slot {slot!r} on the article page; there are {SLOTS}.")
    part = (slot, template_name, frozenset(kinds) if kinds is not None else None)
    if part not in _parts:  # ready() may run twice (a test's second setup)
        _parts.append(part)


def templates_for(slot: str, kind: str) -> list[str]:
    """The templates to include in `slot` for an article of `kind`, in the order given."""
    return [name for s, name, kinds in _parts if s == slot and (kinds is None or kind in kinds)]
