from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HumasConfig(AppConfig):
    """What every app shares: the public page cache and its invalidation hub
    (pagecache.py), rate limits (throttle.py), plain-text cleaning (text.py)."""

    name = "humas"
    verbose_name = _("Site")
