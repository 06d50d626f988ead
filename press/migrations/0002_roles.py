"""Editors mark readers as press: the "Editor" and "Admin" roles (articles' migration
0006) get the journalists' permissions. Re-running the forward step updates the groups."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

JOURNALIST = ["add_journalist", "change_journalist", "delete_journalist", "view_journalist"]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("press")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="press", codename__in=JOURNALIST)
    for group in Group.objects.filter(name__in=("Editor", "Admin")):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="press", codename__in=JOURNALIST)
    for group in Group.objects.filter(name__in=("Editor", "Admin")):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("press", "0001_journalist"),
        ("articles", "0006_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
