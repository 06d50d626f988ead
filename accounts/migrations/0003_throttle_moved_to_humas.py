from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_verification_consent_throttle"),
        ("humas", "0001_initial"),
    ]

    operations = [
        # The table stays: humas.Throttle took it over (humas/migrations/0001_initial.py).
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Throttle")],
        ),
    ]
