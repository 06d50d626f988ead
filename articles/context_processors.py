from django.conf import settings
from django.utils.functional import SimpleLazyObject

from humas import pagecache

from .models import Category, SiteSettings


def nav_categories():
    return [{"name": c.name, "url": c.get_absolute_url()} for c in Category.objects.all()]


def site(request):
    """The menu and the footer's settings: read once per content version, not per page."""
    seconds = settings.PAGE_CACHE_SECONDS
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE": SimpleLazyObject(
            lambda: pagecache.kept("site-settings", SiteSettings.current, seconds)
        ),
        "nav_categories": SimpleLazyObject(lambda: pagecache.kept("nav", nav_categories, seconds)),
    }
