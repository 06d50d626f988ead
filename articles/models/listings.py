"""What the portal's pages list, as queryset methods of ArticleQuerySet (article.py).

Each is bounded whatever the size of the archive: docs/scale.md has the measurements
behind the candidate limits.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, OuterRef, Subquery, Window
from django.db.models.functions import RowNumber, TruncMonth
from taggit.models import TaggedItem

from .category import Category

# The newsroom's one order: newest first, the id breaking ties (listing indexes end with it).
LATEST_FIRST = ("-published_at", "-pk")
# The newest articles the home page's category blocks are picked from: a few days of a
# busy newsroom (see newest_per_category).
HOME_CANDIDATES = 200
# Articles sharing a tag that compete to be "related" (see related_to).
RELATED_CANDIDATES = 50


class ListingQueries:
    def latest_first(self):
        return self.order_by(*LATEST_FIRST)

    def in_category(self, category):
        return self.filter(category=category)

    def tagged(self, tag_ids):
        return self.filter(pk__in=tagged_items(self.model, tag_ids).values("object_id"))

    def for_cards(self):
        """What an article card shows, fetched with the articles (no query per card)."""
        return self.select_related("category", "featured_photo__photographer")

    def related_to(self, article, limit=4):
        """Published articles sharing the most tags with `article`, then its category's
        newest.

        Only the RELATED_CANDIDATES most recently written articles sharing a tag compete:
        counting shared tags over every tagged article of the archive grew with it (a tag
        on thousands of articles meant thousands of rows per article page). The candidates
        come from the tag index, walked from the newest id, and their shared tags are
        counted per candidate, in the same query.
        """
        tag_ids = [tag.pk for tag in article.tags.all()]
        related = []
        if tag_ids:
            items = tagged_items(self.model, tag_ids)
            candidates = (
                items.exclude(object_id=article.pk)
                .values("object_id")
                .distinct()
                .order_by("-object_id")[:RELATED_CANDIDATES]
            )
            shared = (
                items.filter(object_id=OuterRef("pk"))
                .values("object_id")
                .annotate(count=Count("pk"))
                .values("count")
            )
            related = list(
                self.published()
                .filter(pk__in=Subquery(candidates))
                .annotate(shared=Subquery(shared))
                .for_cards()
                .order_by("-shared", *LATEST_FIRST)[:limit]
            )
        if len(related) < limit:
            related += (
                self.published()
                .in_category(article.category_id)
                .exclude(pk__in=[article.pk, *(a.pk for a in related)])
                .for_cards()
                .latest_first()[: limit - len(related)]
            )
        return related

    def newest_per_category(self, per_category):
        """[(category, its newest `per_category` published articles)], in menu order.

        Numbering every published article within its category (a window function) would
        read the whole archive for each home page. The newest few of every category are
        nearly always among the newest HOME_CANDIDATES articles, so the numbering runs
        over those (one query for every block, not one per category); only a category
        that comes out short of a larger archive, one rarely written for, is read on its
        own, newest first from its index.
        """
        published = self.published()
        candidates = list(published.latest_first().values_list("pk", flat=True)[:HOME_CANDIDATES])
        ranked = (
            published.filter(pk__in=candidates)
            .for_cards()
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=F("category_id"),
                    order_by=[F(field[1:]).desc() for field in LATEST_FIRST],
                )
            )
            .filter(rank__lte=per_category)
        )
        blocks = {}
        for article in ranked:
            blocks.setdefault(article.category_id, (article.category, []))[1].append(article)
        if len(candidates) == HOME_CANDIDATES:  # not the whole archive: some may be short
            for category in Category.objects.all():
                have = blocks.get(category.pk, (category, []))[1]
                if len(have) < per_category:
                    more = list(
                        published.in_category(category)
                        .exclude(pk__in=[a.pk for a in have])
                        .for_cards()
                        .latest_first()[: per_category - len(have)]
                    )
                    if more:
                        blocks[category.pk] = (category, have + more)
        return sorted(
            (block for block in blocks.values() if block[1]),
            key=lambda block: (block[0].order, block[0].name),
        )

    def archive_months(self):
        """[{"month", "count"}] of every month with published articles, newest first
        (months in WIB). Reads the archive: callers keep it (humas.pagecache.kept)."""
        return list(
            self.published()
            .annotate(month=TruncMonth("published_at"))
            .values("month")
            .annotate(count=Count("pk"))
            .order_by("-month")
        )


def tagged_items(model, tag_ids):
    """Taggings of `model` rows with any of `tag_ids`, queried on taggit's table directly:
    through `Article.tags` the join casts the integer object_id to the bigint pk, and the
    cast keeps PostgreSQL from using the table's indexes."""
    return TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(model), tag_id__in=tag_ids
    )
