"""The leaders' agenda: events (who attends, when, where, public or internal) and the
newsroom's coverage of each (who writes, who photographs, how far it got, the article).

Articles know nothing of the agenda: a coverage points to its article, so the event's
page reaches the article, and an article is shown there only once it is published
(Article.objects.published(), the one definition).
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from articles.models import Article
from humas.slugs import SLUG_MAX_LENGTH, save_with_unique_slug

from . import dates


class Leader(models.Model):
    """Someone whose agenda the bureau publishes: the governor, the vice governor, the
    regional secretary, and others staff add."""

    name = models.CharField(
        _("name"), max_length=120, blank=True, help_text=_("Leave empty to show the position only.")
    )
    position = models.CharField(
        _("position"), max_length=160, help_text=_('E.g. "Gubernur Jawa Tengah".')
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive leaders stay on past events only.")
    )

    class Meta:
        ordering = ("order", "position")
        verbose_name = _("leader")
        verbose_name_plural = _("leaders")

    def __str__(self):
        return f"{self.position} ({self.name})" if self.name else self.position


class EventQuerySet(models.QuerySet):
    def public(self):
        """The one definition of what readers see: events marked public."""
        return self.filter(is_public=True)

    def between(self, start, end):
        """Events taking place at some moment in [start, end): begun before `end` and
        not ended by `start`. One ending exactly at midnight is not on the next day; one
        of no length is on the day it happens."""
        return self.filter(Q(start__lt=end), Q(end__gt=start) | Q(start__gte=start))

    def for_listing(self):
        """What the public pages show: leaders and the published coverage, fetched with
        the events (three queries, whatever their number)."""
        return self.prefetch_related(
            "leaders",
            Prefetch(
                "coverages",
                queryset=Coverage.objects.public().select_related("article"),
                to_attr="public_coverages",
            ),
        ).order_by("start", "pk")

    def for_desk(self):
        """What the admin's calendar shows: leaders and every assignment, with people."""
        return self.prefetch_related(
            "leaders",
            Prefetch(
                "coverages",
                queryset=Coverage.objects.select_related(
                    "writer", "photographer", "article"
                ).order_by("pk"),
            ),
        ).order_by("start", "pk")


class Event(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=SLUG_MAX_LENGTH,
        unique=True,
        blank=True,
        help_text=_("The address of the event's page; made from the title and date when empty."),
    )
    start = models.DateTimeField(_("start"), help_text=_("In WIB."))
    end = models.DateTimeField(_("end"), help_text=_("In WIB."))
    place = models.CharField(_("place"), max_length=200, blank=True)
    leaders = models.ManyToManyField(
        Leader, blank=True, related_name="events", verbose_name=_("leaders attending")
    )
    is_public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_(
            "Shown on the public agenda and in its calendar feed. Internal events are seen "
            "by staff only."
        ),
    )
    description = models.TextField(
        _("public description"), blank=True, help_text=_("Shown to readers.")
    )
    notes = models.TextField(
        _("internal notes"),
        blank=True,
        help_text=_("For staff only: never shown on the public agenda or in its feed."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ("start", "pk")
        # With a context: other apps' "event" (the audit trail's) means something else.
        verbose_name = pgettext_lazy("agenda", "event")
        verbose_name_plural = pgettext_lazy("agenda", "events")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")),
                name="event_ends_after_start",
                violation_error_message=_("An event cannot end before it starts."),
            ),
        ]
        indexes = [
            models.Index(fields=("is_public", "start"), name="event_public_start_idx"),
            models.Index(fields=("start", "end"), name="event_start_end_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("agenda:event", kwargs={"slug": self.slug})

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError(
                {"end": _("The end is before the start: an event cannot end before it starts.")},
                code="end_before_start",
            )

    def save(self, *args, **kwargs):
        source = f"{self.title} {dates.local(self.start).date().isoformat()}"
        return save_with_unique_slug(self, source, super().save, *args, **kwargs)

    @property
    def local_start(self):
        return dates.local(self.start)

    @property
    def local_end(self):
        return dates.local(self.end)

    def spans_days(self):
        return self.local_start.date() != self.local_end.date()

    def days(self):
        """The days (WIB) on which the event takes place."""
        first, last = self.local_start.date(), self.local_end.date()
        if last > first and self.local_end == dates.start_of(last):
            last -= timedelta(days=1)  # ends at midnight: not on that day
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    def coverage_articles(self):
        """The published articles covering this event, each once (for_listing())."""
        seen = {}
        for coverage in self.public_coverages:
            seen.setdefault(coverage.article_id, coverage.article)
        return sorted(seen.values(), key=lambda article: article.published_at, reverse=True)


class CoverageQuerySet(models.QuerySet):
    def public(self):
        """Coverage readers may follow: not cancelled, with a published article."""
        return self.exclude(status=Coverage.Status.CANCELLED).filter(
            article__in=Article.objects.published()
        )

    def assigned_to(self, user):
        return self.filter(Q(writer=user) | Q(photographer=user))

    def from_week_of(self, day):
        """Coverage of events not ended before the Monday of `day`'s week: this week's
        and what is coming."""
        monday_start, _end = dates.week_bounds(dates.monday_of(day))
        return self.filter(event__end__gte=monday_start)


class Coverage(models.Model):
    """One assignment to cover an event: a writer, a photographer, or both."""

    class Status(models.TextChoices):
        ASSIGNED = "ditugaskan", _("Assigned")
        IN_PROGRESS = "dikerjakan", _("In progress")
        FILED = "dikirim", _("Filed")
        PUBLISHED = "terbit", _("Published")
        CANCELLED = "batal", _("Cancelled")

    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        related_name="coverages",
        verbose_name=pgettext_lazy("agenda", "event"),
    )
    # Staff are deactivated, not deleted; PROTECT keeps who covered what.
    writer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coverage_written",
        verbose_name=_("writer"),
    )
    photographer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coverage_photographed",
        verbose_name=_("photographer"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ASSIGNED
    )
    note = models.TextField(_("note"), blank=True, help_text=_("For the newsroom only."))
    article = models.ForeignKey(
        Article,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("article"),
        help_text=_(
            "The article or photo gallery that came of it; shown on the event's page once "
            "it is published."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CoverageQuerySet.as_manager()

    class Meta:
        ordering = ("event__start", "pk")
        verbose_name = _("coverage")
        verbose_name_plural = _("coverage")
        permissions = [
            ("assign_coverage", _("Can assign coverage to writers and photographers")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(writer__isnull=False) | Q(photographer__isnull=False),
                name="coverage_has_someone",
                violation_error_message=_("Coverage needs a writer or a photographer."),
            ),
        ]
        indexes = [
            models.Index(fields=("writer", "status"), name="coverage_writer_idx"),
            models.Index(fields=("photographer", "status"), name="coverage_photographer_idx"),
        ]

    def __str__(self):
        return f"{self.event} · {self.get_status_display()}"

    def clean(self):
        # Who may be chosen (active staff) is the admin form's choice list: a person who
        # has left keeps their past assignments valid.
        if self.writer_id is None and self.photographer_id is None:
            raise ValidationError(
                {"writer": _("Choose a writer, a photographer, or both.")}, code="nobody"
            )

    def people(self):
        return [person for person in (self.writer, self.photographer) if person is not None]
