from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = _("Pages")

    def ready(self):
        from humas import pagecache, search

        from .models import Page
        from .search import find

        # Pages show on their own addresses, in menus, the sitemap and breadcrumbs.
        pagecache.watch(Page)
        search.register("pages", _("Pages"), find)
