from django import forms
from django.utils.translation import gettext_lazy as _

OUTLET_MAX = 120


class PressSignupForm(forms.Form):
    """Ask to be press (the outlet, for a reader not yet marked) and subscribe to the
    releases (the consent, always)."""

    outlet = forms.CharField(
        label=_("Media outlet"),
        max_length=OUTLET_MAX,
        help_text=_("The newspaper, site, radio or TV station you write for."),
    )
    consent = forms.BooleanField(label=_("I agree"), required=True)

    def __init__(self, *args, ask_outlet=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not ask_outlet:
            del self.fields["outlet"]

    def clean_outlet(self):
        outlet = " ".join(self.cleaned_data["outlet"].split())
        if not outlet:
            raise forms.ValidationError(_("Name your media outlet."), code="required")
        return outlet
