"""Private files: on the local disk under PRIVATE_MEDIA_ROOT, which no web server serves.

Only views that check who asks read them (a published document's counted download, the
staff's file view), so a file taken down is gone for everyone at once, whoever kept its
name. They have no URL. On S3 the documents have a storage of their own
(documents/storage.py).
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateFileStorage(FileSystemStorage):
    @property
    def base_location(self):
        return Path(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("a private file has no URL: it is served by a view that checks")
