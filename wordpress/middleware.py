"""The old WordPress site's links keep working: 301 to where the content is now.

Costs nothing on the new site's own pages: the tables are consulted only for a request
that is about to answer 404, and for `/?p=<id>`-style links (WordPress's "plain"
permalinks) on the home page.
"""

import re
from urllib.parse import unquote

from django.core.files.storage import default_storage
from django.http import HttpResponsePermanentRedirect

from .models import ImportedAttachment, ImportedDocument, ImportedPage, ImportedPost, LegacyPath

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
        if request.method in {"GET", "HEAD"} and (
            response.status_code == 404 or slash_appended(request, response)
        ):
            target = self.old_address(request.path_info)
            if target:
                return HttpResponsePermanentRedirect(target)
        return response

    @staticmethod
    def plain_permalink(request):
        """`/?p=123` (and `?page_id=`, `?attachment_id=`) of the old site. WordPress
        answers ?p= with a page too, and ?page_id= with a post."""
        for key in ("p", "page_id"):
            value = request.GET.get(key, "")
            if value.isdigit() and len(value) < 19:
                post = ImportedPost.objects.filter(wp_id=int(value)).select_related("article")
                post = post.first()
                if post:
                    return article_url(post.article)
                page = ImportedPage.objects.filter(wp_id=int(value)).select_related("page")
                page = page.first()
                return page_url(page.page) if page else None
        value = request.GET.get("attachment_id", "")
        if value.isdigit() and len(value) < 19:
            attachment = ImportedAttachment.objects.filter(wp_id=int(value)).first()
            if attachment:
                return attachment_url(attachment)
            document = ImportedDocument.objects.filter(wp_id=int(value)).select_related("document")
            return document_url(document.first())
        return None

    @staticmethod
    def old_address(path):
        path = unquote(path)
        if len(path) > 500:
            return None
        if path.startswith(UPLOADS):
            paths = {path, SIZE_SUFFIX.sub("", path)}
            attachment = ImportedAttachment.objects.filter(path__in=paths).first()
            if attachment:
                return attachment_url(attachment)
            document = ImportedDocument.objects.filter(path=path).select_related("document")
            return document_url(document.first())
        candidates = {path, path.rstrip("/") + "/", path.rstrip("/")}
        shorter = TRAILERS.sub("", path)
        if shorter != path:
            candidates |= {shorter.rstrip("/") + "/", shorter.rstrip("/")}
        legacy = (
            LegacyPath.objects.filter(path__in=candidates)
            .select_related("article", "category", "tag", "page")
            .first()
        )
        if legacy is None:
            return None
        if legacy.article_id:
            return article_url(legacy.article)
        if legacy.page_id:
            return page_url(legacy.page)
        return legacy.target_url()


def article_url(article):
    """Where an old link to `article` leads: its page if readers may see it (published,
    or taken down: the notice says why), else nowhere, so that an old link reveals
    neither a draft nor a scheduled article."""
    if article.is_published() or article.status == article.Status.UNPUBLISHED:
        return article.get_absolute_url()
    return None


def slash_appended(request, response):
    """CommonMiddleware's APPEND_SLASH answer: the pages app answers any path ending in a
    slash, so an unknown old address without one (/berita/judul) gets a 301 to itself
    with a slash before it could be a 404; its old target, if known, comes first."""
    return (
        response.status_code == 301
        and not request.path_info.endswith("/")
        and response.get("Location", "").partition("?")[0] == request.path + "/"
    )


def page_url(page):
    """A page's address if readers may see it; an old link reveals no draft."""
    return page.get_absolute_url() if page.is_published() else None


def document_url(imported):
    """An old file address leads to the document's file (its download, which counts
    it), if the document is published; else nowhere."""
    if imported is None or not imported.document.is_published:
        return None
    return imported.document.get_download_url()


def attachment_url(attachment):
    if attachment is None:
        return None
    return default_storage.url(attachment.photo.image.name)
