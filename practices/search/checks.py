"""A start-up check: on SQLite, search needs the FTS5 extension compiled into the sqlite3 module."""

import sqlite3

from django.core import checks
from django.db import connections


def fts5_available():
    """Whether this Python's SQLite can create an FTS5 table (tried on a throwaway in-memory database)."""
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute("CREATE VIRTUAL TABLE probe USING fts5(text)")
    except sqlite3.OperationalError:
        return False
    finally:
        probe.close()
    return True


# Not a database check (those run only on request): it opens no connection, so it runs at every start.
@checks.register()
def check_fts5(app_configs, **kwargs):
    uses_sqlite = any(connection.vendor == "sqlite" for connection in connections.all(initialized_only=False))
    if not uses_sqlite or fts5_available():
        return []
    return [
        checks.Error(
            f"The SQLite of this Python ({sqlite3.sqlite_version}) has no FTS5, which the practice search needs.",
            hint="Use a Python whose sqlite3 module includes FTS5 (python.org and Debian builds do), "
            "or PostgreSQL through DATABASE_URL.",
            id="practices.E001",
        )
    ]
