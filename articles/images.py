"""Photos from upload to page: validate, normalize, and make the renditions once.

    clean_upload(upload) -> CleanImage    (raises ValidationError with a reader's message)
    make_renditions(photo)                (stores files, fills photo.renditions)

Everything that opens an image file happens here, at upload time; pages only read the
renditions' names and sizes from the database.

Renditions are made with django-imagekit's specs and pilkit's processors (ResizeToFit for
the widths, ResizeToFill anchored at the focal point for the link-preview crop): a
maintained library for the resizing and format details, driven explicitly so that files
are made once, at upload, and their sizes recorded. (Its own "cache file" strategies
either check storage while rendering pages or leave the sizes unknown.)
"""

import io
import logging
import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath

from botocore.exceptions import BotoCoreError, ClientError
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from imagekit import ImageSpec
from imagekit.processors import ResizeToFill, ResizeToFit
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_GIF_FRAMES = 300
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
RENDITION_WIDTHS = (480, 800, 1200, 1600)
SHARE_SIZE = (1200, 630)
QUALITY = {"webp": 80, "jpeg": 82}

# Pillow refuses (DecompressionBombError) images over twice this; we refuse over it.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


@dataclass
class CleanImage:
    content: ContentFile  # the normalized file, named with its extension
    width: int
    height: int
    taken_at: datetime | None


def refuse(message, code):
    raise ValidationError(message, code=code)


def clean_upload(upload) -> CleanImage:
    """Check an uploaded file fully and return it normalized, or raise ValidationError.

    Refused: over 20 MB; not an image whatever its name; any format but JPEG, PNG, WebP
    and GIF (Pillow is asked for those four only, so SVG, EPS, PSD... never reach a
    decoder); over 40 megapixels (checked on the header, before decoding, so memory
    stays bounded); truncated or corrupt (every pixel, every frame, is decoded).
    Normalized: EXIF orientation applied; CMYK and palette images converted; EXIF, XMP
    and comments dropped (GPS position, device serials); the colour profile kept.
    """
    if upload.size > MAX_UPLOAD_BYTES:
        refuse(_("The file is larger than 20 MB."), "too_large")
    upload.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(upload, formats=ALLOWED_FORMATS)
        except UnidentifiedImageError:
            refuse(_("This file is not a photo in JPEG, PNG, WebP or GIF format."), "not_an_image")
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            refuse(_("The photo has more than 40 megapixels."), "too_many_pixels")
        except (OSError, SyntaxError, ValueError):
            refuse(_("The file is damaged and cannot be read."), "corrupt")
        width, height = image.size
        if width * height > MAX_PIXELS:
            refuse(_("The photo has more than 40 megapixels."), "too_many_pixels")
        source_format = image.format
        taken_at = exif_taken_at(image)
        try:
            frames = decode_all(image, width * height)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            refuse(_("The photo has more than 40 megapixels."), "too_many_pixels")
        except (OSError, SyntaxError, ValueError, EOFError):
            refuse(_("The file is damaged or incomplete and cannot be read."), "corrupt")
    icc_profile = image.info.get("icc_profile")
    content, width, height = normalize(frames, source_format, icc_profile, image.info)
    return CleanImage(content=content, width=width, height=height, taken_at=taken_at)


def decode_all(image, pixels):
    """Decode every frame (a truncated file fails here, not later) and return them."""
    if getattr(image, "n_frames", 1) > 1:
        if image.n_frames > MAX_GIF_FRAMES or image.n_frames * pixels > 4 * MAX_PIXELS:
            refuse(_("The animation has too many frames."), "too_many_frames")
        frames = []
        for frame in ImageSequence.Iterator(image):
            frame.load()
            frames.append(frame.copy())
        return frames
    image.load()
    return [image]


def normalize(frames, source_format, icc_profile, info):
    first = ImageOps.exif_transpose(frames[0])
    out = io.BytesIO()
    if len(frames) > 1:  # an animated GIF stays animated; its metadata goes
        clean = [strip(frame.convert("RGBA")) for frame in frames]
        clean[0].save(
            out, format="GIF", save_all=True, append_images=clean[1:],
            loop=info.get("loop", 0), duration=info.get("duration", 100), disposal=2,
        )  # fmt: skip
        extension = "gif"
    else:
        image = to_rgb_family(first)
        if image is frames[0]:
            image = image.copy()
        # Our own copy: dropping its info drops EXIF (GPS, serials), XMP and comments,
        # which the encoders would otherwise copy; the pixels are not copied again.
        image.info = {}
        options = {"icc_profile": icc_profile} if icc_profile else {}
        if source_format == "JPEG":
            if image.mode != "RGB":
                image = image.convert("RGB")
            image.save(out, format="JPEG", quality=90, optimize=True, **options)
            extension = "jpg"
        elif source_format == "WEBP":
            image.save(out, format="WEBP", quality=90, **options)
            extension = "webp"
        else:  # PNG, and a still GIF: lossless
            image.save(out, format="PNG", optimize=True, **options)
            extension = "png"
    return ContentFile(out.getvalue(), name=f"photo.{extension}"), first.width, first.height


def to_rgb_family(image):
    if image.mode in ("RGB", "RGBA"):
        return image
    if image.mode == "CMYK":
        return image.convert("RGB")
    if image.mode in ("P", "PA", "LA") or "transparency" in image.info:
        return image.convert("RGBA")
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        return image.point(lambda value: value / 256).convert("RGB")
    return image.convert("RGB")


def strip(image):
    """The pixels alone: a fresh image carries no EXIF, XMP, GPS or comments."""
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    return clean


