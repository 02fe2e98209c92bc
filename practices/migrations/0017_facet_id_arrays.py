"""PostgreSQL: the ids of each practice's themes, countries and toolkits, kept in its row.

A search page counts every facet over its matches: with the ids in the row it is one pass over
the matching practices (`unnest(...) GROUP BY`) instead of a join through a link table of up to
ten links per practice. `practices.search.refresh_search_vector` keeps the arrays with the
vectors, so every writer that refreshes the one refreshes the other. STORAGE PLAIN keeps them in
the row itself (the table moves its big columns out of line from 128 bytes on). SQLite has no
arrays; its facet counts group the link tables (`practices.facets`).
"""

from django.db import migrations

# The column of each facet, and the link rows whose ids it holds (`p` is the practice).
ARRAYS = {
    "theme_ids": "SELECT tag_id FROM practices_themedpractice WHERE content_object_id = p.id",
    # Countries the practice is about: what the country facet counts by default.
    "about_country_ids": "SELECT country_id FROM practices_countrymention WHERE practice_id = p.id AND strength = 'about'",
    # Every country it mentions, for `mentions=include`.
    "country_ids": "SELECT country_id FROM practices_countrymention WHERE practice_id = p.id",
    "toolkit_ids": "SELECT toolkit_id FROM practices_toolkitmention WHERE practice_id = p.id",
}


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in ARRAYS:
        schema_editor.execute(f"ALTER TABLE practices_practice ADD COLUMN {column} integer[] NOT NULL DEFAULT '{{}}'")
        schema_editor.execute(f"ALTER TABLE practices_practice ALTER COLUMN {column} SET STORAGE PLAIN")
    assignments = ", ".join(f"{column} = ARRAY({select} ORDER BY 1)" for column, select in ARRAYS.items())
    schema_editor.execute(f"UPDATE practices_practice AS p SET {assignments}")  # noqa: S608  (constants only)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in ARRAYS:
        schema_editor.execute(f"ALTER TABLE practices_practice DROP COLUMN {column}")


class Migration(migrations.Migration):
    dependencies = [("practices", "0016_merge_20261202_0920")]

    operations = [migrations.RunPython(add, drop)]
