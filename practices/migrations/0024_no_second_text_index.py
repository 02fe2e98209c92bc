"""PostgreSQL: the practice row's full vector loses its GIN index; searches match through the search row's.

Migration 0018 gave every practice a narrow search row whose GIN index holds the same vector (with
the facets' ids); the practices' own index of it (0004) became a second copy that every write of a
practice's row had to update: not only a refresh of the vector, also any other update that cannot
stay on the row's page, where the row's new version is indexed again in full. At 2,000 imported
notes, storing their hashes (`Importer.seal`) took 1.2 s with it and 0.2 s without. `ranking`
matches through `practices_search_row` instead.
"""

from django.db import migrations

INDEX = "practice_search_vector_idx"


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON practices_practice USING gin (search_vector)")


class Migration(migrations.Migration):
    dependencies = [("practices", "0023_lz4_compression")]

    operations = [migrations.RunPython(drop, create)]
