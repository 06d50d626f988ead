"""{% attached_documents article %}: the published documents attached to an article (or
a page), for the page's shared copy (rendered once per content version)."""

from django import template

register = template.Library()


@register.inclusion_tag("documents/_attached_documents.html")
def attached_documents(owner):
    """`owner` has an `attachments` relation to Document. A page that annotated
    `has_attachments` (Exists) costs no query when there are none."""
    if not getattr(owner, "has_attachments", True):
        return {"documents": []}
    return {"documents": list(owner.attachments.published().for_cards().latest_first())}
