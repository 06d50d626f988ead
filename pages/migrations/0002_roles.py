"""The newsroom's roles get the pages' permissions: writers draft pages, editors publish
them (pages/admin.py enforces it, as for articles). The Admin group gets them all."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Penulis": ["add_page", "change_page", "view_page", "view_pagerevision"],
    "Editor": [
        "add_page", "change_page", "delete_page", "view_page", "publish_page",
        "view_pagerevision",
    ],
}  # fmt: skip


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("pages")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    pages = Permission.objects.filter(content_type__app_label="pages")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*pages.filter(codename__in=codenames))
    admin, _ = Group.objects.get_or_create(name="Admin")
    admin.permissions.add(*pages)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    pages = Permission.objects.filter(content_type__app_label="pages")
    for group in Group.objects.filter(name__in=[*ROLES, "Admin"]):
        group.permissions.remove(*pages)


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0001_page_tree"),
        ("articles", "0006_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
