"""`manage.py bench_import`: how fast import_notes is on a large vault of generated notes.

Writes N real-shaped notes (the benchmark's one dataset builder) to a temporary folder, imports
them into the configured database, imports them again unchanged, prints notes per second for both,
then removes what it created. Wall-clock figures depend on what else the machine runs; the CPU
figure is this process alone (the database server's own work is not in it). The first import is
compared with bare Python-Markdown converting the same files (no extensions, nothing written): the
ratio of CPU seconds says what the import costs beyond rendering. The peak memory printed is this
process's largest resident size so far (it never goes down).
"""

import resource
import tempfile
import time
from pathlib import Path

import markdown
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from benchmarks.dataset import write_vault
from benchmarks.guard import VIDEO_PREFIX, refuse_foreign_data
from practices.importing import import_notes
from practices.models import Practice, Theme, Video


class Command(BaseCommand):
    help = "Benchmark import_notes on a generated vault: notes per second, first import and unchanged re-import."

    def add_arguments(self, parser):
        parser.add_argument("--notes", type=int, default=5000, help="how many notes to generate (default 5000)")
        parser.add_argument("--force", action="store_true", help="run even though the database holds other practices")
        parser.add_argument("--keep", action="store_true", help="keep the imported practices afterwards")

    def handle(self, *args, notes, force, keep, **options):
        if notes < 1:
            raise CommandError("--notes must be at least 1")
        refuse_foreign_data(force)
        themes_before = set(Theme.objects.values_list("pk", flat=True))
        with tempfile.TemporaryDirectory(prefix="bench-vault-") as folder:
            keys = write_vault(Path(folder), notes)
            self.stdout.write(f"{notes} notes generated; database: {connection.vendor}")
            bare_cpu = self.bare_markdown(Path(folder))
            for label in ("first import", "unchanged re-import"):
                line, cpu = self.timed_import(folder, label, notes)
                self.stdout.write(line)
                if label == "first import":
                    ratio = cpu / max(bare_cpu, 1e-9)
                    self.stdout.write(f"ratio of the first import to bare Markdown: {ratio:.2f} (CPU seconds)")
        if not keep:
            Practice.objects.filter(note_key__in=keys).delete()
            Theme.objects.exclude(pk__in=themes_before).filter(themed_items__isnull=True).delete()
            Video.objects.filter(youtube_id__startswith=VIDEO_PREFIX, practices__isnull=True).delete()
            self.stdout.write("generated practices removed")

    def bare_markdown(self, folder):
        """Seconds of CPU Python-Markdown alone takes to convert every note of the vault once."""
        converter = markdown.Markdown()
        started, cpu_started = time.perf_counter(), time.process_time()
        for path in sorted(folder.glob("*.md")):
            converter.reset().convert(path.read_text(encoding="utf-8"))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        self.stdout.write(f"bare Markdown: {elapsed:.2f} s, {cpu:.2f} s of CPU; {peak_memory()}")
        return cpu

    def timed_import(self, folder, label, count):
        started, cpu_started = time.perf_counter(), time.process_time()
        result = import_notes([folder])
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        if result.failed:
            raise CommandError(f"{len(result.failed)} notes failed during the {label}")
        line = (
            f"{label}: {count} notes in {elapsed:.2f} s = {count / elapsed:,.0f} notes/s; "
            f"this process used {cpu:.2f} s of CPU = {count / max(cpu, 1e-9):,.0f} notes per CPU second "
            f"(created {len(result.created)}, updated {len(result.updated)}, unchanged {len(result.unchanged)}); "
            f"{peak_memory()}"
        )
        return line, cpu


def peak_memory():
    """This process's largest resident size so far (Linux reports it in KB)."""
    return f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB"
