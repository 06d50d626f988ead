"""Queueing a period's digest and writing each subscriber's mail (see digest/__init__.py)."""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from articles.models import Article, Category
from mailing import services as mailing
from mailing.links import site_url
from mailing.models import Subscriber

from . import LIST_KEY, periods


def options(*, categories, frequency) -> dict:
    """What the digest keeps in a subscriber's options (mailing's JSON field)."""
    return {"categories": sorted(category.pk for category in categories), "frequency": frequency}


def category_ids(subscriber) -> set[int]:
    """The subscriber's categories; junk in the options (edited by hand) counts as none."""
    chosen = (subscriber.options or {}).get("categories")
    if not isinstance(chosen, list):
        return set()
    return {pk for pk in chosen if isinstance(pk, int) and not isinstance(pk, bool)}


def articles_in(period, categories):
    """What a digest of `period` shows: articles public now, published in the period,
    in these categories. A scheduled article or an embargoed release is not public, so
    not here, until its time; the period is over before it is mailed (send_digest)."""
    start, end = period.bounds()
    return Article.objects.published().filter(
        published_at__gte=start, published_at__lt=end, category__in=categories
    )


def subscription_of(user):
    """A signed-in reader's own digest subscription (active), found by their verified
    address: they may change its choices without a new confirmation."""
    if not (user.is_authenticated and user.email_verified and user.email):
        return None
    return Subscriber.objects.on_list(LIST_KEY).active().filter(email__iexact=user.email).first()


def change(subscriber, *, categories, frequency) -> None:
    """New choices for an active subscription (its owner, signed in, asked)."""
    subscriber.options = {
        **(subscriber.options or {}),
        **options(categories=categories, frequency=frequency),
    }
    subscriber.full_clean()
    subscriber.save(update_fields=["options"])


def subscribers_of(frequency):
    return Subscriber.objects.on_list(LIST_KEY).active().filter(options__frequency=frequency)


# Subscribers per enqueue() call: its `pk IN (...)` stays under SQLite's limit of
# variables in one statement (32,766) for any size of list.
ENQUEUE_CHUNK = 5_000


@dataclass
class Queued:
    articles: int  # published in the period, in any category
    recipients: int  # subscribers with something to read in it
    added: int  # deliveries queued by this run (0 when it ran before for the period)


def queue(period, *, dry_run=False) -> Queued:
    """One delivery of the period's digest for each active subscriber of its frequency
    who has at least one article in their categories; nobody else gets a mail.

    Queries: two reads (the period's categories, the subscribers), then mailing's
    enqueue for each ENQUEUE_CHUNK of them (a read, a count, one insert per 500, a
    count): 8 for up to 500 subscribers, the savepoint included.
    Run again for the same period, it adds only those confirmed since.
    """
    start, end = period.bounds()
    counts = {}
    for category_id in (
        Article.objects.published()
        .filter(published_at__gte=start, published_at__lt=end)
        .values_list("category_id", flat=True)
    ):
        counts[category_id] = counts.get(category_id, 0) + 1
    recipients = [
        subscriber.pk
        for subscriber in subscribers_of(period.frequency).only("pk", "options")
        if category_ids(subscriber) & counts.keys()
    ]
    articles = sum(counts.values())
    if dry_run or not recipients:
        return Queued(articles=articles, recipients=len(recipients), added=0)
    added = 0
    for first in range(0, len(recipients), ENQUEUE_CHUNK):
        added += mailing.enqueue(
            list_key=LIST_KEY,
            message_key=period.message_key,
            recipients=recipients[first : first + ENQUEUE_CHUNK],
        )
    return Queued(articles=articles, recipients=len(recipients), added=added)


def send(period):
    """Send the period's pending deliveries through mailing's batch sender, batch after
    batch, until none is left or the mail server cannot be reached (then
    `send_mailings`, every minute, takes over). Returns the batches' reports."""
    reports = []
    while True:
        report = mailing.send_pending(message_key=period.message_key)
        if report.claimed:
            reports.append(report)
        if not report.claimed or report.returned or report.uncertain:
            return reports


def render(delivery) -> EmailMessage | None:
    """One subscriber's digest, read when it is sent (an article taken down since the
    queueing is left out); None when nothing is left for them."""
    period = periods.from_message_key(delivery.message_key)
    if period is None:
        return None
    subscriber = delivery.subscriber
    articles = list(
        articles_in(period, category_ids(subscriber))
        .select_related("category")
        .order_by("category__order", "category__name", "published_at", "pk")
    )
    if not articles:
        return None
    context = {
        "site_name": settings.SITE_NAME,
        "period": period,
        "daily": period.frequency == periods.DAILY,
        "label": period_label(period),
        "frequency": _("daily") if period.frequency == periods.DAILY else _("weekly"),
        "articles": [
            {"article": a, "category": a.category, "url": site_url(a.get_absolute_url())}
            for a in articles
        ],
        "categories": ", ".join(
            Category.objects.filter(pk__in=category_ids(subscriber)).values_list("name", flat=True)
        ),
        "manage_url": site_url(reverse("digest:subscribe")),
        "unsubscribe_url": subscriber.unsubscribe_url(),
    }
    if period.frequency == periods.DAILY:
        subject = _("%(site)s news digest, %(date)s")
    else:
        subject = _("%(site)s weekly news digest, %(date)s")
    subject %= {"site": settings.SITE_NAME, "date": context["label"]}
    return EmailMessage(subject, render_to_string("digest/email/digest.txt", context))


def period_label(period) -> str:
    """The day ("1 Desember 2026") or the week ("24-30 November 2026"), in the active
    language."""
    last = date_format(period.last, "j F Y")
    if period.first == period.last:
        return last
    if period.first.year != period.last.year:
        return f"{date_format(period.first, 'j F Y')}\u2013{last}"
    if period.first.month != period.last.month:
        return f"{date_format(period.first, 'j F')}\u2013{last}"
    return f"{period.first.day}\u2013{last}"
