"""Rows the importer writes by the thousand, sent to PostgreSQL with COPY.

`bulk_create` sends PostgreSQL a statement whose values the driver writes out in Python: each
column as an array (`UNNEST`), every quote of every text escaped one by one, or one literal per
value. The first history records of 2,000 notes, each holding the note's Markdown and HTML, took
3.5 s to write that way, the practices themselves 1.9 s, the candidate phrases another second.
COPY is PostgreSQL's own bulk loader: the driver formats its rows in C and the server reads them
without parsing a statement's values. Other databases get the plain insert.
"""

import time

from django.db import connection


def copy_instances(model, instances, *, with_ids=False):
    """Insert the new `instances` of `model`, as `bulk_create` would.

    `with_ids`: each instance gets its id first, from the table's sequence as an insert would take
    it; otherwise ids are not read back (a database-made id stays None on PostgreSQL).
    """
    if connection.vendor != "postgresql" or not instances:
        model.objects.bulk_create(instances)
        return
    if with_ids:
        for instance, pk in zip(instances, reserve_ids(model, len(instances)), strict=True):
            instance.pk = pk
    # A database-made id (an AutoField) is left to the database unless it was reserved.
    fields = [field for field in model._meta.concrete_fields if with_ids or not field.db_returning]
    rows = (
        [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]
        for instance in instances
    )
    copy_rows(model._meta.db_table, [field.column for field in fields], rows)
    for instance in instances:
        instance._state.adding, instance._state.db = False, connection.alias


def reserve_ids(model, count):
    """PostgreSQL: `count` new ids for `model`, in ascending order, from its table's sequence."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_rows(table, columns, rows):
    """PostgreSQL: COPY `rows` (values as the database stores them, in the order of `columns`) into `table`."""
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(column) for column in columns)}) FROM STDIN"
    started = time.monotonic()
    # The driver's errors raised as Django's (`IntegrityError`, `DataError`...), as a query's are.
    with connection.cursor() as cursor, connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
    if connection.queries_logged:
        # Logged as Django logs a query, so query counts and debugging tools see the COPY too.
        connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})
