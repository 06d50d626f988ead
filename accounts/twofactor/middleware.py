import functools
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from . import default_device, second_factor_required


class SecondFactorMiddleware:
    """Staff who must give a second factor and have not in this session are sent to give
    it (they have a device) or to enrol one (they have none), from every page but the
    few that do that: the admin, staff previews and public pages alike stay shut.

    Readers and visitors cost nothing here: no session cookie, no check; a signed-in
    reader's user is the one the page loads anyway.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            user = request.user
            if (
                user.is_authenticated
                and user.is_staff
                and not user.is_verified()
                and not request.path.startswith(open_paths())
                and second_factor_required(user)
            ):
                step = "two_factor:verify" if default_device(user) else "two_factor:setup"
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse(step)}?{query}")
        return self.get_response(request)


@functools.cache
def open_paths() -> tuple[str, ...]:
    """What staff without a verified session may open: the steps that verify or enrol,
    signing out, static files and the language switch."""
    return (
        reverse("two_factor:verify"),
        reverse("two_factor:confirm-email"),
        reverse("two_factor:setup"),  # with its QR code and completion page below it
        reverse("two_factor:webauthn:create_credential"),  # the passkey enrolment's script
        reverse("logout"),
        settings.STATIC_URL,
        reverse("switch-language", args=["id"]).removesuffix("id/"),
    )
