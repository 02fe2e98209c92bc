"""`manage.py bench_abuse`: the portal under abusive searches and downloads, on loopback, for a bounded time.

Builds (or reuses) the benchmark library, serves it with a production-like gunicorn on 127.0.0.1
and runs 3 abusive searches, 6 back-to-back downloads and two probes (/healthz and the cached list)
at once. It passes when the probes got only 200s and nobody got a 5xx: past their rate the
abusers get 429s.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from benchmarks import abuse
from benchmarks.dataset import build_dataset
from benchmarks.guard import refuse_foreign_data

MAX_DURATION = 120


class Command(BaseCommand):
    help = "Serve the benchmark library on loopback and check that /healthz and cached pages survive abuse."

    def add_arguments(self, parser):
        parser.add_argument("--practices", type=int, default=10_000, help="Size of the benchmark library.")
        parser.add_argument("--duration", type=int, default=30, help=f"Seconds of abuse (at most {MAX_DURATION}).")
        parser.add_argument("--searches", type=int, default=3, help="Parallel abusive searches.")
        parser.add_argument("--downloads", type=int, default=6, help="Parallel downloads.")
        parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (threaded, as serve.sh).")
        parser.add_argument(
            "--force", action="store_true", help="Run even though the database holds practices of its own."
        )

    def handle(self, *args, practices, duration, searches, downloads, workers, force, **options):
        if not 1 <= duration <= MAX_DURATION:
            raise CommandError(f"--duration takes 1 to {MAX_DURATION} seconds.")
        refuse_foreign_data(force)
        build_dataset(practices, log=self.stdout.write)
        self.stdout.write(
            f"{practices} practices on {connection.vendor}; {searches} abusive searches and {downloads} downloads "
            f"for {duration} s against {workers} threaded gunicorn workers:"
        )
        try:
            results = abuse.abuse_test(duration, searches, downloads, workers, log=self.stdout.write)
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        probes = [tally for name, tally in results.items() if name.startswith("probe")]
        server_errors = sum(tally.count(500, 600) + tally.errors for tally in results.values())
        if any(tally.failures() for tally in probes) or server_errors:
            raise CommandError("The portal failed under abuse: a probe did not get 200, or someone got a 5xx.")
        self.stdout.write(self.style.SUCCESS("The probes got only 200s and nobody got a 5xx."))
