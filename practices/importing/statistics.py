"""The planner's statistics of the practices table, kept up with a run that fills it, on PostgreSQL.

PostgreSQL plans each foreign key's check once per connection and keeps the plan. When the table's
statistics say it is empty or small (analysed while it was: an emptied and vacuumed library, the
benchmark's database), the check reads the table from its start instead of looking the practice up
in its index, and keeps doing so as the run fills the table: every row a run writes that points at
a practice (its themes, candidate phrases, links) then costs a scan, quadratic in the vault's size
(2,000 notes: 33,700 scans, 2.8 s of the server's time). Autovacuum would analyse the table, but
a minute later at best, and not at all where it is off. Analysing it each time the run has doubled
it since its statistics costs a few ANALYZEs a run (six, 72 ms in all, for 2,000 notes); new
statistics make the server plan those checks again, with the index once the table needs it.
"""

import logging

from django.db import DatabaseError, connection, transaction

from ..models import Practice

logger = logging.getLogger(__name__)

# How long an ANALYZE may wait for the table's lock before the run goes on without it.
ANALYZE_LOCK_WAIT = "1s"


class PlannerStatistics:
    """Counts the practices a run adds and analyses their table whenever they double it."""

    def __init__(self, model=Practice):
        self.table = model._meta.db_table
        self.counted = None  # rows in the table's statistics, read when the run first adds some
        self.added = 0  # rows added since

    def add(self, rows):
        """The run has written `rows` more practices (committed): analyse their table if it has doubled."""
        if rows < 1 or connection.vendor != "postgresql":
            return
        if self.counted is None:
            self.counted = self._rows_in_statistics()
        self.added += rows
        if self.added > self.counted:
            self._analyse()
            # At least what the run knows of: a user who does not own the table cannot analyse it.
            self.counted, self.added = max(self._rows_in_statistics(), self.counted + self.added), 0

    def _rows_in_statistics(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = %s::regclass", [self.table])
            return int(cursor.fetchone()[0])

    def _analyse(self):
        # Only the table's owner may analyse it; for another user PostgreSQL warns and skips it. An
        # ANALYZE that fails (a statement timeout) leaves the run to go on with the old statistics,
        # as does one that would wait for a vacuum of the table (which holds the lock it needs).
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL lock_timeout = '{ANALYZE_LOCK_WAIT}'")
                cursor.execute(f"ANALYZE {connection.ops.quote_name(self.table)}")
        except DatabaseError as error:
            logger.warning("the practices table was not analysed: %s", error)
