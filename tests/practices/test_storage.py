"""PostgreSQL: the large values of a practice and of its history are compressed with LZ4 (migration 0023)."""

import importlib

import pytest
from django.db import connection

from practices.models import Practice
from tests import factories

pytestmark = pytest.mark.django_db

lz4_migration = importlib.import_module("practices.migrations.0023_lz4_compression")
# Columns the migration names that a later migration dropped: 0025, the full vector is in the search
# row only; 0026, the import snapshot is not part of a practice's history.
DROPPED_SINCE = {
    ("practices_practice", "search_vector"),
    ("practices_historicalpractice", "import_snapshot"),
}


def large_columns(table):
    return [column for column in lz4_migration.LARGE_COLUMNS[table] if (table, column) not in DROPPED_SINCE]


@pytest.fixture
def postgresql_with_lz4():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite compresses nothing")
    if not lz4_migration.server_has_lz4(connection):
        pytest.skip("this PostgreSQL server was built without LZ4: the migration leaves pglz")


def compression_of(table, columns, pk):
    """How each column's value of row `pk` is stored: 'lz4', 'pglz', or None when not compressed."""
    selected = ", ".join(f"pg_column_compression({column})" for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {selected} FROM {table} WHERE id = %s", [pk])  # noqa: S608 (names above)
        return cursor.fetchone()


def test_a_saved_practice_and_its_history_store_their_long_texts_with_lz4(postgresql_with_lz4):
    # Long enough to be compressed (above 2 KB), and not identical paragraphs only.
    body = "\n\n".join(f"Paragraph {n}: teams in region {n % 7} tried a pilot of {n * 3} weeks." for n in range(300))
    practice = factories.practice(body_markdown=body)
    columns = ("body_markdown", "body_html")
    assert compression_of(Practice._meta.db_table, columns, practice.pk) == ("lz4", "lz4")
    history_table = Practice.history.model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT max(history_id) FROM {history_table} WHERE id = %s", [practice.pk])  # noqa: S608
        history_id = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT pg_column_compression(body_markdown), pg_column_compression(body_html)"  # noqa: S608
            f" FROM {history_table} WHERE history_id = %s",
            [history_id],
        )
        assert cursor.fetchone() == ("lz4", "lz4")


def test_the_migration_set_lz4_on_every_large_column(postgresql_with_lz4):
    with connection.cursor() as cursor:
        for table in lz4_migration.LARGE_COLUMNS:
            columns = large_columns(table)
            cursor.execute(
                "SELECT attname, attcompression FROM pg_attribute WHERE attrelid = %s::regclass AND attname = ANY(%s)",
                [table, list(columns)],
            )
            assert dict(cursor.fetchall()) == dict.fromkeys(columns, "l"), table


def test_the_migration_names_columns_of_the_models():
    """A renamed field would make the migration fail on PostgreSQL only: its names are the models' columns."""
    history = Practice.history.model
    for model in (Practice, history):
        columns = {field.column for field in model._meta.concrete_fields}
        assert set(large_columns(model._meta.db_table)) <= columns
