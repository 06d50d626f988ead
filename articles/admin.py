from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from taggit.forms import TagWidget
from taggit.models import Tag

from . import reports
from .models import Article, Category, Photo, Photographer

THUMBNAIL_WIDTH = 80


def thumbnail(photo, width=THUMBNAIL_WIDTH):
    if not photo or not photo.width:
        return "—"
    height = round(photo.height * width / photo.width)
    return format_html(
        '<img src="{}" alt="{}" width="{}" height="{}" loading="lazy" style="object-fit:cover">',
        photo.image.url,
        photo.alt_text,
        width,
        height,
    )


class TagSuggestWidget(TagWidget):
    """Taggit's comma-separated input with existing tags offered by the browser.

    A <datalist> needs no JavaScript; tag-suggest.js makes it complete the last tag of
    the list rather than the whole field.
    """

    template_name = "admin/articles/tag_suggest_widget.html"

    class Media:
        js = ("admin/articles/tag-suggest.js",)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["list"] = f"{context['widget']['attrs']['id']}-options"
        context["suggestions"] = list(
            Tag.objects.order_by("name").values_list("name", flat=True)[:1000]
        )
        return context


class ArticleAdminForm(forms.ModelForm):
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
            "status",
            "published_at",
            "slug",
            "author",
        )
        widgets = {
            "tags": TagSuggestWidget(attrs={"size": 60}),
            "lead": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 24, "class": "vLargeTextField"}),
        }


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "order", "article_count")
    list_editable = ("order",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}

    @admin.display(description=_("articles"))
    def article_count(self, obj):
        return obj.articles.count()


@admin.register(Photographer)
class PhotographerAdmin(admin.ModelAdmin):
    list_display = ("name", "agency", "slug")
    list_filter = ("agency",)
    search_fields = ("name", "agency")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ("thumbnail", "__str__", "photographer", "width", "height", "uploaded_at")
    list_display_links = ("thumbnail", "__str__")
    list_filter = ("photographer", "uploaded_at")
    list_select_related = ("photographer",)
    search_fields = ("caption", "alt_text", "photographer__name")
    date_hierarchy = "uploaded_at"
    autocomplete_fields = ("photographer",)
    readonly_fields = ("preview", "width", "height")
    fields = ("image", "preview", "alt_text", "caption", "photographer", "width", "height")

    @admin.display(description=_("photo"))
    def thumbnail(self, obj):
        return thumbnail(obj)

    @admin.display(description=_("preview"))
    def preview(self, obj):
        return thumbnail(obj, width=400) if obj.pk else "—"


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = (
        "title",
        "thumbnail",
        "category",
        "status",
        "published_at",
        "author",
        "view_count",
    )
    list_filter = ("status", "category", "published_at")
    list_select_related = ("category", "author", "featured_photo")
    search_fields = ("title", "lead", "slug")
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("category", "featured_photo")
    readonly_fields = (
        "featured_photo_preview",
        "views_summary",
        "view_count",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("title", "dateline", "lead", "body")}),
        (
            _("Classification"),
            {"fields": ("category", "tags", "featured_photo", "featured_photo_preview")},
        ),
        (_("Publishing"), {"fields": ("status", "published_at")}),
        (_("Readers"), {"fields": ("views_summary",)}),
        (
            _("Details"),
            {
                "classes": ("collapse",),
                "fields": ("slug", "author", "view_count", "created_at", "updated_at"),
            },
        ),
    )

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
        from .viewcount import displayed_totals

        total = displayed_totals([obj])[obj.pk]
        return format_html(
            "<p><strong>{}</strong> {}</p>{}",
            total,
            _("views in all"),
            reports.svg_bar_chart(reports.daily_series(obj)),
        )

    def get_urls(self):
        return [
            path(
                "terpopuler/",
                self.admin_site.admin_view(self.most_read_view),
                name="articles_article_most_read",
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

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)
