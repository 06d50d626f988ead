"""Who sees the lists in the admin: the "Admin" role everything of mailing; the "Editor"
role (articles' migration 0006) the subscribers and the deliveries, and may queue a stuck
delivery again (its one change). Re-running the forward step updates the groups."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = ["view_subscriber", "view_delivery", "change_delivery"]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("mailing")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    mailing = Permission.objects.filter(content_type__app_label="mailing")
    for group in Group.objects.filter(name="Admin"):
        group.permissions.add(*mailing)
    for group in Group.objects.filter(name="Editor"):
        group.permissions.add(*mailing.filter(codename__in=EDITOR))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    mailing = Permission.objects.filter(content_type__app_label="mailing")
    for group in Group.objects.filter(name__in=("Admin", "Editor")):
        group.permissions.remove(*mailing)


class Migration(migrations.Migration):
    dependencies = [
        ("mailing", "0001_subscribers_and_deliveries"),
        ("articles", "0006_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
