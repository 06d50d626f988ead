from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MenusConfig(AppConfig):
    name = "menus"
    verbose_name = _("Menus")

    def ready(self):
        from humas import pagecache

        from .models import Menu, MenuItem

        # Every public page shows the menus (pages and categories are watched by their apps).
        pagecache.watch(Menu)
        pagecache.watch(MenuItem)
