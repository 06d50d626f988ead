"""How long the renditions of a 24-megapixel phone photo take, and a worker's peak memory.

Runs the upload path (articles.images: check, normalize, make every rendition) on a
6000x4000 JPEG in a fresh process, the way an admin upload runs in a gunicorn worker,
and reports wall time and the process's peak resident memory (ru_maxrss).
"""

import io
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def photo_24mp():
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (6000, 4000))
    draw = ImageDraw.Draw(image)
    for y in range(0, 4000, 8):  # detail, so the JPEG is realistic in size
        draw.line([(0, y), (6000, y)], fill=((y * 7) % 256, (y * 3) % 256, (y * 11) % 256))
    for x in range(0, 6000, 50):
        draw.line([(x, 0), (x, 4000)], fill=(255, 255, 255), width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=92)
    return buffer.getvalue()


def main():
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update(
            SECRET_KEY="bench-" + "x" * 50,
            DATABASE_URL=f"sqlite:///{tmp}/bench.sqlite3",
            MEDIA_ROOT=f"{tmp}/media",
            DJANGO_SETTINGS_MODULE="humas.settings",
            LOG_LEVEL="ERROR",
        )
        import django

        django.setup()
        from django.core.files.base import ContentFile
        from django.core.management import call_command

        from articles import images
        from articles.models import Photo, Photographer

        call_command("migrate", verbosity=0)
        data = photo_24mp()
        photographer = Photographer.objects.create(name="Bench")
        baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        clean = images.clean_upload(ContentFile(data, name="24mp.jpg"))
        checked = time.perf_counter()
        photo = images.save_photo(
            photo=Photo(photographer=photographer, alt_text="bench"), upload=clean
        )
        done = time.perf_counter()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"24-megapixel JPEG ({len(data) / 1e6:.1f} MB, 6000x4000):")
        print(f"  check + normalize      {checked - start:6.2f} s")
        print(f"  {len(photo.renditions)} renditions + store   {done - checked:6.2f} s")
        print(f"  total                  {done - start:6.2f} s")
        print(f"  peak memory (RSS)      {peak / 1024:6.0f} MB")
        print(f"  (before the upload     {baseline / 1024:6.0f} MB)")


if __name__ == "__main__":
    main()
