from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Newsroom")

    def ready(self):
        from taggit.models import Tag, TaggedItem

        from humas import pagecache

        from . import models

        # Everything of the newsroom that shows on a public page (humas/pagecache/).
        for model in (
            models.Article,
            models.ArticleNote,
            models.Category,
            models.GalleryItem,
            models.Photo,
            models.Photographer,
            models.SiteSettings,
            Tag,
            TaggedItem,
        ):
            pagecache.watch(model)
        pagecache.watch(models.Comment, shows=models.Comment.is_or_was_public)
        pagecache.watch_schedule(models.Article.objects.next_scheduled_time)
