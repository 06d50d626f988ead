from django.conf import settings
from django.utils.functional import SimpleLazyObject

from humas import pagecache

from .models import SiteSettings


def site(request):
    """The footer's settings: read once per content version, not per page. (The menu,
    the categories' included while no menu is set up, is menus' {% header_menu %}.)"""
    seconds = settings.PAGE_CACHE_SECONDS
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE": SimpleLazyObject(
            lambda: pagecache.kept("site-settings", SiteSettings.current, seconds)
        ),
    }
