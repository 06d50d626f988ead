from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from humas import pagecache

        from . import sessions  # noqa: F401 - its signal receivers track sign-ins
        from .models import User
        from .twofactor import services as twofactor_services

        twofactor_services.connect_signals()

        # Public pages show users' names (bylines, comments): a change of name or a
        # deleted account changes them. A new account shows nowhere yet, and a login
        # (last_login) or a verified address changes nothing public.
        pagecache.watch(
            User,
            fields=("display_name", "first_name", "last_name", "username", "is_staff"),
            on_create=False,
        )
