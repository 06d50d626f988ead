from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from ..sanitize import sanitize_html
from .category import Category
from .listings import LATEST_FIRST, ListingQueries
from .photo import Photo, credit_line
from .slugs import SLUG_MAX_LENGTH, save_with_unique_slug


def rank_by_views(days, limit):
    """{article id: views} of the `limit` most viewed articles over the last `days` days,
    from the daily buckets' covering index alone (one query)."""
    from .views import ArticleDailyViews  # defined after Article, which it points to

    since = timezone.localdate() - timedelta(days=days - 1)
    # Grouped by `article_id + 0`, not the bare column: otherwise SQLite's planner
    # prefers walking an index already sorted by article, i.e. every row ever counted,
    # over the day range it needs.
    ranked = (
        ArticleDailyViews.objects.filter(day__gte=since)
        .annotate(candidate=models.F("article_id") + 0)
        .values("candidate")
        .annotate(total=models.Sum("views"))
        .order_by("-total")
        .values_list("candidate", "total")[:limit]
    )
    return dict(ranked)


class ArticleQuerySet(ListingQueries, models.QuerySet):
    def published(self):
        """The one definition of public: published, and the publish time has come."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def scheduled(self):
        """Approved for a publish time still to come: public from then on, by itself."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())

    def withdrawn(self):
        """Taken down after having been public: their address answers 410, not 404."""
        return self.filter(status=Article.Status.UNPUBLISHED, published_at__isnull=False)

    def next_scheduled_time(self):
        """When the next scheduled article comes out (None if none is scheduled)."""
        return self.scheduled().aggregate(next=models.Min("published_at"))["next"]

    def for_page(self):
        """What the article page shows, fetched with the article."""
        return (
            self.select_related("category", "author", "featured_photo__photographer")
            .prefetch_related("tags")
            # Most articles have no gallery and no corrections: ask first, fetch if so.
            .annotate(
                has_gallery=models.Exists(
                    GalleryItem.objects.filter(article=models.OuterRef("pk"))
                ),
                has_notes=models.Exists(ArticleNote.objects.filter(article=models.OuterRef("pk"))),
                has_attachments=models.Exists(
                    Article.attachments.through.objects.filter(article=models.OuterRef("pk"))
                ),
            )
        )

    def popular(self, days=7, candidates=50):
        """Published articles by views over the last `days` days (today counts as one).

        Two steps, so that the cost does not grow with the number of articles or of old
        buckets: the day range of the daily buckets is ranked on its covering index (this
        query runs when popular() is called), then only those `candidates` articles are
        fetched, by primary key. (If more than `candidates` minus the number wanted were
        unpublished since, the list comes out shorter.)
        """
        return self.with_period_views(rank_by_views(days, candidates))

    def with_period_views(self, totals):
        """The published articles among `totals` ({id: views}), most viewed first."""
        if not totals:
            return self.none().annotate(period_views=models.Value(0))
        period_views = models.Case(
            *(models.When(pk=pk, then=models.Value(total)) for pk, total in totals.items()),
            output_field=models.PositiveIntegerField(),
        )
        return (
            self.published()
            .filter(pk__in=list(totals))
            .annotate(period_views=period_views)
            .order_by("-period_views", *LATEST_FIRST)
        )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")

    class Kind(models.TextChoices):
        # What the article is; other apps add what the kind needs (press: the embargo
        # and the journalists' mail of a press release; factcheck: a clarification's claim).
        NEWS = "berita", _("News")
        PRESS_RELEASE = "siaran-pers", _("Press release")
        CLARIFICATION = "klarifikasi", _("Hoax clarification")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.NEWS)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=SLUG_MAX_LENGTH,
        unique=True,
        blank=True,
        help_text=_("The address of the article; made from the title when left empty."),
    )
    dateline = models.CharField(
        _("dateline"), max_length=60, blank=True, help_text=_('The city, e.g. "SEMARANG".')
    )
    lead = models.TextField(_("lead"), max_length=600, blank=True)
    body = models.TextField(_("body"))
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="articles", verbose_name=_("category")
    )
    tags = TaggableManager(_("tags"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("author"),
    )
    featured_photo = models.ForeignKey(
        Photo,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="featured_in",
        verbose_name=_("featured photo"),
    )
    photo_credit_text = models.CharField(
        _("photo credit (outside source)"),
        max_length=120,
        blank=True,
        help_text=_(
            'For photos from outside sources, e.g. "Dok. Diskominfo". Replaces the '
            "photographers' names in the credit line."
        ),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publish time"),
        null=True,
        blank=True,
        help_text=_("A time in the future schedules the article."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    view_count = models.PositiveIntegerField(_("views"), default=0, editable=False)
    # New readers beyond VIEW_MAX_READERS_PER_ADDRESS from one address (articles/viewcount/).
    views_held_back = models.PositiveIntegerField(_("views held back"), default=0, editable=False)
    takedown_reason = models.TextField(
        _("reason for taking down"),
        blank=True,
        help_text=_("Shown to readers who open an unpublished article, instead of the article."),
    )
    attachments = models.ManyToManyField(
        "documents.Document",
        blank=True,
        related_name="+",
        verbose_name=_("documents"),
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = LATEST_FIRST
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [("publish_article", _("Can publish, schedule and unpublish articles"))]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_time",
                violation_error_message=_("A published article needs a publish time."),
            ),
        ]
        # Listings sort by (-published_at, -pk); with the pk in the index, a page's ids
        # come from the index alone, however deep the page (see ListingPaginator).
        indexes = [
            models.Index(fields=("status", "-published_at", "-id"), name="article_status_pub_idx"),
            models.Index(
                fields=("category", "status", "-published_at", "-id"),
                name="article_category_pub_idx",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            # Publishing without a time means "now", which is what an editor expects.
            self.published_at = timezone.now()
        if self.status == self.Status.PUBLISHED:
            photos = [self.featured_photo] if self.featured_photo_id else []
            if self.pk:
                photos += [item.photo for item in self.gallery_items.select_related("photo")]
            problems = self.photo_problems(photos)
            if problems:
                raise ValidationError(
                    [gettext("It cannot be published yet:"), *problems], code="photo_problems"
                )

    def save(self, *args, **kwargs):
        # Sanitized on every save, whoever writes (admin, import, shell): the stored body
        # is the only HTML the site renders unescaped.
        self.body = sanitize_html(self.body)
        return save_with_unique_slug(self, self.title, super().save, *args, **kwargs)

    def is_published(self):
        """Mirror of ArticleQuerySet.published() for one object."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        """Mirror of ArticleQuerySet.scheduled() for one object."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    def is_withdrawn(self):
        """Mirror of ArticleQuerySet.withdrawn() for one object."""
        return self.status == self.Status.UNPUBLISHED and self.published_at is not None

    @property
    def featured_credit(self):
        """The credit under the featured photo: an outside source's, or the photographer's."""
        if self.photo_credit_text:
            return credit_line([self.photo_credit_text])
        return self.featured_photo.credit if self.featured_photo else ""

    def photos(self):
        """The featured photo and the gallery's, in order (gallery prefetched by views)."""
        photos = [self.featured_photo] if self.featured_photo else []
        photos += [item.photo for item in self.gallery_items.all()]
        return photos

    def photo_problems(self, photos=None):
        """Why this article's photos stop it from being published: one line per photo."""
        problems = []
        for photo in photos if photos is not None else self.photos():
            missing = []
            if not photo.alt_text.strip():
                missing.append(gettext("alt text"))
            if photo.photographer_id is None:
                missing.append(gettext("photographer"))
            if missing:
                problems.append(
                    gettext("Photo “%(photo)s” has no %(missing)s.")
                    % {"photo": photo, "missing": gettext(" and ").join(missing)}
                )
        return problems

    def body_with_dateline(self):
        """The body with "SEMARANG - " opening its first paragraph, as newsrooms print it."""
        body = self.body
        if not self.dateline:
            return mark_safe(body)  # sanitized on save
        dateline = format_html('<span class="dateline">{} - </span>', self.dateline.upper())
        if body.startswith("<p>"):
            return mark_safe(f"<p>{dateline}{body[3:]}")  # parts escaped or sanitized on save
        return mark_safe(f"<p>{dateline}</p>{body}")  # parts escaped or sanitized on save


class GalleryItem(models.Model):
    """One photo of an article's gallery, in order."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="gallery_items", verbose_name=_("article")
    )
    photo = models.ForeignKey(
        Photo, on_delete=models.PROTECT, related_name="gallery_items", verbose_name=_("photo")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ("order", "pk")
        verbose_name = _("gallery photo")
        verbose_name_plural = _("gallery")
        constraints = [
            models.UniqueConstraint(fields=("article", "photo"), name="galleryitem_photo_once"),
        ]

    def __str__(self):
        return str(self.photo)


class ArticleNote(models.Model):
    """A dated correction, clarification or right of reply attached to an article, as the
    cyber-media guideline asks; readers see it on the article."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        CLARIFICATION = "clarification", _("Clarification")
        REPLY = "reply", _("Right of reply")

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="notes", verbose_name=_("article")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("text"))
    published_at = models.DateTimeField(_("date"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("by"),
    )  # fmt: skip

    class Meta:
        ordering = ("published_at", "pk")
        verbose_name = _("correction or reply")
        verbose_name_plural = _("corrections and replies")

    def __str__(self):
        return f"{self.get_kind_display()} {self.published_at:%Y-%m-%d}"
