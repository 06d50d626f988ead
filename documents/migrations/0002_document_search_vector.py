"""On PostgreSQL, the weighted Indonesian search vector of every document, stored and
indexed (as articles' migration 0009): title and number A, description B, the text found
inside the PDF C. The number's parts are words of their own ("188/45/2026" is found by
"188"), with no stemming. documents/search.py filters and ranks with it.

The model does not declare the column (SQLite has no tsvector), so Django never selects
or writes it. A future migration altering title, number, description or text must drop
the column first and add it back afterwards (PostgreSQL refuses to change the type of a
column a generated column uses).
"""

from django.db import migrations

COLUMN_SQL = """
ALTER TABLE documents_document ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('indonesian'::regconfig, COALESCE(title, '')), 'A')
    || setweight(to_tsvector('simple'::regconfig,
        regexp_replace(COALESCE(number, ''), '[^[:alnum:]]+', ' ', 'g')), 'A')
    || setweight(to_tsvector('indonesian'::regconfig, COALESCE(description, '')), 'B')
    || setweight(to_tsvector('indonesian'::regconfig, COALESCE(text, '')), 'C')
) STORED
"""
INDEX_SQL = (
    "CREATE INDEX document_search_vector_idx ON documents_document USING gin (search_vector)"
)


def add_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(COLUMN_SQL)
        schema_editor.execute(INDEX_SQL)


def drop_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE documents_document DROP COLUMN search_vector")


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_documents"),
    ]

    operations = [
        migrations.RunPython(add_search_vector, drop_search_vector),
    ]
