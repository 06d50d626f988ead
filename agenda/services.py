"""Who may do what with coverage, and the writes that the audit trail names.

Editors (agenda.assign_coverage) assign and change anything. A writer or photographer
(agenda.change_coverage without it) moves the status of their own coverage only, and
only along the work's own steps: assigned, in progress, filed. Publishing and
cancelling are editors' decisions. The admin (agenda/admin.py) and the dashboard's
status form call these; nothing else repeats the rule.

Every save of a Coverage is in the audit trail as a model change (audit/registry.py
registers every model); an assignment is also named as the event
"agenda.coverage_assigned", so the trail can be searched for who was sent where.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.events import record

from .models import Coverage

# How far the work got: what an assignee may set on their own coverage.
ASSIGNEE_STATUSES = (
    Coverage.Status.ASSIGNED,
    Coverage.Status.IN_PROGRESS,
    Coverage.Status.FILED,
)


def can_assign(user) -> bool:
    return user.has_perm("agenda.assign_coverage")


def is_assignee(user, coverage: Coverage) -> bool:
    return user.pk is not None and user.pk in (coverage.writer_id, coverage.photographer_id)


def can_update_status(user, coverage: Coverage) -> bool:
    """May `user` change this coverage's status at all (to some value)?"""
    if can_assign(user):
        return True
    return (
        user.has_perm("agenda.change_coverage")
        and is_assignee(user, coverage)
        and coverage.status in ASSIGNEE_STATUSES
    )


def status_choices(user, coverage: Coverage) -> list[tuple[str, str]]:
    """The statuses `user` may choose for this coverage (its current one included)."""
    if can_assign(user):
        return list(Coverage.Status.choices)
    if not can_update_status(user, coverage):
        return []
    return [(status.value, status.label) for status in ASSIGNEE_STATUSES]


def check_status(user, coverage: Coverage, status: str) -> None:
    """Raise PermissionDenied (not theirs) or ValidationError (not a step they may take)."""
    if can_assign(user):
        return
    if not (user.has_perm("agenda.change_coverage") and is_assignee(user, coverage)):
        raise PermissionDenied(_("You can only update the status of your own coverage."))
    if coverage.status not in ASSIGNEE_STATUSES or status not in ASSIGNEE_STATUSES:
        raise ValidationError(
            _(
                "Only an editor can mark coverage as published or cancelled, or reopen it. "
                "You can set: assigned, in progress, filed."
            ),
            code="editors_only",
        )


@transaction.atomic
def set_status(*, coverage: Coverage, status: str, by) -> Coverage:
    """Change the status as `by`, after the checks above; the model-change entry in the
    audit trail records it."""
    locked = Coverage.objects.select_for_update().get(pk=coverage.pk)
    check_status(by, locked, status)
    locked.status = status
    locked.full_clean()
    locked.save(update_fields=["status", "updated_at"])
    return locked


def record_assignment(*, coverage: Coverage, request=None) -> None:
    """Name an assignment (new coverage, or another writer or photographer) in the trail."""
    record(
        "agenda.coverage_assigned",
        request=request,
        target=coverage,
        details={
            "event": coverage.event_id,
            "event_title": coverage.event.title,
            "writer": coverage.writer.get_username() if coverage.writer else None,
            "photographer": (
                coverage.photographer.get_username() if coverage.photographer else None
            ),
            "status": coverage.status,
        },
    )
