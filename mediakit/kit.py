"""What a media kit holds, and the ZIP streamed from it.

    kit = Kit(article, article_url=..., site_url=...)   # a few queries, no file opened
    kit.version                                         # the cache's key (cache.py)
    kit.stream(copy_to=file)                            # the ZIP, chunk by chunk

    kit-media-<slug>/
        <slug>.docx          the text (title, dateline and time, lead, body, photo list)
        <slug>.txt           the same as plain text, UTF-8
        foto/01-<name>-<id>.jpg ...  every photo, the original upload, with its caption
                             and credit written into it (metadata.py)
        manifest.txt         what is in the kit, where it comes from, how it may be used

The photos are the featured photo, the gallery's, and the library photos an image in
the body shows (found by the 32 hex digits of their stored names, as articles/photouse
does), each once. Everything is written in Indonesian, whatever the reader's language:
one kit per article, for newsrooms that publish in Indonesian.
"""

import hashlib
import json
import re
import zipfile
from dataclasses import asdict, dataclass
from functools import cached_property, reduce
from operator import or_
from pathlib import PurePath

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from articles.models import Photo

from . import document, metadata, zipstream

# Bump when what the kit holds changes, so that kits built before are not served.
FORMAT = 1
MAX_INLINE_PHOTOS = 50
STEM = re.compile(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])")
IMG_SRC = re.compile(r"<img\b[^>]*\bsrc=\"([^\"]+)\"", re.IGNORECASE)


@dataclass(frozen=True)
class KitPhoto:
    photo: Photo
    filename: str  # inside the kit's folder: foto/01-handy-12.jpg
    info: metadata.PhotoInfo


def inline_photos(body: str) -> list[Photo]:
    """Library photos shown by images in the body, in the order they appear."""
    stems = []
    for src in IMG_SRC.findall(body or ""):
        for stem in STEM.findall(src):
            if stem not in stems:
                stems.append(stem)
    stems = stems[:MAX_INLINE_PHOTOS]
    if not stems:
        return []
    found = Photo.objects.select_related("photographer").filter(
        reduce(or_, (Q(image__contains=stem) for stem in stems))
    )
    by_stem = {PurePath(photo.image.name).stem: photo for photo in found}
    return [by_stem[stem] for stem in stems if stem in by_stem]


def local_date(value):
    return formats.date_format(timezone.localtime(value), "j F Y H.i") + " WIB"


