from django.contrib.admin.apps import AdminConfig as BaseAdminConfig


class AdminConfig(BaseAdminConfig):
    """Django's admin with our site (accounts/twofactor/adminsite.py): its login is the
    site's two-factor login, and staff need a verified session to open it."""

    default_site = "accounts.twofactor.adminsite.AdminSite"
