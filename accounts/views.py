import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from audit.events import record
from humas import throttle
from humas.clientip import address_group, client_ip

from . import services, sessions
from .forms import DeleteAccountForm, ProfileForm, RegistrationForm
from .tokens import email_verification_token

User = get_user_model()

RESENDS_PER_HOUR = 3  # per account


def safe_next(request, default="/"):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return default


def register(request):
    if request.user.is_authenticated:
        return redirect(safe_next(request, reverse("profile")))
    form = RegistrationForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        # Only sign-ups count (one reader's refused forms must not block everyone behind
        # an office's or a carrier's address), and one over the limit creates nothing.
        if not throttle.hit(
            f"register:{address_group(client_ip(request))}",
            limit=settings.REGISTRATIONS_PER_ADDRESS_PER_HOUR,
            window_seconds=3600,
        ):
            form.add_error(
                None, _("Too many registrations from your network. Try again in an hour.")
            )
            status = 429
        else:
            services.register_reader(
                request=request,
                email=form.cleaned_data["email"],
                display_name=form.cleaned_data["display_name"],
                password=form.cleaned_data["password"],
            )
            return redirect(f"{reverse('register-done')}?next={safe_next(request)}")
    return render(
        request, "accounts/register.html", {"form": form, "next": safe_next(request, "")},
        status=status,
    )  # fmt: skip


def register_done(request):
    return render(request, "accounts/register_done.html", {"next": safe_next(request, "")})


def verify_email(request, uidb64, token):
    try:
        user = User.objects.get(pk=urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError, User.DoesNotExist):
        user = None
    if user is None or not email_verification_token.check_token(user, token):
        already = user is not None and user.email_verified
        return render(
            request, "accounts/verify_failed.html", {"already_verified": already}, status=400
        )
    services.verify_email(user)
    return render(request, "accounts/verify_done.html", {"verified_user": user})


@login_required
@require_POST
def resend_verification(request):
    user = request.user
    if user.email_verified:
        messages.info(request, _("Your email address is already verified."))
    elif not throttle.hit(f"resend:{user.pk}", limit=RESENDS_PER_HOUR, window_seconds=3600):
        messages.error(request, _("We sent several emails already. Try again in an hour."))
    else:
        services.send_verification(request=request, user=user)
        messages.success(
            request, _("We sent a new verification link to %(email)s.") % {"email": user.email}
        )
    return redirect(safe_next(request, reverse("profile")))


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        return redirect("profile")
    comments = request.user.comments.select_related("article").order_by("-created_at")[:100]
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "comments": comments,
            "delete_form": DeleteAccountForm(request.user),
            "sessions": sessions.listing(request.user, current_key=request.session.session_key),
        },
    )


@login_required
@require_POST
def end_other_sessions(request):
    ended = sessions.end_sessions(request.user, keep_session_key=request.session.session_key)
    record(
        "session.ended_others",
        request=request,
        target=request.user,
        details={"reason": "profile", "sessions": ended},
    )
    messages.success(
        request,
        ngettext(
            "%(count)d other session was ended.", "%(count)d other sessions were ended.", ended
        )
        % {"count": ended},
    )
    return redirect(f"{reverse('profile')}#sesi")


@login_required
def profile_data(request):
    """Everything we hold about the reader, as a JSON file (UU PDP's right of access)."""
    user = request.user
    data = {
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "email_verified_at": user.email_verified_at.isoformat()
            if user.email_verified_at
            else None,
            "privacy_consent_at": user.privacy_consent_at.isoformat()
            if user.privacy_consent_at
            else None,
        },
        "comments": [
            {
                "article": c.article.title,
                "url": c.article.get_absolute_url(),
                "text": c.body,
                "status": c.status,
                "posted_at": c.created_at.isoformat(),
            }
            for c in user.comments.select_related("article").order_by("created_at")
        ],
        "comment_reports": [
            {"comment": r.comment_id, "reason": r.reason, "reported_at": r.created_at.isoformat()}
            for r in user.comment_reports.order_by("created_at")
        ],
    }
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    record("export.account_data", request=request, target=user)
    response["Content-Disposition"] = 'attachment; filename="data-akun-humas.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def delete_account(request):
    form = DeleteAccountForm(request.user, request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["password"][0])
        return redirect(f"{reverse('profile')}#hapus-akun")
    user = request.user
    logout(request)
    services.delete_account(user=user)
    messages.success(request, _("Your account and personal data were deleted."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


def privacy(request):
    return render(request, "accounts/privacy.html")


def lockout(request, credentials=None, *args, **kwargs):
    """django-axes' answer to a locked username and address, or to an address locked for
    failing across usernames (accounts.backends.AddressLimitBackend): 429 and the cool-off."""
    address_locked = getattr(request, "login_address_locked", False)
    # Both locks last one cool-off (LOGIN_COOLOFF_MINUTES).
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/lockout.html",
        {"address_locked": address_locked, "minutes": minutes},
        status=429,
    )


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's reset view (the same answer for known and unknown addresses), with a cap
    on requests per client address so it cannot be used to flood mailboxes."""

    email_template_name = "accounts/email/password_reset_body.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    extra_email_context = {"site_name": settings.SITE_NAME}
    RESETS_PER_HOUR = 10

    def form_valid(self, form):
        if not throttle.hit(
            f"reset:{client_ip(self.request)}", limit=self.RESETS_PER_HOUR, window_seconds=3600
        ):
            form.add_error(None, _("Too many requests from your network. Try again in an hour."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view; every other session of the user ends, this one stays."""

    def form_valid(self, form):
        old_key = self.request.session.session_key
        response = super().form_valid(form)  # gives this session a new key
        new_key = self.request.session.session_key
        sessions.rekey(old_key, new_key)
        ended = sessions.end_sessions(self.request.user, keep_session_key=new_key)
        record(
            "session.ended_others",
            request=self.request,
            target=self.request.user,
            details={"reason": "password_change", "sessions": ended},
        )
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view; every session of the user ends (whoever knew the old password is
    signed out everywhere)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        ended = sessions.end_sessions(self.user)
        record(
            "session.ended_others",
            request=self.request,
            actor=self.user,
            target=self.user,
            details={"reason": "password_reset", "sessions": ended},
        )
        return response
