"""The real worker: `manage.py db_worker` in its own process runs a confirmed upload's import.

Against the test database on PostgreSQL (which other processes reach), or a fresh SQLite file.
"""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection

from tests.conftest import PROJECT_ROOT
from tests.deployment.test_load_during_import import database_url

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Upload and confirm as a curator's request would, with tasks going through the database.
UPLOAD_AND_CONFIRM = """
import io, sys, zipfile
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from practices.importing import runs
buffer = io.BytesIO()
with zipfile.ZipFile(buffer, "w") as archive:
    for n in range(3):
        note = f"---\\ntitle: Worker {n}\\nvideoId: abcdefghijk\\n---\\n\\nDenmark [00:00:0{n}].\\n"
        archive.writestr(f"vault/note_{n}.md", note)
run = runs.start_upload(None, [SimpleUploadedFile("vault.zip", buffer.getvalue())])
assert runs.confirm(run)
print(run.pk)
"""
STATE = """
import json, sys
import django
django.setup()
from practices.models import ImportRun, Practice
run = ImportRun.objects.get(pk=int(sys.argv[1]))
print(json.dumps({"status": run.status, "created": run.created, "practices": Practice.objects.count(),
                  "reason": sorted(set(Practice.history.values_list("history_change_reason", flat=True)))}))
"""


def python(env, *args):
    return subprocess.run(
        [sys.executable, *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def state(env, run_pk):
    return json.loads(python(env, "-c", STATE, str(run_pk)).stdout)


def test_the_database_worker_runs_a_confirmed_upload(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="opsi_portal.settings",
        DEBUG="true",
        DATABASE_URL=database_url(tmp_path),
        TASKS_BACKEND="database",
        IMPORT_UPLOAD_ROOT=str(tmp_path / "uploads"),
    )
    if connection.vendor != "postgresql":
        migrated = python(env, "manage.py", "migrate", "--noinput")
        assert migrated.returncode == 0, migrated.stderr
    confirmed = python(env, "-c", UPLOAD_AND_CONFIRM)
    assert confirmed.returncode == 0, confirmed.stderr
    run_pk = int(confirmed.stdout.strip())
    assert state(env, run_pk)["status"] == "queued", "nothing runs the task before a worker does"

    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while (seen := state(env, run_pk))["status"] in {"queued", "running"} and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
    assert seen == {"status": "done", "created": 3, "practices": 3, "reason": [f"import run {run_pk}"]}, seen
    assert list((tmp_path / "uploads").iterdir()) == []
