"""PostgreSQL: the large values of a practice and its history compressed with LZ4 instead of pglz.

A new practice stores its note three times over (the Markdown, the rendered HTML and the import
snapshot), in its row and again in its first history record, plus its search vector: each value
above about 2 KB is compressed on its way into the table. With PostgreSQL's default, pglz, that
compression was most of the time of the inserts (an import of 2,000 generated notes: 2.4 s of the
server's time for the history rows, 2.8 s for the practices); LZ4 compresses several times faster
for a slightly larger table. Values already stored stay as they are (PostgreSQL reads both) and are
recompressed only when rewritten. A server built without LZ4 keeps pglz: nothing changes there.
SQLite compresses nothing.
"""

from django.db import migrations

# The columns whose values are large enough to be compressed, by table.
LARGE_COLUMNS = {
    "practices_practice": (
        "body_markdown",
        "body_html",
        "import_snapshot",
        "import_conflicts",
        "search_vector",
        "search_rank_vector",
    ),
    "practices_historicalpractice": ("body_markdown", "body_html", "import_snapshot"),
    "practices_search_row": ("rank_vector",),  # `vector` is stored uncompressed (STORAGE EXTERNAL)
}


def server_has_lz4(connection):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
        row = cursor.fetchone()
    return bool(row and row[0])


def set_compression(schema_editor, method):
    connection = schema_editor.connection
    if connection.vendor != "postgresql" or not server_has_lz4(connection):
        return
    for table, columns in LARGE_COLUMNS.items():
        changes = ", ".join(f"ALTER COLUMN {column} SET COMPRESSION {method}" for column in columns)
        schema_editor.execute(f"ALTER TABLE {table} {changes}")


def use_lz4(apps, schema_editor):
    set_compression(schema_editor, "lz4")


def use_default(apps, schema_editor):
    set_compression(schema_editor, "default")


class Migration(migrations.Migration):
    dependencies = [("practices", "0022_title_words_indexes")]

    operations = [migrations.RunPython(use_lz4, use_default)]
