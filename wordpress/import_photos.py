"""Photos of a WordPress export: its attachments into the photo library, for the
importer (wordpress/importer.py). A photo is imported once, the first time a post (or,
at the end, the library itself) asks for it, and remembered by its WordPress id.
"""

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.html import strip_tags

from articles import images
from articles.models import Photo, Photographer
from humas.text import clean_text

from . import content, wxr
from .import_documents import is_document
from .models import ImportedAttachment

logger = logging.getLogger("wordpress.importer")  # the importer's log, as before

IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp"}
CREDIT = re.compile(r's:6:"credit";s:\d+:"([^"]*)"')


@dataclass
class Attachment:
    wp_id: int
    url: str
    file: str  # relative to wp-content/uploads
    title: str
    caption: str
    alt: str
    credit: str
    creator: str
    mime_type: str = ""
    parent: int = 0  # the post or page it was uploaded to
    date: object = None  # datetime | None
    description: str = ""


class PhotosMixin:
    """The Importer's photo methods; it provides attachments, by_path, uploads, site,
    report and _missing_reported."""

    def body_and_photo(self, item, written):
        """A post's or page's body, converted with its images imported as photos, and its
        featured photo (or None)."""

        def resolve(url):
            wp_id = self.by_path.get(wxr.url_path(url)) or self.by_path.get(
                wxr.url_path(strip_size(url))
            )
            return self.media(wp_id, written) if wp_id else None

        body = content.convert(
            item.content,
            resolve_media=resolve,
            attachments=LazyAttachments(self, written),
            gallery_ids=self.gallery_ids_of(item),
        )
        thumbnail = wxr.integer(item.meta.get("_thumbnail_id"))
        if thumbnail not in self.attachments:
            return body, None
        return body, self.photo_for(self.attachments[thumbnail], written)

    def gallery_ids_of(self, item):
        """What a [gallery] without ids in this post shows: the images uploaded to it,
        in the order WordPress gives them (by id), or none if it has no such gallery."""
        if not BARE_GALLERY.search(item.content or ""):
            return []
        return sorted(
            wp_id for wp_id, attachment in self.attachments.items()
            if attachment.parent == item.wp_id and is_image(attachment)
        )  # fmt: skip

    def attachment_ids_of(self, item):
        ids = set(attachment_ids(item.content)) | set(self.gallery_ids_of(item))
        thumbnail = wxr.integer(item.meta.get("_thumbnail_id"))
        if thumbnail:
            ids.add(thumbnail)
        for url in re.findall(r"""(?:src|href)=["']([^"']*/wp-content/uploads/[^"']+)""",
                              item.content):  # fmt: skip
            wp_id = self.by_path.get(wxr.url_path(strip_size(url)))
            if wp_id:
                ids.add(wp_id)
        return {i for i in ids if i in self.attachments}

    def media(self, wp_id, written):
        attachment = self.attachments.get(wp_id)
        photo = self.photo_for(attachment, written) if attachment else None
        if photo is None:
            return None
        jpegs = [r for r in photo.renditions if r["format"] == "jpeg" and r["kind"] == "fit"]
        best = max((r for r in jpegs if r["width"] <= 1200), key=lambda r: r["width"], default=None)
        from django.core.files.storage import default_storage

        return {
            "src": default_storage.url(best["name"]) if best else photo.image.url,
            "alt": photo.alt_text,
            "caption": photo.caption,
            "width": best["width"] if best else photo.width,
            "height": best["height"] if best else photo.height,
        }

    def source_file(self, attachment):
        """The attachment's file in --uploads, or None (reported once)."""
        relative = attachment.file or wxr.url_path(attachment.url).split("/uploads/", 1)[-1]
        path = (self.uploads / relative) if self.uploads else None
        if path is not None:
            try:
                path = path.resolve()
                inside = path.is_relative_to(self.uploads.resolve())
            except (OSError, ValueError):
                inside = False
            if inside and path.is_file():
                return path
        if attachment.wp_id not in self._missing_reported:
            self._missing_reported.add(attachment.wp_id)
            self.report.missing_files.append(relative)
        return None

    def photo_for(self, attachment, written):
        imported = (
            ImportedAttachment.objects.filter(wp_id=attachment.wp_id)
            .select_related("photo")
            .first()
        )
        if imported:
            return imported.photo
        if is_document(attachment):
            return None  # a document, not a photo: import_documents.py
        if Path(attachment.file or attachment.url).suffix.lower() not in IMAGE_EXTENSIONS:
            self.report.counts["attachments not imported (not a photo)"] += 1
            return None
        source = self.source_file(attachment)
        if source is None:
            return None
        with source.open("rb") as handle:
            try:
                clean = images.clean_upload(File(handle, name=source.name))
            except ValidationError as error:
                self.report.warnings.append(
                    f"{attachment.file or attachment.url}: {' '.join(error.messages)}"
                )
                return None
        caption = clean_text(strip_tags(attachment.caption))[:300]
        photo = Photo(
            alt_text=alt_text_for(attachment, caption),
            caption=caption,
            photographer=self.photographer_for(attachment),
        )
        try:
            images.save_photo(photo=photo, upload=clean)
        finally:
            if photo.image.name:
                written += [photo.image.name, *(r["name"] for r in photo.renditions)]
        ImportedAttachment.objects.create(
            wp_id=attachment.wp_id, photo=photo, path=wxr.url_path(attachment.url)
        )
        self.report.counts["photos imported"] += 1
        return photo

    def photographer_for(self, attachment):
        """The photo's credit (IPTC, as WordPress keeps it), else who uploaded it."""
        author = self.site.authors.get(attachment.creator)
        name = clean_text(attachment.credit) or (
            (author.display_name or author.login) if author else ""
        )
        name = name[:120] or self.site.title[:120] or "Arsip"
        photographer = Photographer.objects.filter(name=name).first()
        return photographer or Photographer.objects.create(name=name)

    def import_remaining_attachments(self):
        """Photos no imported post uses still join the library, so that every old media
        address of the site leads somewhere."""
        done = set(ImportedAttachment.objects.values_list("wp_id", flat=True))
        for wp_id, attachment in self.attachments.items():
            if wp_id in done:
                continue
            written = []
            try:
                with transaction.atomic():
                    self.photo_for(attachment, written)
            except Exception as error:  # reported; the rest go on
                images.delete_files(written)
                logger.exception("WordPress attachment %s not imported", wp_id)
                self.report.failed.append((wp_id, attachment.title, str(error)))


