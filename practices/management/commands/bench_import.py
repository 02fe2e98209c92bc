"""`manage.py bench_import`: how fast import_notes is on a large vault the project makes itself.

Builds N notes from the fixture notes (fixtures/notes/) in a temporary folder, imports them into
the configured database, imports them again unchanged, prints notes per second for both, then
removes what it created. It refuses a database that already holds practices unless --force.
Wall-clock figures depend on what else the machine runs; the CPU figure is this process alone
(the database server's own work is not in it).
"""

import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from practices.importing import import_notes
from practices.models import Practice, Theme

FIXTURE_NOTES = Path(settings.BASE_DIR) / "fixtures" / "notes"


def generate_vault(folder, count):
    """`count` notes made from the fixture notes, each with its own key, title and a link to another."""
    sources = sorted(FIXTURE_NOTES.glob("*.md"))
    if not sources:
        raise CommandError(f"no fixture notes in {FIXTURE_NOTES}")
    texts = [(path.stem, path.read_text(encoding="utf-8")) for path in sources]
    keys = []
    for number in range(count):
        stem, text = texts[number % len(texts)]
        key = f"{stem}_{number:05d}"
        neighbour = f"{stem}_{(number + 1) % count:05d}"
        body = text.replace("title: ", f"title: ({number}) ", 1)
        body += f"\n\nGenerated note {number}; see also [[{neighbour} | the next note]] [00:02:{number % 60:02d}].\n"
        (folder / f"{key}.md").write_text(body, encoding="utf-8")
        keys.append(key)
    return keys


class Command(BaseCommand):
    help = "Benchmark import_notes on a generated vault: notes per second, first import and unchanged re-import."

    def add_arguments(self, parser):
        parser.add_argument("--notes", type=int, default=5000, help="how many notes to generate (default 5000)")
        parser.add_argument("--force", action="store_true", help="run even though the database already holds practices")
        parser.add_argument("--keep", action="store_true", help="keep the imported practices afterwards")

    def handle(self, *args, **options):
        count = options["notes"]
        if count < 1:
            raise CommandError("--notes must be at least 1")
        if Practice.objects.exists() and not options["force"]:
            raise CommandError(
                "the database already holds practices; use a throwaway database (DATABASE_URL=...) or pass --force"
            )
        themes_before = set(Theme.objects.values_list("pk", flat=True))
        with tempfile.TemporaryDirectory(prefix="bench-vault-") as folder:
            keys = generate_vault(Path(folder), count)
            self.stdout.write(f"{count} notes generated; database: {connection.vendor}")
            for label in ("first import", "unchanged re-import"):
                started, cpu_started = time.perf_counter(), time.process_time()
                result = import_notes([folder])
                elapsed = time.perf_counter() - started
                cpu = time.process_time() - cpu_started
                if result.failed:
                    raise CommandError(f"{len(result.failed)} notes failed during the {label}")
                self.stdout.write(
                    f"{label}: {count} notes in {elapsed:.2f} s = {count / elapsed:,.0f} notes/s; "
                    f"this process used {cpu:.2f} s of CPU = {count / max(cpu, 1e-9):,.0f} notes per CPU second "
                    f"(created {len(result.created)}, updated {len(result.updated)}, "
                    f"unchanged {len(result.unchanged)})"
                )
        if not options["keep"]:
            Practice.objects.filter(note_key__in=keys).delete()
            Theme.objects.exclude(pk__in=themes_before).filter(themed_items__isnull=True).delete()
            self.stdout.write("generated practices removed")
