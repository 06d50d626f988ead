"""{% header_menu %} and {% footer_menus %} for base.html: the menus from the admin, or,
while no header menu has items, the categories (the navigation the site had before; read
with the menus, navigation.build, so that base.html no longer needs `nav_categories`)."""

from django import template

from .. import navigation

register = template.Library()


def _kept(context):
    """The menus, read once per page render: both tags sit in base.html itself, so they
    share its render context (each read of kept data costs a look at the version)."""
    if "menus" not in context.render_context:
        context.render_context["menus"] = navigation.menus()
    return context.render_context["menus"]


def _current(items, path):
    return [
        {**item, "current": item["url"] == path, "children": _current(item["children"], path)}
        for item in items
    ]


@register.inclusion_tag("menus/header.html", takes_context=True)
def header_menu(context):
    request = context.get("request")
    path = request.path if request else ""
    kept = _kept(context)
    items = navigation.header(kept)
    return {
        "items": _current(items, path) if items else None,
        "nav_categories": kept["categories"],
        "path": path,
    }


@register.inclusion_tag("menus/footer.html", takes_context=True)
def footer_menus(context):
    request = context.get("request")
    path = request.path if request else ""
    return {
        "columns": [
            {**column, "items": _current(column["items"], path)}
            for column in navigation.footer_columns(_kept(context))
        ]
    }
