"""Search that ranks every match, on both databases.

PostgreSQL: accents ignored (the unaccent extension in an `english_unaccent` text search
configuration), toolkits in the vector, and a small inline `search_rank_vector` for ranking.
SQLite: an FTS5 index over a table of plain texts (external content), kept in step by triggers
when practices.search.refresh_search_vector rewrites a row, or when a practice is deleted.
Each database's statements run only on that database; the field exists on both (empty on SQLite).
"""

import django.contrib.postgres.search
from django.db import migrations

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS english_unaccent",
    "CREATE TEXT SEARCH CONFIGURATION english_unaccent (COPY = english)",
    "ALTER TEXT SEARCH CONFIGURATION english_unaccent"
    " ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem",
    # MAIN: compressed if need be, but kept in the row instead of moving out of line at 128 bytes.
    "ALTER TABLE practices_practice ALTER COLUMN search_rank_vector SET STORAGE MAIN",
]

SQLITE = [
    """CREATE TABLE practices_search_document (
        id INTEGER PRIMARY KEY, title TEXT NOT NULL, summary TEXT NOT NULL, topics TEXT NOT NULL, body TEXT NOT NULL)""",
    # Title, summary, topics (themes, countries, toolkits) and text; bm25 weighs them in that order.
    """CREATE VIRTUAL TABLE practices_search USING fts5(
        title, summary, topics, body,
        content='practices_search_document', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER practices_search_document_insert AFTER INSERT ON practices_search_document BEGIN
        INSERT INTO practices_search(rowid, title, summary, topics, body)
        VALUES (new.id, new.title, new.summary, new.topics, new.body);
    END""",
    """CREATE TRIGGER practices_search_document_delete AFTER DELETE ON practices_search_document BEGIN
        INSERT INTO practices_search(practices_search, rowid, title, summary, topics, body)
        VALUES ('delete', old.id, old.title, old.summary, old.topics, old.body);
    END""",
    """CREATE TRIGGER practices_search_document_update AFTER UPDATE ON practices_search_document BEGIN
        INSERT INTO practices_search(practices_search, rowid, title, summary, topics, body)
        VALUES ('delete', old.id, old.title, old.summary, old.topics, old.body);
        INSERT INTO practices_search(rowid, title, summary, topics, body)
        VALUES (new.id, new.title, new.summary, new.topics, new.body);
    END""",
    # Every way a practice goes (admin, QuerySet.delete, a flush) takes its index entry with it.
    """CREATE TRIGGER practices_practice_search_delete AFTER DELETE ON practices_practice BEGIN
        DELETE FROM practices_search_document WHERE id = old.id;
    END""",
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS practices_practice_search_delete",
    "DROP TABLE IF EXISTS practices_search",
    "DROP TABLE IF EXISTS practices_search_document",
]

# A frozen copy of practices.search.index's refresh for every row, so this migration never changes.
POSTGRESQL_FILL = """
UPDATE practices_practice AS p SET
    search_vector = v.narrow || setweight(to_tsvector('english_unaccent', coalesce(p.body_html, '')), 'D'),
    search_rank_vector = v.narrow
FROM (
    SELECT p.id,
        setweight(to_tsvector('english_unaccent', coalesce(p.title, '')), 'A')
        || setweight(to_tsvector('english_unaccent', coalesce(p.summary, '')), 'B')
        || setweight(to_tsvector('english_unaccent',
            coalesce((SELECT string_agg(t.name, ' ') FROM practices_themedpractice AS tp
                      JOIN practices_theme AS t ON t.id = tp.tag_id WHERE tp.content_object_id = p.id), '')
            || ' ' ||
            coalesce((SELECT string_agg(c.name, ' ') FROM practices_countrymention AS cm
                      JOIN incubator_country AS c ON c.id = cm.country_id WHERE cm.practice_id = p.id), '')
            || ' ' ||
            coalesce((SELECT string_agg(k.name, ' ') FROM practices_toolkitmention AS km
                      JOIN incubator_toolkit AS k ON k.id = km.toolkit_id WHERE km.practice_id = p.id), '')),
            'C') AS narrow
    FROM practices_practice AS p
) AS v
WHERE p.id = v.id
"""

SQLITE_FILL = """
SELECT p.id, p.title, p.summary,
    coalesce((SELECT group_concat(t.name, ' ') FROM practices_themedpractice AS tp
              JOIN practices_theme AS t ON t.id = tp.tag_id WHERE tp.content_object_id = p.id), '')
    || ' ' ||
    coalesce((SELECT group_concat(c.name, ' ') FROM practices_countrymention AS cm
              JOIN incubator_country AS c ON c.id = cm.country_id WHERE cm.practice_id = p.id), '')
    || ' ' ||
    coalesce((SELECT group_concat(k.name, ' ') FROM practices_toolkitmention AS km
              JOIN incubator_toolkit AS k ON k.id = km.toolkit_id WHERE km.practice_id = p.id), ''),
    p.body_html
FROM practices_practice AS p
"""


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in POSTGRESQL:
            schema_editor.execute(statement)
        schema_editor.execute(POSTGRESQL_FILL)
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)
        fill_sqlite(schema_editor.connection)


def fill_sqlite(connection):
    import html

    from django.utils.html import strip_tags

    with connection.cursor() as cursor:
        cursor.execute(SQLITE_FILL)
        rows = [(pk, title, summary, topics, html.unescape(strip_tags(body or ""))) for pk, title, summary, topics, body in cursor.fetchall()]
        cursor.executemany("INSERT INTO practices_search_document VALUES (%s, %s, %s, %s, %s)", rows)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS english_unaccent")
    elif vendor == "sqlite":
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0005_list_order_tie_breaker"),
        ("incubator", "0002_all_countries"),
    ]

    operations = [
        migrations.AddField(
            model_name="practice",
            name="search_rank_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(create, drop),
    ]
