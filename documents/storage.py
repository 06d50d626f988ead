"""Documents on S3: every object is written with the type its content was checked as and
a Content-Disposition, so that a document fetched straight from the bucket (by anyone
who has its name) is a download, or a PDF in the browser's viewer, never a page.

Used when S3_BUCKET is set (settings: STORAGES["documents"]); on a local disk, the
download view is the only way to the files (docs/documents.md: nginx).
"""

from pathlib import PurePath

from django.utils.http import content_disposition_header
from storages.backends.s3 import S3Storage

from .checks import CONTENT_TYPES


class DocumentS3Storage(S3Storage):
    def get_object_parameters(self, name):
        params = super().get_object_parameters(name)
        path = PurePath(name)
        file_type = path.suffix.lower().lstrip(".")
        if file_type == "webp":  # a first-page preview, shown on the document's page
            params["ContentType"] = "image/webp"
        else:
            params["ContentType"] = CONTENT_TYPES.get(file_type, "application/octet-stream")
            params["ContentDisposition"] = content_disposition_header(
                as_attachment=file_type != "pdf", filename=path.name
            )
        return params
