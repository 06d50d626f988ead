from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = _("Pages")

    def ready(self):
        from articles import photouse
        from humas import pagecache, search

        from .models import Page
        from .search import find
        from .workflow import note_photo_change, showing_photos

        # Pages show on their own addresses, in menus, the sitemap and breadcrumbs.
        pagecache.watch(Page)
        search.register("pages", _("Pages"), find)
        # A published page's photo changes through an editor, as an article's does.
        photouse.register(showing_photos, note_photo_change)
