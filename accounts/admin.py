from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice
from two_factor.plugins.webauthn.models import WebauthnDevice

from audit.events import record

from . import sessions
from .models import User, UserSession
from .twofactor.services import reset_second_factor


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = (
        "username",
        "email",
        "display_name",
        "is_staff",
        "second_factor",
        "is_active",
        "date_joined",
    )
    search_fields = ("username", "email", "display_name", "first_name", "last_name")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (gettext_lazy("Public profile"), {"fields": ("display_name",)}),
    )

    def get_queryset(self, request):
        apps = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        passkeys = WebauthnDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return (
            super()
            .get_queryset(request)
            .annotate(has_second_factor=Exists(apps) | Exists(passkeys))
        )

    @admin.display(description=gettext_lazy("Two-step sign-in"), boolean=True)
    def second_factor(self, user):
        return user.has_second_factor

    def get_urls(self):
        return [
            path(
                "<id>/dua-langkah/reset/",
                self.admin_site.admin_view(self.reset_second_factor_view),
                name="accounts_user_reset_second_factor",
            ),
            *super().get_urls(),
        ]

    def can_reset_second_factor(self, request, target) -> bool:
        """Someone else's, with both permissions; a superuser's only by a superuser (or
        a user administrator could reset it, set its password and be the superuser)."""
        user = request.user
        if target is None or target.pk == user.pk:
            return False
        if target.is_superuser and not user.is_superuser:
            return False
        return user.has_perm("accounts.change_user") and user.has_perm(
            "accounts.reset_second_factor"
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        target = self.get_object(request, unquote(object_id))
        extra_context = {
            **(extra_context or {}),
            "can_reset_second_factor": self.can_reset_second_factor(request, target),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def reset_second_factor_view(self, request, id):
        """A confirmation page, then (POST) the reset: the user's devices and sessions go."""
        target = self.get_object(request, unquote(id))
        if target is None:
            raise Http404
        if not self.can_reset_second_factor(request, target):
            raise PermissionDenied
        if request.method == "POST":
            result = reset_second_factor(user=target, request=request)
            messages.success(
                request,
                _(
                    "The second factor of %(user)s was reset: %(devices)d device(s) removed, "
                    "%(sessions_ended)d session(s) ended."
                )
                % {"user": target.get_username(), **result},
            )
            return redirect(reverse("admin:accounts_user_change", args=[target.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": target,
            "title": _("Reset the second factor of %(user)s") % {"user": target.get_username()},
            "devices": list(devices_for_user(target, confirmed=None)),
            "session_count": UserSession.objects.filter(user=target).count(),
        }
        return TemplateResponse(request, "admin/accounts/user/reset_second_factor.html", context)

    def user_change_password(self, request, id, form_url=""):
        """Django's page; a changed password also ends the user's other sessions (all of
        them when it is someone else's)."""
        target = self.get_object(request, unquote(id))
        before = target.password if target else None
        old_key = request.session.session_key
        response = super().user_change_password(request, id, form_url)
        if target is not None and request.method == "POST":
            target.refresh_from_db(fields=["password"])
            if target.password != before:
                own = target.pk == request.user.pk
                new_key = request.session.session_key
                if own:
                    sessions.rekey(old_key, new_key)
                ended = sessions.end_sessions(target, keep_session_key=new_key if own else None)
                record(
                    "session.ended_others",
                    request=request,
                    target=target,
                    details={"reason": "admin_password_change", "sessions": ended},
                )
        return response
