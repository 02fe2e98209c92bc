"""Rows the importer writes by the thousand, sent to PostgreSQL with COPY.

`bulk_create` sends PostgreSQL a statement whose values the driver writes out in Python: each
column as an array (`UNNEST`) with every quote of every text escaped one by one, or a literal per
value. COPY is PostgreSQL's own bulk loader: the driver formats its rows in C and the server reads
them without parsing a statement (the figures are in the README's import benchmark). Other
databases get the plain insert.
"""

import time

from django.db import connection


def copy_instances(model, instances, *, with_ids=False):
    """Insert the new `instances` of `model`, whose fields hold plain values (no expressions, no database defaults).

    `with_ids`: each instance gets its id first, from the table's sequence as an insert would take
    it; otherwise ids are not read back (a database-made id stays None on PostgreSQL).
    """
    if connection.vendor != "postgresql" or not instances:
        model.objects.bulk_create(instances)
        return
    for instance in instances:
        # As `bulk_create` checks: a related object assigned before it was saved has no id to store.
        instance._prepare_related_fields_for_save(operation_name="copy_instances")
    if with_ids:
        for instance, pk in zip(instances, reserve_ids(model, len(instances)), strict=True):
            instance.pk = pk
    # Columns the database computes are not sent; nor is an id it makes (`db_returning`), unless reserved.
    fields = [
        field for field in model._meta.concrete_fields if not field.generated and (with_ids or not field.db_returning)
    ]
    rows = (
        [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]
        for instance in instances
    )
    copy_rows(model._meta.db_table, [field.column for field in fields], rows)
    for instance in instances:
        instance._state.adding, instance._state.db = False, connection.alias


def reserve_ids(model, count):
    """PostgreSQL: `count` new ids for `model`, ascending, from its table's sequence."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) AS id FROM generate_series(1, %s) ORDER BY id",
            [connection.ops.quote_name(model._meta.db_table), model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_rows(table, columns, rows):
    """PostgreSQL: COPY `rows` (values as the database stores them, in the order of `columns`) into `table`."""
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(column) for column in columns)}) FROM STDIN"
    connection.validate_no_broken_transaction()
    started = time.monotonic()
    try:
        # The driver's errors raised as Django's (`IntegrityError`, `DataError`...), as a query's are.
        with connection.cursor() as cursor, connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
    finally:
        if connection.queries_logged:
            # Logged as Django logs a query, so query counts and debugging tools see the COPY too.
            connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})
