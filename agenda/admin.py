"""The agenda in the admin: leaders, events with their coverage, the week calendar
(/admin/agenda/event/minggu/), and coverage, where writers and photographers move the
status of their own (agenda/services.py holds the rule; here it is applied)."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import dates, services
from .models import Coverage, Event, Leader
from .templatetags.agenda import event_hours

ASSIGNMENT_FIELDS = {"writer", "photographer", "event"}


def assignable_people():
    """Who can be chosen as writer or photographer: active staff, and anyone already
    assigned (someone who has left keeps their past assignments valid)."""
    return (
        get_user_model()
        .objects.filter(
            Q(is_staff=True, is_active=True)
            | Q(pk__in=Coverage.objects.values("writer"))
            | Q(pk__in=Coverage.objects.values("photographer"))
        )
        .order_by("display_name", "first_name", "username")
    )


def is_assignment(form, *, created):
    """Whether saving this form sends someone (new coverage, another person)."""
    return created or bool(ASSIGNMENT_FIELDS & set(form.changed_data))


@admin.register(Leader)
class LeaderAdmin(admin.ModelAdmin):
    list_display = ("position", "name", "order", "active")
    list_editable = ("order", "active")
    list_filter = ("active",)
    search_fields = ("position", "name")


class CoverageInline(admin.TabularInline):
    model = Coverage
    extra = 1
    fields = ("writer", "photographer", "status", "note", "article")
    autocomplete_fields = ("article",)
    verbose_name = _("coverage assignment")
    verbose_name_plural = _("coverage (who writes, who photographs)")
    # A short note per row keeps the row on one screen.
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 30})}
    }

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("writer", "photographer"):
            kwargs["queryset"] = assignable_people()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # Assigning is the editors' (agenda.assign_coverage); a writer sees the inline only.
    def has_add_permission(self, request, obj=None):
        return services.can_assign(request.user) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return services.can_assign(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return services.can_assign(request.user) and super().has_delete_permission(request, obj)


class EventAdminForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = (
            "title",
            "start",
            "end",
            "place",
            "leaders",
            "is_public",
            "description",
            "notes",
            "slug",
        )
        widgets = {"leaders": forms.CheckboxSelectMultiple}


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    form = EventAdminForm
    list_display = ("title", "when", "place", "leader_list", "is_public", "coverage_summary")
    list_filter = ("is_public", "leaders", "start")
    search_fields = ("title", "place", "description")
    date_hierarchy = "start"
    ordering = ("-start",)
    inlines = (CoverageInline,)
    readonly_fields = ("created_by", "created_at", "updated_at")
    change_list_template = "admin/agenda/event/change_list.html"
    fieldsets = (
        (None, {"fields": ("title", ("start", "end"), "place", "leaders", "is_public")}),
        (_("For readers"), {"fields": ("description",)}),
        (_("For staff only"), {"fields": ("notes",)}),
        (
            _("Address and history"),
            {
                "classes": ("collapse",),
                "fields": ("slug", "created_by", "created_at", "updated_at"),
            },
        ),
    )

    class Media:
        css = {"all": ("admin/agenda/agenda.css",)}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("leaders", "coverages")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "leaders" in form.base_fields:
            # Active leaders, and those already on this event (inactive ones stay on it).
            chosen = Q(events=obj) if obj is not None else Q(pk__in=[])
            form.base_fields["leaders"].queryset = Leader.objects.filter(
                Q(active=True) | chosen
            ).distinct()
        return form

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_public else None

    @admin.display(description=_("when (WIB)"), ordering="start")
    def when(self, obj):
        return f"{dates.local(obj.start):%d-%m-%Y} {event_hours(obj)}"

    @admin.display(description=_("leaders"))
    def leader_list(self, obj):
        return "; ".join(leader.position for leader in obj.leaders.all()) or "—"

    @admin.display(description=_("coverage"))
    def coverage_summary(self, obj):
        coverages = obj.coverages.all()
        return str(len(coverages)) if coverages else "—"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        created = set()
        for inline_form in formset.forms:
            if inline_form.instance.pk is None:
                created.add(id(inline_form))
        super().save_formset(request, form, formset, change)
        if formset.model is not Coverage:
            return
        for inline_form in formset.forms:
            coverage = inline_form.instance
            if coverage.pk is None or inline_form in formset.deleted_forms:
                continue
            if not inline_form.has_changed():
                continue
            if is_assignment(inline_form, created=id(inline_form) in created):
                services.record_assignment(coverage=coverage, request=request)

    # -- the week calendar ---------------------------------------------------------------

    def get_urls(self):
        week = self.admin_site.admin_view(self.week_view)
        return [
            path("minggu/", week, name="agenda_event_week"),
            path("minggu/<int:year>/<int:week>/", week, name="agenda_event_week_of"),
            *super().get_urls(),
        ]

    def week_view(self, request, year=None, week=None):
        """Seven columns, Monday to Sunday, with every event (public and internal) by
        start time, its leaders and who covers it; no JavaScript needed."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if year is None:
            monday = dates.monday_of(dates.today())
        else:
            monday = dates.parse_week(year, week)
            if monday is None:
                raise Http404
        start, end = dates.week_bounds(monday)
        events = list(Event.objects.between(start, end).for_desk())
        today = dates.today()
        columns = []
        for n in range(7):
            day = monday + timedelta(days=n)
            columns.append(
                {
                    "day": day,
                    "is_today": day == today,
                    "events": [event for event in events if day in event.days()],
                }
            )
        iso_year, number = dates.iso_week(monday)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Agenda, week %(number)s of %(year)s")
            % {"number": number, "year": iso_year},
            "monday": monday,
            "sunday": monday + timedelta(days=6),
            "columns": columns,
            "previous_url": self.week_url(monday - timedelta(days=7)),
            "following_url": self.week_url(monday + timedelta(days=7)),
            "this_week_url": reverse("admin:agenda_event_week"),
            "is_this_week": monday == dates.monday_of(today),
            "can_add": self.has_add_permission(request),
            "can_change": self.has_change_permission(request),
        }
        return TemplateResponse(request, "admin/agenda/event/week.html", context)

    @staticmethod
    def week_url(monday):
        if not dates.in_range(monday):
            return None
        year, number = dates.iso_week(monday)
        return reverse("admin:agenda_event_week_of", kwargs={"year": year, "week": number})


