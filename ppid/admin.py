"""The PPID desk: requests and objections with their clocks and the workflow's steps,
and the register's records (units, items, the holiday calendar).

Requests hold personal data: only the PPID group (ppid/migrations/0002_ppid_group.py)
and the Admin role (view only) see them; everything is checked here, on the server.
The workflow owns the status, the numbers, the dates and the decision: they are read-
only on the change page, and move only through the step pages (workflow.py).
"""

import smtplib

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Min, Value, When
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from humas.links import absolute_url

from . import deadlines, workflow
from .admin_forms import AnswerForm, ExtendForm, ObjectionResponseForm
from .models import (
    EXTENSION_WORKING_DAYS,
    Holiday,
    InformationItem,
    InformationRequest,
    Objection,
    Unit,
)
from .views import private_file_response
from .workdays import add_working_days

MAIL_FAILED = _(
    "The mail to the applicant could not be sent, so nothing was saved. Try again in a "
    "moment; if it keeps failing, the mail server needs checking (EMAIL_URL)."
)


def site_url(request) -> str:
    return absolute_url(request, "/").rstrip("/")


def clock_html(clock) -> str:
    """A clock as a short line: working days used of allowed, and what is left."""
    if not clock.running:
        text = _("answered on working day %(used)s of %(allowed)s") % {
            "used": clock.used,
            "allowed": clock.allowed,
        }
        return format_html(
            '<span class="ppid-clock{}">{}</span>', " ppid-late" if clock.late else "", text
        )
    if clock.overdue:
        text = _("%(days)s working days overdue") % {"days": clock.overdue_by}
        css = " ppid-overdue"
    elif clock.remaining == 0:
        text, css = _("due today"), " ppid-due-soon"
    else:
        text = _("%(days)s working days left") % {"days": clock.remaining}
        css = " ppid-due-soon" if clock.due_soon else ""
    return format_html(
        '<span class="ppid-clock{}">{} · {}/{}</span>', css, text, clock.used, clock.allowed
    )


def post_step(step, name):
    """An admin view for a step that is one button (take, close): POST only."""

    @method_decorator(require_POST)
    def view(self, request, object_id):
        obj = self.step_view(request, object_id)
        try:
            step(**{name: obj}, by=request.user)
        except ValidationError as error:
            return self.refused(request, obj, error)
        return redirect(self.change_url(obj))

    return view


class UrgencyFilter(admin.SimpleListFilter):
    title = _("urgency")
    parameter_name = "urgency"
    due_field = "current_due"

    def lookups(self, request, model_admin):
        return (
            ("overdue", _("Overdue")),
            ("due_soon", _("Due soon (2 working days)")),
            ("open", _("Open")),
        )

    def queryset(self, request, queryset):
        today = timezone.localdate()
        value = self.value()
        if value == "overdue":
            return queryset.open().filter(**{f"{self.due_field}__lt": today})
        if value == "due_soon":
            until = add_working_days(today, deadlines.DUE_SOON_WORKING_DAYS)
            return queryset.open().filter(**{f"{self.due_field}__range": (today, until)})
        if value == "open":
            return queryset.open()
        return queryset


class ObjectionUrgencyFilter(UrgencyFilter):
    due_field = "due_date"


class PpidDeskMixin:
    """What requests and objections share: the server-side permission checks, the
    urgency order and the clock column."""

    change_form_template = None
    open_statuses = ()
    due_field = ""
    clock_of = None

    def get_queryset(self, request):
        if not self.has_view_permission(request):
            return self.model.objects.none()  # personal data: nothing, whatever the caller
        # ModelAdmin.get_queryset, with the annotations its ordering sorts on.
        queryset = self.model._default_manager.get_queryset()
        if self.due_field == "current_due":
            queryset = queryset.with_current_due()
        queryset = queryset.annotate(
            open_rank=Case(
                When(status__in=self.open_statuses, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        return queryset.order_by(*self.get_ordering(request))

    def get_ordering(self, request):
        # Open first, the most urgent on top; then the rest, the newest first.
        return ("open_rank", self.due_field, "-registered_at")

    def has_add_permission(self, request):
        # Registered by the public form only: the number and the clock are the service's.
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def get_list_display(self, request):
        # The calendar of every row's clock, read once for the page.
        today = timezone.localdate()
        first = self.model.objects.aggregate(first=Min("registered_at"))["first"]
        start = timezone.localdate(first) if first else today
        off = deadlines.days_off(start, add_working_days(today, 60))
        clock_of = type(self).clock_of

        @admin.display(description=_("clock"), ordering=self.due_field)
        def clock(obj):
            return clock_html(clock_of(obj, today=today, off=off))

        return (*self.list_display, clock)

    def step_urls(self, **paths):
        """<pk>/<Indonesian path>/ for each step, named <app>_<model>_<step>, served by
        <step>_view."""
        opts = self.model._meta
        return [
            path(
                f"<path:object_id>/{segment}/",
                self.admin_site.admin_view(getattr(self, f"{step}_view")),
                name=f"{opts.app_label}_{opts.model_name}_{step}",
            )
            for step, segment in paths.items()
        ]

    def step_url(self, obj, step):
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{step}", args=[obj.pk])

    def step_view(self, request, object_id):
        """The object for a step page, or 403 for staff who may not change it."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def refused(self, request, obj, error):
        for message in error.messages:
            self.message_user(request, message, level=messages.ERROR)
        return redirect(self.change_url(obj))

    def change_url(self, obj):
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])

    def step_page(self, request, obj, template, context):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": obj,
                **context,
            },
        )


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


# The register and its calendar ------------------------------------------------------


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "name", "is_day_off")
    list_filter = ("is_day_off",)
    search_fields = ("name",)
    date_hierarchy = "date"


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "order")
    list_editable = ("order",)
    search_fields = ("name",)


@admin.register(InformationItem)
class InformationItemAdmin(admin.ModelAdmin):
    list_display = ("title", "unit", "classification", "year", "is_published")
    list_filter = ("classification", "unit", "is_published", "year")
    search_fields = ("title", "summary", "official")
    autocomplete_fields = ("documents",)
    list_select_related = ("unit",)
    fieldsets = (
        (None, {"fields": ("title", "summary", "unit", "official", "classification")}),
        (_("Made"), {"fields": ("year", "place", "form", "media", "retention")}),
        (
            _("Exemption"),
            {
                "description": _(
                    "For exempt information only: UU KIP article 17 and the consequence test."
                ),
                "fields": ("legal_basis", "consequence_test", "exemption_until"),
            },
        ),
        (_("Documents and publishing"), {"fields": ("documents", "is_published")}),
    )
