"""When an event takes place, written for readers in WIB: "08.00-10.00 WIB" (Indonesian
writes hours with a dot), with the dates when it runs past midnight."""

from django import template
from django.utils.dateformat import format as date_format
from django.utils.translation import get_language

register = template.Library()

DASH = "\N{EN DASH}"


def time_format():
    return "H:i" if (get_language() or "").startswith("en") else "H.i"


def hours(event, with_day):
    start, end = event.local_start, event.local_end
    clock = time_format()
    if event.spans_days():
        day = "l, j F Y" if with_day else "j M"
        return (
            f"{date_format(start, day)} {date_format(start, clock)} {DASH} "
            f"{date_format(end, day)} {date_format(end, clock)} WIB"
        )
    prefix = f"{date_format(start, 'l, j F Y')}, " if with_day else ""
    if start == end:
        return f"{prefix}{date_format(start, clock)} WIB"
    return f"{prefix}{date_format(start, clock)}{DASH}{date_format(end, clock)} WIB"


@register.filter
def event_hours(event):
    """The hours, for a list under a day's heading ("08.00-10.00 WIB")."""
    return hours(event, with_day=False)


@register.filter
def event_when(event):
    """The day and the hours ("Senin, 10 Maret 2025, 08.00-10.00 WIB")."""
    return hours(event, with_day=True)
