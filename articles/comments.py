"""Posting, showing and moderating reader comments."""

import functools
import re
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, Window
from django.utils import timezone
from django.utils.html import escape, linebreaks, urlize
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from humas import throttle
from humas.clientip import address_group
from humas.text import clean_text, strip_invisible, visible_text

from .models import Comment, CommentReport

MIN_LENGTH, MAX_LENGTH = 2, 2000
FLOOD_LIMIT, FLOOD_WINDOW = 5, timedelta(minutes=10)
DOUBLE_SUBMIT_WINDOW = timedelta(minutes=2)
COMMENTS_SHOWN = 50
REPORTS_TO_HIDE = 3
_LINK = re.compile(r"(https?://|www\.)", re.IGNORECASE)


class CommentRefused(Exception):
    def __init__(self, message, code, status=400):
        super().__init__(message)
        self.message, self.code, self.status = message, code, status


class CommentTextField(forms.CharField):
    def to_python(self, value):
        # Cleaned before Django's validators run, so a NUL or a bidi override is removed
        # rather than turned into an error.
        text = clean_text(super().to_python(value), multiline=True)
        if text and not visible_text(text):
            # Fifty zero-width spaces would be stored and shown as an empty comment.
            raise forms.ValidationError(_("Your comment has no visible text."), code="invisible")
        return strip_invisible(text)


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
        if len(visible_text(body)) < MIN_LENGTH:
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


def post_comment(*, article, user, body: str, address: str = "") -> Comment:
    """Store a comment, or raise CommentRefused with a message for the reader.

    Checked inside one transaction that first locks the author's row, so that two posts
    sent at once cannot both slip under the limits. Beside each account's limit, the
    address it posts from (humas.clientip.client_ip) has a ceiling for all its accounts
    together (settings.COMMENT_MAX_PER_ADDRESS); only stored comments count towards it,
    as a refusal rolls its count back with the rest.
    """
    if not user.is_active or not user.email_verified:
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
        if address and not throttle.hit(
            f"comment-address:{address_group(address)}",
            limit=settings.COMMENT_MAX_PER_ADDRESS,
            window_seconds=settings.COMMENT_ADDRESS_WINDOW_MINUTES * 60,
        ):
            raise CommentRefused(
                _(
                    "Too many comments have come from your network in the last %(minutes)s "
                    "minutes. Please try again later."
                )
                % {"minutes": settings.COMMENT_ADDRESS_WINDOW_MINUTES},
                "address",
                status=429,
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


def approved_comments(article_id):
    """(the newest approved comments as rows, how many are approved): what every reader
    of the article sees, read once for the shared copy of its page (views/article.py).
    One query: the count rides along on every row (a window computed before the LIMIT)."""
    approved = list(
        Comment.objects.filter(article_id=article_id)
        .approved()
        .select_related("user")
        .annotate(total=Window(Count("pk")))
        .order_by("-created_at", "-pk")[:COMMENTS_SHOWN]
    )
    return [as_row(c) for c in approved], approved[0].total if approved else 0


WAITING_FIELDS = ("pk", "user_id", "created_at", "body", "status")
_ARTICLE, _USER = -73010, -73020  # stand-ins for one call's values in the compiled query


@functools.cache
def _waiting_query():
    """CommentQuerySet.waiting_for(), compiled once per process.

    It is asked on every signed-in view of an article, and building it through the ORM
    cost about 0.8 ms a time (profiled: several times the query itself). The rule stays
    the queryset's; only its SQL is kept, with the values of each call put in.
    """
    queryset = (
        Comment.objects.filter(article_id=_ARTICLE)
        .waiting_for(_USER)
        .order_by("-created_at", "-pk")
        .values_list(*WAITING_FIELDS)[:COMMENTS_SHOWN]
    )
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    converters = compiler.get_converters([col for col, _sql, _alias in compiler.select])
    return sql, params, compiler, converters


def waiting_rows(article_id, user_id):
    """The reader's own comments on this article that wait for moderation, as rows."""
    sql, params, compiler, converters = _waiting_query()
    values = {_ARTICLE: article_id, _USER: user_id}
    with connection.cursor() as cursor:
        cursor.execute(sql, [values.get(p, p) for p in params])
        rows = cursor.fetchall()
    if converters:
        rows = compiler.apply_converters(rows, converters)
    return [dict(zip(WAITING_FIELDS, row, strict=True)) for row in rows]


def comments_context(*, article_id, user, approved=None):
    """What the comment area shows this reader: the comments they may see (CommentQuerySet:
    the approved ones, given or read, and their own waiting for moderation), newest
    first, and how many are approved."""
    rows, count = approved if approved is not None else approved_comments(article_id)
    if user is not None and user.is_authenticated:
        mine = [{**row, "author": user.public_name} for row in waiting_rows(article_id, user.pk)]
        if mine:
            rows = sorted(rows + mine, key=lambda r: (r["created_at"], r["pk"]), reverse=True)
    return {"comments": rows[:COMMENTS_SHOWN], "comment_count": count,
            "comments_shown": COMMENTS_SHOWN}  # fmt: skip


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
