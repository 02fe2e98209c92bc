"""French search: French texts indexed with French stemming, accents ignored, on both databases.

PostgreSQL: a `french_unaccent` text search configuration (unaccent, then the Snowball French
stemmer), beside `english_unaccent`; practices.search.index puts the French title, summary and
theme and toolkit names into the vectors with it. SQLite: an FTS5 table of the French texts' stems
(practices.search.french), tokenised without porter, whose rows go when a practice's search
document goes. No practice has French text yet, so nothing needs indexing here.
"""

from django.db import migrations

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent",
    "CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french)",
    "ALTER TEXT SEARCH CONFIGURATION french_unaccent ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem",
]

SQLITE = [
    """CREATE VIRTUAL TABLE practices_search_fr USING fts5(
        title, summary, topics, tokenize='unicode61 remove_diacritics 2')""",
    # The search document of a practice goes when it is refreshed or the practice is deleted.
    """CREATE TRIGGER practices_search_document_delete_fr AFTER DELETE ON practices_search_document BEGIN
        DELETE FROM practices_search_fr WHERE rowid = old.id;
    END""",
    # A practice's deletion takes its search document (the trigger of 0006, in case a rebuild of
    # the practices table dropped it).
    """CREATE TRIGGER IF NOT EXISTS practices_practice_search_delete AFTER DELETE ON practices_practice BEGIN
        DELETE FROM practices_search_document WHERE id = old.id;
    END""",
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS practices_search_document_delete_fr",
    "DROP TABLE IF EXISTS practices_search_fr",
]


def create(apps, schema_editor):
    statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent")
    elif vendor == "sqlite":
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("practices", "0013_record_translations")]

    operations = [migrations.RunPython(create, drop)]
