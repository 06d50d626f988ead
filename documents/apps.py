from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self):
        from humas import pagecache, search

        from . import models
        from .search import find

        # Listings, document pages and the articles they are attached to (humas/pagecache/).
        pagecache.watch(models.Document)
        search.register("documents", _("Documents"), find)
