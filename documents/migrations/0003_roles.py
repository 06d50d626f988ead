"""The documents' part of the newsroom's roles (articles' migration 0006 made the
groups): editors do everything, writers upload and edit but neither delete nor publish
(documents/admin.py enforces it). Re-running the forward step updates the groups."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Editor": [
        "add_document", "change_document", "delete_document", "view_document",
        "publish_document",
    ],
    "Penulis": ["add_document", "change_document", "view_document"],
}  # fmt: skip
ALL = sorted({codename for codenames in GRANTS.values() for codename in codenames})


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("documents")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = {
        p.codename: p
        for p in Permission.objects.filter(content_type__app_label="documents", codename__in=ALL)
    }
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*(permissions[c] for c in codenames))
    admin = Group.objects.filter(name="Admin").first()
    if admin is not None:
        admin.permissions.add(*permissions.values())


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=[*GRANTS, "Admin"]):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="documents", codename__in=ALL)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0002_document_search_vector"),
        ("articles", "0006_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
