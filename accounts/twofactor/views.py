"""The sign-in and enrolment pages: django-two-factor-auth's views with our forms, our
words and our rules (see the package's docstring)."""

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from two_factor import views as library
from two_factor.plugins.registry import registry
from two_factor.utils import get_otpauth_url, totp_digits

from audit.events import record

from ..axes import address_failures
from ..forms import LoginForm
from ..views import lockout, safe_next
from . import default_device, second_factor_required, services
from .forms import (
    BackupCodeForm,
    ChooseMethodForm,
    CodeForm,
    DisableForm,
    EnrolCodeForm,
    MailedCodeForm,
    PasskeyEnrolForm,
    PasskeyForm,
    VerifyForm,
)

RECOVERY_CODES = 10


class LoginView(library.LoginView):
    """The site's (and the admin's) login: our LoginForm (email or username, checked by
    django-axes) and then, for an account with a device, its code or a recovery code.

    The password step keeps its plain field names (username, password), so password
    managers and the old form's posts work as before; a post without the wizard's step
    is that step. django-axes guards the code step too: a locked-out name and address get
    the lockout page before any code is checked, and a wrong code counts (CodeForm).
    """

    form_list = (
        (library.LoginView.AUTH_STEP, LoginForm),
        (library.LoginView.TOKEN_STEP, CodeForm),
        (library.LoginView.BACKUP_STEP, BackupCodeForm),
    )
    redirect_authenticated_user = True
    template_name = "registration/login.html"

    def get_form_prefix(self, step=None, form=None):
        return None if step == self.AUTH_STEP else super().get_form_prefix(step, form)

    def post(self, *args, **kwargs):
        step_field = f"{self.prefix}-current_step"
        if step_field not in self.request.POST:
            self.request.POST = self.request.POST.copy()
            self.request.POST[step_field] = self.AUTH_STEP
        if self.request.POST[step_field] != self.AUTH_STEP and self.get_user():
            credentials = {"username": self.storage.data.get("username", "")}
            if locked_out(self.request, credentials):
                self.storage.reset()
                return lockout(self.request, credentials)
        return super().post(*args, **kwargs)

    def process_step(self, form):
        data = super().process_step(form)
        if self.steps.current == self.AUTH_STEP:
            # What was typed, for django-axes at the code step: the same name counts.
            self.storage.data["username"] = form.cleaned_data.get("username", "")
            user = self.get_user()
            if user is not None and default_device(user):
                # The password was right: whoever typed it is not signed in until the
                # code, and this entry is the trace of a password known to someone else.
                typed = form.cleaned_data.get("username", "")
                record(
                    "auth.second_factor_asked", request=self.request, target=user,
                    details={"username": typed},
                )  # fmt: skip
        return data

    def get_form(self, step=None, **kwargs):
        step = step or self.steps.current
        if step == self.TOKEN_STEP:
            method = registry.method_from_device(self.get_device())
            self.form_list[step] = CodeForm if method.code == "generator" else PasskeyForm
        # The library's get_form would put its own form for the code step back.
        form = super(library.LoginView, self).get_form(step=step, **kwargs)
        if self.show_timeout_error:
            form.cleaned_data = getattr(form, "cleaned_data", {})
            form.add_error(None, _("Too much time passed since the password. Sign in again."))
        return form

    def get_form_kwargs(self, step=None):
        kwargs = super().get_form_kwargs(step)
        if step in (self.TOKEN_STEP, self.BACKUP_STEP):
            kwargs["username"] = self.storage.data.get("username", "")
        return kwargs

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form, **kwargs)
        context["next"] = self.get_redirect_url()
        return context


@method_decorator(never_cache, name="dispatch")
class SetupView(library.SetupView):
    """Enrolment: the app's QR code (made here, no outside service) and its first code.

    A session that has not given a second factor enrols only after the code mailed to
    the account (services.send_enrol_code); an account without an email address cannot
    enrol itself.
    """

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not services.enrolment_open(request):
            if default_device(user):
                return redirect(_with_next(reverse("two_factor:verify"), request))
            return redirect(_with_next(reverse("two_factor:confirm-email"), request))
        return super().dispatch(request, *args, **kwargs)

    def get_form_list(self):
        form_list = super().get_form_list()
        ours = {
            "method": ChooseMethodForm,
            "generator": EnrolCodeForm,
            "webauthn": PasskeyEnrolForm,
        }
        for step in form_list.keys() & ours.keys():
            form_list[step] = ours[step]
        return form_list

    def get_success_url(self):
        return _with_next(reverse("two_factor:setup_complete"), self.request)

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form, **kwargs)
        context["next"] = self.get_redirect_url()
        if self.steps.current == "generator":
            # The library names the issuer after the host; the app should show our name.
            context["otpauth_url"] = get_otpauth_url(
                self.request.user.get_username(),
                context["secret_key"],
                settings.SITE_NAME,
                totp_digits(),
            )
        return context

    def done(self, form_list, **kwargs):
        response = super().done(form_list, **kwargs)
        services.close_enrolment(self.request)
        make_recovery_codes(self.request.user, only_if_none=True)
        return response


