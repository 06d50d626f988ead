"""The newsroom's roles (articles/migrations/0006_roles.py) get the hoax clarifications,
written with the article: writers, editors and the Admin group add, change and delete them
(the article's own permissions decide which articles they reach).
Re-running the forward step updates the groups (tests do, after a flush)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ALL = ("add_clarification", "change_clarification", "delete_clarification", "view_clarification")
GRANTS = {"Penulis": ALL, "Editor": ALL, "Admin": ALL}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("factcheck")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="factcheck", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GRANTS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="factcheck"))


class Migration(migrations.Migration):
    dependencies = [
        ("factcheck", "0001_clarification"),
        ("articles", "0006_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
