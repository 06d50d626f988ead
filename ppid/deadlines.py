"""How far the clock of a request or an objection has run, and which ones are overdue or
due soon: what heads the PPID staff's dashboard, their list and the morning reminder.

Due soon: open, and due today or within DUE_SOON_WORKING_DAYS working days. Overdue:
open, and the due date (after an extension, the extended one) has passed; the due date
itself is still in time.
"""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from .models import (
    ANSWER_WORKING_DAYS,
    EXTENSION_WORKING_DAYS,
    OBJECTION_ANSWER_WORKING_DAYS,
    InformationRequest,
    Objection,
)
from .workdays import add_working_days, days_off, working_days_between

DUE_SOON_WORKING_DAYS = 2


@dataclass(frozen=True)
class Clock:
    start: date  # the day of registration: counting starts the working day after it
    due: date
    allowed: int  # working days the law gives: 10, 17 after an extension, 30
    used: int  # working days run, up to today or to the answer
    remaining: int | None  # working days left (0: due today); negative when overdue
    stopped: date | None  # the day it was answered; None while it runs

    @property
    def running(self):
        return self.stopped is None

    @property
    def overdue(self):
        return self.running and self.remaining < 0

    @property
    def overdue_by(self):
        """Working days past the due date (0 when not overdue)."""
        return -self.remaining if self.overdue else 0

    @property
    def due_soon(self):
        return self.running and 0 <= self.remaining <= DUE_SOON_WORKING_DAYS

    @property
    def late(self):
        """Answered after the due date."""
        return self.stopped is not None and self.stopped > self.due


def clock(*, start: date, due: date, allowed: int, stopped=None, today=None, off=None) -> Clock:
    today = today or timezone.localdate()
    stopped_day = timezone.localdate(stopped) if stopped else None
    end = stopped_day or today
    if off is None:
        off = days_off(min(start, due, end), max(start, due, end))
    used = working_days_between(start, end, off)
    remaining = None
    if stopped_day is None:
        if due >= today:
            remaining = working_days_between(today, due, off)
        else:
            remaining = -working_days_between(due, today, off)
    return Clock(start, due, allowed, used, remaining, stopped_day)


def request_clock(info_request, *, today=None, off=None) -> Clock:
    allowed = ANSWER_WORKING_DAYS
    if info_request.extended_due_date:
        allowed += EXTENSION_WORKING_DAYS
    return clock(
        start=timezone.localdate(info_request.registered_at),
        due=info_request.current_due_date,
        allowed=allowed,
        stopped=None if info_request.is_open else info_request.answered_at,
        today=today,
        off=off,
    )


def objection_clock(objection, *, today=None, off=None) -> Clock:
    return clock(
        start=timezone.localdate(objection.registered_at),
        due=objection.due_date,
        allowed=OBJECTION_ANSWER_WORKING_DAYS,
        stopped=None if objection.status in ("received", "in_progress") else objection.responded_at,
        today=today,
        off=off,
    )


def calendar_for(rows, today) -> set[date]:
    """The days off that the clocks of `rows` (requests or objections) need: one query."""
    days = [today]
    for row in rows:
        days += [timezone.localdate(row.registered_at), getattr(row, "current_due_date", None)]
        days.append(row.due_date)
    days = [day for day in days if day]
    return days_off(min(days), max(days))


def with_clocks(rows, clock_of, *, today=None, off=None):
    """[(row, its clock)] for a list of requests or objections: the calendar read once."""
    rows = list(rows)
    today = today or timezone.localdate()
    if off is None:
        off = calendar_for(rows, today)
    return [(row, clock_of(row, today=today, off=off)) for row in rows]


@dataclass
class Urgent:
    today: date
    due_soon_until: date
    overdue_requests: list
    due_soon_requests: list
    overdue_objections: list
    due_soon_objections: list

    def __bool__(self):
        return any(
            (
                self.overdue_requests,
                self.due_soon_requests,
                self.overdue_objections,
                self.due_soon_objections,
            )
        )


def urgent(*, today=None) -> Urgent:
    """Open requests and objections that are overdue or due soon, the most urgent first,
    each with its clock (five queries: four lists and the calendar)."""
    today = today or timezone.localdate()
    until = add_working_days(today, DUE_SOON_WORKING_DAYS)
    requests = InformationRequest.objects.select_related("assigned_to")
    objections = Objection.objects.select_related("request")
    lists = (
        list(requests.overdue(today).order_by("current_due", "registered_at")),
        list(requests.due_between(today, until).order_by("current_due", "registered_at")),
        list(objections.overdue(today).order_by("due_date", "registered_at")),
        list(objections.due_between(today, until).order_by("due_date", "registered_at")),
    )
    off = calendar_for([row for rows in lists for row in rows], today)
    clock_of = (request_clock, request_clock, objection_clock, objection_clock)
    return Urgent(
        today,
        until,
        *(
            with_clocks(rows, of, today=today, off=off)
            for rows, of in zip(lists, clock_of, strict=True)
        ),
    )
