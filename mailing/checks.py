from django.conf import settings
from django.core.checks import Warning, register


@register()
def site_url_for_mail(app_configs, **kwargs):
    if settings.SITE_URL or settings.DEBUG:
        return []
    return [
        Warning(
            "SITE_URL is not set: links in list mails (confirm, unsubscribe, press "
            "releases) would point to http://localhost:8000.",
            hint="Set SITE_URL to the public address, e.g. https://humas.example.go.id.",
            id="mailing.W001",
        )
    ]
