from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from . import second_factor_required


class AdminSite(admin.AdminSite):
    """The admin, signed in to through the site's login only.

    Django's admin has a login form of its own that takes a password alone; here it
    sends to the site's login (password, then the second factor), so there is one way
    in. Staff who must give a second factor and have not in this session have no
    permission, even if something let them past SecondFactorMiddleware.
    """

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        return request.user.is_verified() or not second_factor_required(request.user)

    def login(self, request, extra_context=None):
        if request.user.is_authenticated:
            # Signed in, but without access: the site's login would send them straight
            # back here (it passes signed-in users on to "next").
            return render(request, "two_factor/admin_denied.html", status=403)
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = reverse("admin:index", current_app=self.name)
        return redirect_to_login(next_url)
