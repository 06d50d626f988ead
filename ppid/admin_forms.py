"""The staff's forms for the workflow's steps (ppid/admin/ shows them, workflow.py acts)."""

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from documents import checks
from documents.models import Document

from .letters import MB
from .models import InformationRequest, Objection


class ExtendForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the extension"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Sent to the applicant, with the new due date (UU 14/2008 art. 22(8))."),
    )


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=InformationRequest.Decision.choices,
        widget=forms.RadioSelect,
    )
    refusal_basis = forms.CharField(
        label=_("Legal basis of the refusal"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For a refusal or a partial grant: the clause of UU KIP article 17 and the "
            "consequence test (the harm that opening the information would cause)."
        ),
    )
    forwarded_to = forms.CharField(
        label=_("Forwarded to"),
        required=False,
        max_length=200,
        help_text=_("When forwarded: the public body that holds the information."),
    )
    answer = forms.CharField(
        label=_("Answer letter"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("The text of the letter: it is the body of the email the applicant gets."),
    )
    letter = forms.FileField(
        label=_("Signed answer letter (PDF)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".pdf,application/pdf"}),
        help_text=_("Optional: the signed letter, attached to the email and kept."),
    )
    documents = forms.ModelMultipleChoiceField(
        label=_("Documents"),
        queryset=Document.objects.all(),
        required=False,
        help_text=_(
            "From the document library, published or not: attached to the email; published "
            "ones that do not fit are linked to their public page."
        ),
    )

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        # The admin's search-as-you-type picker (the documents admin's search), as
        # autocomplete_fields would give a model form.
        field = self.fields["documents"]
        field.widget = AutocompleteSelectMultiple(
            InformationRequest._meta.get_field("documents"), admin_site
        )
        field.widget.choices = field.choices

    def clean_letter(self):
        upload = self.cleaned_data.get("letter")
        if not isinstance(upload, UploadedFile):
            return None
        limit = settings.PPID_MAX_ATTACHMENT_MB * MB
        if upload.size > limit:
            raise forms.ValidationError(
                _("The letter is %(size)s; it may be at most %(limit)s."),
                code="too_large",
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            )
        upload.seek(0)
        if checks.sniff(upload.read(2048)) != "pdf":
            raise forms.ValidationError(
                _("The letter must be a PDF. Its content was checked, not its name."),
                code="not_pdf",
            )
        checks.check_pdf(upload)  # damaged or encrypted: its own message
        upload.seek(0)
        return upload


class ObjectionResponseForm(forms.Form):
    official = forms.CharField(
        label=_("Superior official"),
        max_length=200,
        help_text=_("Who decided: name and position."),
    )
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Objection.Decision.choices, widget=forms.RadioSelect
    )
    response = forms.CharField(
        label=_("Response"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("The written response: it is the body of the email the applicant gets."),
    )
