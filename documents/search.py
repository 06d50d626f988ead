"""The documents' section of the site search (/cari/, humas.search): title, number,
description and the text found inside PDFs at upload.

PostgreSQL: the stored, weighted "indonesian" search vector (migration 0002) with a GIN
index, ranked; elsewhere (SQLite) every word must appear in one of the fields.
"""

import re

from django.db import connection
from django.db.models import Expression, Q
from django.utils.functional import cached_property

from humas.search import Result

from .models import Document

SEARCH_CONFIG = "indonesian"
MAX_TERMS = 8
EXCERPT_WIDTH = 220


def terms(query) -> list[str]:
    return [w for w in re.findall(r"\w+", query) if len(w) > 1][:MAX_TERMS]


def matching(query):
    """Published documents matching `query`, best first."""
    words = terms(query)
    documents = Document.objects.published()
    if not words:
        return documents.none()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank

        vector = StoredSearchVector()
        search_query = SearchQuery(" ".join(words), config=SEARCH_CONFIG, search_type="plain")
        return (
            documents.annotate(search=vector)
            .filter(search=search_query)
            .annotate(rank=SearchRank(vector, search_query))
            .order_by("-rank", "-date", "-pk")
        )
    condition = Q()
    for word in words:
        condition &= (
            Q(title__icontains=word)
            | Q(number__icontains=word)
            | Q(description__icontains=word)
            | Q(text__icontains=word)
        )
    return documents.filter(condition).latest_first()


def find(query, limit):
    """humas.search's entry point: at most `limit` Results."""
    words = terms(query)
    results = []
    for document in matching(query)[:limit]:
        results.append(
            Result(
                title=document.title,
                url=document.get_absolute_url(),
                excerpt=excerpt(document, words),
                date=document.date,
                kind=f"{document.get_kind_display()} · {document.file_type.upper()}",
            )
        )
    return results


def excerpt(document, words, width=EXCERPT_WIDTH) -> str:
    """Plain text around the first word found (the search page escapes and marks it)."""
    for text in (document.description, document.text):
        lowered = text.lower()
        found = [lowered.find(w.lower()) for w in words if w.lower() in lowered]
        if found:
            start = max(0, min(found) - width // 3)
            piece = text[start : start + width]
            return ("… " if start else "") + piece + (" …" if start + width < len(text) else "")
    return (document.description or document.text)[:width]


class StoredSearchVector(Expression):
    """The document's weighted search vector, stored by PostgreSQL (migration 0002)."""

    @cached_property
    def output_field(self):
        from django.contrib.postgres.search import SearchVectorField

        return SearchVectorField()

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{table}.search_vector", []
