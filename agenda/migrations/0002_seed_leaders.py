"""The leaders every provincial agenda starts with: the governor, the vice governor and
the regional secretary. Names are left for staff to fill in (they change with each
term); the position is what the agenda shows. Re-running adds only what is missing."""

from django.db import migrations

LEADERS = [
    (1, "Gubernur Jawa Tengah"),
    (2, "Wakil Gubernur Jawa Tengah"),
    (3, "Sekretaris Daerah Provinsi Jawa Tengah"),
]


def seed(apps, schema_editor):
    Leader = apps.get_model("agenda", "Leader")
    for order, position in LEADERS:
        Leader.objects.get_or_create(position=position, defaults={"order": order})


def unseed(apps, schema_editor):
    Leader = apps.get_model("agenda", "Leader")
    Leader.objects.filter(position__in=[position for _order, position in LEADERS]).delete()


class Migration(migrations.Migration):
    dependencies = [("agenda", "0001_leaders_events_coverage")]

    operations = [migrations.RunPython(seed, unseed)]
