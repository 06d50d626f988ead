"""Working days, the clock of every PPID deadline (UU 14/2008; Perki 1/2021).

A working day is a weekday that is neither an Indonesian national holiday nor a joint
leave day (cuti bersama), as the `holidays` library lists them for Indonesia
("public" and "government" categories), nor a date staff added in the admin
(ppid.Holiday). A Holiday row marked as a working day overrides the library: the
government moves or cancels joint leave days by decree, sometimes within the year.

Counting starts the day after registration: a request registered on Friday has Monday
as its first working day, whatever the hour it came in.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays

from .models import Holiday

# Far enough for any deadline (10 + 7 or 30 working days) across the longest Lebaran break.
HORIZON_DAYS = 120


@lru_cache(maxsize=32)
def national_days_off(year: int) -> frozenset[date]:
    """The library's holidays and joint leave days of one year (it never changes at run
    time, so it is kept per process)."""
    calendar = holidays.country_holidays("ID", years=year, categories=("public", "government"))
    return frozenset(calendar)


def days_off(start: date, end: date) -> set[date]:
    """Every non-weekend day off between start and end, inclusive (one query)."""
    off = set()
    for year in range(start.year, end.year + 1):
        off |= {day for day in national_days_off(year) if start <= day <= end}
    for day, is_day_off in Holiday.objects.filter(date__range=(start, end)).values_list(
        "date", "is_day_off"
    ):
        if is_day_off:
            off.add(day)
        else:
            off.discard(day)
    return off


def is_working_day(day: date, off: set[date] | None = None) -> bool:
    if off is None:
        off = days_off(day, day)
    return day.weekday() < 5 and day not in off


def add_working_days(start: date, count: int) -> date:
    """The `count`-th working day after `start` (start itself never counts)."""
    if count < 1:
        raise ValueError("count must be 1 or more")
    end = start + timedelta(days=HORIZON_DAYS + count * 2)
    off = days_off(start, end)
    day, found = start, 0
    while found < count:
        day += timedelta(days=1)
        if is_working_day(day, off):
            found += 1
    return day


def working_days_between(start: date, end: date, off: set[date] | None = None) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start):
    how many days of the clock have run. `off`, when given, must cover start..end (a
    list of many requests loads it once: days_off, one query)."""
    if end <= start:
        return 0
    if off is None:
        off = days_off(start, end)
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if is_working_day(start + timedelta(days=offset), off)
    )
