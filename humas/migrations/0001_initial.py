from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0002_user_verification_consent_throttle"),
    ]

    operations = [
        # accounts.Throttle moves here with its table (accounts_throttle): state only.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Throttle",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.CharField(max_length=200)),
                        ("period", models.BigIntegerField()),
                        ("expires", models.BigIntegerField(help_text="Unix time at which the period ends.")),
                        ("hits", models.PositiveIntegerField(default=0)),
                    ],
                    options={
                        "db_table": "accounts_throttle",
                        "indexes": [models.Index(fields=["expires"], name="throttle_expires_idx")],
                        "constraints": [models.UniqueConstraint(fields=("key", "period"), name="throttle_one_per_period")],
                    },
                ),
            ],
        ),
        migrations.CreateModel(
            name="PageVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("version", models.BigIntegerField(default=1, verbose_name="version")),
                ("next_due", models.BigIntegerField(default=0, help_text="Unix time; 0 for none.", verbose_name="next scheduled change")),
            ],
            options={
                "verbose_name": "page version",
                "verbose_name_plural": "page versions",
                "constraints": [models.CheckConstraint(condition=models.Q(("pk", 1)), name="pageversion_one_row")],
            },
        ),
    ]
