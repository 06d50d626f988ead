import functools

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db import models
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers


class CookieLocaleMiddleware:
    """Activate the language chosen with the language switcher, else Indonesian.

    Django's LocaleMiddleware also follows the browser's Accept-Language, which would
    show an English page to most phones set to English; the portal speaks Indonesian
    unless the reader asks otherwise (the switcher sets Django's language cookie).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        # Cached pages must not mix languages.
        patch_vary_headers(response, ("Cookie",))
        return response


@functools.cache
def upload_prefixes() -> tuple[str, ...]:
    """The admin pages of every model that holds files (photos and their bulk upload,
    documents, video posters), e.g. "/admin/articles/photo/": where staff send large
    bodies. Read from the admin's registry, so a new model with a file is covered
    without a list to keep."""
    return tuple(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in apps.get_models()
        if admin.site.is_registered(model)
        and any(isinstance(field, models.FileField) for field in model._meta.get_fields())
    )


class RequestSizeLimitMiddleware:
    """Refuse a request body larger than its path allows, before anything reads it.

    Django streams file uploads to disk whatever their size, and the CSRF check itself
    reads a POST's body, so without this anyone could make a worker write gigabytes to
    /tmp, or take a 20 MB "comment" in full before the form refuses it. The large limit,
    MAX_REQUEST_BYTES (MAX_REQUEST_MB), is for staff on the admin's upload pages
    (upload_prefixes()); every other request, every public form among them, has
    MAX_FORM_BYTES (MAX_FORM_MB), but the public forms that take a file, which have their
    own limits in FORM_UPLOAD_PATHS (the PPID request form). The decision uses
    Content-Length and the session alone. nginx's client_max_body_size does the same in
    front, per location (docs/deploy.md); this is the same rule for a site served without
    it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_FORM_BYTES:
            limit = self.limit(request)
            if length > limit:
                return self.refuse(request, limit)
        return self.get_response(request)

    @staticmethod
    def limit(request) -> int:
        if request.path.startswith(upload_prefixes()) and request.user.is_staff:
            return settings.MAX_REQUEST_BYTES
        # A public form that takes a file (the PPID request's identity scan) has its own.
        return max(settings.MAX_FORM_BYTES, settings.FORM_UPLOAD_PATHS.get(request.path, 0))

    @staticmethod
    def refuse(request, limit):
        response = render(request, "413.html", {"limit_mb": limit // (1024 * 1024)}, status=413)
        # The unread body stays on the connection; do not reuse it.
        response["Connection"] = "close"
        return response
