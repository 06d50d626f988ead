"""The photo library: photographers, the photo form and list, and the editor's picker;
uploading many photos at once is in photo_upload.py."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import images, photouse, workflow
from ..models import (
    Article,
    Photo,
    Photographer,
)
from .common import thumbnail
from .photo_upload import BulkUploadMixin, PhotoNotStored, not_stored_message


@admin.register(Photographer)
class PhotographerAdmin(admin.ModelAdmin):
    list_display = ("name", "agency", "is_active", "user", "photo_count")
    list_filter = ("is_active", "agency")
    search_fields = ("name", "agency")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("user",)

    def has_change_permission(self, request, obj=None):
        """Editors and admins edit any credit; a photographer only their own."""
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or workflow.can_publish(request.user):
            return True
        return request.user.has_perm("articles.add_photographer") or obj.user_id == request.user.pk

    def get_readonly_fields(self, request, obj=None):
        # The name and agency are the credit line under every photo of theirs; once
        # published work prints it, it changes through an editor (articles/photouse.py).
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and not photouse.may_change_credit(request.user, obj):
            fields = (*fields, "name", "agency")
        return fields

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

    not_stored = None  # why storing failed, when PhotoAdmin shows the form again

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cleaned_upload = None
        if "alt_text" not in self.fields:  # the read-only page of a photo one may not change
            return
        # Required here, in the library; photos imported without it stop publication.
        self.fields["alt_text"].required = True
        self.fields["photographer"].queryset = Photographer.objects.filter(is_active=True)

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            self.cleaned_upload = images.clean_upload(upload)
        elif not self.instance.pk:
            raise forms.ValidationError(_("Choose the photo to upload."), code="required")
        return upload

    def clean(self):
        cleaned_data = super().clean()
        if self.not_stored:
            self.add_error("upload", forms.ValidationError(self.not_stored, code="not_stored"))
        return cleaned_data


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
class PhotoAdmin(BulkUploadMixin, admin.ModelAdmin):
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

    # -- who may change what readers see: enforced here, on the server ---------------

    def has_change_permission(self, request, obj=None):
        """A photo that published or scheduled work shows changes only through an
        editor; before that, it is its uploader's (articles/photouse.py). Without it, the
        change page is read-only and a POST is refused (403) by the admin itself."""
        return super().has_change_permission(request, obj) and self.may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Foreign keys protect a featured or gallery photo; nothing protects one shown
        # inline in a body, whose image would be gone from the published page.
        return super().has_delete_permission(request, obj) and self.may_change(request, obj)

    @staticmethod
    def may_change(request, obj):
        """photouse.may_change, asked once per request and photo, of the photo as stored:
        the admin asks again for each part of its page (eleven times for a POST), and an
        answer may read every published article's body."""
        if obj is None or obj.pk is None:
            return True
        if not hasattr(request, "photo_may_change"):
            request.photo_may_change = {}
        if obj.pk not in request.photo_may_change:
            request.photo_may_change[obj.pk] = photouse.may_change(request.user, obj)
        return request.photo_may_change[obj.pk]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if getattr(request, "photo_not_stored", None):
            form = type(form.__name__, (form,), {"not_stored": request.photo_not_stored})
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except PhotoNotStored as refusal:
            # Raised from save_model inside the admin's transaction, which is rolled
            # back, and save_photo has removed the files it wrote. The admin has no hook
            # between "the form is valid" and "saved", so the same request goes through
            # once more with a form that refuses, and the editor gets the form back with
            # the reason on the file field.
            request.photo_not_stored = refusal.message
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        regenerate = change and {"focal_x", "focal_y"} & set(form.changed_data)
        if not change:
            obj.uploaded_by = request.user
        # Asked before the new file is stored: bodies name the old one. Only of an
        # editor: anyone else may change a photo only while nothing public shows it.
        shown = photouse.shown_by(obj) if change and workflow.can_publish(request.user) else []
        before = photouse.files(obj)
        try:
            images.save_photo(photo=obj, upload=form.cleaned_upload, regenerate=bool(regenerate))
        except images.STORAGE_ERRORS as error:  # a full disk, an unreachable bucket
            raise PhotoNotStored(not_stored_message(error)) from error
        if shown:
            photouse.record_change(
                shown,
                photo=obj,
                by=request.user,
                changed=self.changed_labels(form),
                renames=photouse.renames(before, obj),
            )

    @staticmethod
    def changed_labels(form):
        """What the editor changed, in the words of the form: "berkas, keterangan"."""
        labels = []
        for name in form.changed_data:
            if name == "upload":
                label = gettext("file")
            elif name in ("focal_x", "focal_y"):
                label = gettext("crop")
            else:
                label = str(form.fields[name].label).lower()
            if label not in labels:
                labels.append(label)
        return labels

    def get_urls(self):
        return [
            path(
                "unggah/",
                self.admin_site.admin_view(self.bulk_upload_view),
                name="articles_photo_bulk_upload",
            ),
            path(
                "pilih/",
                self.admin_site.admin_view(self.picker_view),
                name="articles_photo_picker",
            ),
            *super().get_urls(),
        ]

    def picker_view(self, request):
        """The rich-text editor's "Browse..." window: pick a library photo; the editor
        gets its address, alt text, and caption with the credit line."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        query = request.GET.get("q", "").strip()[:100]
        photos = Photo.objects.select_related("photographer").order_by("-uploaded_at")
        if query:
            photos = photos.filter(
                Q(caption__icontains=query)
                | Q(alt_text__icontains=query)
                | Q(photographer__name__icontains=query)
            )
        choices = [
            {
                "photo": photo,
                "url": next(
                    (
                        default_storage.url(r["name"])
                        for r in sorted(photo.renditions, key=lambda r: -r["width"])
                        if r["format"] == "jpeg" and r["kind"] == "fit" and r["width"] <= 1200
                    ),
                    photo.fallback["url"],
                ),
                "caption": " ".join(part for part in (photo.caption, photo.credit) if part),
            }
            for photo in photos[:60]
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Choose a photo"),
            "choices": choices,
            "query": query,
            "func_num": request.GET.get("CKEditorFuncNum", ""),
            "is_popup": True,
        }
        return TemplateResponse(request, "admin/articles/photo/picker.html", context)
