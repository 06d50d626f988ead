"""The public agenda as an iCalendar feed (RFC 5545), built with the `icalendar` library.

Times are written in UTC (…Z), which every calendar converts to its reader's zone;
X-WR-TIMEZONE tells those that show a calendar in one zone (Google's) to show WIB.
There is no METHOD, so DTSTAMP is when the event was last revised (RFC 5545 3.8.7.2),
as LAST-MODIFIED: the feed is the same bytes until something changes, and can be kept
by the page cache. A UID is the event's number and the site's host: it stays the same
whatever is edited, so a calendar updates the event instead of adding another.
"""

from datetime import UTC, timedelta
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from humas.links import absolute_url

from . import dates
from .models import Event

DAYS_BEFORE, DAYS_AFTER = 30, 180
# How often subscribers should fetch the feed again (RFC 7986, and Outlook's name).
REFRESH = timedelta(hours=1)


def window(today):
    """From DAYS_BEFORE days ago to DAYS_AFTER days ahead, whole days in WIB."""
    start, _end = dates.day_bounds(today - timedelta(days=DAYS_BEFORE))
    end, _end = dates.day_bounds(today + timedelta(days=DAYS_AFTER + 1))
    return start, end


def uid(event, host):
    return f"event-{event.pk}@{host}"


def utc(moment):
    return moment.astimezone(UTC)


def build(request, today) -> icalendar.Calendar:
    """The public events of the window as a calendar, labelled in the active language."""
    host = urlsplit(absolute_url(request, "/")).hostname or "localhost"
    language = get_language() or settings.LANGUAGE_CODE
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//Humas CMS//{settings.SITE_NAME}//{language.upper()}")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Leaders' agenda · %(site)s") % {"site": settings.SITE_NAME})
    calendar.add(
        "x-wr-caldesc",
        _("The public agenda of the provincial leaders, from %(site)s.")
        % {"site": settings.SITE_NAME},
    )
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH))
    start, end = window(today)
    for event in Event.objects.public().between(start, end).for_listing():
        calendar.add_component(vevent(request, event, host))
    return calendar


def vevent(request, event, host) -> icalendar.Event:
    url = absolute_url(request, event.get_absolute_url())
    component = icalendar.Event()
    component.add("uid", uid(event, host))
    component.add("dtstamp", utc(event.updated_at))
    component.add("last-modified", utc(event.updated_at))
    component.add("created", utc(event.created_at))
    component.add("dtstart", utc(event.start))
    component.add("dtend", utc(event.end))
    component.add("summary", event.title)
    if event.place:
        component.add("location", event.place)
    component.add("description", description(request, event, url))
    component.add("url", url)
    component.add("status", "CONFIRMED")
    component.add("transp", "OPAQUE")
    return component


def description(request, event, url) -> str:
    """The public description, who attends, the published coverage and the page; never
    the internal notes."""
    parts = []
    if event.description:
        parts.append(event.description.strip())
    leaders = [str(leader) for leader in event.leaders.all()]
    if leaders:
        parts.append(_("Attended by: %(leaders)s") % {"leaders": "; ".join(leaders)})
    articles = event.coverage_articles()
    if articles:
        lines = [_("Coverage:")]
        lines += [
            f"- {article.title}: {absolute_url(request, article.get_absolute_url())}"
            for article in articles
        ]
        parts.append("\n".join(lines))
    parts.append(_("More: %(url)s") % {"url": url})
    return "\n\n".join(parts)


def response(calendar: icalendar.Calendar, filename: str) -> HttpResponse:
    answer = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    answer.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return answer
