"""Measure the memory a CSV or JSON download takes as it grows, to show that streaming keeps it flat.

Makes the benchmark's library (the one dataset builder) as large as each size in turn, streams the
downloads through Django's test client and prints, for each size, the process's peak RSS and how
much a download raised it (and, with --tracemalloc, the peak of Python allocations). Sizes run
smallest first, so a flat memory shows as the same peak and no growth for the larger sizes.
Run it against a dedicated database.
"""

import gc
import time
import tracemalloc

from django.core.management.base import BaseCommand, CommandError
from django.test import override_settings
from django.urls import reverse

from benchmarks.dataset import build_dataset
from benchmarks.guard import refuse_foreign_data
from benchmarks.memory import peak_rss, reset_peak_rss
from benchmarks.pages import bench_client
from practices.models import Practice


class Command(BaseCommand):
    help = (
        "Create N published practices and measure the memory of streaming the CSV and JSON downloads. "
        "Refuses a database that holds other practices unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rows", type=int, nargs="+", default=[10_000, 100_000], help="Download sizes to measure, in rows."
        )
        parser.add_argument(
            "--force", action="store_true", help="Run even though the database holds practices of its own."
        )
        parser.add_argument(
            "--tracemalloc",
            dest="trace",
            action="store_true",
            help="Also trace Python allocations (their peak per download); several times slower.",
        )

    def handle(self, *args, rows, force, trace, verbosity, **options):
        if any(size < 1 for size in rows):
            raise CommandError("--rows takes positive numbers.")
        refuse_foreign_data(force)
        client = bench_client()
        header = (
            f"{'rows':>8} {'format':>6} {'MiB sent':>9} {'seconds':>8} "
            f"{'RSS MiB':>8} {'peak RSS MiB':>13} {'RSS +MiB':>9}"
        )
        self.stdout.write(header + (f" {'py peak MiB':>12}" if trace else ""))
        log = self.stdout.write if verbosity >= 2 else (lambda line: None)
        # As in production: with DEBUG on, Django keeps the SQL of recent queries, which would count
        # against the download.
        with override_settings(DEBUG=False):
            for size in sorted(rows):
                build_dataset(size, log=log)
                for fmt in ("csv", "json"):
                    self.stdout.write(self.measure(client, size, fmt, trace))

    def measure(self, client, size, fmt, trace):
        """One download streamed to the end: its size, time and the memory it took."""
        gc.collect()
        rss_before = reset_peak_rss()
        if trace:
            tracemalloc.start()
        began = time.perf_counter()
        response = client.get(reverse("practices:practice_download", args=[fmt]))
        if response.status_code != 200 or not response.streaming:
            raise CommandError(f"The {fmt} download answered {response.status_code}.")
        sent = lines = 0
        for chunk in response.streaming_content:
            sent += len(chunk)
            lines += chunk.count(b"\n")
        seconds = time.perf_counter() - began
        rss_after = peak_rss()
        # A header line for CSV, the brackets' lines for JSON; --force may add the database's own practices.
        expected_lines = Practice.objects.published().count() + (1 if fmt == "csv" else 2)
        if lines != expected_lines:
            raise CommandError(f"The {fmt} download has {lines} lines, not {expected_lines}.")
        figures = (
            f"{size:>8} {fmt:>6} {sent / 2**20:>9.1f} {seconds:>8.1f} "
            f"{rss_before / 1024:>8.1f} {rss_after / 1024:>13.1f} {(rss_after - rss_before) / 1024:>9.1f}"
        )
        if trace:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            figures += f" {peak / 2**20:>12.1f}"
        return figures
