"""The Admin group sees the integrity reports, marks findings reviewed and edits the
phrase and domain lists (superusers can anyway)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = [
    "view_report", "view_finding", "review_finding",
    "add_pattern", "change_pattern", "delete_pattern", "view_pattern",
    "add_alloweddomain", "change_alloweddomain", "delete_alloweddomain", "view_alloweddomain",
]  # fmt: skip


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs them now.
    app_config = apps.get_app_config("integrity")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Admin")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="integrity", codename__in=CODENAMES)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    integrity = Permission.objects.filter(content_type__app_label="integrity")
    for group in Group.objects.filter(name="Admin"):
        group.permissions.remove(*integrity)


class Migration(migrations.Migration):
    dependencies = [
        ("integrity", "0002_seed_patterns_and_domains"),
        ("articles", "0006_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
