"""Rebuild the search index of every practice: FTS5 on SQLite, the stored vectors on PostgreSQL.

Saves, deletes, renames and imports keep the index in step on their own; this is for after a
restore that bypassed them (a raw SQL load), or to repair an index a crash left behind.
"""

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from opsi_portal.caching import bump_data_version
from practices.search import rebuild_search_index


class Command(BaseCommand):
    help = "Recompute the search index (SQLite FTS5, or PostgreSQL's search vectors) of every practice."

    def handle(self, *args, **options):
        log = self.stdout.write if options["verbosity"] > 1 else None
        with transaction.atomic():
            count = rebuild_search_index(log=log)
        bump_data_version()
        self.stdout.write(self.style.SUCCESS(f"Rebuilt the search index of {count} practices on {connection.vendor}."))
