from django import forms
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_otp.forms import OTPAuthenticationFormMixin
from two_factor.forms import AuthenticationTokenForm, MethodForm, TOTPDeviceForm
from two_factor.plugins.webauthn.forms import (
    WebauthnAuthenticationTokenForm,
    WebauthnDeviceValidationForm,
)
from two_factor.plugins.webauthn.models import WebauthnDevice
from two_factor.plugins.webauthn.utils import (
    make_credential_creation_options,
    make_credential_request_options,
    verify_registration_response,
)
from two_factor.utils import totp_digits
from webauthn.helpers.exceptions import WebAuthnException

# django-otp's messages, in words of our own (the library has no Indonesian catalog).
OTP_ERRORS = {
    **OTPAuthenticationFormMixin.otp_error_messages,
    "token_required": _("Enter the code."),
    "invalid_token": _("The code is wrong or has expired."),
    "n_failed_attempts": ngettext_lazy(
        "Too many wrong codes (%(failure_count)d). Wait a moment and try again.",
        "Too many wrong codes (%(failure_count)d). Wait a moment and try again.",
        "failure_count",
    ),
    "verification_not_allowed": _("Codes cannot be checked just now. Try again shortly."),
    "device_required": _("Enter the code."),
}


def code_field(label):
    return forms.CharField(
        label=label,
        max_length=16,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "one-time-code", "spellcheck": "false"}
        ),
    )


class CodeForm(AuthenticationTokenForm):
    """The sign-in's second step: the code from the authenticator app.

    A wrong code is a failed sign-in like a wrong password: it is reported through
    user_login_failed with the name typed at the password step, which django-axes
    counts (a lockout covers both steps) and the audit log records.
    """

    otp_token = forms.RegexField(
        label=_("Code from your authenticator app"),
        regex=r"^[0-9]*$",
        min_length=totp_digits(),
        max_length=totp_digits(),
        error_messages={"invalid": _("Enter the digits that the app shows.")},
        widget=forms.TextInput(
            attrs={"autofocus": True, "inputmode": "numeric", "autocomplete": "one-time-code"}
        ),
    )
    otp_error_messages = OTP_ERRORS

    def __init__(self, user, initial_device, request, username, **kwargs):
        super().__init__(user, initial_device, **kwargs)
        self.request = request
        self.username = username

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            user_login_failed.send(
                sender=__name__, credentials={"username": self.username}, request=self.request
            )
            raise


class PasskeyForm(WebauthnAuthenticationTokenForm):
    """The sign-in's second step with a passkey or security key: the page's script asks
    the browser for it and posts its answer. A refused answer counts like a wrong code."""

    otp_error_messages = OTP_ERRORS

    def __init__(self, user, initial_device, request, username, **kwargs):
        super().__init__(user, initial_device, request, **kwargs)
        self.username = username
        self.fields["otp_token"].label = _("Passkey")

    def _verify_token(self, user, token, device=None):
        if "webauthn_request_challenge" not in self.request.session:  # posted twice
            raise forms.ValidationError(self.otp_error_messages["invalid_token"])
        try:
            return super()._verify_token(user, token, device)
        except (WebAuthnException, ValueError) as error:  # beyond what the library catches
            raise forms.ValidationError(self.otp_error_messages["invalid_token"]) from error

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            user_login_failed.send(
                sender=__name__, credentials={"username": self.username}, request=self.request
            )
            # A new challenge, so that the page's script can ask again.
            handles = WebauthnDevice.objects.filter(user=self.user).values_list(
                "key_handle", flat=True
            )
            options, challenge = make_credential_request_options(
                self.webauthn_rp, allowed_credential_ids=handles
            )
            self.request.session["webauthn_request_options"] = options
            self.request.session["webauthn_request_challenge"] = challenge
            raise forms.ValidationError(
                _("The passkey was not accepted. Try again, or use a recovery code."),
                code="invalid_token",
            ) from None


class BackupCodeForm(CodeForm):
    """The second step with one of the single-use recovery codes instead."""

    otp_token = code_field(_("Recovery code"))


class VerifyForm(CodeForm):
    """The second factor for a session signed in without it (made before the account had
    a device, or by a login that did not ask): a code from the app or a recovery code."""

    otp_token = code_field(_("Code from your authenticator app, or a recovery code"))

    def _chosen_device(self, user):
        token = (self.cleaned_data.get("otp_token") or "").strip()
        if token.isdigit() and len(token) == totp_digits():
            return self.initial_device
        return user.staticdevice_set.first()


class EnrolCodeForm(TOTPDeviceForm):
    """The enrolment's check that the app was set up: its current code."""

    token = forms.IntegerField(
        label=_("Code shown by the app"),
        min_value=0,
        max_value=int("9" * totp_digits()),
        widget=forms.TextInput(
            attrs={"autofocus": True, "inputmode": "numeric", "autocomplete": "one-time-code"}
        ),
    )
    error_messages = {"invalid_token": _("The code is wrong or has expired.")}


class ChooseMethodForm(MethodForm):
    """What to enrol: the library's choice, in our words."""

    METHODS = {
        "generator": _("An authenticator app on your phone (a six-digit code)"),
        "webauthn": _("A passkey or security key (fingerprint, face, PIN or USB key)"),
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        field = self.fields["method"]
        field.label = _("How do you want to confirm that it is you?")
        field.choices = [(code, self.METHODS.get(code, name)) for code, name in field.choices]


class PasskeyEnrolForm(WebauthnDeviceValidationForm):
    """The enrolment of a passkey: the page's script asks the browser to make one and
    posts it here."""

    def __init__(self, device, request, **kwargs):
        super().__init__(device, request, **kwargs)
        self.fields["token"].label = _("Passkey")

    def clean_token(self):
        try:
            if "webauthn_creation_challenge" not in self.request.session:  # posted twice
                raise forms.ValidationError("", code="invalid_token")
            token = super().clean_token()
            # Checked now, as the enrolment's last step checks it again, so that a
            # well-formed but false answer is refused here instead of failing there.
            verify_registration_response(
                self.cleaned_data["expected_rp_id"],
                self.cleaned_data["expected_origin"],
                self.cleaned_data["expected_challenge"],
                token,
            )
            return token
        except (forms.ValidationError, WebAuthnException, ValueError):
            # A new challenge, so that the page's script can ask again.
            handles = WebauthnDevice.objects.filter(user=self.request.user).values_list(
                "key_handle", flat=True
            )
            options, challenge = make_credential_creation_options(
                self.webauthn_user, self.webauthn_rp, excluded_credential_ids=handles
            )
            self.request.session["webauthn_creation_options"] = options
            self.request.session["webauthn_creation_challenge"] = challenge
            raise forms.ValidationError(
                _("The browser did not make a passkey. Try again."), code="invalid_token"
            ) from None


class MailedCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the email"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autofocus": True, "inputmode": "numeric", "autocomplete": "one-time-code"}
        ),
    )


class DisableForm(forms.Form):
    understand = forms.BooleanField(label=_("Yes, turn off two-step sign-in for my account"))
