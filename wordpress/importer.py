"""Importing a WordPress export: posts, their categories, tags, authors, photos and
approved comments, once.

Two passes over the file (wordpress/wxr.py streams it): the first reads it whole, so a
broken, truncated or hostile file is refused before anything is written, and notes the
attachments; the second imports post by post, each in its own transaction. A post that
fails is rolled back alone (with the files its photos wrote) and reported; the others
go on. Everything imported is remembered by its WordPress id (wordpress/models.py), so a
second run changes nothing.

Categories are **flattened**: every WordPress category becomes one of ours (Humas CMS
has no sub-categories); a child whose name another category already has is named
"Child (Parent)". An article gets the post's most specific category (a child rather
than its parent); the old addresses of every category still lead to it.
"""

import logging
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify
from taggit.models import Tag

from articles import images
from articles.models import Article, Category, Comment, Photo, Photographer
from articles.models.slugs import unique_slug
from humas.text import clean_text

from . import content, wxr
from .models import ImportedAttachment, ImportedComment, ImportedPost, LegacyPath

logger = logging.getLogger(__name__)

STATUSES = {
    "publish": Article.Status.PUBLISHED,
    "future": Article.Status.PUBLISHED,  # a future publish time: scheduled
    "pending": Article.Status.REVIEW,
    "draft": Article.Status.DRAFT,
    "private": Article.Status.DRAFT,  # never public here either
}
SKIPPED_STATUSES = {"trash", "auto-draft", "inherit"}
FALLBACK_CATEGORY = "Arsip"
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


@dataclass
class Report:
    counts: Counter = field(default_factory=Counter)
    missing_files: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    failed: list = field(default_factory=list)  # (wp_id, title, reason)


