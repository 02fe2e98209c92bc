"""Benchmark the public pages on the configured database: build a synthetic library, time, load-test.

Run it against a database of its own (see the README): it writes up to N practices, all with slugs
starting with `bench-`, and refuses a database that holds other practices unless --force.
"""

import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from benchmarks import dataset, load, pages
from benchmarks.guard import bench_practices, refuse_foreign_data, remove_dataset


class Command(BaseCommand):
    help = (
        "Build a synthetic library of N practices (default 100,000) if it is not there yet, then report "
        "p50/p95 server time, database time and SQL queries per page type, and requests per second of "
        "the list page next to a minimal view under gunicorn and wrk."
    )

    def add_arguments(self, parser):
        parser.add_argument("--practices", type=int, default=100_000, help="How many practices to build.")
        parser.add_argument("--requests", type=int, default=40, help="Requests timed per page type.")
        parser.add_argument("--seed", type=int, default=1, help="Seed of the random data and URLs.")
        parser.add_argument("--rebuild", action="store_true", help="Remove the benchmark data and build it again.")
        parser.add_argument("--remove", action="store_true", help="Only remove the benchmark data, then stop.")
        parser.add_argument(
            "--force", action="store_true", help="Write even though the database holds practices of its own."
        )
        parser.add_argument("--no-load", action="store_true", help="Skip the gunicorn and wrk load test.")
        parser.add_argument("--duration", type=int, default=10, help="Seconds of each wrk run.")
        parser.add_argument("--workers", type=int, default=3, help="gunicorn workers for the load test.")

    def handle(self, *args, **options):
        if options["practices"] < 100 or options["requests"] < 5:
            raise CommandError("Use at least 100 practices and 5 requests per page type.")
        log = self.stdout.write
        if settings.DEBUG:
            log(self.style.WARNING("DEBUG is on: templates and queries run slower than in production."))
        if options["remove"]:
            remove_dataset()
            log(self.style.SUCCESS("Benchmark data removed."))
            return
        refuse_foreign_data(options["force"])
        self.build(options["practices"], options["seed"], options["rebuild"])
        log(f"\nServer time per page type, {options['requests']} requests each ({connection.vendor}):")
        log(pages.HEADER)
        rng = random.Random(options["seed"])  # noqa: S311  (repeatable URLs, not secrets)
        try:
            pages.measure(pages.page_urls(rng, options["requests"], seed=options["seed"]), log=log)
            if not options["no_load"]:
                log(f"\nLoad test: gunicorn with {options['workers']} workers, wrk -t2 -c8 -d{options['duration']}s:")
                load.load_test(workers=options["workers"], duration=options["duration"], log=log)
        except RuntimeError as error:
            raise CommandError(str(error)) from error

    def build(self, count, seed, rebuild):
        existing = bench_practices().count()
        if rebuild and existing:
            self.stdout.write(f"Removing {existing} benchmark practices...")
            remove_dataset()
            existing = 0
        if existing == count:
            self.stdout.write(f"Reusing the {existing} benchmark practices already built (--rebuild to start again).")
            return
        self.stdout.write(f"Building {count} practices on {connection.vendor} ({existing} there already)...")
        dataset.build_dataset(count, seed=seed, log=self.stdout.write)
