"""SQLite: a narrow row per practice with what ranking a search reads of it, kept by triggers.

SQLite keeps a row's columns in the order they were added, and a practice's note texts come before
`status` and `published_at`: reading those two follows the row's overflow pages. A search that
ranked every match that way spent most of its time there (for a word in each of 1,000 practices,
12 of 17 ms). `practices.search.sqlite` ranks from these rows instead. Triggers copy the two columns
whenever a practice is written or deleted, so every writer keeps the rows in step without knowing
of them. (A rebuild of the practices table by a later migration drops its triggers: the test
`test_the_search_row_triggers_exist_after_every_migration` says so if one does.)
"""

from django.db import migrations

SQLITE = [
    """CREATE TABLE practices_search_row (
        id INTEGER PRIMARY KEY, published INTEGER NOT NULL, published_at TEXT)""",
    """CREATE TRIGGER practices_search_row_insert AFTER INSERT ON practices_practice BEGIN
        INSERT OR REPLACE INTO practices_search_row (id, published, published_at)
        VALUES (new.id, new.status = 'published', new.published_at);
    END""",
    """CREATE TRIGGER practices_search_row_update AFTER UPDATE OF id, status, published_at ON practices_practice BEGIN
        DELETE FROM practices_search_row WHERE id = old.id;
        INSERT OR REPLACE INTO practices_search_row (id, published, published_at)
        VALUES (new.id, new.status = 'published', new.published_at);
    END""",
    """CREATE TRIGGER practices_search_row_delete AFTER DELETE ON practices_practice BEGIN
        DELETE FROM practices_search_row WHERE id = old.id;
    END""",
    """INSERT INTO practices_search_row (id, published, published_at)
        SELECT id, status = 'published', published_at FROM practices_practice""",
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS practices_search_row_delete",
    "DROP TRIGGER IF EXISTS practices_search_row_update",
    "DROP TRIGGER IF EXISTS practices_search_row_insert",
    "DROP TABLE IF EXISTS practices_search_row",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("practices", "0018_search_rows")]

    operations = [migrations.RunPython(create, drop)]
