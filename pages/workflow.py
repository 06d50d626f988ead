"""The pages' editorial rules, the articles' ones (articles/workflow.py): writers move
their own pages between draft and review; editors (`pages.publish_page`) publish and
unpublish. The admin enforces them (pages/admin.py); revisions are recorded here."""

import difflib

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from articles import photouse

from .models import Page, PageRevision

WRITER_STATUSES = (Page.Status.DRAFT, Page.Status.REVIEW)
REVISED_FIELDS = (
    "title", "slug", "url_path", "body", "featured_photo_id", "seo_title",
    "meta_description", "status",
)  # fmt: skip
RESTORED_FIELDS = ("title", "body", "featured_photo_id", "seo_title", "meta_description")


def can_publish(user) -> bool:
    return user.has_perm("pages.publish_page")


def can_preview(user, page) -> bool:
    """Signed-in staff who may see an unpublished page: editors, and its writer."""
    return (
        user.is_authenticated
        and user.is_staff
        and (can_publish(user) or (user.has_perm("pages.view_page") and page.author_id == user.pk))
    )


def snapshot(page) -> dict:
    return {field: getattr(page, field) for field in REVISED_FIELDS}


def record_revision(*, page, by, note="") -> PageRevision | None:
    """Store the page as saved now, with the fields that changed since the last
    revision; nothing when nothing changed."""
    data = snapshot(page)
    last = page.revisions.order_by("-at", "-pk").first()
    if last is not None and last.data == data:
        return None
    changed = [f for f in REVISED_FIELDS if last is None or last.data.get(f) != data[f]]
    return PageRevision.objects.create(
        page=page, by=by, data=data, note=note, changed=", ".join(changed)[:300]
    )


def showing_photos(photos, stems):
    """Published pages that show any of `photos`, as a photo or inline in the body
    (registered with articles.photouse, which decides who may change such a photo)."""
    shown = Q(featured_photo__in=photos)
    for stem in stems:
        shown |= Q(body__contains=stem)
    return Page.objects.published().filter(shown)


def note_photo_change(page, by, text, renames):
    """An editor changed a photo the page shows: the history says so, and images inline
    in the body point at the photo's new files."""
    body = photouse.rename_files(page.body, renames)
    if body != page.body:
        page.body = body
        page.save()
    if record_revision(page=page, by=by, note=text) is None:  # the page's fields are as before
        PageRevision.objects.create(page=page, by=by, data=snapshot(page), note=text)


@transaction.atomic
def restore_revision(*, page, revision, by) -> None:
    """Put a revision's text, photo and search-engine fields back; the status, the slug
    and the place in the tree stay as they are."""
    for field in RESTORED_FIELDS:
        setattr(page, field, revision.data.get(field))
    page.save()
    record_revision(page=page, by=by, note=_("Restored from revision #%(n)s") % {"n": revision.pk})


def diff(old: dict, new: dict) -> list[dict]:
    """Field by field, what changed between two revisions, as readable lines (the shape
    of articles.workflow.diff, for the same revisions template)."""
    changes = []
    for field in REVISED_FIELDS:
        before, after = str(old.get(field) or ""), str(new.get(field) or "")
        if before == after:
            continue
        lines = difflib.unified_diff(
            before.replace("</p>", "</p>\n").splitlines(),
            after.replace("</p>", "</p>\n").splitlines(),
            lineterm="",
            n=1,
        )
        changes.append({"field": field, "lines": list(lines)[2:]})
    return changes
