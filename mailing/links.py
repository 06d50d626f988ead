from django.conf import settings


def site_url(path: str) -> str:
    """A full address for a link in a mail sent from cron, where no request tells the
    host: SITE_URL (a system check warns when it is unset outside DEBUG)."""
    return (settings.SITE_URL or "http://localhost:8000") + path
