from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .. import reports, workflow
from ..editor import body_widget
from ..models import Article, ArticleNote, GalleryItem
from .common import TagSuggestWidget, thumbnail


class ArticleNoteInline(admin.StackedInline):
    model = ArticleNote
    extra = 0
    fields = ("kind", "published_at", "text")
    verbose_name = _("correction, clarification or right of reply")

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("articles.add_articlenote")


class ArticleAdminForm(forms.ModelForm):
    workflow_comment = forms.CharField(
        label=_("Note for the writer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("When sending the article back to draft: what should change."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "tags" in self.fields:
            self.fields["tags"].help_text = _("Separate tags with commas.")

    class Meta:
        model = Article
        fields = (
            "title",
            "dateline",
            "lead",
            "body",
            "category",
            "tags",
            "featured_photo",
            "photo_credit_text",
            "status",
            "published_at",
            "slug",
            "author",
            "takedown_reason",
        )
        widgets = {
            "tags": TagSuggestWidget(attrs={"size": 60}),
            "lead": forms.Textarea(attrs={"rows": 3}),
            "body": body_widget(),
        }


class GalleryInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        article = self.instance
        if article.status != Article.Status.PUBLISHED:
            return
        photos = [article.featured_photo] if article.featured_photo_id else []
        photos += [
            form.cleaned_data["photo"]
            for form in self.forms
            if form.cleaned_data.get("photo") and not form.cleaned_data.get("DELETE")
        ]
        problems = article.photo_problems(photos)
        if problems:
            raise forms.ValidationError(
                [_("The article cannot be published yet:"), *problems], code="photo_problems"
            )


class GalleryInline(admin.TabularInline):
    model = GalleryItem
    formset = GalleryInlineFormSet
    extra = 1
    autocomplete_fields = ("photo",)
    fields = ("order", "photo", "photo_preview")
    readonly_fields = ("photo_preview",)

    @admin.display(description=_("preview"))
    def photo_preview(self, obj):
        return thumbnail(obj.photo) if obj.pk else "—"


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
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
    autocomplete_fields = ("category", "featured_photo")
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
                    "category",
                    "tags",
                    "featured_photo",
                    "featured_photo_preview",
                    "photo_credit_text",
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

    # -- who may see and do what: enforced here, on the server ----------------------

    def get_queryset(self, request):
        queryset = (
            super().get_queryset(request).annotate(num_comments=Count("comments", distinct=True))
        )
        if not workflow.can_publish(request.user):
            queryset = queryset.filter(author=request.user)  # writers see their own work
        return queryset

    def get_object(self, request, object_id, from_field=None):
        # Another writer's article is "not found", for the change, delete and history
        # pages alike (the admin would otherwise redirect with a message).
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or workflow.can_publish(request.user):
            return True
        return obj.author_id == request.user.pk and obj.status in workflow.WRITER_STATUSES

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return (
            obj is None
            or workflow.can_publish(request.user)
            or (obj.author_id == request.user.pk and obj.status == Article.Status.DRAFT)
        )

    def has_publish_permission(self, request):
        return workflow.can_publish(request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if not workflow.can_publish(request.user):
            fields = (*fields, "published_at", "author", "slug", "takedown_reason")
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        # The slug is read-only for writers, so there is no field to fill in.
        if not workflow.can_publish(request.user):
            return {}
        return super().get_prepopulated_fields(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if workflow.can_publish(request.user):
            return fieldsets
        hidden = {"workflow_comment", "takedown_reason"}
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for name, options in fieldsets
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not workflow.can_publish(request.user) and "status" in form.base_fields:
            # A writer can only choose draft or review; anything else is a form error.
            form.base_fields["status"].choices = [
                (value, label)
                for value, label in Article.Status.choices
                if value in workflow.WRITER_STATUSES
            ]
        return form

    def save_model(self, request, obj, form, change):
        if not workflow.can_publish(request.user):
            previous = form.initial.get("status", Article.Status.DRAFT)
            if (
                obj.status not in workflow.WRITER_STATUSES
                or previous not in workflow.WRITER_STATUSES
            ):
                raise PermissionDenied
        if not change and obj.author_id is None:
            obj.author = request.user
        self._previous_status = (
            Article.objects.filter(pk=obj.pk).values_list("status", flat=True).first()
            if change
            else None
        )
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        for formset in formsets:
            for note in getattr(formset, "new_objects", []):
                if isinstance(note, ArticleNote) and note.created_by_id is None:
                    note.created_by = request.user
                    note.save(update_fields=["created_by"])
        if self._previous_status is not None:
            workflow.record_transition(
                article=article,
                from_status=self._previous_status,
                by=request.user,
                comment=form.cleaned_data.get("workflow_comment", ""),
            )
        workflow.record_revision(article=article, by=request.user)

    @admin.action(description=_("Publish the selected articles"), permissions=("publish",))
    def publish_selected(self, request, queryset):
        changed = workflow.set_status(
            articles=queryset, status=Article.Status.PUBLISHED, by=request.user
        )
        self.message_user(request, _("%(count)s articles published.") % {"count": len(changed)})
        skipped = queryset.count() - len(changed)
        if skipped:
            self.message_user(
                request,
                _(
                    "%(count)s articles were not published: their photos lack alt text or a photographer."  # noqa: E501
                )
                % {"count": skipped},
                level="warning",
            )

    @admin.action(description=_("Unpublish the selected articles"), permissions=("publish",))
    def unpublish_selected(self, request, queryset):
        changed = workflow.set_status(
            articles=queryset, status=Article.Status.UNPUBLISHED, by=request.user
        )
        self.message_user(request, _("%(count)s articles unpublished.") % {"count": len(changed)})

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

    @admin.display(description=_("history"))
    def workflow_history(self, obj):
        if not obj.pk:
            return "—"
        transitions = obj.transitions.select_related("by")[:20]
        if not transitions:
            return _("No status changes yet.")
        return format_html_join(
            "", "<p>{} · {} · {}{}</p>",
            (
                (
                    timezone.localtime(t.at).strftime("%d-%m-%Y %H:%M"),
                    t.by or "—",
                    t,
                    format_html(": <em>{}</em>", t.comment) if t.comment else "",
                )
                for t in transitions
            ),
        )  # fmt: skip

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
        from ..viewcount import displayed_totals, held_back_totals

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
        """Views held back by the address limit (articles/viewcount.py), next to the views."""
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

    def revisions_view(self, request, object_id):
        """Every saved version, the difference between two, and restoring one."""
        article = self.get_object(request, object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        revisions = list(article.revisions.select_related("by"))
        if request.method == "POST":
            if not self.has_change_permission(request, article):
                raise PermissionDenied
            revision = get_object_or_404(article.revisions, pk=request.POST.get("restore"))
            workflow.restore_revision(article=article, revision=revision, by=request.user)
            self.message_user(request, _("Revision #%(n)s restored.") % {"n": revision.pk})
            return redirect("admin:articles_article_change", article.pk)
        by_id = {str(r.pk): r for r in revisions}
        newer = by_id.get(request.GET.get("b")) or (revisions[0] if revisions else None)
        older = by_id.get(request.GET.get("a")) or (revisions[1] if len(revisions) > 1 else None)
        changes = workflow.diff(older.data, newer.data) if older and newer else []
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": article,
            "title": _("Revisions of “%(title)s”") % {"title": article.title},
            "revisions": revisions,
            "older": older,
            "newer": newer,
            "changes": changes,
            "can_restore": self.has_change_permission(request, article),
        }
        return TemplateResponse(request, "admin/articles/article/revisions.html", context)

    def preview_view(self, request, object_id):
        """Open the article as readers would see it, through a signed, expiring link."""
        article = self.get_object(request, object_id)
        url = f"{article.get_absolute_url()}?pratinjau={workflow.preview_token(article)}"
        return redirect(url)

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
