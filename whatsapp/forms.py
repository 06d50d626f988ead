from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DayForm(forms.Form):
    day = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Enter a date such as 2025-03-17.")},
    )

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day > timezone.localdate():
            # Nothing of a day to come is public yet; and no date arithmetic near the
            # last date Python knows.
            raise ValidationError(_("Choose today or an earlier day."), code="future")
        return day
