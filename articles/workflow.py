"""The editorial workflow: who may publish, status changes, revisions, previews.

draft -> review -> published (a future publish time is a schedule), and unpublished for
articles taken down. Writers move their own articles between draft and review; editors
(the `articles.publish_article` permission) do everything else. The admin enforces it
(articles/admin/articles.py); everything it records goes through here.
"""

import difflib

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Article, ArticleRevision, ArticleTransition

WRITER_STATUSES = (Article.Status.DRAFT, Article.Status.REVIEW)
REVISED_FIELDS = (
    "title", "dateline", "lead", "body", "category_id", "featured_photo_id",
    "photo_credit_text", "status", "published_at", "takedown_reason",
)  # fmt: skip
RESTORED_FIELDS = (
    "title", "dateline", "lead", "body", "category_id", "featured_photo_id", "photo_credit_text",
)  # fmt: skip
PREVIEW_SALT = "articles.preview"
PREVIEW_MAX_AGE = 3 * 24 * 3600


def can_publish(user) -> bool:
    return user.has_perm("articles.publish_article")


def record_transition(*, article, from_status, by, comment="") -> None:
    if from_status != article.status:
        ArticleTransition.objects.create(
            article=article, from_status=from_status or article.status, to_status=article.status,
            by=by, comment=comment,
        )  # fmt: skip


def snapshot(article) -> dict:
    data = {field: getattr(article, field) for field in REVISED_FIELDS}
    data["published_at"] = article.published_at.isoformat() if article.published_at else None
    data["tags"] = sorted(article.tags.names())
    return data


def record_revision(*, article, by, note="") -> ArticleRevision | None:
    """Store the article as saved now, unless nothing changed since the last revision
    and there is nothing to note (a note tells of a change the fields do not show, such
    as an editor's change to a photo the article shows: articles/photouse.py)."""
    data = snapshot(article)
    last = article.revisions.order_by("-at", "-pk").first()
    if last is not None and last.data == data and not note:
        return None
    return ArticleRevision.objects.create(article=article, by=by, data=data, note=note)


@transaction.atomic
def restore_revision(*, article, revision, by) -> None:
    """Put a revision's text, photo and classification back; status stays as it is."""
    for field in RESTORED_FIELDS:
        setattr(article, field, revision.data.get(field))
    article.save()
    article.tags.set(revision.data.get("tags", []))
    record_revision(
        article=article, by=by, note=_("Restored from revision #%(n)s") % {"n": revision.pk}
    )


def diff(old: dict, new: dict) -> list[dict]:
    """Field by field, what changed between two revisions, as readable lines."""
    changes = []
    for field in (*REVISED_FIELDS, "tags"):
        before, after = old.get(field), new.get(field)
        if before == after:
            continue
        before_text = "\n".join(before) if isinstance(before, list) else str(before or "")
        after_text = "\n".join(after) if isinstance(after, list) else str(after or "")
        split = before_text.replace("</p>", "</p>\n").splitlines()
        lines = list(
            difflib.unified_diff(
                split, after_text.replace("</p>", "</p>\n").splitlines(), lineterm="", n=1
            )
        )[2:]
        changes.append({"field": field, "lines": lines})
    return changes


@transaction.atomic
def set_status(*, articles, status, by, reason="") -> list[Article]:
    """Publish or unpublish several articles (the editors' bulk actions); returns the
    articles that were changed. Articles whose photos break the publishing rule stay."""
    changed = []
    for article in articles:
        previous = article.status
        if status == Article.Status.PUBLISHED:
            if article.photo_problems():
                continue
            article.published_at = article.published_at or timezone.now()
        if status == Article.Status.UNPUBLISHED and reason:
            article.takedown_reason = reason
        article.status = status
        article.save()
        record_transition(article=article, from_status=previous, by=by)
        record_revision(article=article, by=by)
        changed.append(article)
    return changed


def preview_token(article) -> str:
    """A link for someone without an account to read an unpublished article as it is
    now: it names the article and the save it was made after."""
    return signing.dumps(
        {"article": article.pk, "saved": article.updated_at.isoformat()},
        salt=PREVIEW_SALT,
        compress=True,
    )


def article_for_preview(token) -> Article | None:
    """The article a signed preview link shows, or None.

    None when the link is bad or older than PREVIEW_MAX_AGE, when the article has been
    saved since the link was made (the holder saw a draft, not whatever it became: staff
    who may see it read the current one signed in), and when it is public or has been
    taken down: a withdrawn article's text is nobody's to read any more.
    """
    try:
        data = signing.loads(token, salt=PREVIEW_SALT, max_age=PREVIEW_MAX_AGE)
    except signing.BadSignature:
        return None
    article = Article.objects.filter(pk=data.get("article")).first()
    if article is None or article.is_published() or article.is_withdrawn():
        return None
    if data.get("saved") != article.updated_at.isoformat():
        return None
    return article


def can_preview(user, article) -> bool:
    """Signed-in staff who may see an unpublished article: editors, and its writer."""
    return (
        user.is_authenticated
        and user.is_staff
        and (can_publish(user) or article.author_id == user.pk)
    )