class QRGeneratorView(library.QRGeneratorView):
    def get_issuer(self):
        return settings.SITE_NAME


class SetupCompleteView(library.SetupCompleteView):
    """Done: the recovery codes made with the enrolment, and the way on (not straight
    on, as the library does when it has a "next": the codes are shown once here)."""

    def get(self, request, *args, **kwargs):
        return super(library.SetupCompleteView, self).get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tokens"] = recovery_codes(self.request.user)
        context["next"] = safe_next(self.request, "")
        return context


class BackupTokensView(library.BackupTokensView):
    number_of_tokens = RECOVERY_CODES

    def form_valid(self, form):
        make_recovery_codes(self.request.user)
        return redirect(self.success_url)


class ProfileView(library.ProfileView):
    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "required": second_factor_required(self.request.user),
        }


class DisableView(library.DisableView):
    """The owner turns two-step sign-in off; not staff who must use it."""

    form_class = DisableForm

    def dispatch(self, request, *args, **kwargs):
        if second_factor_required(request.user):
            messages.error(request, _("Staff accounts must use two-step sign-in."))
            return redirect("two_factor:profile")
        return super().dispatch(request, *args, **kwargs)

    def get_success_url(self):
        return reverse("profile")

    def form_valid(self, form):
        services.turn_off(user=self.request.user, request=self.request)
        messages.success(self.request, _("Two-step sign-in is off for your account."))
        return redirect(self.get_success_url())


def locked_out(request, credentials) -> bool:
    """The sign-in limits, checked before a code as before a password: django-axes' lock
    of this name and address, and the address's own limit across names (accounts.axes)."""
    return (
        AxesProxyHandler.is_locked(request, credentials)
        or address_failures(request) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT
    )


def recovery_codes(user) -> list[str]:
    device = user.staticdevice_set.first()
    return [token.token for token in device.token_set.all()] if device else []


def make_recovery_codes(user, *, only_if_none=False) -> None:
    """A new set of single-use recovery codes (the old ones stop working)."""
    device, _created = user.staticdevice_set.get_or_create(defaults={"name": "backup"})
    if only_if_none and device.token_set.exists():
        return
    device.token_set.all().delete()
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=StaticToken.random_token()) for _n in range(RECOVERY_CODES)
    )


@never_cache
@login_required
def verify(request):
    """The second factor for a session signed in without it."""
    user = request.user
    next_url = safe_next(request, settings.LOGIN_REDIRECT_URL)
    device = default_device(user)
    if device is None:
        return redirect(_with_next(reverse("two_factor:setup"), request))
    if user.is_verified():
        return redirect(next_url)
    if not isinstance(device, TOTPDevice):
        # A passkey is asked for by the sign-in page's script: sign in again there.
        logout(request)
        messages.info(request, _("Sign in again with your passkey."))
        return redirect_to_login(next_url)
    credentials = {"username": user.get_username()}
    if locked_out(request, credentials):
        return lockout(request, credentials)
    form = VerifyForm(
        user=user,
        initial_device=device,
        request=request,
        username=credentials["username"],
        data=request.POST or None,
    )
    if request.method == "POST" and form.is_valid():
        otp_login(request, user.otp_device)
        return redirect(next_url)
    return render(request, "two_factor/core/verify.html", {"form": form, "next": next_url})


@never_cache
@login_required
def confirm_email(request):
    """Before a session without a second factor enrols one: a code mailed to the account."""
    user = request.user
    if services.enrolment_open(request):
        return redirect(_with_next(reverse("two_factor:setup"), request))
    if not user.email:
        return render(request, "two_factor/core/no_email.html", status=403)
    form = MailedCodeForm(request.POST if "code" in request.POST else None)
    status = 200
    if request.method == "POST" and "send" in request.POST:
        if services.send_enrol_code(request=request):
            messages.success(request, _("We sent a code to your email address."))
        else:
            messages.error(request, _("We sent several codes already. Try again in an hour."))
        return redirect(_with_next(reverse("two_factor:confirm-email"), request))
    if form.is_bound and form.is_valid():
        if services.check_enrol_code(request=request, code=form.cleaned_data["code"]):
            return redirect(_with_next(reverse("two_factor:setup"), request))
        form.add_error("code", _("The code is wrong or has expired."))
        status = 400
    return render(
        request,
        "two_factor/core/confirm_email.html",
        {
            "form": form,
            "sent": services.enrol_code_pending(request),
            "email": mask_email(user.email),
            "next": safe_next(request, ""),
        },
        status=status,
    )


def mask_email(email: str) -> str:
    """a***@humas.example.go.id: enough to know which mailbox to open."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def _with_next(url: str, request) -> str:
    next_url = safe_next(request, "")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url
