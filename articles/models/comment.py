from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .article import Article


class CommentQuerySet(models.QuerySet):
    """Who sees which comments: every reader the approved ones, and a signed-in reader
    also their own that wait for moderation (articles/comments.py, comments_context)."""

    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def waiting_for(self, user):
        """The reader's own comments that wait for moderation: only they see them."""
        return self.filter(status=Comment.Status.PENDING, user=user)


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for moderation")
        APPROVED = "approved", _("Approved")
        HIDDEN = "hidden", _("Hidden")
        SPAM = "spam", _("Spam")

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="comments", verbose_name=_("article")
    )
    # A deleted account leaves its comments, shown as from a deleted user.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("user"),
    )
    # A comment imported from the old site (wordpress/) whose commenter has no account
    # here keeps the name it was posted under, and nothing else of theirs.
    author_name = models.CharField(_("name"), max_length=100, blank=True)
    body = models.TextField(_("comment"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderated by"),
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    moderation_reason = models.CharField(_("reason"), max_length=300, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=("pending", "approved", "hidden", "spam")),
                name="comment_status_valid",
            ),
            models.CheckConstraint(condition=~Q(body=""), name="comment_body_not_empty"),
        ]
        indexes = [
            models.Index(fields=("article", "status", "-created_at"), name="comment_article_idx"),
            models.Index(fields=("user", "-created_at"), name="comment_user_idx"),
            models.Index(fields=("status", "-created_at"), name="comment_status_idx"),
        ]

    def __str__(self):
        return self.body[:60]

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#komentar-{self.pk}"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance.loaded_status = instance.__dict__.get("status")
        return instance

    def is_or_was_public(self):
        """Shown on the article now, or when it was read from the database (a comment
        being hidden): what the page cache watches (articles/apps.py)."""
        approved = self.Status.APPROVED
        return self.status == approved or getattr(self, "loaded_status", None) == approved


class CommentReport(models.Model):
    """A reader's report that a comment breaks the rules; editors see it in the admin."""

    class Reason(models.TextChoices):
        ABUSE = "abuse", _("Insulting, hateful or harassing")
        HOAX = "hoax", _("False information (hoax)")
        SPAM = "spam", _("Spam or advertising")
        OTHER = "other", _("Something else")

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="reports", verbose_name=_("comment")
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="comment_reports",
        verbose_name=_("reported by"),
    )
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("comment report")
        verbose_name_plural = _("comment reports")
        constraints = [
            models.UniqueConstraint(
                fields=("comment", "reporter"), name="commentreport_once_per_reader"
            ),
        ]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.comment}"
