"""The menus as the templates show them: every menu's items in one query, kept once per
page-cache version (humas.pagecache.kept), so no page reads them per request."""

from django.conf import settings

from humas import pagecache

from .models import DocumentSection, Menu, MenuItem


def build():
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
    menu = kept.get(Menu.Location.HEADER)
    return labelled(menu["items"]) if menu and menu["items"] else None


def footer_columns(kept):
    """The footer menus with items, from `menus()`, in column order."""
    columns = []
    for location in Menu.Location.values:
        menu = kept.get(location)
        if location != Menu.Location.HEADER and menu and menu["items"]:
            columns.append({"title": menu["title"], "items": labelled(menu["items"])})
    return columns
