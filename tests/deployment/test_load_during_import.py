"""Twenty readers hammering gunicorn while the sample vault imports get no server error."""

import random
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
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


def test_twenty_readers_get_no_server_error_while_the_vault_imports(shared_notes, tmp_path):
    url = database_url(tmp_path)
    env = production_env(
        DATABASE_URL=url, ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="false", STATIC_MANIFEST="false"
    )
    if connection.vendor == "postgresql":
        call_command("loaddata", "incubator", verbosity=0)
    else:
        assert manage(env, "migrate", "--noinput").returncode == 0
        assert manage(env, "loaddata", "incubator").returncode == 0

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "opsi_portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "3", "--threads", "4"],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    importer = None
    try:
        for _ in range(120):
            try:
                read(base + "/")
                break
            except OSError:
                time.sleep(0.5)
        importer = subprocess.Popen(
            [sys.executable, "manage.py", "import_notes", str(shared_notes), "--status", "published"],
            cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        statuses, errors, lock = [], [], threading.Lock()
        deadline = time.monotonic() + DEADLINE_SECONDS

        def reader(seed):
            rng = random.Random(seed)
            while importer.poll() is None and time.monotonic() < deadline:
                try:
                    status, body = read(base + rng.choice(["/", "/practices/", "/practices/?q=innovation"]))
                    found = [status]
                    links = PRACTICE_LINK.findall(body)
                    if links:
                        found.append(read(base + rng.choice(links))[0])
                except OSError as error:
                    with lock:
                        errors.append(repr(error))
                    continue
                with lock:
                    statuses.extend(found)

        threads = [threading.Thread(target=reader, args=(n,)) for n in range(READERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(DEADLINE_SECONDS + 60)
        out, err = importer.communicate(timeout=DEADLINE_SECONDS)
    finally:
        if importer and importer.poll() is None:
            importer.kill()
        gunicorn.terminate()
        gunicorn.wait(timeout=30)

    assert importer.returncode == 0, err[-2000:]
    assert "failed 0" in out
    assert errors == []
    server_errors = [s for s in statuses if s >= 500]
    assert server_errors == []
    assert len(statuses) >= READERS  # the readers really read while the import ran
    assert set(statuses) == {200}
