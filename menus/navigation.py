"""The menus as the templates show them, kept once per page-cache version
(humas.pagecache.kept), so no page reads them per request.

While no menu has items the header shows the categories, as the site did before menus:
one query gives the categories and whether any menu item exists, so a site without
menus reads no more than it did (the categories' navigation it replaces is not read);
with menus, a second query gives every menu's items with their pages and categories.
"""

from django.conf import settings
from django.db.models import Exists

from articles.models import Category
from humas import pagecache

from .models import DocumentSection, Menu, MenuItem


def build():
    """{"categories": [{"name", "url"}], "menus": {location: {"title", "items": [...]}}}."""
    categories = list(Category.objects.annotate(any_menu=Exists(MenuItem.objects.all())))
    return {
        "categories": [{"name": c.name, "url": c.get_absolute_url()} for c in categories],
        # Without categories the flag is unknown: ask the items themselves.
        "menus": build_menus() if not categories or categories[0].any_menu else {},
    }


def build_menus():
    """{location: {"title", "items": [{"label", "section", "url", "new_tab", "children"}]}}.

    Plain data, so that it keeps in Redis. Items whose page is not published are left
    out (with their submenu). A label left empty is the target's title; a document
    section's is translated when rendered (the kept data serve every language).
    """
    menus = {}
    items = {}
    rows = MenuItem.objects.select_related("menu", "page", "category").order_by(
        "menu__location", "order", "pk"
    )
    for row in rows:
        if row.page_id and not row.page.is_published():
            continue
        menu = menus.setdefault(row.menu.location, {"title": row.menu.title, "items": []})
        item = {
            "label": row.label or ("" if row.document_section else row.default_label()),
            "section": row.document_section,
            "url": row.target_url(),
            "new_tab": row.new_tab and not row.target_url().startswith("/"),
            "children": [],
        }
        items[row.pk] = item
        if row.parent_id is None:
            menu["items"].append(item)
        elif row.parent_id in items:
            items[row.parent_id]["children"].append(item)
    return menus


def labelled(items):
    """The kept items with document sections' labels in the current language."""
    return [
        {
            **item,
            "label": item["label"] or str(DocumentSection(item["section"]).label),
            "children": labelled(item["children"]),
        }
        for item in items
    ]


def menus():
    return pagecache.kept("menus", build, settings.PAGE_CACHE_SECONDS)


def header(kept):
    """The header menu's items from `menus()`, or None when it has none."""
    menu = kept["menus"].get(Menu.Location.HEADER)
    return labelled(menu["items"]) if menu and menu["items"] else None


def footer_columns(kept):
    """The footer menus with items, from `menus()`, in column order."""
    columns = []
    for location in Menu.Location.values:
        menu = kept["menus"].get(location)
        if location != Menu.Location.HEADER and menu and menu["items"]:
            columns.append({"title": menu["title"], "items": labelled(menu["items"])})
    return columns
