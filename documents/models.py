"""Public documents (Unduhan): press releases, regulations, reports, announcements and
infographics as files, with their metadata, the text found inside PDFs for search, a
first-page preview and a download count."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.files.storage import default_storage, storages
from django.db import models
from django.urls import reverse
from django.utils.text import get_valid_filename, slugify
from django.utils.translation import gettext_lazy as _

from humas.slugs import SLUG_MAX_LENGTH, unique_slug
from humas.storage import PrivateFileStorage
from humas.text import clean_text


def document_path(instance, filename):
    """documents/<random>/<safe name>: not guessable, so the file is reached only through
    the download view, which checks that the document is published."""
    stem = slugify(PurePath(filename).stem)[:80] or "dokumen"
    suffix = PurePath(filename).suffix.lower()
    return f"documents/{uuid.uuid4().hex}/{get_valid_filename(stem + suffix)}"


_private = PrivateFileStorage()


def document_storage():
    """The files: the "documents" storage when there is one (S3: storage.py), else the
    private folder (PRIVATE_MEDIA_ROOT), which no web server serves: the download view,
    which checks that the document is published, is the only way to them."""
    return storages["documents"] if "documents" in settings.STORAGES else _private


def preview_storage():
    """The first-page previews, shown on the document's page: public."""
    return storages["documents"] if "documents" in settings.STORAGES else default_storage


PREVIEWS = "documents/previews/"


def preview_path(instance, filename):
    return f"{PREVIEWS}{uuid.uuid4().hex}.webp"


class DocumentQuerySet(models.QuerySet):
    def published(self):
        """The one definition of public for documents."""
        return self.filter(is_published=True)

    def of_kind(self, kind):
        return self.filter(kind=kind)

    def in_year(self, year):
        return self.filter(date__year=year)

    def latest_first(self):
        return self.order_by("-date", "-pk")

    def for_cards(self):
        """What a listing shows: no extracted text (up to 200,000 characters a row)."""
        return self.defer("text", "description")

    def years(self):
        """The years that have published documents, newest first (one query)."""
        return [day.year for day in self.published().dates("date", "year", order="DESC")]


class Document(models.Model):
    class Kind(models.TextChoices):
        # The values are the listing's filter (/dokumen/?jenis=siaran-pers): stable.
        PRESS_RELEASE = "siaran-pers", _("Press release")
        REGULATION = "peraturan", _("Regulation")
        REPORT = "laporan", _("Report")
        ANNOUNCEMENT = "pengumuman", _("Announcement")
        INFOGRAPHIC = "infografis", _("Infographic")
        OTHER = "lainnya", _("Other")

    title = models.CharField(_("title"), max_length=250)
    slug = models.SlugField(
        _("slug"),
        max_length=SLUG_MAX_LENGTH,
        unique=True,
        blank=True,
        help_text=_("The address of the document; made from the title when left empty."),
    )
    number = models.CharField(
        _("number"), max_length=120, blank=True, help_text=_("E.g. 045/123/2026.")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    issuer = models.CharField(_("issuing unit"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    file = models.FileField(
        _("file"), upload_to=document_path, storage=document_storage, max_length=255
    )
    file_type = models.CharField(_("file type"), max_length=10, editable=False)
    file_size = models.PositiveBigIntegerField(_("file size"), default=0, editable=False)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True, editable=False)
    text = models.TextField(_("text inside the file"), blank=True, editable=False)
    preview = models.ImageField(
        _("preview"),
        upload_to=preview_path,
        storage=preview_storage,
        blank=True,
        editable=False,
        max_length=255,
    )
    preview_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    preview_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    is_published = models.BooleanField(_("published"), default=False)
    download_count = models.PositiveIntegerField(_("downloads"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("uploaded by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ("-date", "-pk")
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        permissions = [("publish_document", _("Can publish and unpublish documents"))]
        indexes = [
            models.Index(fields=("is_published", "-date", "-id"), name="document_pub_date_idx"),
            models.Index(
                fields=("is_published", "kind", "-date", "-id"), name="document_pub_kind_idx"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("documents:detail", kwargs={"slug": self.slug})

    def get_download_url(self):
        return reverse("documents:download", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        self.title = clean_text(self.title)
        if not self.slug:
            self.slug = unique_slug(Document, self.title, exclude_pk=self.pk, fallback="dokumen")
        return super().save(*args, **kwargs)

    @property
    def filename(self):
        """The name the reader's browser saves the file under."""
        return PurePath(self.file.name).name if self.file else ""

    @property
    def is_pdf(self):
        return self.file_type == "pdf"


class DownloadMark(models.Model):
    """A reader recently counted for a document, so a second download within
    VIEW_DEDUP_SECONDS is not (as articles' ViewMark). `reader` is humas.readers'
    salted hash or the user id; rows older than the window are pruned."""

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    reader = models.CharField(max_length=64)
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("document", "reader"), name="downloadmark_one_per_reader"
            ),
        ]
        indexes = [models.Index(fields=("seen_at",), name="downloadmark_seen_at_idx")]

    def __str__(self):
        return f"{self.document_id} {self.reader[:8]}"


class DownloadAddress(models.Model):
    """New readers one address brought to a document in its current window, for
    VIEW_MAX_READERS_PER_ADDRESS (as articles' ViewAddress); `address` is salted and hashed."""

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    address = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    readers = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("document", "address"), name="downloadaddress_one_per_address"
            ),
        ]
        indexes = [
            models.Index(fields=("window_start",), name="downloadaddress_window_idx"),
        ]

    def __str__(self):
        return f"{self.document_id} {self.address[:8]}: {self.readers}"
