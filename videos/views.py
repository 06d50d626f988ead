"""The video gallery and a video's page, served from the shared page cache (urls.py).

A video's page shows its poster with a play link, not YouTube's player: nothing loads
from YouTube until the reader asks. The link is /video/<slug>/?putar=1, the same page
with the player (youtube-nocookie.com) in place of the poster, for readers without
JavaScript; with it, videos/facade.js puts the player in place without leaving the page.
"""

from csp.constants import SELF
from csp.decorators import csp_update
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.generic import ListView

from articles.paginator import TolerantPaginationMixin
from humas import pagecache

from .models import Video
from .youtube import EMBED_HOST

PLAY_PARAMETER = "putar"


class VideoListView(TolerantPaginationMixin, ListView):
    """/video/: published videos, newest first."""

    template_name = "videos/video_list.html"
    context_object_name = "videos"

    def get_queryset(self):
        return Video.objects.published().latest_first()

    def count_key(self):
        return "videos"


# Only a video's page may frame the player, and only from the cookie-less host: the
# site-wide policy (humas/settings.py) frames nothing but our own pages. The JavaScript
# path puts the player into this very page, so the page without ?putar=1 needs it too.
@csp_update({"frame-src": [SELF, EMBED_HOST]})
def video_detail(request, slug):
    playing = request.GET.get(PLAY_PARAMETER) == "1"

    def build():
        video = get_object_or_404(Video.objects.published().select_related("article"), slug=slug)
        context = {"video": video, "playing": playing}
        return TemplateResponse(request, "videos/video_detail.html", context)

    # The page cache keys pages by path and page number only (copies.page_key), so the
    # player variant gets a key of its own; any other value of ?putar= is the poster.
    path = (request.path, PLAY_PARAMETER) if playing else None
    entry = pagecache.page(request, build, path=path)
    if not isinstance(entry, pagecache.Entry):
        return entry  # not a 200: returned as it is, never kept
    return pagecache.respond(request, entry)
