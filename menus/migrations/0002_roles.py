"""Editors (and the Admin group) edit the menus."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = [
    f"{action}_{model}" for action in ("add", "change", "delete", "view") for model in ("menu", "menuitem")
]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("menus")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    menus = Permission.objects.filter(content_type__app_label="menus", codename__in=CODENAMES)
    for name in ("Editor", "Admin"):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*menus)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    menus = Permission.objects.filter(content_type__app_label="menus")
    for group in Group.objects.filter(name__in=("Editor", "Admin")):
        group.permissions.remove(*menus)


class Migration(migrations.Migration):
    dependencies = [
        ("menus", "0001_menu_and_items"),
        ("articles", "0006_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
