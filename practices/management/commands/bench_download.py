"""Measure the memory a CSV or JSON download takes as it grows, to show that streaming keeps it flat.

Creates published practices (with countries and themes) in the configured database, streams the
downloads through Django's test client and prints, for each size, the process's peak RSS and how
much a download raised it (and, with --tracemalloc, the peak of Python allocations). Sizes run
smallest first, so a flat memory shows as the same peak and no growth for the larger sizes.
Run it against a dedicated database.
"""

import gc
import itertools
import resource
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from incubator.models import Country
from practices.models import CountryMention, Practice, Theme, ThemedPractice

BENCH_PREFIX = "bench-"
BATCH_SIZE = 5000
BENCH_COUNTRIES = ["PT", "DK", "RO", "EE", "FI"]


PROC_STATUS = Path("/proc/self/status")
PROC_CLEAR_REFS = Path("/proc/self/clear_refs")


def reset_peak_rss():
    """Reset the process's peak RSS where Linux allows it and return the current RSS, in KiB.

    Elsewhere the lifetime peak stands in for both, which can hide a download's growth behind
    the memory that creating the rows took.
    """
    try:
        PROC_CLEAR_REFS.write_text("5")  # 5: reset the peak resident set size (VmHWM)
        return _proc_status_kib("VmRSS")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def peak_rss():
    """The peak RSS since the last reset (Linux) or since the process started, in KiB."""
    try:
        return _proc_status_kib("VmHWM")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS


def _proc_status_kib(field):
    for line in PROC_STATUS.read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise OSError(f"no {field} in {PROC_STATUS}")


def allowed_host():
    """A Host header the site accepts, so the test client's requests pass ALLOWED_HOSTS."""
    for host in settings.ALLOWED_HOSTS:
        return "localhost" if host == "*" else host.lstrip(".")
    raise CommandError("ALLOWED_HOSTS is empty; set it (or DEBUG=true) to run the benchmark.")


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
        self.verbosity = verbosity
        if any(size < 1 for size in rows):
            raise CommandError("--rows takes positive numbers.")
        others = Practice.objects.exclude(slug__startswith=BENCH_PREFIX).count()
        if others and not force:
            raise CommandError(
                f"This database holds {others} practices of its own; run the benchmark against a dedicated "
                "database (see the README) or pass --force."
            )
        client = Client(HTTP_HOST=allowed_host())
        header = (
            f"{'rows':>8} {'format':>6} {'MiB sent':>9} {'seconds':>8} "
            f"{'RSS MiB':>8} {'peak RSS MiB':>13} {'RSS +MiB':>9}"
        )
        self.stdout.write(header + (f" {'py peak MiB':>12}" if trace else ""))
        # As in production: with DEBUG on, Django keeps the SQL of recent queries, which would count
        # against the download.
        with override_settings(DEBUG=False):
            for size in sorted(rows):
                self.fill(size)
                for fmt in ("csv", "json"):
                    self.stdout.write(self.measure(client, size, fmt, trace))

    def fill(self, size):
        """Make the benchmark's practices exactly `size` published ones."""
        existing = Practice.objects.filter(slug__startswith=BENCH_PREFIX).count()
        if existing > size:
            # Slugs are numbered with leading zeros, so the extra ones sort after the first `size`.
            Practice.objects.filter(slug__startswith=BENCH_PREFIX, slug__gte=f"{BENCH_PREFIX}{size:07d}").delete()
            return
        countries = itertools.cycle(Country.objects.filter(code__in=BENCH_COUNTRIES))
        themes = itertools.cycle(
            [
                Theme.objects.get_or_create(slug=f"{BENCH_PREFIX}theme-{n}", defaults={"name": f"Bench theme {n}"})[0]
                for n in range(7)
            ]
        )
        start = timezone.now()
        for first in range(existing, size, BATCH_SIZE):
            with transaction.atomic():
                practices = Practice.objects.bulk_create(
                    Practice(
                        title=f"Benchmark practice {n}",
                        slug=f"{BENCH_PREFIX}{n:07d}",
                        summary="A practice made up by the download benchmark, as long as a real summary is.",
                        status=Practice.Status.PUBLISHED,
                        published_at=start - timedelta(minutes=n),
                    )
                    for n in range(first, min(first + BATCH_SIZE, size))
                )
                CountryMention.objects.bulk_create(
                    CountryMention(practice=practice, country=next(countries)) for practice in practices
                )
                ThemedPractice.objects.bulk_create(
                    ThemedPractice(content_object=practice, tag=next(themes)) for practice in practices
                )
            if self.verbosity >= 2:
                self.stdout.write(f"  {min(first + BATCH_SIZE, size)} practices")

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
