from django.conf import settings
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


class RequestSizeLimitMiddleware:
    """Refuse a request body larger than MAX_REQUEST_BYTES before anything reads it.

    Django streams file uploads to disk whatever their size, and the CSRF check itself
    reads a POST's body, so without this anyone could make a worker write gigabytes to
    /tmp. nginx's client_max_body_size does the same in front (docs/deploy.md); this is
    the same limit for a site served without it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            from django.shortcuts import render

            response = render(
                request,
                "413.html",
                {"limit_mb": settings.MAX_REQUEST_BYTES // (1024 * 1024)},
                status=413,
            )
            # The unread body stays on the connection; do not reuse it.
            response["Connection"] = "close"
            return response
        return self.get_response(request)
