"""A cache that is down is an optimisation lost, not an outage: pages come from the database."""

import subprocess
import sys

import pytest

from tests.conftest import PROJECT_ROOT
from tests.deployment.test_production_settings import production_env

# Nothing listens on port 1: every cache call fails at once, as with a Redis that went away.
DEAD_REDIS = "redis://127.0.0.1:1/0"
PAGES = ["/", "/practices/", "/practices/?q=innovation", "/practices/sharing-and-disseminating-innovative-practices/"]


def in_new_process(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    database = tmp_path_factory.mktemp("outage") / "db.sqlite3"
    env = production_env(
        CACHE_URL=DEAD_REDIS, DATABASE_URL=f"sqlite:///{database}", ALLOWED_HOSTS="localhost", STATIC_MANIFEST="false"
    )
    for command in (["migrate", "--noinput"], ["loaddata", "incubator"], ["import_notes", "fixtures/notes"]):
        result = in_new_process(env, *command, "--verbosity", "0")
        assert result.returncode == 0, result.stderr[-2000:]
    return env


def test_pages_are_served_from_the_database_while_the_cache_is_down(env):
    code = (
        "from django.test import Client\n"
        "from practices.models import Practice\n"
        "Practice.objects.update(status='published')\n"
        "client = Client(HTTP_HOST='localhost')\n"
        f"print(' '.join(str(client.get(page, secure=True).status_code) for page in {PAGES!r}))"
    )
    result = in_new_process(env, "shell", "-c", code)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "200 200 200 200"
    assert "opsi_portal.cache" in result.stderr or "Exception ignored" in result.stderr  # the failure is logged
