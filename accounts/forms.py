from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from humas.text import clean_text, strip_invisible, visible_text

User = get_user_model()


class DisplayNameField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            label=_("Display name"),
            min_length=2,
            max_length=80,
            help_text=_("Shown with your comments."),
            **kwargs,
        )

    def to_python(self, value):
        name = clean_text(super().to_python(value))
        if name and not visible_text(name):
            # A name of Hangul fillers or zero-width spaces would show as nobody.
            raise forms.ValidationError(_("The name has no visible characters."), code="invisible")
        return strip_invisible(name)


class RegistrationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    display_name = DisplayNameField(widget=forms.TextInput(attrs={"autocomplete": "nickname"}))
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    consent = forms.BooleanField(
        label=_("I have read and agree to the privacy notice."),
        error_messages={"required": _("Registering needs your consent to the privacy notice.")},
    )

    def clean_email(self):
        return User.objects.normalize_email(self.cleaned_data["email"].strip())

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            candidate = User(
                email=cleaned.get("email", ""), display_name=cleaned.get("display_name", "")
            )
            try:
                password_validation.validate_password(password, candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class LoginForm(AuthenticationForm):
    """Django's login form, asking for the email address (staff may use a username)."""

    username = forms.CharField(
        label=_("Email"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": _("The email or password is wrong."),
        "inactive": _("This account is inactive."),
    }


class ProfileForm(forms.ModelForm):
    display_name = DisplayNameField()

    class Meta:
        model = User
        fields = ("display_name",)


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is wrong."), code="password_incorrect")
        return password
