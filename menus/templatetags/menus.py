"""{% header_menu %} and {% footer_menus %} for base.html: the menus from the admin, or,
while no header menu has items, the categories (the navigation the site had before)."""

from django import template

from .. import navigation

register = template.Library()


def _current(items, path):
    return [
        {**item, "current": item["url"] == path, "children": _current(item["children"], path)}
        for item in items
    ]


@register.inclusion_tag("menus/header.html", takes_context=True)
def header_menu(context):
    request = context.get("request")
    path = request.path if request else ""
    items = navigation.header()
    return {
        "items": _current(items, path) if items else None,
        "nav_categories": context.get("nav_categories", ()),
        "path": path,
    }


@register.inclusion_tag("menus/footer.html", takes_context=True)
def footer_menus(context):
    request = context.get("request")
    path = request.path if request else ""
    return {
        "columns": [
            {**column, "items": _current(column["items"], path)}
            for column in navigation.footer_columns()
        ]
    }
