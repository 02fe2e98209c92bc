"""Joins the theme spellings with the other branches of migrations, and restores a SQLite trigger.

`0006_theme_spellings` changes `Practice.note_key`'s uniqueness; on SQLite Django does that by
rebuilding the practices table, which drops the trigger `0006_search_everywhere` put on it. Whichever
of the two ran last, the trigger exists after this migration.
"""

from django.db import migrations

SEARCH_DELETE_TRIGGER = """CREATE TRIGGER IF NOT EXISTS practices_practice_search_delete
    AFTER DELETE ON practices_practice BEGIN
        DELETE FROM practices_search_document WHERE id = old.id;
    END"""


def restore_search_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SEARCH_DELETE_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0006_theme_spellings"),
        ("practices", "0011_merge_20261202_0615"),
    ]

    operations = [
        migrations.RunPython(restore_search_trigger, migrations.RunPython.noop),
    ]
