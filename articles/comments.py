"""Posting, showing and moderating reader comments."""

import re
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Case, Sum, Value, When, Window
from django.utils import timezone
from django.utils.html import escape, linebreaks, urlize
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from humas.text import clean_text

from .models import Comment, CommentReport

MIN_LENGTH, MAX_LENGTH = 2, 2000
FLOOD_LIMIT, FLOOD_WINDOW = 5, timedelta(minutes=10)
DOUBLE_SUBMIT_WINDOW = timedelta(minutes=2)
COMMENTS_SHOWN = 50
REPORTS_TO_HIDE = 3
_LINK = re.compile(r"(https?://|www\.)", re.IGNORECASE)


class CommentRefused(Exception):
    def __init__(self, message, code):
        super().__init__(message)
        self.message, self.code = message, code


class CommentTextField(forms.CharField):
    def to_python(self, value):
        # Cleaned before Django's validators run, so a NUL or a bidi override is removed
        # rather than turned into an error.
        return clean_text(super().to_python(value), multiline=True)


class CommentForm(forms.Form):
    body = CommentTextField(
        label=_("Your comment"),
        # Length is checked after cleaning, so the browser's limit is a little generous.
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_LENGTH + 200}),
        strip=False,
        error_messages={"required": _("Write your comment first.")},
    )

    def clean_body(self):
        body = self.cleaned_data["body"]
        if len(body) < MIN_LENGTH:
            raise forms.ValidationError(
                _("A comment needs at least %(min)s characters."),
                code="too_short",
                params={"min": MIN_LENGTH},
            )
        if len(body) > MAX_LENGTH:
            raise forms.ValidationError(
                _("A comment can have at most %(max)s characters; yours has %(length)s."),
                code="too_long",
                params={"max": MAX_LENGTH, "length": len(body)},
            )
        return body


def render_comment(body: str) -> str:
    """Plain text as HTML: everything escaped, web addresses as links that pass no
    reputation and no window access (rel="nofollow ugc noopener"), line breaks kept."""
    html = urlize(escape(body), nofollow=True, autoescape=False)
    html = html.replace('rel="nofollow"', 'rel="nofollow ugc noopener"')
    return mark_safe(linebreaks(html, autoescape=False))


def initial_status(user, body) -> str:
    if len(_LINK.findall(body)) > settings.COMMENT_MAX_LINKS:
        return Comment.Status.PENDING  # link-heavy comments wait, whoever writes them
    if settings.COMMENT_MODERATION == "trusted" and user.comments.approved().exists():
        return Comment.Status.APPROVED
    return Comment.Status.PENDING


def post_comment(*, article, user, body: str) -> Comment:
    """Store a comment, or raise CommentRefused with a message for the reader.

    Checked inside one transaction that first locks the author's row, so that two posts
    sent at once cannot both slip under the limits.
    """
    if not user.is_active or not user.is_verified:
        raise CommentRefused(
            _("Confirm your email address before commenting (see your profile)."), "unverified"
        )
    now = timezone.now()
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).exists()
        last = user.comments.order_by("-created_at", "-pk").first()
        if last is not None and last.body == body:
            if last.article_id == article.pk and now - last.created_at < DOUBLE_SUBMIT_WINDOW:
                return last  # the same form sent twice: one comment
            raise CommentRefused(_("You have just posted this same comment."), "duplicate")
        if user.comments.filter(created_at__gte=now - FLOOD_WINDOW).count() >= FLOOD_LIMIT:
            raise CommentRefused(
                _("You have posted %(n)s comments in the last 10 minutes. Please wait a while.")
                % {"n": FLOOD_LIMIT},
                "flood",
            )
        comment = Comment(article=article, user=user, body=body, status=initial_status(user, body))
        comment.full_clean()
        comment.save()
    return comment


def as_row(comment):
    """What the comment area needs of a comment: small, and cheap to cache."""
    return {
        "pk": comment.pk,
        "user_id": comment.user_id,
        "author": comment.user.public_name if comment.user else comment.author_name or None,
        "created_at": comment.created_at,
        "body": comment.body,
        "status": comment.status,
    }


def comments_context(*, article_id, user):
    """What the comment area shows: the newest comments this reader may see
    (CommentQuerySet.visible_to: approved ones, and their own that wait for moderation),
    and how many are approved. One query: the count rides along on every row (a window
    computed before the LIMIT)."""
    approved = Case(When(status=Comment.Status.APPROVED, then=Value(1)), default=Value(0))
    visible = list(
        Comment.objects.filter(article_id=article_id)
        .visible_to(user)
        .select_related("user")
        .annotate(approved_count=Window(Sum(approved)))
        .order_by("-created_at", "-pk")[:COMMENTS_SHOWN]
    )
    return {
        "comments": [as_row(c) for c in visible],
        "comment_count": visible[0].approved_count if visible else 0,
        "comments_shown": COMMENTS_SHOWN,
    }


@transaction.atomic
def moderate(comments, *, status, editor, reason="") -> int:
    """Set the status of several comments, recording who did it, when and why."""
    comments = list(comments.select_related("article"))
    for comment in comments:
        comment.status = status
        comment.moderated_by = editor
        comment.moderated_at = timezone.now()
        comment.moderation_reason = reason
        comment.save(update_fields=["status", "moderated_by", "moderated_at", "moderation_reason"])
    return len(comments)


def report_comment(*, comment, reporter, reason) -> bool:
    """Record a report (once per reader); False if this reader reported it before.

    A comment reported by several readers goes back to waiting for an editor.
    """
    with transaction.atomic():
        _report, created = CommentReport.objects.get_or_create(
            comment=comment, reporter=reporter, defaults={"reason": reason}
        )
        if created and comment.reports.count() >= REPORTS_TO_HIDE:
            comment = Comment.objects.select_for_update().get(pk=comment.pk)
            if comment.status == Comment.Status.APPROVED:
                comment.status = Comment.Status.PENDING
                comment.moderation_reason = _("Reported by several readers")
                comment.moderated_at = timezone.now()
                comment.save(update_fields=["status", "moderation_reason", "moderated_at"])
    return created
