"""The old WordPress site's links keep working: 301 to where the content is now.

Costs nothing on the new site's own pages: the tables are consulted only for a request
that is about to answer 404, and for `/?p=<id>`-style links (WordPress's "plain"
permalinks) on the home page.
"""

import re
from urllib.parse import unquote

from django.core.files.storage import default_storage
from django.http import HttpResponsePermanentRedirect

from .models import ImportedAttachment, ImportedPost, LegacyPath

UPLOADS = "/wp-content/uploads/"
# WordPress serves resized copies of an upload as name-300x200.jpg, and since 5.3
# big originals as name-scaled.jpg; all of them lead to the imported photo.
SIZE_SUFFIX = re.compile(r"-(?:\d{1,5}x\d{1,5}|scaled|rotated)(?=\.[A-Za-z0-9]{2,5}$)")
# Archive pages and feeds of a post, category or tag: /page/2/, /feed/, /amp/, /embed/.
TRAILERS = re.compile(r"(?:/page/\d+|/feed(?:/[a-z0-9]+)?|/amp|/embed|/comment-page-\d+)/?$")


class LegacyRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in {"GET", "HEAD"} and request.path_info == "/":
            target = self.plain_permalink(request)
            if target:
                return HttpResponsePermanentRedirect(target)
        response = self.get_response(request)
        if response.status_code == 404 and request.method in {"GET", "HEAD"}:
            target = self.old_address(request.path_info)
            if target:
                return HttpResponsePermanentRedirect(target)
        return response

    @staticmethod
    def plain_permalink(request):
        """`/?p=123` (and `?page_id=`, `?attachment_id=`) of the old site."""
        for key in ("p", "page_id"):
            value = request.GET.get(key, "")
            if value.isdigit() and len(value) < 19:
                post = ImportedPost.objects.filter(wp_id=int(value)).select_related("article")
                post = post.first()
                return article_url(post.article) if post else None
        value = request.GET.get("attachment_id", "")
        if value.isdigit() and len(value) < 19:
            attachment = ImportedAttachment.objects.filter(wp_id=int(value)).first()
            return attachment_url(attachment)
        return None

    @staticmethod
    def old_address(path):
        path = unquote(path)
        if len(path) > 500:
            return None
        if path.startswith(UPLOADS):
            attachment = ImportedAttachment.objects.filter(
                path__in={path, SIZE_SUFFIX.sub("", path)}
            ).first()
            return attachment_url(attachment)
        candidates = {path, path.rstrip("/") + "/", path.rstrip("/")}
        shorter = TRAILERS.sub("", path)
        if shorter != path:
            candidates |= {shorter.rstrip("/") + "/", shorter.rstrip("/")}
        legacy = (
            LegacyPath.objects.filter(path__in=candidates)
            .select_related("article", "category", "tag")
            .first()
        )
        if legacy is None:
            return None
        return article_url(legacy.article) if legacy.article_id else legacy.target_url()


def article_url(article):
    """Where an old link to `article` leads: its page if readers may see it (published,
    or taken down: the notice says why), else nowhere, so that an old link reveals
    neither a draft nor a scheduled article."""
    if article.is_published() or article.status == article.Status.UNPUBLISHED:
        return article.get_absolute_url()
    return None


def attachment_url(attachment):
    if attachment is None:
        return None
    return default_storage.url(attachment.photo.image.name)