class CoverageForm(forms.ModelForm):
    class Meta:
        model = Coverage
        fields = ("event", "writer", "photographer", "status", "note", "article")


@admin.register(Coverage)
class CoverageAdmin(admin.ModelAdmin):
    form = CoverageForm
    list_display = ("event", "event_when", "writer", "photographer", "status", "article")
    list_filter = (
        "status",
        ("writer", admin.RelatedOnlyFieldListFilter),
        ("photographer", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("event", "writer", "photographer", "article")
    search_fields = ("event__title", "note")
    autocomplete_fields = ("event", "article")
    ordering = ("-event__start", "pk")
    fields = ("event", "writer", "photographer", "status", "note", "article")

    def get_queryset(self, request):
        coverages = super().get_queryset(request)
        if not services.can_assign(request.user):
            coverages = coverages.assigned_to(request.user)  # their own, nobody else's
        return coverages

    def has_add_permission(self, request):
        return services.can_assign(request.user) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return services.can_assign(request.user) and super().has_delete_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or services.can_update_status(request.user, obj)

    def get_readonly_fields(self, request, obj=None):
        if services.can_assign(request.user):
            return ()
        return ("event", "writer", "photographer", "note", "article")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("writer", "photographer"):
            kwargs["queryset"] = assignable_people()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None and "status" in form.base_fields:
            # Only the steps this person may take are offered, and only they validate.
            form.base_fields["status"].choices = services.status_choices(request.user, obj)
        return form

    def save_model(self, request, obj, form, change):
        if not services.can_assign(request.user):
            # Only the status, through the one rule (the form offered nothing else).
            try:
                services.set_status(coverage=obj, status=obj.status, by=request.user)
            except ValidationError as error:
                raise PermissionDenied(error.messages[0]) from error
            return
        super().save_model(request, obj, form, change)
        if is_assignment(form, created=not change):
            services.record_assignment(coverage=obj, request=request)

    @admin.display(description=_("when (WIB)"), ordering="event__start")
    def event_when(self, obj):
        return f"{dates.local(obj.event.start):%d-%m-%Y} {event_hours(obj.event)}"

    # -- the dashboard's quick status change ----------------------------------------------

    def get_urls(self):
        return [
            path(
                "<int:object_id>/status/",
                self.admin_site.admin_view(self.status_view),
                name="agenda_coverage_status",
            ),
            *super().get_urls(),
        ]

    def status_view(self, request, object_id):
        """POST status=<value>: the dashboard's form for one's own coverage."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        coverage = self.get_queryset(request).filter(pk=object_id).first()
        if coverage is None:
            raise Http404  # not theirs, or not there: the same answer
        status = request.POST.get("status", "")
        if status not in Coverage.Status.values:
            self.message_user(request, gettext("Choose a status from the list."), messages.ERROR)
        else:
            try:
                services.set_status(coverage=coverage, status=status, by=request.user)
            except ValidationError as error:
                self.message_user(request, error.messages[0], messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("“%(event)s”: the status is now “%(status)s”.")
                    % {"event": coverage.event, "status": Coverage.Status(status).label},
                    messages.SUCCESS,
                )
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = reverse("admin:index")
        return redirect(next_url)
