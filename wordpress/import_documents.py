"""Documents of a WordPress export: attachments that are PDF, DOCX, XLSX, PPTX, ODT or
ODS become documents (Unduhan), for the importer (wordpress/importer.py).

An attachment is a candidate by its MIME type (wp:post_mime_type) or, when the export has
none, by its file name; then its file goes through the documents app's own upload checks
(documents.checks.check_upload, and for a PDF the first-page preview, as the admin does),
which decide by content. A refused file is reported with the reason and not imported.
Each document is imported once, remembered by its WordPress id, and its old address
(/wp-content/uploads/...) answers 301 to its download (wordpress/middleware.py).
"""

import logging
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags

from documents import checks, services
from documents.models import Document
from documents.preview import PreviewFailed, render_first_page
from humas.text import clean_text

from . import wxr
from .models import ImportedDocument

logger = logging.getLogger("wordpress.importer")

DOCUMENT_TYPES = {
    *checks.CONTENT_TYPES.values(),
    # What WordPress and browsers also call them.
    "application/x-pdf",
    "application/msword",  # .doc: offered to the checks, which explain the refusal
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
}
DOCUMENT_EXTENSIONS = {".pdf", ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".doc", ".xls", ".ppt"}
# Parents whose attachments WordPress served to anyone: their documents stay public.
PUBLIC_PARENT_STATUSES = {"publish", "inherit", ""}


def is_document(attachment) -> bool:
    if attachment.mime_type:
        return attachment.mime_type in DOCUMENT_TYPES
    return Path(attachment.file or wxr.url_path(attachment.url)).suffix.lower() in (
        DOCUMENT_EXTENSIONS
    )


class DocumentsMixin:
    """The Importer's document methods; it provides attachments, statuses, uploads,
    source_file, dry_run and report."""

    def import_documents(self):
        done = set(ImportedDocument.objects.values_list("wp_id", flat=True))
        for wp_id, attachment in self.attachments.items():
            if not is_document(attachment):
                continue
            if wp_id in done:
                self.report.counts["documents already imported"] += 1
                continue
            if self.dry_run:
                if self.source_file(attachment) is not None:
                    self.report.counts["documents to check and import"] += 1
                continue
            written = []
            try:
                with transaction.atomic():
                    self.import_document(attachment, written)
            except Exception as error:  # reported; the rest go on
                services.delete_files(written)
                logger.exception("WordPress attachment %s not imported", wp_id)
                self.report.failed.append((wp_id, attachment.title, str(error)))

    def import_document(self, attachment, written):
        source = self.source_file(attachment)
        if source is None:
            return None
        name = attachment.file or wxr.url_path(attachment.url)
        with source.open("rb") as handle:
            upload = File(handle, name=source.name)
            try:
                checked = checks.check_upload(upload)
                preview = render_first_page(upload) if checked.file_type == "pdf" else None
            except ValidationError as error:
                self.refuse_document(name, " ".join(error.messages))
                return None
            except PreviewFailed:
                self.refuse_document(name, "The PDF is damaged and cannot be read.")
                return None
            document = Document(
                title=clean_text(attachment.title)[:250] or Path(name).stem[:250],
                date=document_date(attachment),
                description=clean_text(strip_tags(attachment.description or ""))[:5000],
                is_published=self.document_is_public(attachment),
            )
            upload.seek(0)
            try:
                services.save_document(
                    document=document, upload=upload, checked=checked, preview=preview
                )
            finally:
                written += [n for n in (document.file.name, document.preview.name) if n]
        ImportedDocument.objects.create(
            wp_id=attachment.wp_id, document=document, path=wxr.url_path(attachment.url)
        )
        self.report.counts["documents imported"] += 1
        return document

    def refuse_document(self, name, reason):
        self.report.counts["documents refused"] += 1
        self.report.warnings.append(f"{name}: not imported as a document: {reason}")

    def document_is_public(self, attachment):
        """Public when WordPress served it to anyone: uploaded to the library, or attached
        to a published post or page; a draft's or a private post's stays unpublished."""
        return self.statuses.get(attachment.parent, "") in PUBLIC_PARENT_STATUSES


def document_date(attachment) -> date:
    when = attachment.date or timezone.now()
    return timezone.localdate(when)
