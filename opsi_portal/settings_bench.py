"""Settings for the benchmarks: production settings plus the development-only `benchmarks` app.

Production never installs `benchmarks`. Without DATABASE_URL the benchmarks get a SQLite file of
their own, so they never write into the development database.
"""

import os
from pathlib import Path

BENCH_SQLITE_PATH = Path(__file__).resolve().parent.parent / "var" / "bench.sqlite3"
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key")
os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1")
os.environ.setdefault("STATIC_MANIFEST", "false")  # no collectstatic needed
os.environ.setdefault("DATABASE_URL", f"sqlite:///{BENCH_SQLITE_PATH}")

from opsi_portal.settings import *  # noqa: E402, F403

INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks"]  # noqa: F405
# The benchmarks speak plain HTTP on loopback; production's redirect to HTTPS would answer every
# request with a 301 and measure that instead of the page.
SECURE_SSL_REDIRECT = False
