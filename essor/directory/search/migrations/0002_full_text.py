"""Full-text structures outside the Django model: an FTS5 table (external content, prefix indexes
of 2 and 3 characters) on SQLite; a generated tsvector column with the 'simple' configuration over
the already-normalised text, and its GIN index, on PostgreSQL."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE directory_search_fts USING fts5(text_norm, "
    "content='directory_search_searchentry', content_rowid='id', prefix='2 3', "
    "tokenize='unicode61')",
]
SQLITE_DROP = ["DROP TABLE IF EXISTS directory_search_fts"]
POSTGRESQL = [
    "ALTER TABLE directory_search_searchentry ADD COLUMN tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', text_norm)) STORED",
    "CREATE INDEX directory_search_tsv ON directory_search_searchentry USING gin (tsv)",
    "CREATE INDEX directory_search_name_prefix ON directory_search_searchentry "
    "(name_norm text_pattern_ops)",
    "CREATE INDEX directory_search_token_prefix ON directory_search_searchtoken "
    "(token text_pattern_ops)",
]
POSTGRESQL_DROP = [
    "DROP INDEX IF EXISTS directory_search_token_prefix",
    "DROP INDEX IF EXISTS directory_search_name_prefix",
    "DROP INDEX IF EXISTS directory_search_tsv",
    "ALTER TABLE directory_search_searchentry DROP COLUMN IF EXISTS tsv",
]


def forwards(apps, schema_editor):
    statements = POSTGRESQL if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = (
        POSTGRESQL_DROP if schema_editor.connection.vendor == "postgresql" else SQLITE_DROP
    )
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("directory_search", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
