"""The documents desk: editors publish, writers upload and edit unpublished documents.

An upload is checked by its content (checks.py) and its first page rendered
(preview.py) while the form is validated, so a refusal is a form error and nothing is
stored; services.save_document stores the file, the preview and the row together.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import checks, services
from .models import Document
from .preview import PreviewFailed, render_first_page
from .views import file_response

ACCEPT = ".pdf,.docx,.xlsx,.pptx,.odt,.ods," + ",".join(checks.CONTENT_TYPES.values())


def can_publish(user) -> bool:
    return user.has_perm("documents.publish_document")


class DocumentAdminForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = (
            "title", "number", "date", "kind", "issuer", "description", "file",
            "is_published", "slug",
        )  # fmt: skip
        # A plain file input: the stored file has no URL to show (it is private; the
        # file facts link the staff's file view).
        widgets = {"file": forms.FileInput(attrs={"accept": ACCEPT})}

    checked = None
    preview = None

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not isinstance(upload, UploadedFile):
            return upload  # the file already stored
        self.checked = checks.check_upload(upload)
        if self.checked.file_type == "pdf":
            try:
                self.preview = render_first_page(upload)
            except PreviewFailed as error:
                raise forms.ValidationError(
                    _("The PDF is damaged and cannot be read. Export it again from its program."),
                    code="pdf_broken",
                ) from error
        return upload


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    form = DocumentAdminForm
    list_display = (
        "title",
        "kind",
        "number",
        "date",
        "file_type",
        "size",
        "is_published",
        "download_count",
    )
    list_filter = ("kind", "is_published", "file_type", "date")
    search_fields = ("title", "number", "issuer", "description", "slug")
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = (
        "file_facts",
        "preview_image",
        "download_count",
        "created_by",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("title", "number", "date", "kind", "issuer", "description")}),
        (_("File"), {"fields": ("file", "file_facts", "preview_image")}),
        (_("Publishing"), {"fields": ("is_published",)}),
        (_("Readers"), {"fields": ("download_count",)}),
        (
            _("Details"),
            {
                "classes": ("collapse",),
                "fields": ("slug", "created_by", "created_at", "updated_at"),
            },
        ),
    )

    # -- who may do what: enforced here, on the server -------------------------------

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        # A writer's change to a published document (a new file) would publish it.
        return obj is None or can_publish(request.user) or not obj.is_published

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and can_publish(request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if not can_publish(request.user):
            fields = (*fields, "is_published", "slug")
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        if not can_publish(request.user):
            return {}  # the slug is read-only for writers
        return super().get_prepopulated_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if not can_publish(request.user) and obj.is_published:
            raise PermissionDenied
        if not change:
            obj.created_by = request.user
        upload = form.cleaned_data.get("file")
        if "file" not in form.changed_data or not isinstance(upload, UploadedFile):
            upload = None
        services.save_document(
            document=obj, upload=upload, checked=form.checked, preview=form.preview
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/berkas/",
                self.admin_site.admin_view(self.file_view),
                name="documents_document_file",
            ),
            *super().get_urls(),
        ]

    def file_view(self, request, object_id):
        """The file for staff who may see the document, published or not (not counted)."""
        document = self.get_object(request, object_id)
        if document is None or not self.has_view_permission(request, document):
            raise Http404
        return file_response(document)

    # -- columns and read-only fields -------------------------------------------------

    @admin.display(description=_("size"), ordering="file_size")
    def size(self, obj):
        return filesizeformat(obj.file_size)

    @admin.display(description=_("file"))
    def file_facts(self, obj):
        if not obj.pk or not obj.file_type:
            return "—"
        return format_html(
            '{} · {} · <a href="{}">{}</a>',
            obj.file_type.upper(),
            self.size(obj),
            reverse("admin:documents_document_file", args=[obj.pk]),
            obj.filename,
        )

    @admin.display(description=_("first page"))
    def preview_image(self, obj):
        if not obj.preview:
            return "—"
        return format_html('<img src="{}" alt="" width="240" loading="lazy">', obj.preview.url)
