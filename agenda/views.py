"""The public agenda: a day (today at /agenda/), an ISO week, an event's page, and the
iCalendar feeds. Public events only; an internal event's address is a 404 for
everyone, staff included (they have the admin), so no shared copy can hold one.

Every page is a shared copy (humas.pagecache), retired when an event, a leader, a
coverage or an article changes (agenda/apps.py, articles/apps.py). /agenda/ and the
feeds depend on the date too, so today's date is in their keys: they move on at
midnight WIB by themselves.
"""

from datetime import timedelta
from functools import partial

from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe
from django.views.generic import DetailView

from humas import pagecache

from . import dates, ics
from .models import Event


def shared(request, build, path=None):
    entry = pagecache.page(request, build, path=path)
    if not isinstance(entry, pagecache.Entry):
        return entry  # not a 200: returned as it is, never kept
    return pagecache.respond(request, entry)


def week_url(day):
    """The address of the ISO week holding `day`: /agenda/minggu/2025/07/ (None at the
    edge of the agenda's years)."""
    if not dates.in_range(dates.monday_of(day)):
        return None
    year, week = dates.iso_week(day)
    return reverse("agenda:week", kwargs={"year": f"{year:04d}", "week": f"{week:02d}"})


def day_url(day):
    """/agenda/2025/02/10/"""
    parts = {"year": f"{day.year:04d}", "month": f"{day.month:02d}", "day": f"{day.day:02d}"}
    return reverse("agenda:day", kwargs=parts)


def neighbour(day, step):
    """The day `step` days away, if the agenda has pages for it."""
    other = day + timedelta(days=step)
    return other if dates.in_range(other) else None


@require_safe
def today(request):
    """/agenda/: today's events (WIB); the date is part of the page's key."""
    day = dates.today()
    build = partial(day_page, request, day, is_today_page=True)
    return shared(request, build, path=(request.path, day.isoformat()))


@require_safe
def day(request, year, month, day):
    asked = dates.parse_day(year, month, day)
    if asked is None:
        raise Http404
    return shared(request, partial(day_page, request, asked))


def day_page(request, day, *, is_today_page=False):
    start, end = dates.day_bounds(day)
    events = Event.objects.public().between(start, end).for_listing()
    previous, following = neighbour(day, -1), neighbour(day, 1)
    context = {
        "day": day,
        "events": events,
        "previous_url": previous and day_url(previous),
        "following_url": following and day_url(following),
        "week_url": week_url(day),
        "is_today_page": is_today_page,
    }
    return TemplateResponse(request, "agenda/agenda_day.html", context)


@require_safe
def week(request, year, week):
    monday = dates.parse_week(year, week)
    if monday is None:
        raise Http404
    return shared(request, partial(week_page, request, monday))


def week_page(request, monday):
    start, end = dates.week_bounds(monday)
    events = list(Event.objects.public().between(start, end).for_listing())
    days = [monday + timedelta(days=n) for n in range(7)]
    columns = [
        {"day": d, "url": day_url(d), "events": [e for e in events if d in e.days()]} for d in days
    ]
    previous, following = neighbour(monday, -7), neighbour(monday, 7)
    year, number = dates.iso_week(monday)
    context = {
        "monday": monday,
        "sunday": days[-1],
        "year": year,
        "number": number,
        "columns": columns,
        "has_events": bool(events),
        "previous_url": previous and week_url(previous),
        "following_url": following and week_url(following),
    }
    return TemplateResponse(request, "agenda/agenda_week.html", context)


class EventDetailView(DetailView):
    template_name = "agenda/event_detail.html"
    context_object_name = "event"

    def get_queryset(self):
        return Event.objects.public().for_listing()

    def get_context_data(self, **kwargs):
        event = self.object
        first = event.local_start.date()
        return super().get_context_data(
            day_url=day_url(first) if dates.in_range(first) else None,
            week_url=week_url(first),
            **kwargs,
        )


@require_safe
def feed(request, language=None):
    """/agenda/agenda.ics (Indonesian; ?lang=en for English) and /agenda/agenda-en.ics."""
    if language is None:
        language = "en" if request.GET.get("lang") == "en" else "id"
    day = dates.today()

    def build():
        with translation.override(language):
            filename = "agenda.ics" if language == "id" else f"agenda-{language}.ics"
            return ics.response(ics.build(request, day), filename)

    # The page cache keys by path alone: the feed's language and date are added.
    return shared(request, build, path=(request.path, language, day.isoformat()))