class Kit:
    def __init__(self, article, *, article_url: str, site_url: str):
        self.article, self.article_url, self.site_url = article, article_url, site_url
        self.folder = f"kit-media-{article.slug}"
        self.written: dict[str, str] = {}  # photo file -> what its metadata holds
        with translation.override("id"):
            self.usage = _(
                "Newsrooms may publish this text and these photos, unchanged or edited, "
                "naming %(site)s as the source and each photo's credit as written."
            ) % {"site": settings.SITE_NAME}
            self.photos = self.collect_photos()
            self.published = local_date(article.published_at)

    # -- what is in it

    def collect_photos(self) -> list[KitPhoto]:
        article = self.article
        chosen: list[tuple[Photo, str, str, str]] = []  # photo, creator, credit, holder
        if article.featured_photo:
            photo = article.featured_photo
            # An outside source's photo ("Dok. Diskominfo") is credited to that source.
            creator = article.photo_credit_text or photo.photographer.name
            holder = article.photo_credit_text or photo.photographer.agency
            chosen.append((photo, creator, article.featured_credit, holder))
        gallery = [
            item.photo for item in article.gallery_items.select_related("photo__photographer")
        ]
        for photo in gallery + inline_photos(article.body):
            if all(photo.pk != seen.pk for seen, *_rest in chosen):
                person = photo.photographer
                chosen.append((photo, person.name, photo.credit, person.agency))
        photos = []
        for number, (photo, creator, credit, holder) in enumerate(chosen, start=1):
            suffix = PurePath(photo.image.name).suffix.lower() or ".jpg"
            name = slugify(creator)[:40] or "foto"
            taken = timezone.localtime(photo.taken_at or photo.uploaded_at)
            photos.append(
                KitPhoto(
                    photo=photo,
                    filename=f"foto/{number:02d}-{name}-{photo.pk}{suffix}",
                    info=metadata.PhotoInfo(
                        creator=creator,
                        credit=credit,
                        caption=photo.caption,
                        alt_text=photo.alt_text,
                        copyright=f"© {taken.year} {holder or settings.SITE_NAME}",
                        headline=article.title,
                        source=settings.SITE_NAME,
                        web_statement=self.article_url,
                        usage_terms=self.usage,
                        date_created=taken.date() if photo.taken_at else None,
                    ),
                )
            )
        return photos

    @cached_property
    def version(self) -> str:
        """A digest of everything the kit says (cache.py keys files by it)."""
        article = self.article
        facts = {
            "format": FORMAT,
            "site": [settings.SITE_NAME, self.site_url, self.article_url],
            "article": [
                article.pk,
                article.updated_at.isoformat(),
                article.published_at.isoformat(),
                article.category.name,
                str(article.author.public_name) if article.author else "",
            ],
            "photos": [
                [kit_photo.photo.pk, kit_photo.photo.image.name, kit_photo.filename]
                + [str(value) for value in asdict(kit_photo.info).values()]
                for kit_photo in self.photos
            ],
        }
        text = json.dumps(facts, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def text(self) -> document.KitText:
        article = self.article
        with translation.override("id"):
            byline = (
                _("By %(name)s") % {"name": article.author.public_name} if article.author else ""
            )
            return document.KitText(
                title=article.title,
                dateline=", ".join(
                    part for part in (article.dateline.upper(), self.published, byline) if part
                ),
                lead=article.lead,
                blocks=document.body_blocks(article.body, base_url=self.site_url),
                photos_heading=_("Photos"),
                photos=[(p.filename, p.info.caption, p.info.credit) for p in self.photos],
                closing=[
                    _("Source: %(site)s, %(url)s")
                    % {"site": settings.SITE_NAME, "url": self.article_url},
                    self.usage,
                ],
            )

    def manifest(self) -> str:
        with translation.override("id"):
            lines = [
                _("Media kit: %(title)s") % {"title": self.article.title},
                "",
                _("Address: %(url)s") % {"url": self.article_url},
                _("Published: %(when)s") % {"when": self.published},
                _("Category: %(name)s") % {"name": self.article.category.name},
                _("Source: %(site)s, %(url)s") % {"site": settings.SITE_NAME, "url": self.site_url},
                "",
                _("Files"),
                f"- {self.article.slug}.docx: " + _("the text, for Word or LibreOffice"),
                f"- {self.article.slug}.txt: " + _("the text, plain (UTF-8)"),
            ]
            for kit_photo in self.photos:
                photo = kit_photo.photo
                if kit_photo.filename not in self.written:
                    continue  # the file could not be read: not in the kit
                lines.append(
                    f"- {kit_photo.filename}: "
                    + _("%(width)s by %(height)s pixels, the original")
                    % {"width": photo.width, "height": photo.height}
                )
                if kit_photo.info.caption:
                    lines.append("  " + _("Caption: %(text)s") % {"text": kit_photo.info.caption})
                lines.append("  " + _("Credit: %(text)s") % {"text": kit_photo.info.credit})
                lines.append("  " + self.written[kit_photo.filename])
            lines += [
                "",
                _("Use"),
                self.usage,
                "",
                _("Made on %(when)s.") % {"when": local_date(timezone.now())},
            ]
        return "\n".join(lines) + "\n"

    # -- the ZIP

    def photo_entry(self, kit_photo: KitPhoto) -> zipstream.Entry:
        opened = {}

        def available():
            try:
                opened["file"] = default_storage.open(kit_photo.photo.image.name, "rb")
            except (OSError, ValueError):  # the file is gone (or the storage refuses)
                return False
            return True

        def content():
            with opened["file"] as source:
                try:
                    parts = metadata.with_metadata(source, kit_photo.info)
                except metadata.UnsupportedImage:
                    source.seek(0)
                    parts = metadata.copy_all(source)
                    with translation.override("id"):
                        self.written[kit_photo.filename] = _(
                            "(credit and caption not written into this file: its format "
                            "has no place for them here; give them as above)"
                        )
                else:
                    with translation.override("id"):
                        self.written[kit_photo.filename] = _(
                            "(credit and caption written into the file: XMP and IPTC)"
                        )
                yield from parts

        return zipstream.Entry(
            f"{self.folder}/{kit_photo.filename}", content, zipfile.ZIP_STORED, available
        )

    def entries(self):
        slug = self.article.slug
        text = self.text()
        author = settings.SITE_NAME
        yield zipstream.Entry(
            f"{self.folder}/{slug}.docx", lambda: [document.docx_bytes(text, author=author)]
        )
        yield zipstream.Entry(
            f"{self.folder}/{slug}.txt",
            lambda: [document.plain_text(text).encode("utf-8")],
            zipfile.ZIP_DEFLATED,
        )
        for kit_photo in self.photos:
            yield self.photo_entry(kit_photo)
        # Last: it says which photos made it in, and how.
        yield zipstream.Entry(
            f"{self.folder}/manifest.txt",
            lambda: [self.manifest().encode("utf-8")],
            zipfile.ZIP_DEFLATED,
        )

    @property
    def complete(self) -> bool:
        """Every photo went in (a kit missing one is not kept)."""
        return len(self.written) == len(self.photos)

    def stream(self, copy_to=None):
        return zipstream.stream(self.entries(), copy_to=copy_to)
