from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DigestConfig(AppConfig):
    name = "digest"
    verbose_name = _("News digest")

    def ready(self):
        from mailing import registry

        from . import LIST_KEY, services

        registry.register_renderer(LIST_KEY, services.render, title=_("News digest"))
