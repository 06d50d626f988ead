from django.conf import settings
from django.core.cache import cache
from django.utils.functional import SimpleLazyObject

from .models import NAV_CACHE_KEY, Category, SiteSettings


def nav_categories():
    """The menu's categories: one small query a minute at most, not one per page."""
    categories = cache.get(NAV_CACHE_KEY)
    if categories is None:
        categories = [{"name": c.name, "url": c.get_absolute_url()} for c in Category.objects.all()]
        cache.set(NAV_CACHE_KEY, categories, 60)
    return categories


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE": SimpleLazyObject(SiteSettings.current),
        "nav_categories": SimpleLazyObject(nav_categories),
    }
