"""Indexes for "did you mean", which now reads the French titles and theme names too, on both databases.

SQLite: an index holding every practice's status and titles. A practice row keeps its note's texts
before `status` and the French title, so reading them for every published practice followed each
row's overflow pages: at 100,000 practices the words of the titles took 1.9 s to gather, once per
data version, in the request of the first search that matched nothing; from this covering index,
0.2 s. PostgreSQL: trigram indexes on the French columns, beside those of 0004 on the English ones.
"""

from django.db import migrations

SQLITE_INDEX = "practices_practice_status_titles"
POSTGRESQL_INDEXES = {
    "practice_title_fr_trgm_idx": "practices_practice USING gin (title_fr gin_trgm_ops)",
    "theme_name_fr_trgm_idx": "practices_theme USING gin (name_fr gin_trgm_ops)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"CREATE INDEX {SQLITE_INDEX} ON practices_practice (status, title, title_fr)")
    elif schema_editor.connection.vendor == "postgresql":
        for name, definition in POSTGRESQL_INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP INDEX IF EXISTS {SQLITE_INDEX}")
    elif schema_editor.connection.vendor == "postgresql":
        for name in POSTGRESQL_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("practices", "0021_sqlite_search_head")]

    operations = [migrations.RunPython(create, drop)]
