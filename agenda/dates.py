"""Days and ISO weeks as the agenda shows them: in WIB (the site's TIME_ZONE,
Asia/Jakarta), with their bounds as aware datetimes for the database."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

# The agenda's pages exist for these years only: a crawler following "next week" for
# ever stops here, and date arithmetic never leaves what Python's dates can hold.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def wib():
    return timezone.get_default_timezone()


def today() -> date:
    return timezone.localdate(timezone=wib())


def local(moment: datetime) -> datetime:
    return timezone.localtime(moment, wib())


def start_of(day: date) -> datetime:
    """Midnight WIB at the start of `day`."""
    return datetime.combine(day, time.min, tzinfo=wib())


def day_bounds(day: date) -> tuple[datetime, datetime]:
    return start_of(day), start_of(day + timedelta(days=1))


def week_bounds(monday: date) -> tuple[datetime, datetime]:
    return start_of(monday), start_of(monday + timedelta(days=7))


def in_range(day: date) -> bool:
    return FIRST_YEAR <= day.year <= LAST_YEAR


def parse_day(year: str | int, month: str | int, day: str | int) -> date | None:
    """The date asked for, or None if there is no such day (2025-02-30) or it is out
    of the agenda's years."""
    try:
        asked = date(int(year), int(month), int(day))
    except ValueError:
        return None
    return asked if in_range(asked) else None


def parse_week(year: str | int, week: str | int) -> date | None:
    """The Monday of ISO week `week` of `year`, or None (week 0, week 53 of a year with
    52, a year out of range)."""
    try:
        monday = date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        return None
    return monday if in_range(monday) else None


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def iso_week(day: date) -> tuple[int, int]:
    year, week, _weekday = day.isocalendar()
    return year, week
