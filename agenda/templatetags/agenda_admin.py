from django import template
from django.utils.translation import gettext

from .. import dates, services
from ..models import Coverage

register = template.Library()

# The dashboard lists this many; the coverage list has the rest.
DASHBOARD_ROWS = 20


@register.inclusion_tag("admin/agenda/dashboard.html", takes_context=True)
def agenda_dashboard(context):
    """The top of the admin index: "My coverage", this week's and upcoming assignments
    where the staff member writes or photographs, with the status they may set."""
    request = context["request"]
    user = request.user
    if not user.has_perm("agenda.view_coverage"):
        return {"show": False}
    coverages = (
        Coverage.objects.assigned_to(user)
        .from_week_of(dates.today())
        .select_related("event")
        .order_by("event__start", "pk")[:DASHBOARD_ROWS]
    )
    rows = []
    for coverage in coverages:
        parts = []
        if coverage.writer_id == user.pk:
            parts.append(gettext("writer"))
        if coverage.photographer_id == user.pk:
            parts.append(gettext("photographer"))
        rows.append(
            {
                "coverage": coverage,
                "part": ", ".join(parts),
                "choices": services.status_choices(user, coverage),
            }
        )
    return {
        "show": True,
        "rows": rows,
        "can_assign": services.can_assign(user),
        "next_url": request.get_full_path(),
    }
