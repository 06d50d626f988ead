"""Storing a document: its row, its file and its preview together, or none of them."""

import logging
from pathlib import PurePath

from django.db import transaction

from .checks import CheckedFile
from .models import PREVIEWS, Document, document_path, preview_path
from .preview import Preview

logger = logging.getLogger(__name__)


def storage(field="file"):
    return Document._meta.get_field(field).storage


def delete_files(names):
    """Delete what can be deleted; a file left behind is logged, never an error for the
    request that asked."""
    for name in names:
        if not name:
            continue
        try:
            storage("preview" if name.startswith(PREVIEWS) else "file").delete(name)
        except Exception:  # any storage's failure: logged, not raised
            logger.exception("could not delete %s", name)


def save_document(*, document: Document, upload=None, checked: CheckedFile | None = None,
                  preview: Preview | None = None) -> Document:  # fmt: skip
    """Save `document`; with a new `upload` (checked by checks.check_upload, its preview
    made by preview.render_first_page), store the file and preview first and the row
    last. Anything written before a failure is deleted; a replaced file goes once the
    row is committed."""
    if upload is None:
        document.full_clean(exclude=("file", "preview"))
        document.save()
        return document
    document.file_type = checked.file_type
    document.file_size = checked.size
    document.page_count = checked.page_count
    document.text = checked.text
    document.full_clean(exclude=("file", "preview"))
    written, stale = [], []
    if document.pk:
        old = Document.objects.filter(pk=document.pk).values_list("file", "preview").first()
        stale = [name for name in old or () if name]
    try:
        with transaction.atomic():
            stem = PurePath(upload.name or "dokumen").stem
            # The content decides the extension and the type the storage records (S3's
            # Content-Type), never what the browser claimed.
            upload.content_type = checked.content_type
            name = storage().save(document_path(document, f"{stem}.{checked.file_type}"), upload)
            written.append(name)
            document.file = name
            document.preview = None
            document.preview_width = document.preview_height = None
            if preview is not None:
                preview.content.content_type = "image/webp"
                preview_name = storage("preview").save(
                    preview_path(document, "p.webp"), preview.content
                )
                written.append(preview_name)
                document.preview = preview_name
                document.preview_width, document.preview_height = preview.width, preview.height
            document.save()
    except BaseException:  # SystemExit too: gunicorn's timeout ends a worker with one
        delete_files(written)
        raise
    transaction.on_commit(lambda: delete_files(stale))
    return document
