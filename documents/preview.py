"""The first page of a PDF as an image, made once at upload (render_page.py, in a child
process with limits). Pages show the stored image; nothing opens a PDF on a page view."""

import logging
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.core.files.base import ContentFile
from PIL import Image

logger = logging.getLogger(__name__)

SCRIPT = Path(__file__).with_name("render_page.py")
LONGEST_SIDE = 800
TIMEOUT_SECONDS = 30


class PreviewFailed(Exception):
    """PDFium could not render the first page: the file is damaged."""


@dataclass
class Preview:
    content: ContentFile
    width: int
    height: int


def render_first_page(upload) -> Preview:
    """A WEBP of the first page of `upload` (a checked PDF), or PreviewFailed."""
    with tempfile.TemporaryDirectory(prefix="humas-preview-") as folder:
        source, target = Path(folder, "in.pdf"), Path(folder, "out.webp")
        upload.seek(0)
        with source.open("wb") as out:
            for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
                out.write(chunk)
        upload.seek(0)
        try:
            result = subprocess.run(  # noqa: S603 - our own script, paths we made
                [sys.executable, str(SCRIPT), str(source), str(target), str(LONGEST_SIDE)],
                capture_output=True,
                timeout=TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise PreviewFailed("rendering took too long") from error
        if result.returncode != 0 or not target.exists():
            logger.info("PDF preview failed: %s", result.stderr.decode(errors="replace")[-500:])
            raise PreviewFailed(result.stderr.decode(errors="replace")[-200:])
        data = target.read_bytes()
    with Image.open(ContentFile(data)) as image:
        width, height = image.size
    return Preview(content=ContentFile(data, name="preview.webp"), width=width, height=height)
