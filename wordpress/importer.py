"""Importing a WordPress export: posts, their categories, tags, authors, photos and
approved comments, pages (into the page tree) and documents (PDF, DOCX...), once.

Two passes over the file (wordpress/wxr.py streams it): the first reads it whole, so a
broken, truncated or hostile file is refused before anything is written, and notes the
attachments; the second imports post by post, each in its own transaction. A post that
fails is rolled back alone (with the files its photos wrote) and reported; the others
go on. Everything imported is remembered by its WordPress id (wordpress/models.py), so a
second run changes nothing.

Photos are imported by wordpress/import_photos.py; authors, categories, tags and old
addresses by wordpress/import_terms.py; pages by wordpress/import_pages.py (kept as the
stream passes, imported at its end, parents first); documents by
wordpress/import_documents.py (at the end, each through the documents app's checks).
"""

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags

from articles import images
from articles.models import Article, Comment
from articles.models.slugs import unique_slug
from humas.text import clean_text

from . import content, wxr
from .import_documents import DocumentsMixin
from .import_pages import PagesMixin
from .import_photos import Attachment, PhotosMixin, credit_from
from .import_terms import TermsMixin
from .models import ImportedComment, ImportedPost

logger = logging.getLogger(__name__)

STATUSES = {
    "publish": Article.Status.PUBLISHED,
    "future": Article.Status.PUBLISHED,  # a future publish time: scheduled
    "pending": Article.Status.REVIEW,
    "draft": Article.Status.DRAFT,
    "private": Article.Status.DRAFT,  # never public here either
}
SKIPPED_STATUSES = {"trash", "auto-draft", "inherit"}


@dataclass
class Report:
    counts: Counter = field(default_factory=Counter)
    missing_files: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    failed: list = field(default_factory=list)  # (wp_id, title, reason)


class Importer(PhotosMixin, TermsMixin, PagesMixin, DocumentsMixin):
    def __init__(
        self, path, *, uploads=None, dry_run=False, progress=None,
        category_base="category", tag_base="tag",
    ):  # fmt: skip
        self.path = Path(path)
        # The permalink bases the old site used for category and tag archives
        # (Settings -> Permalinks), for their old addresses.
        self.category_base = permalink_base(category_base, "category")
        self.tag_base = permalink_base(tag_base, "tag")
        self.uploads = Path(uploads) if uploads else None
        self.dry_run = dry_run
        self.progress = progress  # called with the Importer after each post, and total
        self.report = Report()
        self.attachments = {}  # wp_id -> Attachment
        self.by_path = {}  # /wp-content/uploads/... -> wp_id
        self.statuses = {}  # wp_id -> wp:status of every post and page (documents' parents)
        self.pages = []  # the export's pages, imported once the stream has passed
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
                    mime_type=item.mime_type,
                    parent=item.parent,
                    date=item.date,
                    description=item.content,
                )
                self.attachments[item.wp_id] = attachment
                self.by_path[wxr.url_path(attachment.url)] = item.wp_id
            else:
                if item.wp_id:
                    self.statuses[item.wp_id] = item.status
                if item.post_type == "post":
                    self.total_posts += 1

        self.site = wxr.read(self.path, on_item)
        return self.site

    # --- pass 2: import ----------------------------------------------------------------

    def run(self):
        self.scan()
        if self.uploads is not None and not self.uploads.is_dir():
            raise wxr.ExportError(f"--uploads {self.uploads} is not a directory.")
        wxr.read(self.path, self.on_item)
        self.import_pages()
        if not self.dry_run:
            self.import_remaining_attachments()
        self.import_documents()
        return self.report

    def on_item(self, item, site):
        if item.post_type == "page":
            self.pages.append(item)
            return
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

        body, featured = self.body_and_photo(item, written)
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


def permalink_base(value, default):
    """A permalink base as WordPress stores it ("/topik/", "kabar/kategori"): its path
    segments, slashes trimmed; refused when it is not one."""
    base = (value or "").strip().strip("/") or default
    segments = base.split("/")
    if any(s in (".", "..") or not re.fullmatch(r"[\w.~%-]+", s) for s in segments):
        raise ValueError(f"not a permalink base: {value!r}")
    return base


def target_status(item):
    if item.password:
        return Article.Status.DRAFT  # password-protected: not for the public
    return STATUSES[item.status]
