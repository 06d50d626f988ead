"""The article admin: its options, its columns and the most-read report; the workflow's
part (permissions, saving, actions, revisions, preview) is in article_workflow.py."""

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from audit.events import record

from .. import reports
from ..models import Article
from ..viewcount import displayed_totals, held_back_totals
from .article_forms import ArticleAdminForm, ArticleNoteInline, GalleryInline
from .article_workflow import ArticleWorkflowMixin
from .common import thumbnail


@admin.register(Article)
class ArticleAdmin(ArticleWorkflowMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = (
        "title",
        "thumbnail",
        "category",
        "status_chip",
        "published_at",
        "author",
        "view_count",
        "held_back",
        "comment_count",
    )
    list_filter = (
        "status",
        "kind",
        "category",
        ("author", admin.RelatedOnlyFieldListFilter),
        "published_at",
    )
    actions = ("publish_selected", "unpublish_selected")

    class Media:
        css = {"all": ("admin/articles/newsroom.css",)}

    list_select_related = ("category", "author", "featured_photo")
    search_fields = ("title", "lead", "slug")
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("category", "featured_photo", "attachments")
    readonly_fields = (
        "featured_photo_preview",
        "views_summary",
        "workflow_history",
        "view_count",
        "created_at",
        "updated_at",
    )
    inlines = (GalleryInline, ArticleNoteInline)
    fieldsets = (
        (None, {"fields": ("title", "dateline", "lead", "body")}),
        (
            _("Classification"),
            {
                "fields": (
                    "kind",
                    "category",
                    "tags",
                    "featured_photo",
                    "featured_photo_preview",
                    "photo_credit_text",
                    "attachments",
                )
            },
        ),
        (
            _("Publishing"),
            {
                "fields": (
                    "status",
                    "published_at",
                    "workflow_comment",
                    "takedown_reason",
                    "workflow_history",
                )
            },
        ),
        (_("Readers"), {"fields": ("views_summary",)}),
        (
            _("Details"),
            {
                "classes": ("collapse",),
                "fields": ("slug", "author", "view_count", "created_at", "updated_at"),
            },
        ),
    )

    def get_queryset(self, request):
        # ArticleWorkflowMixin limits a writer to their own articles.
        return super().get_queryset(request).annotate(num_comments=Count("comments", distinct=True))

    # -- columns and read-only fields -------------------------------------------------

    @admin.display(description=_("status"), ordering="status")
    def status_chip(self, obj):
        label, kind = obj.get_status_display(), obj.status
        if obj.is_scheduled:
            label, kind = _("Scheduled"), "scheduled"
        return format_html('<span class="status-chip status-{}">{}</span>', kind, label)

    @admin.display(description=_("comments"), ordering="num_comments")
    def comment_count(self, obj):
        return obj.num_comments

    @admin.display(description=_("photo"))
    def thumbnail(self, obj):
        return thumbnail(obj.featured_photo)

    @admin.display(description=_("current photo"))
    def featured_photo_preview(self, obj):
        return thumbnail(obj.featured_photo, width=240)

    @admin.display(description=_("views"))
    def views_summary(self, obj):
        if not obj.pk:
            return "—"
        total = displayed_totals([obj])[obj.pk]
        held_back = held_back_totals([obj])[obj.pk]
        return format_html(
            "<p><strong>{}</strong> {}</p>{}{}",
            total,
            _("views in all"),
            format_html(
                "<p>{} {}</p>",
                held_back,
                _("held back: new readers beyond the limit for one address, not counted"),
            )
            if held_back
            else "",
            reports.svg_bar_chart(reports.daily_series(obj)),
        )

    @admin.display(description=_("held back"), ordering="views_held_back")
    def held_back(self, obj):
        """Views held back by the address limit (articles/viewcount/), next to the views."""
        return obj.views_held_back or None  # "-" when none

    def get_urls(self):
        return [
            path(
                "terpopuler/",
                self.admin_site.admin_view(self.most_read_view),
                name="articles_article_most_read",
            ),
            path(
                "<path:object_id>/revisi/",
                self.admin_site.admin_view(self.revisions_view),
                name="articles_article_revisions",
            ),
            path(
                "<path:object_id>/pratinjau/",
                self.admin_site.admin_view(self.preview_view),
                name="articles_article_preview",
            ),
            *super().get_urls(),
        ]

    def most_read_view(self, request):
        """The most-read articles over a chosen period, as a table or a CSV file."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        form = reports.PeriodForm(request.GET or {"start": today - timedelta(days=6), "end": today})
        rows, csv_query = [], ""
        if form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
            rows = reports.most_read(start, end)
            csv_query = urlencode({"start": start, "end": end, "format": "csv"})
            if request.GET.get("format") == "csv":
                details = {"report": "most_read", "start": start, "end": end, "rows": len(rows)}
                record("export.csv", request=request, details=details)
                response = HttpResponse(
                    reports.most_read_csv(rows, start, end), content_type="text/csv; charset=utf-8"
                )
                response["Content-Disposition"] = (
                    f'attachment; filename="terpopuler-{start:%Y%m%d}-{end:%Y%m%d}.csv"'
                )
                return response
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Most read articles"),
            "form": form,
            "rows": rows,
            "csv_query": csv_query,
        }
        return TemplateResponse(request, "admin/articles/article/most_read.html", context)
