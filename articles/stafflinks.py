"""Links for staff beside an article or the article list, added by the apps built on top
of articles (the WhatsApp text, ...) without articles importing them.

Each app registers functions in its AppConfig.ready():

    stafflinks.register(article_links)      # (user, article_id) -> [StaffLink, ...]
    stafflinks.register_list(list_links)    # (user) -> [StaffLink, ...]

The article's admin page lists the first kind among its tools, and the public article
page shows them to staff in a reader part (articles/_staff_links.html), so they are
never part of the copy every reader shares (humas/pagecache/); the article list's admin
page shows the second kind. A function gets only the user and the article's id, so the
links cost no query; the page a link opens checks permissions again.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class StaffLink:
    label: str
    url: str


_article_providers: list[Callable[..., Iterable[StaffLink]]] = []
_list_providers: list[Callable[..., Iterable[StaffLink]]] = []


def register(provider):
    if provider not in _article_providers:
        _article_providers.append(provider)
    return provider


def register_list(provider):
    if provider not in _list_providers:
        _list_providers.append(provider)
    return provider


def is_staff(user):
    return bool(user and user.is_authenticated and user.is_staff)


def links_for(user, article_id) -> list[StaffLink]:
    """What this user gets beside the article: nothing for readers and visitors."""
    if article_id is None or not is_staff(user):
        return []
    return [link for provider in _article_providers for link in provider(user, article_id)]


def list_links_for(user) -> list[StaffLink]:
    """What this user gets beside the article list."""
    if not is_staff(user):
        return []
    return [link for provider in _list_providers for link in provider(user)]
