"""Pages of a WordPress export (wp:post_type "page") into the page tree (pages.Page),
for the importer (wordpress/importer.py).

Pages are kept as the stream passes and imported at its end, parents before children
(a child may come first in the file), siblings in WordPress's menu order: the tree
places a new child last, so that order is the tree's. The body goes through the same
converter as a post's (wordpress/content.py); statuses map as posts' do, except that a
page has no schedule, so a future page waits as a draft. A published page's old
addresses (its permalink, /?page_id=N) answer 301 to its new address.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from articles import images
from humas.text import clean_text
from pages.models import SLUG_MAX_LENGTH, Page

from . import wxr
from .models import ImportedPage

logger = logging.getLogger("wordpress.importer")

PAGE_STATUSES = {
    "publish": Page.Status.PUBLISHED,
    "future": Page.Status.DRAFT,  # pages have no schedule: an editor publishes it
    "pending": Page.Status.REVIEW,
    "draft": Page.Status.DRAFT,
    "private": Page.Status.DRAFT,  # never public here either
}


def page_slug(item):
    """A slug the tree accepts (lowercase letters, digits, single hyphens)."""
    text = slugify(item.slug or item.title).replace("_", "-")
    text = "-".join(part for part in text.split("-") if part)
    return text[:SLUG_MAX_LENGTH].strip("-") or f"halaman-{item.wp_id}"


def tree_order(items):
    """Pages parents first, siblings by menu order then id; a page whose parent is not
    among them (deleted, or a loop) goes to the top level."""
    by_id = {item.wp_id: item for item in items}
    children = {}
    for item in items:
        parent = item.parent if item.parent in by_id and item.parent != item.wp_id else 0
        children.setdefault(parent, []).append(item)
    ordered, seen = [], set()

    def visit(parent_id, depth):
        for item in sorted(children.get(parent_id, ()), key=lambda i: (i.menu_order, i.wp_id)):
            if item.wp_id in seen or depth > 50:
                continue
            seen.add(item.wp_id)
            ordered.append(item)
            visit(item.wp_id, depth + 1)

    visit(0, 0)
    # What a loop (A's parent B, B's parent A) left unreached: at the top level.
    ordered += sorted((i for i in items if i.wp_id not in seen), key=lambda i: i.wp_id)
    return ordered


class PagesMixin:
    """The Importer's page methods; it provides pages (kept by on_item), site, report,
    dry_run, by_path, media, photo_for, attachments, author_for and remember_path."""

    def import_pages(self):
        counts = self.report.counts
        for item in tree_order(self.pages):
            if item.status not in PAGE_STATUSES:
                counts[f"pages skipped ({item.status or 'no status'})"] += 1
                continue
            if ImportedPage.objects.filter(wp_id=item.wp_id).exists():
                counts["pages already imported"] += 1
                continue
            status = Page.Status.DRAFT if item.password else PAGE_STATUSES[item.status]
            if self.dry_run:
                counts[f"pages to import ({status})"] += 1
                continue
            written = []
            try:
                with transaction.atomic():
                    self.create_page(item, status, written)
            except Exception as error:  # one page fails alone, and is reported
                images.delete_files(written)
                logger.exception("WordPress page %s not imported", item.wp_id)
                reason = "; ".join(error.messages) if isinstance(error, ValidationError) else error
                self.report.failed.append((item.wp_id, item.title, str(reason)))
                counts["pages failed"] += 1
                continue
            counts[f"pages imported ({status})"] += 1

    def create_page(self, item, status, written):
        if item.password:
            self.report.warnings.append(
                f"Page {item.wp_id} “{item.title}” had a password: imported as a draft."
            )
        if item.status == "future":
            self.report.warnings.append(
                f"Page {item.wp_id} “{item.title}” was scheduled: imported as a draft."
            )

        body, featured = self.body_and_photo(item, written)
        imported = ImportedPage.objects.filter(wp_id=item.parent).select_related("page").first()
        parent = imported.page if item.parent and imported else None
        page = Page(
            title=clean_text(item.title)[:200] or f"(tanpa judul, WordPress #{item.wp_id})",
            body=body,
            featured_photo=featured,
            status=status,
            published_at=(item.date or timezone.now()) if status == Page.Status.PUBLISHED else None,
            author=self.author_for(self.site.authors.get(item.creator)),
        )
        page.slug = self.free_slug(page, page_slug(item), parent)
        page.full_clean(exclude={"path", "depth", "url_path"}, validate_unique=False)
        if parent is None:
            page = Page.objects.add_root(instance=page)
        else:
            page = Page.objects.add_child(parent, instance=page)
        ImportedPage.objects.create(wp_id=item.wp_id, page=page)
        if status == Page.Status.PUBLISHED:
            old = wxr.url_path(item.link) if item.link else ""
            if old != page.url_path:
                self.remember_path(old, page=page)
        return page

    def free_slug(self, page, slug, parent):
        """`slug`, or slug-2, slug-3...: one no sibling has and no other part of the site
        uses at the top level (a page called "Video" cannot take /video/)."""
        candidates = [slug] + [f"{slug[: SLUG_MAX_LENGTH - 8]}-{n}" for n in range(2, 50)]
        for candidate in candidates:
            page.slug = candidate
            if page.placement_problem(parent) is None:
                return candidate
        raise ValidationError(f"no free address for the page “{page.title}”")
