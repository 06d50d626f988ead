"""A video's poster: uploaded by staff, checked and normalized as the newsroom's photos
are (articles/images.py), then stored once at the size the pages show it.

Posters are never taken from i.ytimg.com: that would send every reader's address to
Google before they chose to play anything.
"""

import io

from django.core.files.base import ContentFile
from PIL import Image

from articles import images

POSTER_WIDTH = 1280  # the detail page's widest slot, at 2x on a phone


def prepare(upload) -> tuple[ContentFile, int, int]:
    """The poster to store and its size, or ValidationError (images.clean_upload's
    reasons: too large, not a photo, too many pixels, damaged)."""
    clean = images.clean_upload(upload)
    spec = images.Rendition(clean.content, fmt="jpeg", width=POSTER_WIDTH)
    data = spec.generate().read()
    with Image.open(io.BytesIO(data)) as result:
        width, height = result.size
    return ContentFile(data, name="poster.jpg"), width, height
