"""PostgreSQL: the full search vector is stored once, in the search row, not also in the practice row.

Since migration 0024 the practice row's `search_vector` had no index and no reader: it was where
`refresh_search_vector` computed the vector before copying it into `practices_search_row`. Each
refresh wrote it out of line in the practice row (a new row version, compressed, with its old one
left for vacuum) and again in the search row, and a library of 100,000 practices kept every
note's vector twice. The refresh now computes it straight into the search row. The trigger that
adds the search row of a new practice gives it an empty vector, as the practice's was until its
first refresh. SQLite never used the column (it searches its FTS5 index).
"""

from django.db import migrations

# The search row of a new practice (or one written again), from the practice row (`src`).
COPIED = {
    "published": "src.status = 'published'",
    "published_at": "src.published_at",
    "theme_ids": "src.theme_ids",
    "about_country_ids": "src.about_country_ids",
    "country_ids": "src.country_ids",
    "toolkit_ids": "src.toolkit_ids",
    "rank_vector": "coalesce(src.search_rank_vector, '')",
}


def write_function(vector):
    """The trigger function of migration 0018, with `vector` as the search row's full vector."""
    copied = {**COPIED, "vector": vector}
    columns = ", ".join(copied)
    values = ", ".join(copied.values())
    updates = ", ".join(f"{column} = excluded.{column}" for column in copied)
    return f"""CREATE OR REPLACE FUNCTION practices_search_row_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM practices_search_row WHERE id = OLD.id;
            RETURN NULL;
        END IF;
        INSERT INTO practices_search_row AS dst (id, {columns})
        SELECT src.id, {values} FROM (SELECT NEW.*) AS src
        ON CONFLICT (id) DO UPDATE SET {updates};
        RETURN NULL;
    END $$"""


def vector_in_the_search_row_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(write_function("''::tsvector"))


def vector_in_both(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(write_function("coalesce(src.search_vector, '')"))
        schema_editor.execute(
            "UPDATE practices_practice AS p SET search_vector = s.vector FROM practices_search_row AS s WHERE s.id = p.id"
        )


class Migration(migrations.Migration):
    dependencies = [("practices", "0024_no_second_text_index")]

    operations = [
        migrations.RunPython(vector_in_the_search_row_only, vector_in_both),
        migrations.RemoveField(model_name="practice", name="search_vector"),
    ]
