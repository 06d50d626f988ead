def lockout_username(request, credentials):
    """The username django-axes counts failures for: trimmed and lower-cased, so that
    "Ani@Example.com" and "ani@example.com " share one lockout."""
    username = (credentials or {}).get("username") or request.POST.get("username") or ""
    return username.strip().lower()
