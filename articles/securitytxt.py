"""/.well-known/security.txt (RFC 9116): how to report a vulnerability, from the site
settings a site admin edits (SiteSettings.security_*).

Not a cached page: one small query per request, so a changed contact is served at once
and a removed one answers 404 at once, on every worker (docs/caching.md).
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe

from .models import SiteSettings

PATH = "/.well-known/security.txt"


def one_line(value: str) -> bool:
    """Whether `value` stays on its line. The form refuses line breaks; a value written
    around it (a shell, an import) must not add a field of its own to the file."""
    return not any(char in value for char in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def expires(days: int) -> str:
    """RFC 3339 in UTC, `days` from the start of today (UTC): the same all day long."""
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return (today + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def security_txt_lines(row: SiteSettings, canonical: str) -> list[str]:
    """The file's fields in RFC 9116's order; empty or unsafe values left out."""
    fields = [
        ("Contact", row.security_contact),
        ("Expires", expires(row.security_expires_days)),
        ("Encryption", row.security_encryption),
        ("Acknowledgments", row.security_acknowledgments),
        ("Preferred-Languages", row.security_languages),
        ("Canonical", canonical),
        ("Policy", row.security_policy),
    ]
    return [f"{name}: {value}" for name, value in fields if value and one_line(value)]


@require_safe
def security_txt(request):
    row = SiteSettings.objects.filter(pk=1).first()
    if row is None or not row.security_contact or not one_line(row.security_contact):
        raise Http404
    base = settings.SITE_URL or f"{request.scheme}://{request.get_host()}"
    lines = [
        "# How to report a security vulnerability in this site (RFC 9116).",
        *security_txt_lines(row, f"{base}{PATH}"),
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
