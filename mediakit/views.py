"""GET /berita/<slug>/kit-media.zip: a published article's media kit, streamed.

The article must be public now (Article.objects.published(): a draft, a scheduled
article or an embargoed press release answers 404, whether or not a kit was built
before), and the address must be under its hourly limit. A kit already built for this
version of the article is sent from disk; otherwise it is built while it is sent and
kept (cache.py).
"""

from django.conf import settings
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from articles.models import Article
from humas import throttle
from humas.clientip import address_group, client_ip
from humas.links import absolute_url

from . import cache
from .kit import Kit

WINDOW_SECONDS = 3600


def kit_headers(article):
    return {
        "Content-Disposition": f'attachment; filename="kit-media-{article.slug}.zip"',
        # Not kept by browsers or proxies: a takedown must stop the next download.
        "Cache-Control": "private, no-cache",
        "X-Robots-Tag": "noindex",
    }


@require_safe
def download(request, slug):
    address = address_group(client_ip(request))
    if not throttle.hit(
        f"mediakit:{address}",
        limit=settings.MEDIAKIT_DOWNLOADS_PER_HOUR,
        window_seconds=WINDOW_SECONDS,
    ):
        response = render(request, "mediakit/too_many.html", status=429)
        response["Retry-After"] = str(WINDOW_SECONDS)
        return response
    article = get_object_or_404(
        Article.objects.published().select_related(
            "category", "author", "featured_photo__photographer"
        ),
        slug=slug,
    )
    kit = Kit(
        article,
        article_url=absolute_url(request, article.get_absolute_url()),
        site_url=absolute_url(request, "/"),
    )
    headers = kit_headers(article)
    if request.method == "HEAD":
        return HttpResponse(content_type="application/zip", headers=headers)
    path = cache.cached(article.pk, kit.version)
    if path is not None:
        # FileResponse closes the file once sent.
        return FileResponse(open(path, "rb"), content_type="application/zip", headers=headers)
    return StreamingHttpResponse(
        build_and_keep(kit, article.pk), content_type="application/zip", headers=headers
    )


def build_and_keep(kit, article_id):
    """The kit's chunks as they are made, written to the cache as they go; kept only if
    it was sent in full and every photo went in."""
    filling = cache.Filling(article_id, kit.version)
    complete = False
    try:
        yield from kit.stream(copy_to=filling.file)
        complete = kit.complete
    finally:
        # A download cut off half-way closes this generator: nothing is kept.
        if complete:
            filling.commit()
        else:
            filling.abort()
