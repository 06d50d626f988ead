"""What `import_wordpress` remembers: which WordPress object became which of ours (so a
second run changes nothing), and the old site's addresses (so its links keep working)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from articles.models import Article, Category, Comment, Photo
from documents.models import Document
from pages.models import Page


class ImportedPost(models.Model):
    """A WordPress post imported as an article, matched on its post id on re-import."""

    wp_id = models.BigIntegerField(_("WordPress post id"), unique=True)
    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, related_name="wordpress", verbose_name=_("article")
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("imported post")
        verbose_name_plural = _("imported posts")

    def __str__(self):
        return f"#{self.wp_id} → {self.article}"


class ImportedAttachment(models.Model):
    """A WordPress media attachment imported as a photo; `path` is its old address
    (/wp-content/uploads/...), which answers 301 to the photo's file."""

    wp_id = models.BigIntegerField(_("WordPress attachment id"), unique=True)
    photo = models.ForeignKey(
        Photo, on_delete=models.CASCADE, related_name="wordpress", verbose_name=_("photo")
    )
    path = models.CharField(_("old address"), max_length=500, db_index=True)

    class Meta:
        verbose_name = _("imported attachment")
        verbose_name_plural = _("imported attachments")

    def __str__(self):
        return self.path


class ImportedPage(models.Model):
    """A WordPress page imported as a page of the tree, matched on its id on re-import."""

    wp_id = models.BigIntegerField(_("WordPress page id"), unique=True)
    page = models.OneToOneField(
        Page, on_delete=models.CASCADE, related_name="wordpress", verbose_name=_("page")
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("imported page")
        verbose_name_plural = _("imported pages")

    def __str__(self):
        return f"#{self.wp_id} → {self.page}"


class ImportedDocument(models.Model):
    """A WordPress attachment imported as a document (PDF, DOCX, ...); `path` is its old
    address (/wp-content/uploads/...), which answers 301 to the document's download."""

    wp_id = models.BigIntegerField(_("WordPress attachment id"), unique=True)
    document = models.OneToOneField(
        Document, on_delete=models.CASCADE, related_name="wordpress", verbose_name=_("document")
    )
    path = models.CharField(_("old address"), max_length=500, db_index=True)

    class Meta:
        verbose_name = _("imported document")
        verbose_name_plural = _("imported documents")

    def __str__(self):
        return self.path


class ImportedComment(models.Model):
    wp_id = models.BigIntegerField(_("WordPress comment id"), unique=True)
    comment = models.OneToOneField(
        Comment, on_delete=models.CASCADE, related_name="wordpress", verbose_name=_("comment")
    )

    class Meta:
        verbose_name = _("imported comment")
        verbose_name_plural = _("imported comments")

    def __str__(self):
        return f"#{self.wp_id}"


class LegacyPath(models.Model):
    """An address of the old WordPress site that now answers 301 to its new page.

    Points at the object, not at a URL, so the redirect follows a later change of slug.
    """

    path = models.CharField(_("old address"), max_length=500, unique=True)
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    page = models.ForeignKey(
        Page, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("old address")
        verbose_name_plural = _("old addresses")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        article__isnull=False,
                        category__isnull=True,
                        tag__isnull=True,
                        page__isnull=True,
                    )
                    | Q(
                        article__isnull=True,
                        category__isnull=False,
                        tag__isnull=True,
                        page__isnull=True,
                    )
                    | Q(
                        article__isnull=True,
                        category__isnull=True,
                        tag__isnull=False,
                        page__isnull=True,
                    )
                    | Q(
                        article__isnull=True,
                        category__isnull=True,
                        tag__isnull=True,
                        page__isnull=False,
                    )
                ),
                name="legacypath_one_target",
            )
        ]

    def __str__(self):
        return self.path

    def target_url(self):
        from django.urls import reverse

        if self.article_id:
            return self.article.get_absolute_url()
        if self.category_id:
            return self.category.get_absolute_url()
        if self.page_id:
            return self.page.get_absolute_url()
        return reverse("articles:tag", kwargs={"slug": self.tag.slug})
