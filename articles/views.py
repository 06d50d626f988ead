from datetime import datetime
from functools import cached_property, partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache, caches
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Window
from django.db.models.functions import RowNumber, TruncMonth
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag, TaggedItem

from accounts import throttle
from humas.links import absolute_url

from . import comments, search, viewcount, workflow
from .comments import CommentForm, comments_context
from .models import (
    Article,
    ArticleNote,
    Category,
    Comment,
    CommentReport,
    GalleryItem,
    Photographer,
    article_page_cache_key,
    rank_by_views,
)
from .sharing import json_ld, share_links

# Stands for the view count in a rendered (and cached) article page until the request's
# own total replaces it.
VIEW_COUNT_MARKER = "<!--humas:view-count-->"
PER_CATEGORY_ON_HOME = 4
LATEST_ON_HOME = 8
# The newest articles the home page's category blocks are picked from (see
# newest_in_each_category): a few days of a busy newsroom.
HOME_CANDIDATES = 200
# Articles sharing a tag that compete to be "related" (see related_articles).
RELATED_CANDIDATES = 50


# Counts that read a whole listing (a tag's articles, the archive's months) are kept in
# the cache under the content version, which every newsroom change moves on; the time
# limit is for scheduled articles, which come due without a change.
KEPT_COUNT_SECONDS = 300


