"""Which lists exist and how each one's mail is made; filled by the lists' own apps in
their AppConfig.ready(), so mailing never imports them."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.mail import EmailMessage


@dataclass(frozen=True)
class MailingList:
    key: str
    title: str
    render: Callable[..., EmailMessage]
    queue: Callable[[], object] | None = None


_lists: dict[str, MailingList] = {}


def register_renderer(
    list_key: str, render: Callable[..., EmailMessage], *, title, queue=None
) -> None:
    """`render(delivery)` makes one delivery's mail (None: nothing to send any more);
    `queue()`, if given, is called by every `send_mailings` run before it sends, to
    enqueue what has come due (and what a crash kept from being enqueued)."""
    _lists[list_key] = MailingList(key=list_key, title=title, render=render, queue=queue)


def all_lists() -> list[MailingList]:
    return list(_lists.values())


def get(list_key: str) -> MailingList | None:
    return _lists.get(list_key)


def title(list_key: str) -> str:
    registered = _lists.get(list_key)
    return str(registered.title) if registered else list_key
