"""What the requests' and the objections' admins share: the clock column and
its colours, the urgency filter and order, the step pages' plumbing, and the
server-side permission checks."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Min, Value, When
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from humas.links import absolute_url

from .. import deadlines
from ..workdays import add_working_days

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
