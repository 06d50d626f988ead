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
