from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from taggit.forms import TagWidget
from taggit.models import Tag

from . import comments, images, reports
from .models import (
    Article,
    Category,
    Comment,
    CommentReport,
    GalleryItem,
    Photo,
    Photographer,
)

THUMBNAIL_WIDTH = 80


def thumbnail(photo, width=THUMBNAIL_WIDTH):
    """A small preview from the stored renditions (no image file is opened)."""
    if not photo or not photo.width:
        return "—"
    height = round(photo.height * width / photo.width)
    return format_html(
        '<img src="{}" alt="{}" width="{}" height="{}" loading="lazy" style="object-fit:cover">',
        photo.fallback["url"],
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
            "photo_credit_text",
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
    list_display = ("name", "agency", "is_active", "user", "photo_count")
    list_filter = ("is_active", "agency")
    search_fields = ("name", "agency")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("user",)

    def get_queryset(self, request):
        # Meta.ordering does not apply to grouped queries: order explicitly.
        return super().get_queryset(request).annotate(num_photos=Count("photos")).order_by("name")

    @admin.display(description=_("photos"), ordering="num_photos")
    def photo_count(self, obj):
        return obj.num_photos


class PhotoAdminForm(forms.ModelForm):
    """The photo form; the file goes through articles.images.clean_upload, which
    refuses what is not a safe photo and normalizes what is."""

    upload = forms.FileField(
        label=_("Image file"),
        required=False,
        help_text=_("JPEG, PNG, WebP or GIF; at most 20 MB and 40 megapixels."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )

    class Meta:
        model = Photo
        fields = ("alt_text", "caption", "photographer", "taken_at", "focal_x", "focal_y")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Required here, in the library; photos imported without it stop publication.
        self.fields["alt_text"].required = True
        self.fields["photographer"].queryset = Photographer.objects.filter(is_active=True)
        self.cleaned_upload = None

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            self.cleaned_upload = images.clean_upload(upload)
        elif not self.instance.pk:
            raise forms.ValidationError(_("Choose the photo to upload."), code="required")
        return upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        files = [f for f in files if f]
        if not files:
            raise forms.ValidationError(_("Choose one or more photos."), code="required")
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class BulkUploadForm(forms.Form):
    files = MultipleFileField(label=_("Photos"))
    photographer = forms.ModelChoiceField(
        label=_("Photographer"), queryset=Photographer.objects.filter(is_active=True)
    )
    alt_text = forms.CharField(
        label=_("Alt text"),
        max_length=250,
        help_text=_("Given to every photo; describe each one better afterwards if need be."),
    )
    caption = forms.CharField(label=_("Caption"), max_length=300, required=False)


class PhotoUsageFilter(admin.SimpleListFilter):
    title = _("use")
    parameter_name = "dipakai"

    def lookups(self, request, model_admin):
        return (("ya", _("Used in articles")), ("tidak", _("Not used")))

    def queryset(self, request, queryset):
        used = Q(featured_in__isnull=False) | Q(gallery_items__isnull=False)
        if self.value() == "ya":
            return queryset.filter(used).distinct()
        if self.value() == "tidak":
            return queryset.exclude(used)
        return queryset


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    form = PhotoAdminForm
    list_display = (
        "thumbnail",
        "__str__",
        "photographer",
        "taken_at",
        "uploaded_at",
        "usage_count",
    )
    list_display_links = ("thumbnail", "__str__")
    list_filter = ("photographer", PhotoUsageFilter, "taken_at", "uploaded_at")
    list_select_related = ("photographer",)
    list_per_page = 48
    search_fields = ("caption", "alt_text", "photographer__name")
    date_hierarchy = "uploaded_at"
    autocomplete_fields = ("photographer",)
    readonly_fields = ("preview", "size", "usage")
    fieldsets = (
        (
            None,
            {"fields": ("upload", "preview", "alt_text", "caption", "photographer", "taken_at")},
        ),
        (
            _("Cropping"),
            {
                "fields": ("focal_x", "focal_y"),
                "description": _(
                    "The point that crops keep, e.g. a face: across and down, from 0 to 1. "
                    "With JavaScript, click the preview to set it."
                ),
            },
        ),
        (_("Details"), {"fields": ("size", "usage")}),
    )

    class Media:
        css = {"all": ("admin/articles/photo-library.css",)}
        js = ("admin/articles/focal-point.js",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                num_uses=Count("featured_in", distinct=True) + Count("gallery_items", distinct=True)
            )
            .order_by("-uploaded_at", "-pk")
        )

    @admin.display(description=_("photo"))
    def thumbnail(self, obj):
        return thumbnail(obj, width=160)

    @admin.display(description=_("used in"), ordering="num_uses")
    def usage_count(self, obj):
        return obj.num_uses

    @admin.display(description=_("preview"))
    def preview(self, obj):
        if not obj.pk:
            return "—"
        return format_html(
            '<div class="focal-preview" data-focal-x="{}" data-focal-y="{}">{}</div>',
            obj.focal_x,
            obj.focal_y,
            thumbnail(obj, width=480),
        )

    @admin.display(description=_("size"))
    def size(self, obj):
        return f"{obj.width} x {obj.height} px" if obj.pk else "—"

    @admin.display(description=_("used in"))
    def usage(self, obj):
        if not obj.pk:
            return "—"
        articles = Article.objects.filter(
            Q(featured_photo=obj) | Q(gallery_items__photo=obj)
        ).distinct()
        if not articles:
            return _("Not used in any article.")
        return format_html_join(
            "", '<p><a href="{}">{}</a> ({})</p>',
            ((reverse("admin:articles_article_change", args=[a.pk]), a.title,
              a.get_status_display()) for a in articles),
        )  # fmt: skip

    def save_model(self, request, obj, form, change):
        regenerate = change and {"focal_x", "focal_y"} & set(form.changed_data)
        images.save_photo(photo=obj, upload=form.cleaned_upload, regenerate=bool(regenerate))
        for article in Article.objects.filter(Q(featured_photo=obj) | Q(gallery_items__photo=obj)):
            article.forget_rendered_page()

    def get_urls(self):
        return [
            path(
                "unggah/",
                self.admin_site.admin_view(self.bulk_upload_view),
                name="articles_photo_bulk_upload",
            ),
            *super().get_urls(),
        ]

    def bulk_upload_view(self, request):
        """Upload many photos at once; each file is checked on its own."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = BulkUploadForm(request.POST or None, request.FILES or None)
        saved, refused = [], []
        if request.method == "POST" and form.is_valid():
            for upload in form.cleaned_data["files"]:
                try:
                    clean = images.clean_upload(upload)
                except forms.ValidationError as error:
                    refused.append((upload.name, error.messages))
                    continue
                photo = Photo(
                    photographer=form.cleaned_data["photographer"],
                    alt_text=form.cleaned_data["alt_text"],
                    caption=form.cleaned_data["caption"],
                )
                images.save_photo(photo=photo, upload=clean)
                saved.append(photo)
            if saved and not refused:
                self.message_user(request, _("%(count)s photos uploaded.") % {"count": len(saved)})
                return redirect("admin:articles_photo_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Upload photos"),
            "form": form,
            "saved": saved,
            "refused": refused,
        }
        return TemplateResponse(request, "admin/articles/photo/bulk_upload.html", context)


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
    inlines = (GalleryInline,)
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


class CommentReportInline(admin.TabularInline):
    model = CommentReport
    extra = 0
    can_delete = False
    fields = ("reason", "reporter", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class HideCommentsForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.TextInput(attrs={"size": 60}),
        help_text=_("Recorded with the comment, for the other editors."),
    )


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("excerpt", "article", "author", "status", "created_at", "report_count")
    list_filter = ("status", "created_at", ("reports", admin.EmptyFieldListFilter))
    list_select_related = ("article", "user")
    search_fields = ("body", "user__email", "user__display_name", "article__title")
    date_hierarchy = "created_at"
    readonly_fields = ("article", "user", "created_at", "moderated_by", "moderated_at")
    fields = (
        "article",
        "user",
        "created_at",
        "body",
        "status",
        "moderation_reason",
        "moderated_by",
        "moderated_at",
    )
    inlines = (CommentReportInline,)
    actions = ("approve", "hide", "mark_spam")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(num_reports=Count("reports"))
            .order_by("-created_at", "-pk")
        )

    @admin.display(description=_("comment"))
    def excerpt(self, obj):
        return Truncator(obj.body).chars(80)

    @admin.display(description=_("reader"), ordering="user__display_name")
    def author(self, obj):
        return obj.user.public_name if obj.user else _("Deleted user")

    @admin.display(description=_("reports"), ordering="num_reports")
    def report_count(self, obj):
        return obj.num_reports

    def has_add_permission(self, request):
        return False  # comments come from readers

    @admin.action(description=_("Approve the selected comments"), permissions=("change",))
    def approve(self, request, queryset):
        count = comments.moderate(queryset, status=Comment.Status.APPROVED, editor=request.user)
        self.message_user(request, _("%(count)s comments approved.") % {"count": count})

    @admin.action(description=_("Mark the selected comments as spam"), permissions=("change",))
    def mark_spam(self, request, queryset):
        count = comments.moderate(
            queryset, status=Comment.Status.SPAM, editor=request.user, reason=_("Spam")
        )
        self.message_user(request, _("%(count)s comments marked as spam.") % {"count": count})

    @admin.action(description=_("Hide the selected comments…"), permissions=("change",))
    def hide(self, request, queryset):
        """Asks for the reason first, like the delete action asks for confirmation."""
        form = HideCommentsForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            count = comments.moderate(
                queryset,
                status=Comment.Status.HIDDEN,
                editor=request.user,
                reason=form.cleaned_data["reason"],
            )
            self.message_user(request, _("%(count)s comments hidden.") % {"count": count})
            return None
        return TemplateResponse(
            request,
            "admin/articles/comment/hide.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Hide comments"),
                "form": form,
                "comments": queryset,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def save_model(self, request, obj, form, change):
        # An editor's edit (allowed by the cyber-media guideline) is recorded as theirs.
        if change and form.changed_data:
            obj.moderated_by = request.user
            obj.moderated_at = timezone.now()
        super().save_model(request, obj, form, change)
        obj.article.forget_rendered_page()


@admin.register(CommentReport)
class CommentReportAdmin(admin.ModelAdmin):
    list_display = ("comment", "reason", "reporter", "created_at")
    list_filter = ("reason", "created_at")
    list_select_related = ("comment", "reporter")
    search_fields = ("comment__body",)
    readonly_fields = ("comment", "reporter", "reason", "created_at")

    def has_add_permission(self, request):
        return False
