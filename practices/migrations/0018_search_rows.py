"""PostgreSQL: a narrow side table for search, one row per practice, kept by triggers.

A search page counts, ranks and counts facets over every match. Read from the practice rows,
each match costs its 1.8 KB row; here it costs what a search needs: whether the practice is
listed, its date, the ids of its themes, countries and toolkits, and the small ranking vector,
in a row of a few hundred bytes; the full vector (out of line) is only read through its GIN
index. `practices.search.refresh_search_vector`, the one writer of the vectors and the arrays,
writes the row with them; triggers on `practices_practice` add a row for a new practice, remove it
with the practice (also a bulk delete or a truncate) and copy the status and the date whenever they
change, however they change (`QuerySet.update` too). SQLite searches its FTS5 index instead.
"""

from django.db import migrations

# The columns a search reads, from the practice row (`src`).
COPIED = {
    "published": "src.status = 'published'",
    "published_at": "src.published_at",
    "theme_ids": "src.theme_ids",
    "about_country_ids": "src.about_country_ids",
    "country_ids": "src.country_ids",
    "toolkit_ids": "src.toolkit_ids",
    "rank_vector": "coalesce(src.search_rank_vector, '')",
    "vector": "coalesce(src.search_vector, '')",
}
COLUMNS = ", ".join(COPIED)
VALUES = ", ".join(COPIED.values())
UPDATES = ", ".join(f"{column} = excluded.{column}" for column in COPIED)

CREATE = [
    """CREATE TABLE practices_search_row (
        id bigint PRIMARY KEY,
        published boolean NOT NULL,
        published_at timestamp with time zone,
        theme_ids integer[] NOT NULL,
        about_country_ids integer[] NOT NULL,
        country_ids integer[] NOT NULL,
        toolkit_ids integer[] NOT NULL,
        rank_vector tsvector NOT NULL,
        vector tsvector NOT NULL
    )""",
    # The arrays and the ranking vector stay in the row; the full vector goes out of line.
    *(
        f"ALTER TABLE practices_search_row ALTER COLUMN {column} SET STORAGE MAIN"
        for column in ("theme_ids", "about_country_ids", "country_ids", "toolkit_ids", "rank_vector")
    ),
    "ALTER TABLE practices_search_row ALTER COLUMN vector SET STORAGE EXTERNAL",
    # Matching and filtering in one index: the words and the chosen options are intersected inside
    # it, so no row is read only to be rejected (a filter on `vector` would fetch it out of line).
    "CREATE INDEX practices_search_row_match_idx ON practices_search_row"
    " USING gin (vector, theme_ids, about_country_ids, country_ids, toolkit_ids)",
    f"""CREATE FUNCTION practices_search_row_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM practices_search_row WHERE id = OLD.id;
            RETURN NULL;
        END IF;
        INSERT INTO practices_search_row AS dst (id, {COLUMNS})
        SELECT src.id, {VALUES} FROM (SELECT NEW.*) AS src
        ON CONFLICT (id) DO UPDATE SET {UPDATES};
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER practices_search_row_insert AFTER INSERT OR DELETE ON practices_practice
        FOR EACH ROW EXECUTE FUNCTION practices_search_row_write()""",
    """CREATE FUNCTION practices_search_row_publish() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE practices_search_row SET published = NEW.status = 'published', published_at = NEW.published_at
        WHERE id = NEW.id;
        RETURN NULL;
    END $$""",
    # Only the status and the date: comparing the vectors would read them out of line on every save,
    # and only `refresh_search_vector` writes them (and the row here with them).
    """CREATE TRIGGER practices_search_row_update AFTER UPDATE ON practices_practice FOR EACH ROW
        WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.published_at IS DISTINCT FROM NEW.published_at)
        EXECUTE FUNCTION practices_search_row_publish()""",
    """CREATE FUNCTION practices_search_row_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE practices_search_row;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER practices_search_row_truncate AFTER TRUNCATE ON practices_practice
        FOR EACH STATEMENT EXECUTE FUNCTION practices_search_row_truncate()""",
    f"INSERT INTO practices_search_row (id, {COLUMNS}) SELECT src.id, {VALUES} FROM practices_practice AS src",  # noqa: S608
    "ANALYZE practices_search_row",
]

DROP = [
    "DROP TRIGGER IF EXISTS practices_search_row_truncate ON practices_practice",
    "DROP TRIGGER IF EXISTS practices_search_row_update ON practices_practice",
    "DROP TRIGGER IF EXISTS practices_search_row_insert ON practices_practice",
    "DROP FUNCTION IF EXISTS practices_search_row_truncate()",
    "DROP FUNCTION IF EXISTS practices_search_row_write()",
    "DROP FUNCTION IF EXISTS practices_search_row_publish()",
    "DROP TABLE IF EXISTS practices_search_row",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("practices", "0017_facet_id_arrays")]

    operations = [migrations.RunPython(create, drop)]
