from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.models import Category

from . import periods

FREQUENCY_CHOICES = (
    (periods.DAILY, gettext_lazy("Daily (every morning, the day before's news)")),
    (periods.WEEKLY, gettext_lazy("Weekly (every Monday morning, the week before's news)")),
)


def consent_text() -> str:
    """What the visitor agrees to, in the page's language: shown by the checkbox and
    recorded with the subscription (mailing's consent_text), with their choices."""
    return _(
        "I agree to receive the news digest of %(site)s by email at this address, in the "
        "categories and as often as I chose. I can stop at any time with the link in "
        "every email."
    ) % {"site": settings.SITE_NAME}


class CategoriesField(forms.ModelMultipleChoiceField):
    # A posted list is looked up in one IN (...) query: a forged one with thousands of
    # values is refused before it reaches the database (SQLite caps a query's values).
    MAX_VALUES = 200

    def clean(self, value):
        if isinstance(value, list | tuple) and len(value) > self.MAX_VALUES:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="too_many")
        return super().clean(value)


class ChoicesForm(forms.Form):
    """The digest's choices: categories (at least one) and how often."""

    categories = CategoriesField(
        label=gettext_lazy("Categories"),
        queryset=Category.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": gettext_lazy("Choose at least one category."),
            "invalid_choice": gettext_lazy("Choose categories from the list."),
            "invalid_pk_value": gettext_lazy("Choose categories from the list."),
        },
    )
    frequency = forms.ChoiceField(
        label=gettext_lazy("How often"),
        choices=FREQUENCY_CHOICES,
        widget=forms.RadioSelect,
        initial=periods.DAILY,
        error_messages={
            "required": gettext_lazy("Choose how often."),
            "invalid_choice": gettext_lazy("Choose how often from the list."),
        },
    )

    def summary(self) -> str:
        """The choices in words, for the consent record."""
        frequency = dict(FREQUENCY_CHOICES)[self.cleaned_data["frequency"]]
        names = ", ".join(category.name for category in self.cleaned_data["categories"])
        return _("%(frequency)s; categories: %(names)s") % {"frequency": frequency, "names": names}


class SubscribeForm(ChoicesForm):
    email = forms.EmailField(
        label=gettext_lazy("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": gettext_lazy("Enter your email address."),
            "invalid": gettext_lazy("Enter a valid email address."),
        },
    )
    consent = forms.BooleanField(
        error_messages={"required": gettext_lazy("Tick the box to agree, or we cannot send.")},
    )
    field_order = ("email", "categories", "frequency", "consent")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = consent_text()

    def consent_record(self) -> str:
        return f"{consent_text()}\n{self.summary()}"
