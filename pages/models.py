"""The site's fixed pages, as a tree (django-treebeard's materialized path): Profil >
Visi dan Misi, Struktur Organisasi; Kontak. A page's address is the slugs of its
ancestors and its own (/profil/struktur-organisasi/), kept in `url_path` so that
serving a page is one indexed lookup; saving or moving a page rewrites its subtree's."""

import re
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from treebeard.exceptions import InvalidPosition
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from articles.models import Photo
from articles.sanitize import sanitize_html

SLUG_MAX_LENGTH = 80
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# First segments that are not answered by a page even when no URL pattern names them
# (served by nginx or WhiteNoise, or kept for later).
ALWAYS_RESERVED = frozenset({"static", "media", "sitemap", "rss", "halaman", "wp-admin"})


def _first_segments(patterns, prefix=""):
    for pattern in patterns:
        text = prefix + str(pattern.pattern).lstrip("^")
        if isinstance(pattern, URLResolver):
            if getattr(pattern, "app_name", None) == "pages" or pattern.namespace == "pages":
                continue
            yield from _first_segments(pattern.url_patterns, text)
        elif isinstance(pattern, URLPattern):
            segment = re.split(r"[/<(.?\\$]", text, maxsplit=1)[0]
            if segment:
                yield segment.lower()


@lru_cache(maxsize=1)
def reserved_slugs() -> frozenset:
    """The first segments of the site's other addresses (admin, berita, kategori,
    dokumen, ...), read from the URL patterns so that a new app's prefix is reserved
    without a list to keep up to date."""
    return ALWAYS_RESERVED | frozenset(_first_segments(get_resolver().url_patterns))


class PageQuerySet(MP_NodeQuerySet):
    def published(self):
        """The one definition of public for pages."""
        return self.filter(status=Page.Status.PUBLISHED)

    def for_page(self):
        """What a page shows, fetched with it; its documents only if it has any."""
        return self.select_related("featured_photo__photographer").annotate(
            has_attachments=models.Exists(
                Page.attachments.through.objects.filter(page=models.OuterRef("pk"))
            )
        )


class PageManager(MP_NodeManager.from_queryset(PageQuerySet)):
    def get_queryset(self):
        return PageQuerySet(self.model, using=self._db).order_by("path")

    def move(self, node, target, pos=None):
        """Move a subtree, then give it the addresses of its new place."""
        parent = target if pos in (None, "first-child", "last-child", "sorted-child") else None
        if parent is None:
            parent = None if target.is_root() else self.get_parent(target)
        problem = node.placement_problem(parent)
        if problem:
            raise InvalidPosition(problem)
        with transaction.atomic():
            super().move(node, target, pos)
            node.refresh_from_db()
            node.save()


class Page(MP_Node):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=SLUG_MAX_LENGTH,
        blank=True,
        help_text=_(
            "The last part of the page's address: lowercase letters, digits and hyphens; "
            "made from the title when left empty."
        ),
    )
    url_path = models.CharField(_("address"), max_length=255, unique=True, editable=False)
    body = models.TextField(_("body"), blank=True)
    featured_photo = models.ForeignKey(
        Photo,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("photo"),
    )
    seo_title = models.CharField(
        _("title for search engines"),
        max_length=70,
        blank=True,
        help_text=_("Shown in the browser tab and search results; the title when empty."),
    )
    meta_description = models.CharField(
        _("description for search engines"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences shown in search results and shared links."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    attachments = models.ManyToManyField(
        "documents.Document",
        blank=True,
        related_name="+",
        verbose_name=_("documents"),
        help_text=_("Shown under the text; only published documents are listed."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    node_order_by = []  # placed by hand: drag and drop, or "before"/"after" in the form
    objects = PageManager()

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        permissions = [("publish_page", _("Can publish and unpublish pages"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(url_path__startswith="/", url_path__endswith="/"),
                name="page_url_path_slashes",
            ),
        ]
        indexes = [models.Index(fields=("status", "path"), name="page_status_path_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("pages:page", kwargs={"path": self.url_path.lstrip("/")})

    def is_published(self):
        """Mirror of PageQuerySet.published() for one object."""
        return self.status == self.Status.PUBLISHED

    @property
    def display_title(self):
        return self.seo_title or self.title

    def parent_url_path(self):
        """The address of the parent, from the tree (one query), "/" for a root."""
        if not self.path or self.depth <= 1:
            return "/"
        parent_path = self.path[: -self.steplen]
        return Page.objects.filter(path=parent_path).values_list("url_path", flat=True).get()

    def placement_problem(self, parent):
        """Why this page cannot sit under `parent` (None: the top level), or None."""
        slug = self.slug or slugify(self.title)[:SLUG_MAX_LENGTH].strip("-")
        if parent is None and slug in reserved_slugs():
            return _(
                "“%(slug)s” is already used by another part of the site (/%(slug)s/): "
                "choose another slug for a top-level page."
            ) % {"slug": slug}
        siblings = Page.objects.get_children(parent) if parent else Page.objects.get_root_nodes()
        if siblings.filter(slug=slug).exclude(pk=self.pk).exists():
            return _("Another page at the same place already has the slug “%(slug)s”.") % {
                "slug": slug
            }
        return None

    def clean(self):
        if self.slug and not SLUG_PATTERN.match(self.slug):
            raise ValidationError(
                {"slug": _("Use only lowercase letters, digits and single hyphens.")},
                code="slug_format",
            )

    def save(self, *args, **kwargs):
        # Sanitized on every save, whoever writes: the stored body is rendered unescaped.
        self.body = sanitize_html(self.body)
        if not self.slug:
            self.slug = slugify(self.title)[:SLUG_MAX_LENGTH].strip("-") or "halaman"
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        old_url_path = self.url_path
        self.url_path = f"{self.parent_url_path()}{self.slug}/"
        with transaction.atomic():
            super().save(*args, **kwargs)
            if old_url_path != self.url_path and self.numchild:
                self._rewrite_descendant_paths()

    def _rewrite_descendant_paths(self):
        """Each descendant's address from its parent's, in tree order (parents first)."""
        by_path = {self.path: self.url_path}
        descendants = list(Page.objects.get_descendants(self).only("path", "slug", "url_path"))
        for page in descendants:
            page.url_path = f"{by_path[page.path[: -self.steplen]]}{page.slug}/"
            by_path[page.path] = page.url_path
        # No collision is possible on the unique address: the new prefix is this page's
        # own, which was free a moment ago. (bulk_update sends no signals; this page's
        # own save has already moved the page cache's version on.)
        Page.objects.bulk_update(descendants, ["url_path"])


class PageRevision(models.Model):
    """The page's fields as one save left them."""

    page = models.ForeignKey(
        Page, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("page")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("by"),
    )  # fmt: skip
    at = models.DateTimeField(_("at"), auto_now_add=True)
    data = models.JSONField(_("fields"))
    changed = models.CharField(_("changed fields"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ("-at", "-pk")
        verbose_name = _("page revision")
        verbose_name_plural = _("page revisions")
        indexes = [models.Index(fields=("page", "-at"), name="pagerevision_page_idx")]

    def __str__(self):
        return f"#{self.pk} {self.at:%Y-%m-%d %H:%M}"
