from django.db import models
from django.utils.translation import gettext_lazy as _

from .article import Article


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

    # No index of its own: the unique (article, reader) index starts with it, and one
    # index fewer is one page fewer written for every counted view.
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+", db_index=False)
    reader = models.CharField(max_length=64)
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("article", "reader"), name="viewmark_one_per_reader"),
        ]
        indexes = [models.Index(fields=("seen_at",), name="viewmark_seen_at_idx")]

    def __str__(self):
        return f"{self.article_id} {self.reader[:8]}"


class ViewAddress(models.Model):
    """How many new readers one address brought to an article in its current window.

    `address` is a salted hash (the salt changes daily) of the client's IPv4 address or
    IPv6 /64, never the address itself. The window starts with the first reader and lasts
    VIEW_DEDUP_SECONDS; rows whose window has ended are pruned.
    """

    # Indexed by the unique (article, address) index, as ViewMark.article is.
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+", db_index=False)
    address = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    readers = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("article", "address"), name="viewaddress_one_per_address"
            ),
        ]
        indexes = [models.Index(fields=("window_start",), name="viewaddress_window_start_idx")]

    def __str__(self):
        return f"{self.article_id} {self.address[:8]}: {self.readers}"


class ViewFlush(models.Model):
    """A batch of buffered counts applied by `flush_views`, so it is never applied twice."""

    batch = models.CharField(max_length=64, unique=True)
    views = models.PositiveIntegerField(default=0)
    flushed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.batch
