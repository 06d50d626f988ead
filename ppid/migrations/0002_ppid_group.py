"""The "PPID" group: the information service's staff, who handle requests and objections
(ppid/admin/ and ppid/workflow.py enforce who may do what with these permissions).
Requests hold personal data: no other role gets them, except the "Admin" role (articles'
migration 0006), which may look (view only; identity scans stay the PPID's).
Re-running the forward step updates the groups.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PPID = {
    "ppid": [
        "view_informationrequest", "add_informationrequest", "change_informationrequest",
        "view_identity_scan",
        "view_requeststep",
        "view_objection", "add_objection", "change_objection",
        "view_informationitem", "add_informationitem", "change_informationitem",
        "view_unit", "add_unit", "change_unit",
        # A date entered by mistake must be removable, or it shifts every deadline.
        "view_holiday", "add_holiday", "change_holiday", "delete_holiday",
    ],
    "documents": ["view_document"],
}  # fmt: skip
ADMIN_VIEWS = [
    "view_informationrequest", "view_requeststep", "view_objection", "view_informationitem",
    "view_unit", "view_holiday",
]  # fmt: skip


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for label in ("ppid", "documents"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="PPID")
    group.permissions.set(
        [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codenames in PPID.items()
            for codename in codenames
        ]
    )
    admin = Group.objects.filter(name="Admin").first()
    if admin is not None:
        admin.permissions.add(
            *Permission.objects.filter(content_type__app_label="ppid", codename__in=ADMIN_VIEWS)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.filter(name="PPID").delete()
    for group in Group.objects.filter(name="Admin"):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="ppid", codename__in=ADMIN_VIEWS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("ppid", "0001_ppid_register_requests_objections"),
        ("documents", "0003_roles"),
        ("articles", "0006_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