class ListingPaginator(Paginator):
    """A page of a long listing without reading the listing up to that page.

    Django's paginator fetches a page with OFFSET, and the database then produces every
    earlier row, joins and all, to throw them away: the last page of a category of
    15,000 articles read all 15,000. Here the page's ids come first, from the listing's
    index alone (articles' listing indexes end with the pk), walked from whichever end
    is nearer, then only those rows are fetched with their joins.
    """

    def __init__(self, *args, count_key=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self):
        """Counting a listing reads every row of it (a tag on 3,000 articles costs 20 ms
        at 100,000 articles); with a `count_key` the count is kept until the content
        changes (a new version), and at most KEPT_COUNT_SECONDS."""
        if not self.count_key:
            return super().count
        from .pagecache import content_version

        key = f"articles:count:{content_version()}:{self.count_key}"
        count = cache.get(key)
        if count is None:
            count = super().count
            cache.set(key, count, KEPT_COUNT_SECONDS)
        return count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if top + self.orphans >= self.count:
            top = self.count
        ids = self.object_list.values_list("pk", flat=True)
        if bottom > self.count - top:  # nearer the end: walk the index from the oldest
            ids = list(ids.reverse()[self.count - top : self.count - bottom])[::-1]
        else:
            ids = list(ids[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)


class TolerantPaginationMixin:
    """Any ?page= value gives a page: junk means the first, too far means the last.

    ListView answers 404 to ?page=abc; a reader who edited the URL (or a crawler that
    mangled it) is better served by a real page than an error.
    """

    paginate_by = 12
    paginator_class = ListingPaginator

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_paginator(self, queryset, per_page, **kwargs):
        if self.count_key() is not None:
            kwargs["count_key"] = self.count_key()
        return self.paginator_class(queryset, per_page, **kwargs)

    def count_key(self):
        """Names this listing's count, to keep it (ListingPaginator.count); None: count
        on every request."""
        return None


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        latest = list(Article.objects.published().for_cards().latest_first()[: LATEST_ON_HOME + 1])
        context.update(
            headline=latest[0] if latest else None,
            latest=latest[1:],
            category_blocks=newest_in_each_category(PER_CATEGORY_ON_HOME),
            popular=popular_lists(),
        )
        return context


def newest_in_each_category(per_category):
    """[(category, its newest `per_category` published articles)], in menu order.

    Numbering every published article within its category (a window function) would
    read the whole archive for each home page. The newest few of every category are
    nearly always among the newest HOME_CANDIDATES articles, so the numbering runs over
    those (one query for every block, not one per category); only a category that comes
    out short of a larger archive, one rarely written for, is read on its own, newest
    first from its index.
    """
    published = Article.objects.published()
    candidates = list(published.latest_first().values_list("pk", flat=True)[:HOME_CANDIDATES])
    ranked = (
        published.filter(pk__in=candidates)
        .for_cards()
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("category_id"),
                order_by=(F("published_at").desc(), F("pk").desc()),
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


class ArticleDetailView(DetailView):
    """The article page, rendered once and reused; counted on every request.

    The rendering is cached per article and language as a skeleton whose personal parts
    (account menu, messages, comment area) are holes. Anonymous readers get it with the
    anonymous parts filled in, straight from the cache; logged-in readers get the holes
    filled for them (a few small templates). Either way the request is counted
    (viewcount.count_view) and shows the total including its own view.
    """

    context_object_name = "article"

    def get_queryset(self):
        return (
            Article.objects.published()
            .select_related("category", "author", "featured_photo__photographer")
            .prefetch_related("tags")
            # Most articles have no gallery and no corrections: ask first, fetch if so.
            .annotate(
                has_gallery=Exists(GalleryItem.objects.filter(article=OuterRef("pk"))),
                has_notes=Exists(ArticleNote.objects.filter(article=OuterRef("pk"))),
            )
        )

    def get(self, request, *args, **kwargs):
        preview = self.preview_article(request, kwargs["slug"])
        if preview is not None:
            return self.render_preview(preview)
        try:
            page = self.cached_page(request, kwargs["slug"])
        except Http404:
            return self.taken_down(request, kwargs["slug"])
        # A messages cookie means a notice to show: not the shared anonymous rendering.
        if request.user.is_authenticated or "messages" in request.COOKIES:
            html = fill_personal_parts(page, request)
        else:
            html = page["anonymous"]
        if settings.VIEW_COUNT_MODE == "server":
            total = viewcount.count_view(request, page["id"])
        else:
            total = viewcount.current_total(page["id"])
        return respond_with_count(html, page, total)

    def preview_article(self, request, slug):
        """The unpublished article a signed preview link (?pratinjau=) or a staff member
        allowed to see it asks for; None for everyone else."""
        token = request.GET.get("pratinjau")
        if token is not None:
            article = workflow.article_for_preview(token)
            return article if article is not None and article.slug == slug else None
        user = request.user
        if not (user.is_authenticated and user.is_staff):
            return None
        article = Article.objects.filter(slug=slug).first()
        if article is None or article.is_published():
            return None
        if workflow.can_publish(user) or article.author_id == user.pk:
            return article
        return None

    def render_preview(self, article):
        """The article as it will look, marked as a preview, never cached or counted."""
        self.object = (
            self.get_queryset()
            .model.objects.select_related("category", "author", "featured_photo__photographer")
            .get(pk=article.pk)
        )
        context = self.get_context_data(object=self.object, preview=True)
        html = render_to_string(self.get_template_names(), context, self.request)
        html = html.replace(VIEW_COUNT_MARKER, number_format(self.object.view_count), 1)
        return HttpResponse(
            html,
            headers={"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex, nofollow"},
        )

    def taken_down(self, request, slug):
        """A withdrawn article answers with a public notice and its reason, not a 404."""
        article = (
            Article.objects.filter(slug=slug, status=Article.Status.UNPUBLISHED)
            .exclude(published_at=None)
            .first()
        )
        if article is None:
            raise Http404
        withdrawn = article.transitions.filter(to_status=Article.Status.UNPUBLISHED).first()
        return render(
            request,
            "articles/article_taken_down.html",
            {"article": article, "withdrawn_at": withdrawn.at if withdrawn else None},
            status=410,
        )

    @classmethod
    def cached_page(cls, request, slug):
        """The cached rendering of a published article (rendering it if need be)."""
        key = article_page_cache_key(get_language(), slug)
        page = caches["pages"].get(key)
        if page is None or page["published_at"] > timezone.now():
            view = cls()
            view.setup(request, slug=slug)
            page = view.render_page()
            if request.method == "GET":  # not a comment form's error page
                caches["pages"].set(key, page, settings.ARTICLE_PAGE_CACHE_SECONDS)
        return page

    def render_page(self):
        self.object = self.get_object()
        context = self.get_context_data(object=self.object, page_skeleton=True)
        skeleton = render_to_string(self.get_template_names(), context, self.request)
        url = self.object.get_absolute_url()
        page = {
            "id": self.object.pk,
            "url": url,
            "published_at": self.object.published_at,
            "views": self.object.view_count,
            "skeleton": skeleton,
        }
        page["anonymous"] = fill_personal_parts(page, self.request, anonymous=True)
        return page

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        page_url = absolute_url(self.request, article.get_absolute_url())
        share_image_url = ""
        if article.featured_photo:
            share_image_url = absolute_url(self.request, article.featured_photo.share_image["url"])
        context.update(
            gallery=list(article.gallery_items.select_related("photo__photographer"))
            if getattr(article, "has_gallery", True)
            else [],
            notes=list(article.notes.all()) if getattr(article, "has_notes", True) else [],
            json_ld=json_ld(news_article_data(article, page_url, share_image_url)),
            related=related_articles(article),
            share_image_url=share_image_url,
            absolute_url=page_url,
            share_links=share_links(url=page_url, title=article.title),
            view_count_marker=mark_safe(VIEW_COUNT_MARKER),
            view_beacon=settings.VIEW_COUNT_MODE == "beacon",
            popular=popular_lists(),
            page_path=article.get_absolute_url(),
        )
        return context


def news_article_data(article, url, image_url):
    """schema.org NewsArticle for search engines."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": article.updated_at.isoformat(),
        "articleSection": article.category.name,
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME},
        "author": {
            "@type": "Person" if article.author else "Organization",
            "name": str(article.author.public_name) if article.author else settings.SITE_NAME,
        },
    }
    if article.lead:
        data["description"] = article.lead
    if image_url:
        data["image"] = [image_url]
    return data


def related_articles(article, limit=4):
    """Published articles sharing the most tags with this one, then its category's newest.

    Only the RELATED_CANDIDATES most recently written articles sharing a tag compete:
    counting shared tags over every tagged article of the archive grew with it (a tag
    on thousands of articles meant thousands of rows per article page). The candidates
    come from the tag index, walked from the newest id, and their shared tags are
    counted per candidate, in the same query.
    """
    tag_ids = [tag.pk for tag in article.tags.all()]
    related = []
    if tag_ids:
        candidates = (
            tagged_items(tag_ids)
            .exclude(object_id=article.pk)
            .values("object_id")
            .distinct()
            .order_by("-object_id")[:RELATED_CANDIDATES]
        )
        shared = (
            tagged_items(tag_ids)
            .filter(object_id=OuterRef("pk"))
            .values("object_id")
            .annotate(count=Count("pk"))
            .values("count")
        )
        related = list(
            Article.objects.published()
            .filter(pk__in=Subquery(candidates))
            .annotate(shared=Subquery(shared))
            .for_cards()
            .order_by("-shared", "-published_at")[:limit]
        )
    if len(related) < limit:
        related += (
            Article.objects.published()
            .in_category(article.category_id)
            .exclude(pk__in=[article.pk, *(a.pk for a in related)])
            .for_cards()
            .latest_first()[: limit - len(related)]
        )
    return related


def tagged_items(tag_ids):
    """Taggings of articles with any of `tag_ids`, queried on taggit's table directly:
    through `Article.tags` the join casts the integer object_id to the bigint pk, and the
    cast keeps PostgreSQL from using the table's indexes."""
    return TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(Article), tag_id__in=tag_ids
    )


PERSONAL_PARTS = {
    "<!--humas:account-->": "includes/account.html",
    "<!--humas:messages-->": "includes/messages.html",
    "<!--humas:comments-->": "articles/_comments.html",
}


def fill_personal_parts(page, request, *, anonymous=False, comment_form=None):
    """Render the parts of a cached page that belong to one reader into its holes."""
    user = AnonymousUser() if anonymous else request.user
    context = {
        "article_url": page["url"],
        "comment_form": comment_form or (CommentForm() if user.is_authenticated else None),
        **comments_context(article_id=page["id"], user=user),
    }
    if anonymous:
        # The shared rendering: what any anonymous reader without notices sees.
        context.update(user=user, messages=(), request=request)
        render = partial(render_to_string, context=context)
    else:
        render = partial(render_to_string, context=context, request=request)
    html = page["skeleton"]
    for marker, template in PERSONAL_PARTS.items():
        html = html.replace(marker, render(template), 1)
    return html


def respond_with_count(html, page, total, status=200):
    views = number_format(page["views"] if total is None else total, force_grouping=True)
    return HttpResponse(html.replace(VIEW_COUNT_MARKER, views, 1), status=status)


@require_POST
def post_comment(request, slug):
    """The comment form under an article. Success redirects back to the article (PRG);
    a refusal shows the article again with the reader's text and the reason."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("articles:detail", kwargs={"slug": slug}))
    page = ArticleDetailView.cached_page(request, slug)
    form = CommentForm(request.POST)
    if form.is_valid():
        article = get_object_or_404(Article.objects.published(), pk=page["id"])
        try:
            comment = comments.post_comment(
                article=article, user=request.user, body=form.cleaned_data["body"]
            )
        except comments.CommentRefused as refusal:
            form.add_error("body", refusal.message)
        else:
            if comment.status == Comment.Status.APPROVED:
                messages.success(request, _("Thank you, your comment is published."))
            else:
                messages.info(
                    request,
                    _("Thank you. Your comment will appear once an editor has approved it."),
                )
            return redirect(f"{page['url']}#komentar-{comment.pk}")
    html = fill_personal_parts(page, request, comment_form=form)
    return respond_with_count(html, page, viewcount.current_total(page["id"]), status=400)


@require_POST
def report_comment(request, pk):
    comment = get_object_or_404(
        Comment.objects.approved().select_related("article"),
        pk=pk,
        article__in=Article.objects.published(),
    )
    back = f"{comment.article.get_absolute_url()}#komentar-{comment.pk}"
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    reason = request.POST.get("reason", "")
    if reason not in CommentReport.Reason.values:
        messages.error(request, _("Choose why you report this comment."))
    elif comment.user_id == request.user.pk:
        messages.error(request, _("You cannot report your own comment."))
    elif not request.user.is_verified:
        messages.error(request, _("Confirm your email address before reporting comments."))
    elif not throttle.hit(f"report:{request.user.pk}", limit=20, window_seconds=3600):
        messages.error(request, _("You have sent many reports. Try again in an hour."))
    elif comments.report_comment(comment=comment, reporter=request.user, reason=reason):
        messages.success(request, _("Thank you. The editors will look at this comment."))
    else:
        messages.info(request, _("You have already reported this comment."))
    return redirect(back)


@csrf_exempt  # pages behind a CDN's cache carry no usable CSRF token; see below
@require_POST
def view_beacon(request, slug):
    """Count a view reported by the page's script (VIEW_COUNT_MODE=beacon).

    The same rules as the page apply, with POST in place of GET. Without a CSRF token,
    only same-origin requests count: browsers mark cross-site ones in Sec-Fetch-Site.
    """
    article_id = Article.objects.published().filter(slug=slug).values_list("pk", flat=True).first()
    if article_id is None:
        raise Http404
    same_origin = request.headers.get("Sec-Fetch-Site", "same-origin") == "same-origin"
    if same_origin:
        total = viewcount.count_view(request, article_id, method="POST")
    else:
        total = viewcount.current_total(article_id)
    return JsonResponse(
        {"views": total, "display": number_format(total or 0, force_grouping=True)},
        headers={"Cache-Control": "no-store"},
    )


POPULAR_PERIODS = (
    (1, gettext_lazy("Today")),
    (7, gettext_lazy("7 days")),
    (30, gettext_lazy("30 days")),
)
POPULAR_CACHE_SECONDS = 60


def popular_lists(limit=5):
    """Most read over each period, from the daily buckets; cached for a minute.

    One ranking query per period, then one query for all their articles together.
    """
    key = f"articles:popular:{limit}"
    lists = cache.get(key)
    if lists is None:
        # Rank a few more than shown: some of the top may have been unpublished since.
        rankings = {days: rank_by_views(days, limit * 3) for days, _label in POPULAR_PERIODS}
        everyone = {pk for ranking in rankings.values() for pk in ranking}
        articles = {
            a.pk: a
            for a in Article.objects.published().filter(pk__in=everyone).only("title", "slug")
        }
        lists = [
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
        cache.set(key, lists, POPULAR_CACHE_SECONDS)
    labels = dict(POPULAR_PERIODS)
    return [{**item, "label": labels[item["days"]]} for item in lists]


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
                article.excerpt = mark_safe(clean_headline(headline))
            else:
                article.excerpt = search.excerpt(article, self.query)
        return context


def clean_headline(headline):
    """PostgreSQL's headline is the stored lead (plain text) with <mark> added: escape it,
    then let only our own <mark> tags through."""
    return escape(headline).replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>")


class ArchiveIndexView(TemplateView):
    """/arsip/: every month with published articles, newest first, with its count."""

    template_name = "articles/archive_index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(months=archive_months(), **kwargs)


def archive_months():
    """[{"month", "count"}] of every month with published articles, newest first.

    Counting a month means reading its articles, so the whole list reads the archive
    (75 ms at 100,000 articles): it is kept until the content changes, and at most
    KEPT_COUNT_SECONDS, so that scheduled articles coming due are counted too.
    """
    from .pagecache import content_version

    key = f"articles:archive-months:{content_version()}"
    months = cache.get(key)
    if months is None:
        months = list(
            Article.objects.published()
            .annotate(month=TruncMonth("published_at"))
            .values("month")
            .annotate(count=Count("pk"))
            .order_by("-month")
        )
        cache.set(key, months, KEPT_COUNT_SECONDS)
    return months


class ArchiveMonthView(TolerantPaginationMixin, ListView):
    """/arsip/<yyyy>/<mm>/: a month's articles, by the month in WIB."""

    template_name = "articles/archive_month.html"
    context_object_name = "articles"

    def get_queryset(self):
        year, month = self.kwargs["year"], self.kwargs["month"]
        if not (1 <= month <= 12 and 2000 <= year <= 2100):
            raise Http404
        start = timezone.make_aware(datetime(year, month, 1))
        end = timezone.make_aware(datetime(year + month // 12, month % 12 + 1, 1))
        self.month = start
        return (
            Article.objects.published()
            .filter(published_at__gte=start, published_at__lt=end)
            .for_cards()
            .latest_first()
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(month=self.month, **kwargs)


class AuthorArticleListView(TolerantPaginationMixin, ListView):
    """A staff writer's published articles. Addressed by number: login names stay private."""

    template_name = "articles/author_article_list.html"
    context_object_name = "articles"

    def get_queryset(self):
        self.author = get_object_or_404(get_user_model(), pk=self.kwargs["pk"], is_staff=True)
        return Article.objects.published().filter(author=self.author).for_cards().latest_first()

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


class PopularView(TemplateView):
    template_name = "articles/popular.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(popular=popular_lists(limit=10), **kwargs)


class CategoryArticleListView(TolerantPaginationMixin, ListView):
    template_name = "articles/category_article_list.html"
    context_object_name = "articles"

    def get_queryset(self):
        self.category = get_object_or_404(Category, slug=self.kwargs["slug"])
        return Article.objects.published().in_category(self.category).for_cards().latest_first()

    def count_key(self):
        return f"category:{self.category.pk}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, **kwargs)


class TagArticleListView(TolerantPaginationMixin, ListView):
    template_name = "articles/tag_article_list.html"
    context_object_name = "articles"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        tagged = tagged_items([self.tag.pk]).values("object_id")
        return Article.objects.published().filter(pk__in=tagged).for_cards().latest_first()

    def count_key(self):
        return f"tag:{self.tag.pk}"

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
    """A photographer's page: their latest photos, and the published articles that use
    them (as the featured photo or in the gallery)."""

    template_name = "articles/photographer_article_list.html"
    context_object_name = "articles"

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
