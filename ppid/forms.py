"""The public forms: a request for information, and the status lookup."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import InformationRequest
from .validators import check_id_scan, clean_nik, clean_phone

# Free text has no limit in the database; these are far above a real request.
ADDRESS_MAX = 500
INFORMATION_MAX = 4000
PURPOSE_MAX = 2000


class RequestForm(forms.ModelForm):
    """A request for information, in the fields of Perki 1/2021's request form.

    The identity scan is a field only when settings.PPID_ID_SCAN is not "off"; its
    checked kind ("jpg", "png", "pdf") is in cleaned_data["id_scan_kind"].
    """

    applicant_kind = forms.ChoiceField(
        label=_("I am requesting as"),
        choices=InformationRequest.ApplicantKind.choices,
        initial=InformationRequest.ApplicantKind.PERSON,
        widget=forms.RadioSelect,
    )
    nik = forms.CharField(
        label=_("NIK (national ID number)"),
        max_length=24,
        help_text=_("The 16 digits on your identity card (KTP)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=24,
        help_text=_("E.g. 081234567890 or +62 812 3456 7890."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    address = forms.CharField(
        label=_("Address"), max_length=ADDRESS_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    information = forms.CharField(
        label=_("Information requested"),
        max_length=INFORMATION_MAX,
        help_text=_("Describe the information as precisely as you can."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    purpose = forms.CharField(
        label=_("Purpose of the request"),
        max_length=PURPOSE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    receive_method = forms.ChoiceField(
        label=_("How do you want to receive the information?"),
        choices=InformationRequest.ReceiveMethod.choices,
        widget=forms.RadioSelect,
    )
    copy_method = forms.ChoiceField(
        label=_("How do you want to get a copy?"),
        choices=InformationRequest.CopyMethod.choices,
        initial=InformationRequest.CopyMethod.EMAIL,
        widget=forms.RadioSelect,
    )
    id_scan = forms.FileField(
        label=_("Scan or photo of your identity card (KTP)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )
    consent = forms.BooleanField(
        label=_(
            "I have read the notice on personal data above and agree that my data is used "
            "to handle this request."
        ),
        error_messages={"required": _("Tick this box to send the request.")},
    )

    class Meta:
        model = InformationRequest
        fields = (
            "applicant_kind", "name", "organisation", "nik", "address", "phone", "email",
            "information", "purpose", "receive_method", "copy_method",
        )  # fmt: skip
        labels = {
            "name": _("Full name"),
            "organisation": _("Name of the organisation"),
            "email": _("Email"),
        }
        help_texts = {
            "organisation": _("Only when requesting for an organisation (badan hukum)."),
            "email": _("The registration number and the answer are sent here."),
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mode = settings.PPID_ID_SCAN
        if mode == "off":
            del self.fields["id_scan"]
        else:
            scan = self.fields["id_scan"]
            scan.required = mode == "required"
            scan.help_text = _(
                "JPEG, PNG or PDF, at most %(limit)s MB. Only PPID staff can see it; it is "
                "deleted %(days)s days after your request is closed."
            ) % {"limit": settings.PPID_ID_SCAN_MAX_MB, "days": settings.PPID_ID_RETENTION_DAYS}
            if scan.required:
                scan.error_messages["required"] = _("Attach a scan or photo of your KTP.")

    def clean_nik(self):
        return clean_nik(self.cleaned_data["nik"])

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_organisation(self):
        return " ".join(self.cleaned_data["organisation"].split())

    def clean_id_scan(self):
        upload = self.cleaned_data.get("id_scan")
        if not upload:
            return None
        self.cleaned_data["id_scan_kind"] = check_id_scan(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        is_organisation = (
            cleaned.get("applicant_kind") == InformationRequest.ApplicantKind.ORGANISATION
        )
        if is_organisation and not cleaned.get("organisation"):
            self.add_error(
                "organisation",
                ValidationError(
                    _("Give the name of the organisation you are requesting for."),
                    code="organisation_required",
                ),
            )
        elif not is_organisation:
            cleaned["organisation"] = ""
        return cleaned


class StatusForm(forms.Form):
    number = forms.CharField(
        label=_("Registration number"),
        max_length=40,
        help_text=_("As in the email you received, e.g. PPID-2026-00123."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        help_text=_("The address you gave in the request."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_number(self):
        return "".join(self.cleaned_data["number"].split()).upper()
