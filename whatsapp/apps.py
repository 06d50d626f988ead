from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WhatsappConfig(AppConfig):
    name = "whatsapp"
    verbose_name = _("WhatsApp text")

    def ready(self):
        from articles import stafflinks

        from . import links

        stafflinks.register(links.article_links)
        stafflinks.register_list(links.list_links)
