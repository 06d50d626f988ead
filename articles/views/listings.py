"""The pages that list articles: home, category, tag, author, photographer, archive,
most read and search. Each asks the ArticleQuerySet for its rows (models/listings.py);
all but search are served from the shared page cache (urls.py: humas.pagecache)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, MonthArchiveView, TemplateView
from taggit.models import Tag

from humas import pagecache
from humas import search as site_search

from .. import search
from ..models import Article, Category, Photographer, rank_by_views
from ..paginator import TolerantPaginationMixin

PER_CATEGORY_ON_HOME = 4
LATEST_ON_HOME = 8
POPULAR_PERIODS = (
    (1, gettext_lazy("Today")),
    (7, gettext_lazy("7 days")),
    (30, gettext_lazy("30 days")),
)
# Views change without a save: most-read lists are kept at most this long.
POPULAR_SECONDS = 60


def most_read(limit=5):
    """Most read over each period, from the daily buckets, kept for a minute.

    One ranking query per period, then one query for all their articles together.
    """

    def compute():
        # Rank a few more than shown: some of the top may have been unpublished since.
        rankings = {days: rank_by_views(days, limit * 3) for days, _label in POPULAR_PERIODS}
        everyone = {pk for ranking in rankings.values() for pk in ranking}
        articles = {
            a.pk: a
            for a in Article.objects.published().filter(pk__in=everyone).only("title", "slug")
        }
        return [
            {
                "days": days,
                "articles": [
                    {
                        "title": articles[pk].title,
                        "url": articles[pk].get_absolute_url(),
                        "views": views,
                    }
                    for pk, views in sorted(ranking.items(), key=lambda item: -item[1])
                    if pk in articles
                ][:limit],
            }
            for days, ranking in rankings.items()
        ]

    lists = pagecache.kept(f"most-read:{limit}", compute, POPULAR_SECONDS)
    labels = dict(POPULAR_PERIODS)
    return [{**item, "label": labels[item["days"]]} for item in lists]


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        latest = list(Article.objects.published().for_cards().latest_first()[: LATEST_ON_HOME + 1])
        return super().get_context_data(
            headline=latest[0] if latest else None,
            latest=latest[1:],
            category_blocks=Article.objects.newest_per_category(PER_CATEGORY_ON_HOME),
            popular=most_read(),
            **kwargs,
        )


class ArticleListView(TolerantPaginationMixin, ListView):
    """A paginated listing of published articles, newest first."""

    context_object_name = "articles"

    def get_queryset(self):
        return Article.objects.published().for_cards().latest_first()


class CategoryArticleListView(ArticleListView):
    template_name = "articles/category_article_list.html"

    def get_queryset(self):
        self.category = get_object_or_404(Category, slug=self.kwargs["slug"])
        return super().get_queryset().in_category(self.category)

    def count_key(self):
        return f"category:{self.category.pk}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, **kwargs)


class TagArticleListView(ArticleListView):
    template_name = "articles/tag_article_list.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().tagged([self.tag.pk])

    def count_key(self):
        return f"tag:{self.tag.pk}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class AuthorArticleListView(ArticleListView):
    """A staff writer's published articles. Addressed by number: login names stay private."""

    template_name = "articles/author_article_list.html"

    def get_queryset(self):
        self.author = get_object_or_404(get_user_model(), pk=self.kwargs["pk"], is_staff=True)
        return super().get_queryset().filter(author=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


class PhotographerArticleListView(ArticleListView):
    """A photographer's page: their latest photos, and the published articles that use
    them (as the featured photo or in the gallery)."""

    template_name = "articles/photographer_article_list.html"

    def get_queryset(self):
        self.photographer = get_object_or_404(Photographer, slug=self.kwargs["slug"])
        uses = Q(featured_photo__photographer=self.photographer) | Q(
            gallery_items__photo__photographer=self.photographer
        )
        ids = Article.objects.published().filter(uses).values("pk")
        return Article.objects.filter(pk__in=ids).for_cards().latest_first()

    def get_context_data(self, **kwargs):
        photos = self.photographer.photos.order_by("-uploaded_at")[:24]
        return super().get_context_data(photographer=self.photographer, photos=photos, **kwargs)


class ArchiveIndexView(TemplateView):
    """/arsip/: every month with published articles, newest first, with its count."""

    template_name = "articles/archive_index.html"

    def get_context_data(self, **kwargs):
        months = pagecache.kept(
            "archive-months", Article.objects.archive_months, settings.PAGE_CACHE_SECONDS
        )
        return super().get_context_data(months=months, **kwargs)


class ArchiveMonthView(TolerantPaginationMixin, MonthArchiveView):
    """/arsip/<yyyy>/<mm>/: a month's articles, by the month in WIB."""

    template_name = "articles/archive_month.html"
    context_object_name = "articles"
    date_field = "published_at"
    month_format = "%m"
    allow_empty = True  # a month without news is a page that says so, not an error

    def get_queryset(self):
        if not 2000 <= self.kwargs["year"] <= 2100:
            raise Http404
        return Article.objects.published().for_cards().latest_first()

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        return []  # the days of the month with news: a query the page does not show


class PopularView(TemplateView):
    template_name = "articles/popular.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(popular=most_read(limit=10), **kwargs)


class SearchView(TolerantPaginationMixin, ListView):
    """/cari/?q=: never a 500, whatever is typed; an empty query asks for words."""

    template_name = "articles/search.html"
    context_object_name = "articles"
    paginate_by = 10
    paginator_class = Paginator  # at most search.SEARCH_CANDIDATES results, by rank

    def get_queryset(self):
        self.query = search.clean_query(self.request.GET.get("q"))
        return search.search(Article.objects.published().for_cards(), self.query)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(query=self.query, **kwargs)
        for article in context["articles"]:
            headline = getattr(article, "headline", None)
            article.title_html = search.highlight(article.title, self.query)
            if headline and "<mark>" in headline:
                article.excerpt = mark_safe(clean_headline(headline))  # escaped, then ours
            else:
                article.excerpt = search.excerpt(article, self.query)
        context["other_results"] = self.other_results(context)
        return context

    def other_results(self, context):
        """What the other apps find (pages, documents: humas.search), on the first page."""
        page = context.get("page_obj")
        if not self.query or (page is not None and page.number > 1):
            return []
        return [
            (section, [
                {"result": r, "title_html": search.highlight(r.title, self.query),
                 "excerpt_html": search.highlight(r.excerpt, self.query) if r.excerpt else ""}
                for r in results
            ])
            for section, results in site_search.find_all(self.query)
        ]  # fmt: skip


def clean_headline(headline):
    """PostgreSQL's headline is the stored lead (plain text) with <mark> added: escape it,
    then let only our own <mark> tags through."""
    return escape(headline).replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>")
