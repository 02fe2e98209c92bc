"""A stored full-text search vector for practices, and on PostgreSQL the indexes that serve it.

SQLite has no GIN indexes or pg_trgm, so the index operations run only on PostgreSQL; there the
column is filled for existing rows (practices.search.refresh_search_vector keeps it up to date).
"""

import django.contrib.postgres.search
from django.db import migrations, models

INDEXES = [
    # Keep practice rows small: texts and vectors (kilobytes each) move out of line, so counting and
    # listing practices reads megabytes, not the whole library. Applies to rows as they are written.
    "ALTER TABLE practices_practice SET (toast_tuple_target = 128)",
    # Full-text search: `search_vector @@ query` on the public list.
    "CREATE INDEX IF NOT EXISTS practice_search_vector_idx ON practices_practice USING gin (search_vector)",
    # "Did you mean": trigram similarity of a misspelt word to titles and theme names.
    "CREATE INDEX IF NOT EXISTS practice_title_trgm_idx ON practices_practice USING gin (title gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS theme_name_trgm_idx ON practices_theme USING gin (name gin_trgm_ops)",
]

# A frozen copy of practices.search.REFRESH_SQL for every row, so this migration never changes.
FILL = """
UPDATE practices_practice AS p SET search_vector =
    setweight(to_tsvector('english', coalesce(p.title, '')), 'A')
    || setweight(to_tsvector('english', coalesce(p.summary, '')), 'B')
    || setweight(to_tsvector('english',
        coalesce((SELECT string_agg(t.name, ' ') FROM practices_themedpractice AS tp
                  JOIN practices_theme AS t ON t.id = tp.tag_id WHERE tp.content_object_id = p.id), '')
        || ' ' ||
        coalesce((SELECT string_agg(c.name, ' ') FROM practices_countrymention AS cm
                  JOIN incubator_country AS c ON c.id = cm.country_id WHERE cm.practice_id = p.id), '')), 'C')
    || setweight(to_tsvector('english', coalesce(p.body_html, '')), 'D')
"""


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for statement in INDEXES:
        schema_editor.execute(statement)
    schema_editor.execute(FILL)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE practices_practice RESET (toast_tuple_target)")
    for name in ("practice_search_vector_idx", "practice_title_trgm_idx", "theme_name_trgm_idx"):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0003_history"),
        ("incubator", "0002_all_countries"),
    ]

    operations = [
        migrations.AddField(
            model_name="practice",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="themedpractice",
            index=models.Index(fields=["tag", "-content_object"], name="themed_practice_tag_idx"),
        ),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
