"""Search: PostgreSQL full-text search when the database is PostgreSQL, a plain
word-by-word match elsewhere (SQLite), both with highlighted excerpts."""

import re

from django.db import connection
from django.db.models import Expression, Q
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import mark_safe

from humas.text import clean_text

from .models import LATEST_FIRST

MAX_QUERY_LENGTH = 100
MAX_TERMS = 8
# Matches ranked per search: ten pages of results.
SEARCH_CANDIDATES = 100
# PostgreSQL ships an Indonesian snowball stemmer ("indonesian" configuration): "pembangunan"
# finds "membangun" and "dibangun".
SEARCH_CONFIG = "indonesian"


def clean_query(raw) -> str:
    return clean_text(str(raw or ""))[:MAX_QUERY_LENGTH]


def terms(query) -> list[str]:
    words = re.findall(r"\w+", query, flags=re.UNICODE)
    return [w for w in words if len(w) > 1][:MAX_TERMS]


def search(queryset, query):
    """Published articles matching `query`, best first, each with `.excerpt` HTML.

    Only the newest SEARCH_CANDIDATES matches are ranked (and counted): ranking every
    match of a common word means reading thousands of rows per search, which grows with
    the archive; news readers look for recent articles, and a page of results reads at
    most SEARCH_CANDIDATES rows whatever the archive's size.
    """
    words = terms(query)
    if not words:
        return queryset.none()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank

        vector = StoredSearchVector()
        search_query = SearchQuery(" ".join(words), config=SEARCH_CONFIG, search_type="plain")
        matches = queryset.annotate(search=vector).filter(search=search_query)
        return (
            queryset.filter(pk__in=newest_ids(matches))
            .annotate(
                rank=SearchRank(vector, search_query),
                headline=SearchHeadline(
                    "lead", search_query, config=SEARCH_CONFIG,
                    start_sel="<mark>", stop_sel="</mark>", max_words=35, min_words=15,
                ),
            )
            .order_by("-rank", *LATEST_FIRST)
        )  # fmt: skip
    condition = Q()
    for word in words:
        condition &= Q(title__icontains=word) | Q(lead__icontains=word) | Q(body__icontains=word)
    return queryset.filter(pk__in=newest_ids(queryset.filter(condition))).latest_first()


def newest_ids(matches) -> list[int]:
    """The ids of the newest SEARCH_CANDIDATES of `matches` (one query, no joins)."""
    newest = matches.latest_first().values_list("pk", flat=True)
    return list(newest[:SEARCH_CANDIDATES])


class StoredSearchVector(Expression):
    """The article's weighted search vector, stored by PostgreSQL (migration 0009)
    with the same weights the ranking used to compute per search."""

    @cached_property
    def output_field(self):
        from django.contrib.postgres.search import SearchVectorField

        return SearchVectorField()

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{table}.search_vector", []


def highlight(text, query) -> str:
    """`text` escaped, with the query's words marked; for the SQLite fallback."""
    words = terms(query)
    html = escape(text)
    if not words:
        return html
    pattern = re.compile("(" + "|".join(re.escape(escape(w)) for w in words) + ")", re.IGNORECASE)
    return mark_safe(pattern.sub(r"<mark>\1</mark>", html))


def excerpt(article, query, width=220) -> str:
    """A piece of the lead or body around the first word found, highlighted."""
    from django.utils.html import strip_tags

    words = terms(query)
    texts = [t for t in (article.lead, strip_tags(article.body)) if t]
    for text in texts:
        lowered = text.lower()
        found = [lowered.find(w.lower()) for w in words if w.lower() in lowered]
        if found:
            start = max(0, min(found) - width // 3)
            piece = text[start : start + width]
            prefix = "… " if start else ""
            suffix = " …" if start + width < len(text) else ""
            return mark_safe(prefix + highlight(piece, query) + suffix)
    return highlight((texts[0] if texts else "")[:width], query)
