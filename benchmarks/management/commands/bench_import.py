"""`manage.py bench_import`: how fast import_notes is on a large vault of generated notes.

Writes N real-shaped notes (the benchmark's one dataset builder) to a temporary folder, imports
them into the configured database, imports them again unchanged, prints notes per second for both,
then removes what it created. Wall-clock figures depend on what else the machine runs; the CPU
figure is the importer's process and its worker processes (`IMPORT_WORKERS`; the database
server's own work is not in it). The first import is compared with bare Python-Markdown converting
the same files in one process (no extensions, nothing written): the ratio of CPU seconds says what
the import costs beyond rendering, the ratio of wall-clock seconds what a curator waits for. Bare
Markdown runs just before and just after the first import, and the ratios take the mean of the two:
on a shared machine whose speed drifts during a run, both sides of the ratio then see the drift. The
peak memory printed is this process's largest resident size so far (it never goes down; the
workers' own is printed apart).
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
from practices.importing.workers import worker_count
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
            before = self.bare_markdown(Path(folder), "before")
            line, wall, cpu = self.timed_import(folder, "first import", notes)
            self.stdout.write(line)
            after = self.bare_markdown(Path(folder), "after")
            bare_wall, bare_cpu = (before[0] + after[0]) / 2, (before[1] + after[1]) / 2
            self.stdout.write(
                f"ratio of the first import to bare Markdown (mean of before and after): "
                f"{cpu / max(bare_cpu, 1e-9):.2f} (CPU seconds), {wall / max(bare_wall, 1e-9):.2f} (wall-clock seconds)"
            )
            line, _, _ = self.timed_import(folder, "unchanged re-import", notes)
            self.stdout.write(line)
        if not keep:
            Practice.objects.filter(note_key__in=keys).delete()
            Theme.objects.exclude(pk__in=themes_before).filter(themed_items__isnull=True).delete()
            Video.objects.filter(youtube_id__startswith=VIDEO_PREFIX, practices__isnull=True).delete()
            self.stdout.write("generated practices removed")

    def bare_markdown(self, folder, when):
        """Seconds (wall clock, CPU) Python-Markdown alone takes to convert every note of the vault once."""
        converter = markdown.Markdown()
        started, cpu_started = time.perf_counter(), time.process_time()
        for path in sorted(folder.glob("*.md")):
            converter.reset().convert(path.read_text(encoding="utf-8"))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        self.stdout.write(f"bare Markdown, {when} the first import: {elapsed:.2f} s, {cpu:.2f} s of CPU")
        return elapsed, cpu

    def timed_import(self, folder, label, count):
        started, cpu_started, workers_started = time.perf_counter(), time.process_time(), workers_cpu()
        result = import_notes([folder])
        elapsed = time.perf_counter() - started
        own = time.process_time() - cpu_started
        workers = workers_cpu() - workers_started  # the pool's processes have ended: their time is counted
        cpu = own + workers
        if result.failed:
            raise CommandError(f"{len(result.failed)} notes failed during the {label}")
        line = (
            f"{label}: {count} notes in {elapsed:.2f} s = {count / elapsed:,.0f} notes/s; "
            f"{cpu:.2f} s of CPU ({own:.2f} s in this process, {workers:.2f} s in {worker_count()} workers) "
            f"= {count / max(cpu, 1e-9):,.0f} notes per CPU second "
            f"(created {len(result.created)}, updated {len(result.updated)}, unchanged {len(result.unchanged)}); "
            f"{peak_memory()}"
        )
        return line, elapsed, cpu


def workers_cpu():
    """Seconds of CPU used by this process's ended child processes (the import's workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def peak_memory():
    """This process's largest resident size so far, and its largest ended child's (Linux reports KB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return f"peak memory {own:,.0f} MB (largest worker {child:,.0f} MB)"
