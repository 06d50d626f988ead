"""Uploading photos: what the editor is told when a photo cannot be stored, and the
photo library's bulk upload page (PhotoAdmin, in photos.py, takes it as a mixin)."""

import errno
import logging

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from .. import images
from ..models import Photo, Photographer

logger = logging.getLogger(__name__)

# A full disk, or a full quota for the site's user.
DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


def not_stored_message(error):
    """What the editor is told when the photo could not be written to the media storage
    (call it in the except block: the error is logged with its traceback)."""
    logger.exception("could not store an uploaded photo")
    if getattr(error, "errno", None) in DISK_FULL:
        return _("The media disk is full: the photo was not stored. Tell the site administrator.")
    return _(
        "The photo could not be stored. Try again; if it happens again, tell the site "
        "administrator."
    )


class PhotoNotStored(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


# One request makes every rendition of every photo it carries (about 3 s for a
# 24-megapixel JPEG): ten keep a bulk upload well inside gunicorn's timeout, and its body
# inside MAX_REQUEST_BYTES (settings).
BULK_UPLOAD_MAX_FILES = 10


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
        if len(files) > BULK_UPLOAD_MAX_FILES:
            raise forms.ValidationError(
                _("At most %(count)s photos at once: upload the rest in another round."),
                code="too_many",
                params={"count": BULK_UPLOAD_MAX_FILES},
            )
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


class BulkUploadMixin:
    """Mixed into PhotoAdmin before admin.ModelAdmin; PhotoAdmin.get_urls routes to it."""

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
                    uploaded_by=request.user,
                )
                try:
                    images.save_photo(photo=photo, upload=clean)
                except images.STORAGE_ERRORS as error:  # nothing of this photo is stored
                    refused.append((upload.name, [not_stored_message(error)]))
                    continue
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
