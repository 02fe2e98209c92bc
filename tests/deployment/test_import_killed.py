"""An import killed with SIGKILL between its notes and their links is repaired by the next run."""

import json
import os
import subprocess
import sys

import pytest
from django.db import connection

from tests.conftest import PROJECT_ROOT
from tests.deployment.test_load_during_import import database_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NOTES = 6

# Dies the moment every note is committed and before their links, search vectors and hashes.
KILLED_RUN = """
import os, signal, sys
import django
django.setup()
from practices.importing import run
run.write_links = lambda *args: os.kill(os.getpid(), signal.SIGKILL)
run.import_notes([sys.argv[1]], status="published")
"""
# What a visitor sees: each practice's page, found by its exact title, with its links.
CHECK = """
import json
import django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
from practices.models import Practice
setup_test_environment()
client = Client()
seen = {}
for practice in Practice.objects.filter(note_key__isnull=False):
    page = client.get(practice.get_absolute_url())
    found = client.get("/practices/", {"q": practice.title})
    seen[practice.note_key] = {
        "page": page.status_code,
        "found": practice.get_absolute_url() in found.content.decode(),
        "links": practice.links_to.count(),
        "hashed": bool(practice.note_hash),
    }
print(json.dumps(seen))
"""


def write_vault(folder):
    folder.mkdir()
    for n in range(1, NOTES + 1):
        following = n % NOTES + 1
        (folder / f"note_{n}.md").write_text(
            f"---\ntitle: Zebra{n} practice\nvideoId: abcdefghijk\n---\n\n"
            f"Portugal tried it [00:00:{n:02d}], as [[note_{following}]] says.\n",
            encoding="utf-8",
        )
    return folder


def python(env, *args):
    return subprocess.run(
        [sys.executable, *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_a_killed_import_is_completed_by_the_next_run(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DJANGO_SETTINGS_MODULE="opsi_portal.settings", DEBUG="true", DATABASE_URL=database_url(tmp_path))
    if connection.vendor != "postgresql":
        migrated = python(env, "manage.py", "migrate", "--noinput")
        assert migrated.returncode == 0, migrated.stderr
    vault = write_vault(tmp_path / "vault")

    killed = python(env, "-c", KILLED_RUN, str(vault))
    assert killed.returncode == -9, killed.stderr
    rerun = python(env, "manage.py", "import_notes", str(vault), "--status", "published")
    assert rerun.returncode == 0, rerun.stderr

    seen = json.loads(python(env, "-c", CHECK).stdout)
    assert set(seen) == {f"note_{n}" for n in range(1, NOTES + 1)}
    assert all(state == {"page": 200, "found": True, "links": 1, "hashed": True} for state in seen.values()), seen
