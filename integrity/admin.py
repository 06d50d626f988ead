"""The integrity watch in the admin: the last report as a page, its findings (filtered,
marked reviewed), and the editable lists of phrases and allowed domains.

Who sees the report: superusers and holders of integrity.view_report (the Admin group);
marking reviewed needs integrity.review_finding. Reports and findings are written only
by the check: nobody adds, edits or deletes them here.
"""

from django.apps import apps
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from .models import AllowedDomain, Finding, Pattern, Report
from .services import mark_reviewed

PAST_REPORTS = 30


def can_review(request):
    return request.user.has_perm("integrity.review_finding")


def reviewed_message(request, count):
    messages.success(
        request,
        ngettext(
            "%(count)d finding marked as reviewed.",
            "%(count)d findings marked as reviewed.",
            count,
        )
        % {"count": count},
    )


SCANNED_LABELS = {"files": _("files"), "storage errors": _("storages that could not be read")}


def scanned_labels(scanned):
    """[(what, how many)] for people: "articles.article" becomes "articles"."""
    rows = []
    for label, count in sorted(scanned.items()):
        if label in SCANNED_LABELS:
            rows.append((SCANNED_LABELS[label], count))
            continue
        try:
            rows.append((apps.get_model(label)._meta.verbose_name_plural, count))
        except LookupError:
            rows.append((label, count))
    return rows


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """The changelist is the last report's page; a past report opens the same page."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<int:pk>/tinjau/",
                self.admin_site.admin_view(require_POST(self.review_view)),
                name="{}_{}_review".format(*info),
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        report = Report.objects.filter(finished_at__isnull=False).first()
        return self.report_page(request, report)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self.report_page(request, get_object_or_404(Report, pk=object_id))

    def report_page(self, request, report):
        if not self.has_view_permission(request):
            raise PermissionDenied
        show_reviewed = request.GET.get("ditinjau") == "1"
        findings = []
        if report is not None:
            findings = report.findings.select_related("reviewed_by", "content_type")
            if not show_reviewed:
                findings = findings.filter(reviewed_at__isnull=True)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Integrity report"),
            "report": report,
            "findings": findings,
            "show_reviewed": show_reviewed,
            "reviewed_count": report.findings_count - report.open_count if report else 0,
            "can_review": can_review(request),
            "past_reports": Report.objects.filter(finished_at__isnull=False)[:PAST_REPORTS],
            "scanned": scanned_labels(report.scanned) if report else [],
        }
        return TemplateResponse(request, "admin/integrity/report.html", context)

    def review_view(self, request, pk):
        if not can_review(request):
            raise PermissionDenied
        report = get_object_or_404(Report, pk=pk)
        ids = [value for value in request.POST.getlist("finding") if value.isdigit()]
        count = mark_reviewed(
            findings=report.findings.filter(pk__in=ids), user=request.user, request=request
        )
        reviewed_message(request, count)
        return redirect("admin:integrity_report_change", report.pk)


class InLastReportFilter(admin.SimpleListFilter):
    """The last report's findings unless "all" is chosen: a finding of an older report
    is one that the last check no longer found."""

    title = _("report")
    parameter_name = "laporan"

    def lookups(self, request, model_admin):
        return (("semua", _("All reports")),)

    def choices(self, changelist):
        # Not SimpleListFilter's "All" first: no choice means the last report here.
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Last report"),
        }
        yield {
            "selected": self.value() == "semua",
            "query_string": changelist.get_query_string({self.parameter_name: "semua"}),
            "display": _("All reports"),
        }

    def queryset(self, request, queryset):
        if self.value() == "semua":
            return queryset
        return queryset.filter(report=Report.objects.filter(finished_at__isnull=False).first())


class ReviewedFilter(admin.SimpleListFilter):
    title = _("reviewed")
    parameter_name = "ditinjau"

    def lookups(self, request, model_admin):
        return (("1", _("Yes")), ("0", _("No")))

    def queryset(self, request, queryset):
        if self.value() in ("0", "1"):
            return queryset.filter(reviewed_at__isnull=self.value() == "0")
        return queryset


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = (
        "severity",
        "kind",
        "subject",
        "where_shown",
        "excerpt_shown",
        "first_seen",
        "last_seen",
        "reviewed",
    )
    list_filter = (InLastReportFilter, "kind", "severity", ReviewedFilter)
    search_fields = ("object_repr", "where", "excerpt")
    date_hierarchy = "first_seen"
    actions = ("mark_reviewed",)
    list_select_related = ("reviewed_by", "content_type")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_review_permission(self, request):
        return can_review(request)

    @admin.display(description=_("object"), ordering="object_repr")
    def subject(self, finding):
        if finding.admin_url:
            return format_html('<a href="{}">{}</a>', finding.admin_url, finding.object_repr)
        return finding.object_repr or "—"

    @admin.display(description=_("where"), ordering="where")
    def where_shown(self, finding):
        return finding.where_label()

    @admin.display(description=_("excerpt"))
    def excerpt_shown(self, finding):
        return Truncator(finding.excerpt).chars(160)

    @admin.display(description=_("reviewed"), ordering="reviewed_at")
    def reviewed(self, finding):
        if not finding.is_reviewed:
            return "—"
        when = timezone.localtime(finding.reviewed_at)
        return f"{finding.reviewed_by or '?'} ({when:%Y-%m-%d %H:%M})"

    @admin.action(description=_("Mark as reviewed"), permissions=("review",))
    def mark_reviewed(self, request, queryset):
        reviewed_message(
            request, mark_reviewed(findings=queryset, user=request.user, request=request)
        )


@admin.register(Pattern)
class PatternAdmin(admin.ModelAdmin):
    list_display = ("phrase", "kind", "is_regex", "is_active", "note", "created_at")
    list_editable = ("is_active",)
    list_filter = ("kind", "is_active", "is_regex")
    search_fields = ("phrase", "note")


@admin.register(AllowedDomain)
class AllowedDomainAdmin(admin.ModelAdmin):
    list_display = ("domain", "include_subdomains", "note")
    list_filter = ("include_subdomains",)
    search_fields = ("domain", "note")
