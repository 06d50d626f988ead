"""The newsroom's roles as groups, with their permissions.

Who may do what is enforced in the ModelAdmins (articles/admin.py); these permissions
are what they check. Re-running this migration's forward step updates the groups.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Penulis": {
        "articles": [
            "add_article", "change_article", "view_article",
            "view_category",
            "add_photo", "change_photo", "view_photo",
            "view_photographer",
            "add_galleryitem", "change_galleryitem", "delete_galleryitem", "view_galleryitem",
            "view_articletransition", "view_articlerevision",
        ],
        "taggit": ["add_tag", "view_tag"],
    },
    "Editor": {
        "articles": [
            "add_article", "change_article", "delete_article", "view_article", "publish_article",
            "add_category", "change_category", "delete_category", "view_category",
            "add_photo", "change_photo", "view_photo",
            "view_photographer",
            "add_galleryitem", "change_galleryitem", "delete_galleryitem", "view_galleryitem",
            "change_comment", "delete_comment", "view_comment",
            "delete_commentreport", "view_commentreport",
            "add_articlenote", "change_articlenote", "delete_articlenote", "view_articlenote",
            "view_articletransition", "view_articlerevision", "view_articledailyviews",
        ],
        "taggit": ["add_tag", "change_tag", "delete_tag", "view_tag"],
    },
    "Fotografer": {
        "articles": [
            "add_photo", "change_photo", "delete_photo", "view_photo",
            "change_photographer", "view_photographer",
        ],
    },
}  # fmt: skip


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codenames in grants.items()
            for codename in codenames
        ]
        group.permissions.set(permissions)
    admin, _ = Group.objects.get_or_create(name="Admin")
    admin.permissions.set(Permission.objects.all())


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=[*ROLES, "Admin"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_workflow"),
        ("accounts", "0002_user_verification_consent_throttle"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