class Importer:
    def __init__(self, path, *, uploads=None, dry_run=False, progress=None):
        self.path = Path(path)
        self.uploads = Path(uploads) if uploads else None
        self.dry_run = dry_run
        self.progress = progress  # called with the Importer after each post, and total
        self.report = Report()
        self.attachments = {}  # wp_id -> Attachment
        self.by_path = {}  # /wp-content/uploads/... -> wp_id
        self.total_posts = 0
        self.done_posts = 0
        self._missing_reported = set()

    # --- pass 1: check the file, note attachments and the number of posts -------------

    def scan(self):
        def on_item(item, site):
            if item.post_type == "attachment" and item.wp_id:
                attachment = Attachment(
                    wp_id=item.wp_id,
                    url=item.attachment_url or item.link,
                    file=item.meta.get("_wp_attached_file", ""),
                    title=item.title,
                    caption=item.excerpt,
                    alt=item.meta.get("_wp_attachment_image_alt", ""),
                    credit=credit_from(item.meta.get("_wp_attachment_metadata", "")),
                    creator=item.creator,
                )
                self.attachments[item.wp_id] = attachment
                self.by_path[wxr.url_path(attachment.url)] = item.wp_id
            elif item.post_type == "post":
                self.total_posts += 1

        self.site = wxr.read(self.path, on_item)
        return self.site

    # --- pass 2: import ----------------------------------------------------------------

    def run(self):
        self.scan()
        if self.uploads is not None and not self.uploads.is_dir():
            raise wxr.ExportError(f"--uploads {self.uploads} is not a directory.")
        wxr.read(self.path, self.on_item)
        if not self.dry_run:
            self.import_remaining_attachments()
        return self.report

    def on_item(self, item, site):
        if item.post_type != "post":
            if item.post_type != "attachment":
                self.report.counts[f"skipped {item.post_type or 'item'}s"] += 1
            return
        try:
            self.import_post(item)
        finally:
            self.done_posts += 1
            if self.progress:
                self.progress(self)

    def import_post(self, item):
        counts = self.report.counts
        if item.status in SKIPPED_STATUSES or item.status not in STATUSES:
            counts[f"posts skipped ({item.status or 'no status'})"] += 1
            return
        if item.wp_id <= 0:  # nothing to recognise it by on the next run
            counts["posts skipped (no post id)"] += 1
            return
        if ImportedPost.objects.filter(wp_id=item.wp_id).exists():
            counts["posts already imported"] += 1
            return
        status = target_status(item)
        label = "scheduled" if item.status == "future" and status == "published" else status
        if self.dry_run:
            counts[f"posts to import ({label})"] += 1
            for wp_id in self.attachment_ids_of(item):
                self.source_file(self.attachments[wp_id])
            return
        written = []
        try:
            with transaction.atomic():
                self.create_article(item, written)
        except Exception as error:  # one post fails alone, and is reported
            images.delete_files(written)
            logger.exception("WordPress post %s not imported", item.wp_id)
            reason = "; ".join(error.messages) if isinstance(error, ValidationError) else error
            self.report.failed.append((item.wp_id, item.title, str(reason)))
            counts["posts failed"] += 1
            return
        counts[f"posts imported ({label})"] += 1

    def create_article(self, item, written):
        site = self.site
        status = target_status(item)
        if item.password:
            self.report.warnings.append(
                f"Post {item.wp_id} “{item.title}” had a password: imported as a draft."
            )
        published_at = item.date
        if status == Article.Status.PUBLISHED and published_at is None:
            published_at = timezone.now()

        def resolve(url):
            wp_id = self.by_path.get(wxr.url_path(url)) or self.by_path.get(
                wxr.url_path(strip_size(url))
            )
            return self.media(wp_id, written) if wp_id else None

        body = content.convert(
            item.content, resolve_media=resolve, attachments=LazyAttachments(self, written)
        )
        featured = None
        thumbnail = wxr.integer(item.meta.get("_thumbnail_id"))
        if thumbnail in self.attachments:
            featured = self.photo_for(self.attachments[thumbnail], written)
        title = clean_text(item.title)[:200] or f"(tanpa judul, WordPress #{item.wp_id})"
        article = Article(
            title=title,
            slug=unique_slug(Article, item.slug or title),
            lead=content.excerpt_text(item.excerpt, limit=600) if item.excerpt else "",
            body=body or "<p></p>",
            category=self.category_for(item),
            author=self.author_for(site.authors.get(item.creator)),
            featured_photo=featured,
            status=status,
            published_at=published_at,
        )
        article.full_clean(exclude={"slug"}, validate_unique=False)
        article.save()
        tags = [self.tag_for(slug, name) for kind, slug, name in item.terms if kind == "post_tag"]
        if tags:
            article.tags.add(*tags)
        ImportedPost.objects.create(wp_id=item.wp_id, article=article)
        if status == Article.Status.PUBLISHED:
            self.remember_path(wxr.url_path(item.link), article=article)
        for comment in item.comments:
            self.import_comment(article, comment)

    # --- people, categories, tags ------------------------------------------------------

    def author_for(self, author):
        """The staff account for a WordPress author, matched by email (any case); new
        accounts have no usable password (they set one with "forgot password")."""
        if author is None:
            return None
        User = get_user_model()
        if author.email:
            user = User.objects.filter(email__iexact=author.email).first()
            if user is not None:
                if not user.is_staff:
                    self.report.warnings.append(
                        f"Author {author.login} matches the reader account {user.email}: "
                        "articles are credited to it, but it was not made staff."
                    )
                return user
        username = author.login[:150]
        if User.objects.filter(username__iexact=username).exists():
            username = f"{username[:140]}-wp"
        name = author.display_name or " ".join(
            part for part in (author.first_name, author.last_name) if part
        )
        user = User(
            username=username,
            email=author.email,
            display_name=name[:100],
            first_name=author.first_name[:150],
            last_name=author.last_name[:150],
            is_staff=True,
        )
        user.set_unusable_password()
        user.save()
        writers = Group.objects.filter(name="Penulis").first()
        if writers:
            user.groups.add(writers)
        self.report.counts["authors created"] += 1
        return user

    def category_for(self, item):
        terms = self.site.terms
        slugs = [slug for kind, slug, _name in item.terms if kind == "category"]
        for slug, name in ((s, n) for k, s, n in item.terms if k == "category"):
            terms.setdefault(("category", slug), wxr.Term("category", slug, name))
        parents = {terms["category", s].parent for s in slugs}
        deepest = [s for s in slugs if s not in parents] or slugs
        if not deepest:
            category = Category.objects.filter(name=FALLBACK_CATEGORY).first()
            return category or Category.objects.create(name=FALLBACK_CATEGORY)
        for slug in slugs:  # every category's old address leads to its new page
            self.category(slug)
        return self.category(deepest[0])

    def category(self, slug):
        term = self.site.terms["category", slug]
        new_slug = (slugify(slug) or slugify(term.name) or "kategori")[:190].strip("-")
        category = Category.objects.filter(slug=new_slug).first()
        if category is None:
            name = clean_text(term.name)[:80] or new_slug
            if Category.objects.filter(name=name).exists():
                parent = self.site.terms.get(("category", term.parent))
                name = f"{name} ({parent.name if parent else new_slug})"[:80]
            category = Category.objects.create(name=name, slug=new_slug)
            self.report.counts["categories created"] += 1
        path = "/category/" + "/".join(self.category_chain(slug)) + "/"
        if path != category.get_absolute_url():
            self.remember_path(path, category=category)
        return category

    def category_chain(self, slug, depth=0):
        term = self.site.terms.get(("category", slug))
        if term and term.parent and term.parent != slug and depth < 10:
            return [*self.category_chain(term.parent, depth + 1), slug]
        return [slug]

    def tag_for(self, slug, name):
        name = clean_text(name)[:100] or slug
        tag = Tag.objects.filter(name=name).first()
        if tag is None:
            tag = Tag.objects.create(name=name)
            self.report.counts["tags created"] += 1
        path = f"/tag/{slug}/"
        if path != unquote(reverse("articles:tag", kwargs={"slug": tag.slug})):
            self.remember_path(path, tag=tag)
        return tag

    def remember_path(self, path, **target):
        if not path or path == "/" or len(path) > 500 or path.startswith("/?"):
            return
        legacy, created = LegacyPath.objects.get_or_create(path=path, defaults=target)
        if created:
            self.report.counts["old addresses kept"] += 1
        elif any(getattr(legacy, f"{k}_id") != v.pk for k, v in target.items()):
            self.report.warnings.append(f"The old address {path} already leads elsewhere.")

    # --- photos ------------------------------------------------------------------------

    def attachment_ids_of(self, item):
        ids = set(attachment_ids(item.content))
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

    # --- comments ----------------------------------------------------------------------

    def import_comment(self, article, comment):
        counts = self.report.counts
        if not comment.approved or comment.kind not in {"", "comment"} or comment.wp_id <= 0:
            counts["comments skipped (not approved, or pingbacks)"] += 1
            return
        if ImportedComment.objects.filter(wp_id=comment.wp_id).exists():
            return
        body = clean_text(strip_tags(comment.content)).strip()[:2000]
        if not body:
            return
        User = get_user_model()
        user = User.objects.filter(email__iexact=comment.email).first() if comment.email else None
        created = Comment.objects.create(
            article=article,
            user=user,
            author_name="" if user else clean_text(comment.author)[:100] or "Pembaca",
            body=body,
            status=Comment.Status.APPROVED,
        )
        if comment.date:
            Comment.objects.filter(pk=created.pk).update(created_at=comment.date)
        ImportedComment.objects.create(wp_id=comment.wp_id, comment=created)
        counts["comments imported"] += 1


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


def target_status(item):
    if item.password:
        return Article.Status.DRAFT  # password-protected: not for the public
    return STATUSES[item.status]


def strip_size(url):
    from .middleware import SIZE_SUFFIX

    return SIZE_SUFFIX.sub("", url.partition("?")[0])


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
