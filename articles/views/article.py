"""The article page and what is posted from it (comments, reports, the view beacon).

GET /berita/<slug>/ in one place: a preview for staff or a signed link, else the shared
copy of the page (humas.pagecache: rendered once per content version), with the
reader's own parts and the view count put in for this request (viewcount.count_view).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import DetailView

from humas import pagecache, throttle
from humas.clientip import client_ip
from humas.links import absolute_url

from .. import comments, viewcount, workflow
from ..comments import CommentForm
from ..models import Article, Comment, CommentReport
from ..sharing import news_article, share_links
from .listings import most_read


def views_display(total, fallback=0):
    """The count to show ("1.234"): the total just read, or `fallback` when the counter
    did not answer (the count the page was rendered with)."""
    return number_format(fallback if total is None else total, force_grouping=True)


class ArticleDetailView(DetailView):
    """The article page: shared by every reader, counted for each."""

    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.published().for_page()

    def get(self, request, *args, **kwargs):
        preview = self.preview(request, kwargs["slug"])
        if preview is not None:
            return preview
        entry = self.shared_copy(request, kwargs["slug"], path=request.path)
        if not isinstance(entry, pagecache.Entry):
            return entry
        if settings.VIEW_COUNT_MODE == "server":
            total = viewcount.count_view(request, entry.meta["article_id"])
        else:
            total = viewcount.current_total(entry.meta["article_id"])
        return pagecache.respond(
            request, entry, values={"view_count": views_display(total, entry.meta["views"])}
        )

    def shared_copy(self, request, slug, path=None):
        """The page as every reader gets it (rendered if need be), or the answer for an
        article that is not public: 410 for one taken down, else 404. Kept under its
        path alone: ?utm_source= and the like share it."""

        def build():
            self.setup(request, slug=slug)
            return super(ArticleDetailView, self).get(request, slug=slug)

        try:
            path = path or reverse("articles:detail", args=[slug])
            return pagecache.page(request, build, path=path)
        except Http404:
            return taken_down(request, slug)

    def preview(self, request, slug):
        """An unpublished article for a signed preview link (?pratinjau=) or for staff
        who may see it; never cached, never counted. None: not a preview."""
        token = request.GET.get("pratinjau")
        user = request.user
        if token is None and not (user.is_authenticated and user.is_staff):
            return None  # readers: no query on the way to the shared copy
        article = Article.objects.filter(slug=slug).first()
        if article is None or article.is_published():
            return None  # the public page answers
        if not workflow.can_preview(user, article):
            if token is None or article.is_withdrawn():
                return None  # 404, or the notice that it was taken down
            if workflow.article_for_preview(token) != article:
                # Out of date, or made for another article: nothing of it is shown.
                return render(request, "articles/preview_expired.html", status=404)
        self.object = Article.objects.for_page().get(pk=article.pk)
        response = self.render_to_response(self.get_context_data(object=self.object, preview=True))
        response.headers["Cache-Control"] = "private, no-store"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        # Rendered like the shared copy, with the same reader parts, but never kept.
        entry = pagecache.render(request, response)
        views = views_display(self.object.view_count)
        return pagecache.respond(request, entry, values={"view_count": views})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        path = article.get_absolute_url()
        page_url = absolute_url(self.request, path)
        share_image_url = ""
        if article.featured_photo:
            share_image_url = absolute_url(self.request, article.featured_photo.share_image["url"])
        context.update(
            gallery=list(article.gallery_items.select_related("photo__photographer"))
            if article.has_gallery
            else [],
            notes=list(article.notes.all()) if article.has_notes else [],
            json_ld=news_article(article, url=page_url, image_url=share_image_url),
            related=Article.objects.related_to(article),
            share_image_url=share_image_url,
            absolute_url=page_url,
            share_links=share_links(url=page_url, title=article.title),
            view_beacon=settings.VIEW_COUNT_MODE == "beacon",
            popular=most_read(),
            page_path=path,
            # What the reader parts (comment area) are rendered with, per request: the
            # approved comments are the same for every reader, so read once here.
            page_meta={
                "article_id": article.pk,
                "article_url": path,
                "views": article.view_count,
                "approved_comments": comments.approved_comments(article.pk),
            },
        )
        return context


def taken_down(request, slug):
    """A withdrawn article answers with a public notice and its reason, not a 404."""
    article = Article.objects.withdrawn().filter(slug=slug).first()
    if article is None:
        raise Http404
    withdrawn = article.transitions.filter(to_status=Article.Status.UNPUBLISHED).first()
    return render(
        request,
        "articles/article_taken_down.html",
        {"article": article, "withdrawn_at": withdrawn.at if withdrawn else None},
        status=410,
    )


@require_POST
def post_comment(request, slug):
    """The comment form under an article. Success redirects back to the article (PRG);
    a refusal shows the article again with the reader's text and the reason."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("articles:detail", kwargs={"slug": slug}))
    entry = ArticleDetailView().shared_copy(request, slug)
    if not isinstance(entry, pagecache.Entry):
        return entry
    article_id = entry.meta["article_id"]
    form = CommentForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            comment = comments.post_comment(
                article=get_object_or_404(Article.objects.published(), pk=article_id),
                user=request.user,
                body=form.cleaned_data["body"],
                address=client_ip(request),
            )
        except comments.CommentRefused as refusal:
            form.add_error("body", refusal.message)
            status = refusal.status
        else:
            if comment.status == Comment.Status.APPROVED:
                messages.success(request, _("Thank you, your comment is published."))
            else:
                messages.info(
                    request,
                    _("Thank you. Your comment will appear once an editor has approved it."),
                )
            return redirect(f"{entry.meta['article_url']}#komentar-{comment.pk}")
    response = pagecache.respond(
        request,
        entry,
        values={
            "view_count": views_display(viewcount.current_total(article_id), entry.meta["views"])
        },
        context={"comment_form": form},
        status=status,
    )
    if status == 429:
        response["Retry-After"] = str(settings.COMMENT_ADDRESS_WINDOW_MINUTES * 60)
    return response


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
    elif not request.user.email_verified:
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
    """Count a view reported by the page's script (VIEW_COUNT_MODE=beacon only).

    The same rules as the page apply, with POST in place of GET. Without a CSRF token,
    only the page's own same-origin requests count (viewcount.beacon_allowed): browsers
    mark every fetch with Sec-Fetch-Site and Origin, which a page elsewhere cannot forge.
    """
    if settings.VIEW_COUNT_MODE != "beacon":
        raise Http404
    article_id = Article.objects.published().filter(slug=slug).values_list("pk", flat=True).first()
    if article_id is None:
        raise Http404
    if not viewcount.beacon_allowed(request):
        return HttpResponseForbidden(_("Only this site's pages may report views."))
    total = viewcount.count_view(request, article_id, method="POST")
    return JsonResponse(
        {"views": total, "display": views_display(total)},
        headers={"Cache-Control": "no-store"},
    )
