import uuid
from datetime import timedelta
from pathlib import PurePath

from django.conf import settings
from django.core.cache import cache, caches
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from .sanitize import sanitize_html

NAV_CACHE_KEY = "articles:nav-categories"


def article_page_cache_key(language, slug):
    return f"articles:page:{language}:{slug}"


SLUG_MAX_LENGTH = 200


def unique_slug(model, text, *, exclude_pk=None, fallback="berita"):
    """A slug for `text` that no other row of `model` uses: "judul", "judul-2", ..."""
    base = slugify(text)[: SLUG_MAX_LENGTH - 10].strip("-") or fallback
    taken = set(
        model._default_manager.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def save_with_unique_slug(instance, source_text, save, *args, **kwargs):
    """Save `instance`, generating its slug from `source_text` if it has none.

    Two editors saving the same title at once can both pick the same free slug; the
    database's unique constraint refuses the second, which then retries with a random
    suffix instead of failing.
    """
    if instance.slug:
        return save(*args, **kwargs)
    model = type(instance)
    instance.slug = unique_slug(model, source_text, exclude_pk=instance.pk)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return save(*args, **kwargs)
        except IntegrityError:
            if (
                not model._default_manager.filter(slug=instance.slug)
                .exclude(pk=instance.pk)
                .exists()
            ):
                raise
            base = instance.slug[: SLUG_MAX_LENGTH - 7].rstrip("-")
            instance.slug = f"{base}-{get_random_string(6, 'abcdefghijkmnpqrstuvwxyz23456789')}"
    raise IntegrityError("could not find a free slug")


class Category(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=SLUG_MAX_LENGTH, unique=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(
        _("order"),
        default=0,
        help_text=_("Lower numbers come first in menus and on the home page."),
    )

    class Meta:
        ordering = ("order", "name")
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:category", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        result = save_with_unique_slug(self, self.name, super().save, *args, **kwargs)
        cache.delete(NAV_CACHE_KEY)
        return result

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        cache.delete(NAV_CACHE_KEY)
        return result


class Photographer(models.Model):
    name = models.CharField(_("name"), max_length=120)
    agency = models.CharField(_("agency"), max_length=120, default="Humas Jateng")
    slug = models.SlugField(_("slug"), max_length=SLUG_MAX_LENGTH, unique=True, blank=True)

    class Meta:
        ordering = ("name",)
        verbose_name = _("photographer")
        verbose_name_plural = _("photographers")

    def __str__(self):
        return self.credit_name

    def get_absolute_url(self):
        return reverse("articles:photographer", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        return save_with_unique_slug(self, self.name, super().save, *args, **kwargs)

    @property
    def credit_name(self):
        """ "Handy (Humas Jateng)", as the credit line prints it."""
        return f"{self.name} ({self.agency})" if self.agency else self.name


def photo_upload_to(instance, filename):
    # The stored name is made here, never taken from the upload: no path tricks, no
    # clashes, no personal data in file names.
    suffix = PurePath(filename).suffix.lower()
    if suffix not in {".jpg", ".jpeg", ".png", ".webp", ".gif"}:
        suffix = ".jpg"
    return timezone.now().strftime(f"photos/%Y/%m/{uuid.uuid4().hex}{suffix}")


class Photo(models.Model):
    image = models.ImageField(
        _("image"), upload_to=photo_upload_to, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(_("width"), editable=False, default=0)
    height = models.PositiveIntegerField(_("height"), editable=False, default=0)
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    alt_text = models.CharField(
        _("alt text"),
        max_length=250,
        help_text=_("What the photo shows, for readers who cannot see it."),
    )
    photographer = models.ForeignKey(
        Photographer,
        on_delete=models.PROTECT,
        related_name="photos",
        verbose_name=_("photographer"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ("-uploaded_at",)
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self):
        return self.caption or self.alt_text

    @property
    def credit(self):
        """ "Foto : Handy (Humas Jateng)" (the prefix translated)."""
        return gettext("Photo: %(names)s") % {"names": self.photographer.credit_name}


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """The one definition of public: published, and the publish time has come."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def in_category(self, category):
        return self.filter(category=category)

    def latest_first(self):
        return self.order_by("-published_at", "-pk")

    def popular(self, days=7, candidates=50):
        """Published articles by views over the last `days` days (today counts as one).

        Two steps, so that the cost does not grow with the number of articles or of old
        buckets: the day range of the daily buckets is ranked on its covering index (this
        query runs when popular() is called), then only those `candidates` articles are
        fetched, by primary key. (If more than `candidates` minus the number wanted were
        unpublished since, the list comes out shorter.)
        """
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
            .values_list("candidate", "total")[:candidates]
        )
        totals = dict(ranked)
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
            .order_by("-period_views", "-published_at")
        )

    def for_cards(self):
        """What an article card shows, fetched with the articles (no query per card)."""
        return self.select_related("category", "featured_photo__photographer")


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")

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

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ("-published_at", "-pk")
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_time",
                violation_error_message=_("A published article needs a publish time."),
            ),
        ]
        indexes = [
            models.Index(fields=("status", "-published_at"), name="article_status_pub_idx"),
            models.Index(
                fields=("category", "status", "-published_at"), name="article_category_pub_idx"
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

    def save(self, *args, **kwargs):
        # Sanitized on every save, whoever writes (admin, import, shell): the stored body
        # is the only HTML the site renders unescaped.
        self.body = sanitize_html(self.body)
        result = save_with_unique_slug(self, self.title, super().save, *args, **kwargs)
        self.forget_rendered_page()
        return result

    def delete(self, *args, **kwargs):
        self.forget_rendered_page()
        return super().delete(*args, **kwargs)

    def forget_rendered_page(self):
        """Drop the cached public page of this process; the others' copies expire within
        ARTICLE_PAGE_CACHE_SECONDS."""
        caches["pages"].delete_many(
            [article_page_cache_key(code, self.slug) for code, _name in settings.LANGUAGES]
        )

    def is_published(self):
        """Mirror of ArticleQuerySet.published() for one object."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    def body_with_dateline(self):
        """The body with "SEMARANG - " opening its first paragraph, as newsrooms print it."""
        body = self.body
        if not self.dateline:
            return mark_safe(body)  # sanitized on save
        dateline = format_html('<span class="dateline">{} - </span>', self.dateline.upper())
        if body.startswith("<p>"):
            return mark_safe(f"<p>{dateline}{body[3:]}")  # parts escaped or sanitized on save
        return mark_safe(f"<p>{dateline}</p>{body}")  # parts escaped or sanitized on save


class ArticleDailyViews(models.Model):
    """Views of one article on one day (WIB): what "most read" lists add up."""

    # No index of its own: the unique (article, day) index serves lookups by article.
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="daily_views",
        verbose_name=_("article"),
        db_index=False,
    )
    day = models.DateField(_("day"))
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("daily views")
        verbose_name_plural = _("daily views")
        constraints = [
            models.UniqueConstraint(
                fields=("article", "day"), name="articledailyviews_one_per_day"
            ),
        ]
        indexes = [
            # "Most read since <day>" reads only this index: day range, then sum per article.
            models.Index(fields=("day", "article", "views"), name="dailyviews_day_article_idx"),
        ]

    def __str__(self):
        return f"{self.article_id} {self.day}: {self.views}"


class ViewMark(models.Model):
    """A reader recently counted for an article, so a reload within the window is not.

    `reader` is a salted hash (the salt changes daily) of IP and user agent, or the user
    id: no raw IP is stored. Rows older than the window are pruned.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    reader = models.CharField(max_length=64)
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("article", "reader"), name="viewmark_one_per_reader"),
        ]
        indexes = [models.Index(fields=("seen_at",), name="viewmark_seen_at_idx")]

    def __str__(self):
        return f"{self.article_id} {self.reader[:8]}"


class ViewFlush(models.Model):
    """A batch of buffered counts applied by `flush_views`, so it is never applied twice."""

    batch = models.CharField(max_length=64, unique=True)
    views = models.PositiveIntegerField(default=0)
    flushed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.batch
