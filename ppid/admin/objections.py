"""Objections: the list by urgency, and the superior official's response."""

import smtplib

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .. import deadlines, workflow
from ..admin_forms import ObjectionResponseForm
from ..models import Objection
from .desk import (
    MAIL_FAILED,
    ObjectionUrgencyFilter,
    PpidDeskMixin,
    clock_html,
    post_step,
    site_url,
)


@admin.register(Objection)
class ObjectionAdmin(PpidDeskMixin, admin.ModelAdmin):
    list_display = ("number", "request", "registered_at", "due_date", "grounds", "status")
    list_filter = (ObjectionUrgencyFilter, "status", "grounds", "decision")
    search_fields = ("number", "request__number", "request__name")
    list_select_related = ("request",)
    open_statuses = ("received", "in_progress")
    due_field = "due_date"
    clock_of = staticmethod(deadlines.objection_clock)
    change_form_template = "admin/ppid/objection/change_form.html"
    fields = (
        "number", "request_link", "status", "registered_at", "due_date", "grounds", "case",
        "official", "decision", "response", "responded_at", "closed_at",
    )  # fmt: skip
    readonly_fields = fields

    class Media:
        css = {"all": ("admin/ppid/ppid.css",)}

    @admin.display(description=_("request"))
    def request_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:ppid_informationrequest_change", args=[obj.request_id]),
            obj.request,
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(
                clock_html=clock_html(deadlines.objection_clock(obj)),
                allowed=workflow.allowed_objection_steps(obj, user=request.user),
                # Everything is the workflow's: no save buttons.
                show_save=False,
                show_save_and_continue=False,
                show_save_and_add_another=False,
                show_delete=False,
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        return [
            *self.step_urls(take="ambil", respond="tanggapi", close="tutup"),
            *super().get_urls(),
        ]

    take_view = post_step(workflow.take_objection, "objection")
    close_view = post_step(workflow.close_objection, "objection")

    def respond_view(self, request, object_id):
        obj = self.step_view(request, object_id)
        refusal = workflow.objection_response_refusal(obj)
        if refusal:
            return self.refused(request, obj, ValidationError(refusal))
        form = ObjectionResponseForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                workflow.respond_to_objection(
                    objection=obj, by=request.user, site_url=site_url(request), **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            except (smtplib.SMTPException, OSError):
                form.add_error(None, MAIL_FAILED)
            else:
                self.message_user(request, _("The response has been sent to the applicant."))
                return redirect(self.change_url(obj))
        return self.step_page(
            request,
            obj,
            "admin/ppid/objection/respond.html",
            {
                "title": _("Respond to objection %(number)s") % {"number": obj.number},
                "form": form,
                "clock_html": clock_html(deadlines.objection_clock(obj)),
            },
        )
