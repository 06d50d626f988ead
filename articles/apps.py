from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Newsroom")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .models import Article, ArticleNote, Category, Comment, GalleryItem, Photo
        from .pagecache import content_changed

        for model in (Article, ArticleNote, Category, Comment, GalleryItem, Photo):
            post_save.connect(
                content_changed, sender=model, dispatch_uid=f"pagecache-{model.__name__}"
            )
            post_delete.connect(
                content_changed, sender=model, dispatch_uid=f"pagecache-{model.__name__}-del"
            )
