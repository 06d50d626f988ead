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


_lists: dict[str, MailingList] = {}


def register_renderer(list_key: str, render: Callable[..., EmailMessage], *, title) -> None:
    _lists[list_key] = MailingList(key=list_key, title=title, render=render)


def get(list_key: str) -> MailingList | None:
    return _lists.get(list_key)


def title(list_key: str) -> str:
    registered = _lists.get(list_key)
    return str(registered.title) if registered else list_key
