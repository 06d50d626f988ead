from django import template

from .. import deadlines

register = template.Library()


@register.inclusion_tag("admin/ppid/dashboard.html", takes_context=True)
def ppid_dashboard(context):
    """The top of the admin index for the PPID's staff: what is overdue and what is due
    within DUE_SOON_WORKING_DAYS working days, requests and objections, most urgent first."""
    user = context["request"].user
    if not user.has_perm("ppid.view_informationrequest"):
        return {"show": False}
    return {"show": True, "urgent": deadlines.urgent()}
