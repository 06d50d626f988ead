"""The pages' editorial rules, the articles' ones (articles/workflow.py): writers move
their own pages between draft and review; editors (`pages.publish_page`) publish and
unpublish. The admin enforces them (pages/admin.py); revisions are recorded here."""

from .models import Page, PageRevision

WRITER_STATUSES = (Page.Status.DRAFT, Page.Status.REVIEW)
REVISED_FIELDS = (
    "title", "slug", "url_path", "body", "featured_photo_id", "seo_title",
    "meta_description", "status",
)  # fmt: skip


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
