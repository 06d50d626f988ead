"""Requests for information: the list by urgency, the change page with the clock and
the steps, and the step pages (take, extend, answer, close)."""

import smtplib

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .. import deadlines, workflow
from ..admin_forms import AnswerForm, ExtendForm
from ..models import EXTENSION_WORKING_DAYS, InformationRequest
from ..views import private_file_response
from ..workdays import add_working_days
from .desk import MAIL_FAILED, PpidDeskMixin, UrgencyFilter, clock_html, post_step, site_url


@admin.register(InformationRequest)
class InformationRequestAdmin(PpidDeskMixin, admin.ModelAdmin):
    list_display = ("number", "name", "registered_at", "current_due", "status", "decision")
    list_display_links = ("number",)
    list_filter = (
        UrgencyFilter,
        "status",
        "decision",
        ("assigned_to", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("number", "name", "organisation", "email")
    list_select_related = ("assigned_to",)
    open_statuses = ("received", "in_progress", "extended")
    due_field = "current_due"
    clock_of = staticmethod(deadlines.request_clock)
    change_form_template = "admin/ppid/informationrequest/change_form.html"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "number", "status", "assigned_to", "registered_at", "due_date",
                    "extended_due_date", "extension_reason",
                ),
            },
        ),
        (
            _("Applicant"),
            {
                "fields": (
                    "applicant_kind", "name", "nik", "organisation", "address", "phone",
                    "email", "identity_scan",
                ),
            },
        ),
        (
            _("Request"),
            {"fields": ("information", "purpose", "receive_method", "copy_method")},
        ),
        (
            _("Answer"),
            {
                "fields": (
                    "decision", "refusal_basis", "forwarded_to", "answer", "signed_letter",
                    "documents_sent", "answered_at", "closed_at",
                ),
            },
        ),
    )  # fmt: skip
    # The applicant's contact details stay editable (a mistyped email would lose the
    # answer); their words, and everything the workflow decides, do not.
    readonly_fields = (
        "number", "status", "assigned_to", "registered_at", "due_date", "extended_due_date",
        "extension_reason", "information", "purpose", "receive_method",
        "copy_method", "decision", "refusal_basis", "forwarded_to", "answer", "signed_letter",
        "documents_sent", "answered_at", "closed_at",
    )  # fmt: skip

    class Media:
        css = {"all": ("admin/ppid/ppid.css",)}

    @admin.display(description=_("due"), ordering="current_due")
    def current_due(self, obj):
        return obj.current_due_date

    @admin.display(description=_("identity card scan"))
    def identity_scan(self, obj):
        """For staff with ppid.view_identity_scan: a link to P1's checked, audited view."""
        if not obj.id_scan:
            return self.identity_scan_kept(obj)
        return format_html(
            '<a href="{}" id="identity-scan-link">{}</a>',
            reverse("ppid:identity-scan", args=[obj.pk]),
            _("Open the scan"),
        )

    @admin.display(description=_("identity card scan"))
    def identity_scan_kept(self, obj):
        """For everyone else: whether there is one."""
        if obj.id_scan_deleted_at:
            return _("Deleted on %(date)s.") % {
                "date": timezone.localtime(obj.id_scan_deleted_at).strftime("%d-%m-%Y")
            }
        return _("Kept; visible to PPID staff only.") if obj.id_scan else "—"

    @staticmethod
    def scan_field(request):
        if request.user.has_perm("ppid.view_identity_scan"):
            return "identity_scan"
        return "identity_scan_kept"

    def get_fieldsets(self, request, obj=None):
        field = self.scan_field(request)
        return [
            (
                name,
                {
                    **options,
                    "fields": [field if f == "identity_scan" else f for f in options["fields"]],
                },
            )
            for name, options in super().get_fieldsets(request, obj)
        ]

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), self.scan_field(request))

    @admin.display(description=_("signed answer letter"))
    def signed_letter(self, obj):
        if not obj.answer_letter:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', self.step_url(obj, "letter"), _("Open the signed letter")
        )

    @admin.display(description=_("documents sent"))
    def documents_sent(self, obj):
        documents = obj.documents.all()
        if not documents:
            return "—"
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((reverse("admin:documents_document_change", args=[d.pk]), d.title) for d in documents),
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            today = timezone.localdate()
            context.update(
                clock=deadlines.request_clock(obj, today=today),
                clock_html=clock_html(deadlines.request_clock(obj, today=today)),
                steps=obj.steps.select_related("by"),
                objections=obj.objections.all(),
                allowed=workflow.allowed_steps(obj, user=request.user, today=today),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        steps = self.step_urls(
            take="ambil", extend="perpanjang", answer="jawab", close="tutup", letter="surat-jawaban"
        )
        return [*steps, *super().get_urls()]

    # -- the steps ------------------------------------------------------------------

    take_view = post_step(workflow.take, "info_request")
    close_view = post_step(workflow.close, "info_request")

    def extend_view(self, request, object_id):
        obj = self.step_view(request, object_id)
        refusal = workflow.extension_refusal(obj)
        if refusal:
            return self.refused(request, obj, ValidationError(refusal))
        form = ExtendForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                workflow.extend(
                    info_request=obj,
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                    site_url=site_url(request),
                )
            except ValidationError as error:
                form.add_error(None, error)
            except (smtplib.SMTPException, OSError):
                form.add_error(None, MAIL_FAILED)
            else:
                self.message_user(
                    request, _("The answer is extended; the applicant has been told by email.")
                )
                return redirect(self.change_url(obj))
        return self.step_page(
            request,
            obj,
            "admin/ppid/informationrequest/extend.html",
            {
                "title": _("Extend the answer to %(number)s") % {"number": obj.number},
                "form": form,
                "new_due_date": add_working_days(obj.due_date, EXTENSION_WORKING_DAYS),
                "days": EXTENSION_WORKING_DAYS,
            },
        )

    def answer_view(self, request, object_id):
        obj = self.step_view(request, object_id)
        refusal = workflow.answer_refusal(obj)
        if refusal:
            return self.refused(request, obj, ValidationError(refusal))
        form = AnswerForm(request.POST or None, request.FILES or None, admin_site=self.admin_site)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                workflow.answer(
                    info_request=obj,
                    decision=data["decision"],
                    answer=data["answer"],
                    refusal_basis=data["refusal_basis"],
                    forwarded_to=data["forwarded_to"],
                    letter=data["letter"],
                    documents=data["documents"],
                    by=request.user,
                    site_url=site_url(request),
                )
            except ValidationError as error:
                form.add_error(None, error)
            except (smtplib.SMTPException, OSError):
                form.add_error(None, MAIL_FAILED)
            else:
                self.message_user(request, _("The answer has been sent to the applicant."))
                return redirect(self.change_url(obj))
        return self.step_page(
            request,
            obj,
            "admin/ppid/informationrequest/answer.html",
            {
                "title": _("Answer %(number)s") % {"number": obj.number},
                "form": form,
                "media": self.media + form.media,
                "clock_html": clock_html(deadlines.request_clock(obj)),
            },
        )

    def letter_view(self, request, object_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, object_id)
        if obj is None or not obj.answer_letter:
            raise Http404
        return private_file_response(
            obj.answer_letter, download_name=f"surat-jawaban-{obj.number.lower()}"
        )