def exif_taken_at(image):
    try:
        raw = image.getexif().get_ifd(0x8769).get(36867)  # DateTimeOriginal
        taken = datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except (AttributeError, TypeError, ValueError, OSError, SyntaxError):
        return None
    # Cameras write local time without a zone; here that is WIB.
    return timezone.make_aware(taken)


class Rendition(ImageSpec):
    """One rendition: a width (never upscaled), or a crop around the focal point."""

    autoconvert = True

    def __init__(self, source, *, fmt, width, height=None, anchor=(0.5, 0.5)):
        super().__init__(source=source)
        if height:
            self.processors = [ResizeToFill(width, height, anchor=anchor)]
        else:
            self.processors = [ResizeToFit(width=width, upscale=False)]
        self.format = fmt.upper()
        self.options = {"quality": QUALITY[fmt]}


def make_renditions(photo):
    """Make and store every rendition of `photo`, record them, delete the old ones.

    Called after the photo's file is stored, and again when its focal point moves. If
    storing fails half-way (a full disk), the files made so far are removed and the
    error goes up, so the caller can refuse the whole upload.
    """
    stem = PurePath(photo.image.name).stem
    focus = f"{round(photo.focal_x * 100)}-{round(photo.focal_y * 100)}"
    plans = [
        (fmt, width, None, "fit")
        for width in sorted({min(w, photo.width) for w in RENDITION_WIDTHS})
        for fmt in ("webp", "jpeg")
    ]
    plans.append(("jpeg", *SHARE_SIZE, "og"))
    made = []
    master = working_copy(photo)
    try:
        for fmt, width, height, kind in plans:
            spec = Rendition(
                master, fmt=fmt, width=width, height=height,
                anchor=(photo.focal_x, photo.focal_y),
            )  # fmt: skip
            data = spec.generate().read()
            with Image.open(io.BytesIO(data)) as result:
                size = result.size
            ext = "jpg" if fmt == "jpeg" else fmt
            name = f"renditions/{stem}/{kind}-{size[0]}x{size[1]}-{focus}.{ext}"
            if default_storage.exists(name):
                default_storage.delete(name)
            name = store(name, ContentFile(data))
            made.append(
                {
                    "name": name,
                    "width": size[0],
                    "height": size[1],
                    "format": fmt,
                    "kind": kind,
                    "bytes": len(data),
                }
            )
    except BaseException:  # SystemExit too: gunicorn's timeout ends a worker with one
        delete_files([r["name"] for r in made])
        raise
    old = [r["name"] for r in photo.renditions if r["name"] not in {m["name"] for m in made}]
    photo.renditions = made
    return old


WORKING_COPY_SIZE = 2 * max(RENDITION_WIDTHS)


def working_copy(photo, longest=WORKING_COPY_SIZE):
    """The stored photo decoded once, at most twice the largest rendition, for every
    rendition to start from: decoding a 24-megapixel original nine times is most of the
    cost otherwise. JPEG's draft mode decodes straight at a fraction of the size."""
    photo.image.open("rb")
    try:
        with Image.open(photo.image) as image:
            image.draft("RGB", (longest, longest))
            image.thumbnail((longest, longest), Image.Resampling.LANCZOS)
            buffer = io.BytesIO()
            if image.mode in ("RGBA", "LA", "P"):
                image.convert("RGBA").save(buffer, format="PNG")
            else:
                image.convert("RGB").save(buffer, format="JPEG", quality=95)
    finally:
        photo.image.close()
    return ContentFile(buffer.getvalue(), name="working-copy")


# What the media storage raises when it cannot do its job: the local disk raises OSError
# (a full disk: ENOSPC), an S3 bucket raises botocore's errors (unreachable, refused).
STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)


def store(name, content):
    """Save `content` under `name` and return the name stored. A failed save (a full
    disk) leaves no partial file behind: the storage writes in place."""
    try:
        return default_storage.save(name, content)
    except BaseException:
        delete_files([name])
        raise


def delete_files(names):
    """Delete what can be deleted; a file left behind is logged (and swept later by
    clean_orphan_media), never an error for the request that asked."""
    for name in names:
        try:
            default_storage.delete(name)
        except STORAGE_ERRORS:
            logger.exception("could not delete %s", name)


def save_photo(*, photo, upload: CleanImage | None = None, regenerate=False):
    """Store a photo's row, normalized file and renditions together, or none of them.

    `upload` is a new image from clean_upload(); `regenerate` remakes the renditions
    (after the focal point moved). Files written before a failure are removed; the
    failure (OSError for a full disk) goes up to the caller.

    Files are written first and the row last. A worker killed in between (SIGKILL, out
    of memory) cannot remove its files: `manage.py clean_orphan_media` sweeps them.
    """
    from django.db import transaction

    written, stale = [], []
    try:
        with transaction.atomic():
            if upload is not None:
                old_image = photo.image.name if photo.pk else None
                # Named here rather than by photo.image.save(), so that a save that
                # fails half-way can remove its partial file (see store()).
                name = photo.image.field.generate_filename(photo, upload.content.name)
                photo.image = store(name, upload.content)
                written.append(photo.image.name)
                photo.width, photo.height = upload.width, upload.height
                if photo.taken_at is None:
                    photo.taken_at = upload.taken_at
                if old_image:
                    stale.append(old_image)
            if upload is not None or regenerate or not photo.renditions:
                stale += make_renditions(photo)
                written += [r["name"] for r in photo.renditions]
            photo.save()
    except BaseException:  # SystemExit too: gunicorn's timeout ends a worker with one
        delete_files(written)
        raise
    transaction.on_commit(lambda: delete_files(stale))
    return photo
