"""The site search's other sections: apps register what else /cari/ finds besides
articles (pages, documents), so the search page needs to know none of them.

    search.register("documents", _("Documents"), find)   # in an AppConfig.ready()

find(query, limit) returns at most `limit` Results, best first. The query is already
cleaned (humas.text.clean_text, at most 100 characters) and not empty.
"""

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Result:
    title: str
    url: str
    excerpt: str = ""  # plain text; the search page escapes and highlights it
    date: date | datetime | None = None
    kind: str = ""  # a short label shown with the result ("PDF", "Peraturan")


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    find: object


_sections: dict[str, Section] = {}


def register(key, label, find):
    _sections[key] = Section(key, label, find)


def sections():
    return list(_sections.values())


def find_all(query, limit=5):
    """[(section, results)] for every registered section with results."""
    found = []
    for section in _sections.values():
        results = list(section.find(query, limit))[:limit]
        if results:
            found.append((section, results))
    return found
