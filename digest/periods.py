"""The period a digest covers, in WIB: a day (00:00 to 24:00) or an ISO week (Monday
00:00 to the next Monday 00:00), and its key in the message key."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

DAILY = "daily"
WEEKLY = "weekly"
FREQUENCIES = (DAILY, WEEKLY)


@dataclass(frozen=True)
class Period:
    frequency: str
    first: date  # its first day
    last: date  # its last day

    @property
    def key(self) -> str:
        if self.frequency == DAILY:
            return self.first.isoformat()
        year, week, _ = self.first.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def message_key(self) -> str:
        return f"digest:{self.frequency}:{self.key}"

    def bounds(self) -> tuple[datetime, datetime]:
        """Its first moment and the first moment after it, in WIB (the site's zone)."""
        zone = timezone.get_default_timezone()
        start = datetime.combine(self.first, time.min, tzinfo=zone)
        return start, datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=zone)

    def is_over(self) -> bool:
        return self.bounds()[1] <= timezone.now()


def period_of(frequency: str, day: date) -> Period:
    """The day, or the Monday-to-Sunday week, that holds `day`."""
    if frequency == DAILY:
        return Period(DAILY, day, day)
    if frequency == WEEKLY:
        monday = day - timedelta(days=day.weekday())
        return Period(WEEKLY, monday, monday + timedelta(days=6))
    raise ValueError(f"unknown frequency {frequency!r}")


def last_complete(frequency: str, today: date | None = None) -> Period:
    """Yesterday, or last week: what the 06:00 run mails (today by the WIB clock)."""
    today = today or timezone.localdate()
    return period_of(frequency, today - timedelta(days=1 if frequency == DAILY else 7))


def from_message_key(message_key: str) -> Period | None:
    """The period of "digest:<frequency>:<key>", or None for a key of another shape."""
    try:
        _, frequency, key = message_key.split(":")
        if frequency == DAILY:
            return period_of(DAILY, date.fromisoformat(key))
        if frequency == WEEKLY:
            year, week = key.split("-W")
            return period_of(WEEKLY, date.fromisocalendar(int(year), int(week), 1))
    except ValueError:
        return None
    return None
