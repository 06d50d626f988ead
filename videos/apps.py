from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VideosConfig(AppConfig):
    name = "videos"
    verbose_name = _("Videos")

    def ready(self):
        from humas import pagecache

        from .models import Video

        # The gallery and every video's page (humas/pagecache/, docs/caching.md).
        pagecache.watch(Video)
