"""Twenty readers hammering gunicorn while the sample vault imports get no server error."""

import random
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection

from tests.conftest import PROJECT_ROOT
from tests.deployment.test_production_settings import production_env
from tests.deployment.test_serve import free_port

pytestmark = [pytest.mark.shared_notes, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

READERS = 20
DEADLINE_SECONDS = 300
PRACTICE_LINK = re.compile(r'href="(/practices/[a-z0-9-]+/)"')


def database_url(tmp_path):
    """The test database on PostgreSQL (other processes can reach it); a fresh file on SQLite."""
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        password = f":{quote(s['PASSWORD'], safe='')}" if s["PASSWORD"] else ""
        return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    return f"sqlite:///{tmp_path / 'db.sqlite3'}"


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600
    )


def read(url):
    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (loopback URL the test builds)
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def prepare_database(env):
    if connection.vendor == "postgresql":
        call_command("loaddata", "incubator", verbosity=0)
    else:
        assert manage(env, "migrate", "--noinput").returncode == 0
        assert manage(env, "loaddata", "incubator").returncode == 0


@contextmanager
def gunicorn(env):
    """A production gunicorn on a free loopback port, serving once this yields its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "opsi_portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "3", "--threads", "4"],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        for _ in range(120):
            try:
                read(base + "/")
                break
            except OSError:
                time.sleep(0.5)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


@dataclass
class Readings:
    """What the readers saw: every status they got and every connection error."""

    statuses: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def read_while(self, importer, base, seed, deadline):
        """Read a page, then a practice it links to, until the import ends."""
        rng = random.Random(seed)
        while importer.poll() is None and time.monotonic() < deadline:
            try:
                status, body = read(base + rng.choice(["/", "/practices/", "/practices/?q=innovation"]))
                found = [status]
                links = PRACTICE_LINK.findall(body)
                if links:
                    found.append(read(base + rng.choice(links))[0])
            except OSError as error:
                with self.lock:
                    self.errors.append(repr(error))
                continue
            with self.lock:
                self.statuses.extend(found)


def import_while_reading(env, base, shared_notes):
    """Import the vault while READERS threads read; the importer's outcome and what the readers saw."""
    importer = subprocess.Popen(
        [sys.executable, "manage.py", "import_notes", str(shared_notes), "--status", "published"],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    readings = Readings()
    deadline = time.monotonic() + DEADLINE_SECONDS
    try:
        threads = [
            threading.Thread(target=readings.read_while, args=(importer, base, n, deadline)) for n in range(READERS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(DEADLINE_SECONDS + 60)
        out, err = importer.communicate(timeout=DEADLINE_SECONDS)
    finally:
        if importer.poll() is None:
            importer.kill()
    return importer.returncode, out, err, readings


def test_twenty_readers_get_no_server_error_while_the_vault_imports(shared_notes, tmp_path):
    # Twenty readers share one address; what is tested is the import beside them, not throttling.
    env = production_env(
        DATABASE_URL=database_url(tmp_path), ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="false",
        STATIC_MANIFEST="false", THROTTLE_SEARCH="100000/m",
    )  # fmt: skip
    prepare_database(env)
    with gunicorn(env) as base:
        returncode, out, err, readings = import_while_reading(env, base, shared_notes)

    assert returncode == 0, err[-2000:]
    assert "failed 0" in out
    assert readings.errors == []
    server_errors = [s for s in readings.statuses if s >= 500]
    assert server_errors == []
    assert len(readings.statuses) >= READERS  # the readers really read while the import ran
    assert set(readings.statuses) == {200}
