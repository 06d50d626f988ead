from django.core.cache import cache
from django.db import connection
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag

from .models import Article, Category, Photographer
from .sharing import share_links

PER_CATEGORY_ON_HOME = 4
LATEST_ON_HOME = 8


class TolerantPaginationMixin:
    """Any ?page= value gives a page: junk means the first, too far means the last.

    ListView answers 404 to ?page=abc; a reader who edited the URL (or a crawler that
    mangled it) is better served by a real page than an error.
    """

    paginate_by = 12

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        latest = list(Article.objects.published().for_cards().latest_first()[: LATEST_ON_HOME + 1])
        # One query for every category block: number the articles within each category
        # and keep the first few, instead of one query per category.
        ranked = (
            Article.objects.published()
            .for_cards()
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=F("category_id"),
                    order_by=(F("published_at").desc(), F("pk").desc()),
                )
            )
            .filter(rank__lte=PER_CATEGORY_ON_HOME)
            .order_by("category__order", "category__name", "rank")
        )
        blocks = {}
        for article in ranked:
            blocks.setdefault(article.category_id, (article.category, []))[1].append(article)
        context.update(
            headline=latest[0] if latest else None,
            latest=latest[1:],
            category_blocks=list(blocks.values()),
        )
        return context


class ArticleDetailView(DetailView):
    context_object_name = "article"

    def get_queryset(self):
        return (
            Article.objects.published()
            .select_related("category", "author", "featured_photo__photographer")
            .prefetch_related("tags")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        absolute_url = self.request.build_absolute_uri(article.get_absolute_url())
        context.update(
            absolute_url=absolute_url,
            share_links=share_links(url=absolute_url, title=article.title),
        )
        return context


class CategoryArticleListView(TolerantPaginationMixin, ListView):
    template_name = "articles/category_article_list.html"
    context_object_name = "articles"

    def get_queryset(self):
        self.category = get_object_or_404(Category, slug=self.kwargs["slug"])
        return Article.objects.published().in_category(self.category).for_cards().latest_first()

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, **kwargs)


class TagArticleListView(TolerantPaginationMixin, ListView):
    template_name = "articles/tag_article_list.html"
    context_object_name = "articles"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return Article.objects.published().filter(tags=self.tag).for_cards().latest_first()

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


@never_cache
def healthz(request):
    """Liveness for load balancers: 200 when the database and the cache answer."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        cache.set("healthz", "ok", 5)
        checks["cache"] = "ok" if cache.get("healthz") == "ok" else "error: no round trip"
    except Exception as exc:  # noqa: BLE001
        checks["cache"] = f"error: {type(exc).__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )


class PhotographerArticleListView(TolerantPaginationMixin, ListView):
    """A photographer's published work: the articles their photos illustrate."""

    template_name = "articles/photographer_article_list.html"
    context_object_name = "articles"

    def get_queryset(self):
        self.photographer = get_object_or_404(Photographer, slug=self.kwargs["slug"])
        return (
            Article.objects.published()
            .filter(featured_photo__photographer=self.photographer)
            .for_cards()
            .latest_first()
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(photographer=self.photographer, **kwargs)
