from django import template

from .. import stafflinks

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_links(context, article_id):
    """{% staff_links article_id as links %}: the links apps give this user beside an
    article (articles/stafflinks.py); none for anyone but staff."""
    return stafflinks.links_for(context.get("user"), article_id)


@register.simple_tag(takes_context=True)
def staff_list_links(context):
    """{% staff_list_links as links %}: the links apps give this user beside the list."""
    return stafflinks.list_links_for(context.get("user"))
