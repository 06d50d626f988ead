"""The newsroom's roles (articles/migrations/0006_roles.py) get the video library:
writers add and edit, editors also publish and delete, the Admin group everything.
Re-running the forward step updates the groups (tests do, after a flush)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Penulis": ("add_video", "change_video", "view_video"),
    "Editor": ("add_video", "change_video", "delete_video", "view_video", "publish_video"),
    "Admin": ("add_video", "change_video", "delete_video", "view_video", "publish_video"),
}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("videos")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="videos", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GRANTS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="videos"))


class Migration(migrations.Migration):
    dependencies = [
        ("videos", "0001_initial"),
        ("articles", "0006_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
