"""django-auditlog's own table (auditlog_logentry) is created by its migrations even though
entries go to audit.Entry (AUDITLOG_LOGENTRY_MODEL): its migrations do not mark the model
swappable. The table stays empty, but on PostgreSQL its foreign keys to accounts_user and
django_content_type make every TRUNCATE of those tables fail (`manage.py flush`, and the
teardown of every transactional test), because Django no longer knows the table is there
and does not truncate it with them. Its foreign keys go; the table stays, so later
django-auditlog migrations that alter it still apply.
"""

from django.db import migrations

DROP_FOREIGN_KEYS = """
DO $$
DECLARE fk record;
BEGIN
    IF to_regclass('auditlog_logentry') IS NULL THEN
        RETURN;
    END IF;
    FOR fk IN
        SELECT conname FROM pg_constraint
        WHERE conrelid = 'auditlog_logentry'::regclass AND contype = 'f'
    LOOP
        EXECUTE 'ALTER TABLE auditlog_logentry DROP CONSTRAINT ' || quote_ident(fk.conname);
    END LOOP;
END $$;
"""


def unlink(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_FOREIGN_KEYS)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_admin_role_views_entries"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(unlink, migrations.RunPython.noop)]
