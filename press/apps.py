from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class PressConfig(AppConfig):
    name = "press"
    verbose_name = _("Press")

    def ready(self):
        from articles.models import Article
        from mailing import registry

        from . import mail, services

        registry.register_renderer(
            services.LIST_KEY,
            mail.render_release,
            title=_("Press releases for journalists"),
            queue=services.queue_due,
        )

        post_save.connect(
            services.release_saved, sender=Article, dispatch_uid="press.release_saved"
        )