class LazyAttachments(Mapping):
    """The export's attachments by id, for the body converter; a photo is imported the
    first time the body asks for it (a gallery, an image block, a captioned image)."""

    def __init__(self, importer, written):
        self.importer, self.written, self.found = importer, written, {}

    def __getitem__(self, wp_id):
        if wp_id not in self.found:
            known = wp_id in self.importer.attachments
            self.found[wp_id] = self.importer.media(wp_id, self.written) if known else None
        if self.found[wp_id] is None:
            raise KeyError(wp_id)
        return self.found[wp_id]

    def __iter__(self):
        return iter(self.importer.attachments)

    def __len__(self):
        return len(self.importer.attachments)


def strip_size(url):
    from .middleware import SIZE_SUFFIX

    return SIZE_SUFFIX.sub("", url.partition("?")[0])


def is_image(attachment):
    if attachment.mime_type:
        return attachment.mime_type.startswith("image/")
    name = (attachment.file or attachment.url).lower().partition("?")[0]
    return name.endswith((".jpg", ".jpeg", ".png", ".gif", ".webp"))


# A [gallery] shortcode that names no images (no ids=, no include=).
BARE_GALLERY = re.compile(r"\[gallery\b(?![^\]]{0,500}?\b(?:ids|include)=)[^\]]{0,500}\]")


def attachment_ids(text):
    """Attachment ids a body names: galleries, image blocks, captions, image classes."""
    ids = []
    for match in re.finditer(r"\[gallery\b[^\]]{0,500}?\b(?:ids|include)=[\"']?([\d,\s]+)", text):
        ids += [int(i) for i in re.findall(r"\d+", match.group(1))]
    for pattern in (
        r"<!--\s*wp:(?:image|gallery)\s*\{[^}]{0,500}?\"ids?\"\s*:\s*\[?([\d,]+)",
        r"\bwp-image-(\d+)",
        r"\battachment_(\d+)",
        r"\bdata-id=[\"'](\d+)",
    ):
        for match in re.finditer(pattern, text):
            ids += [int(i) for i in match.group(1).split(",") if i]
    return ids


def credit_from(metadata):
    """The IPTC credit WordPress read from the photo, out of its serialized metadata."""
    match = CREDIT.search(metadata or "")
    return match.group(1).strip() if match else ""


def alt_text_for(attachment, caption):
    """Alt text is required to publish; WordPress often has none. The caption, else the
    attachment's title unless it is only a file name, describe the photo best."""
    for candidate in (attachment.alt, caption, attachment.title):
        candidate = clean_text(strip_tags(candidate or "")).strip()
        if candidate and not re.fullmatch(r"(?i)(img|dsc|foto|photo|image)?[-_ ]?\d+.*", candidate):
            return candidate[:250]
    return "Foto dokumentasi"
