from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class MediakitConfig(AppConfig):
    name = "mediakit"
    verbose_name = _("Media kits")

    def ready(self):
        from articles import parts
        from articles.models import Article

        from . import cache

        # A saved article gets a new kit at its next download; a taken-down or deleted
        # one keeps no copy of itself on disk (mediakit/cache.py).
        post_save.connect(cache.article_changed, sender=Article, dispatch_uid="mediakit-saved")
        post_delete.connect(cache.article_changed, sender=Article, dispatch_uid="mediakit-deleted")
        # "Unduh kit media" at the end of every article: a plain link, the same for every
        # reader, so it belongs in the shared copy of the page.
        parts.register("end", "mediakit/_link.html")
