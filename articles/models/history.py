from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .article import Article


class ArticleTransition(models.Model):
    """One change of an article's status: who, when, from, to, and why."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("article")
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Article.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Article.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("by"),
    )  # fmt: skip
    at = models.DateTimeField(_("at"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ("-at", "-pk")
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class ArticleRevision(models.Model):
    """The article's fields as one save left them; restoring one saves them back."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("article")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("by"),
    )  # fmt: skip
    at = models.DateTimeField(_("at"), auto_now_add=True)
    data = models.JSONField(_("fields"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ("-at", "-pk")
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        indexes = [models.Index(fields=("article", "-at"), name="revision_article_idx")]

    def __str__(self):
        return f"#{self.pk} {self.at:%Y-%m-%d %H:%M}"
