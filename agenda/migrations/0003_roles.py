"""The newsroom's roles (articles' migration 0006) in the agenda: editors manage events,
leaders and coverage; writers and photographers see the agenda and their assignments
and change their own coverage's status (agenda/services.py enforces "their own").
The "Admin" role gets everything. Re-running the forward step updates the groups.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ALL = [
    "add_event", "change_event", "delete_event", "view_event",
    "add_leader", "change_leader", "delete_leader", "view_leader",
    "add_coverage", "change_coverage", "delete_coverage", "view_coverage",
    "assign_coverage",
]  # fmt: skip
ASSIGNEE = ["view_event", "view_leader", "view_coverage", "change_coverage"]
ROLES = {"Editor": ALL, "Admin": ALL, "Penulis": ASSIGNEE, "Fotografer": ASSIGNEE}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("agenda")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    agenda = Permission.objects.filter(content_type__app_label="agenda")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.remove(*agenda.exclude(codename__in=codenames))
        group.permissions.add(*agenda.filter(codename__in=codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    agenda = Permission.objects.filter(content_type__app_label="agenda")
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*agenda)


class Migration(migrations.Migration):
    dependencies = [
        ("agenda", "0002_seed_leaders"),
        ("articles", "0006_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
