"""Three gunicorn workers, each with its own in-process cache, and an import run from a shell:
every worker serves the imported practice on the next request (the data version is in the database)."""

import pytest

from tests.conftest import FIXTURE_NOTES
from tests.deployment.test_load_during_import import database_url, gunicorn, manage, prepare_database, read
from tests.deployment.test_production_settings import production_env

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Enough requests that each of the three workers serves (and caches) the list more than once.
READS = 15
TITLE = "Sharing and Disseminating Innovative Practices"


def test_every_worker_serves_an_import_made_by_another_process_at_once(tmp_path):
    env = production_env(
        DATABASE_URL=database_url(tmp_path), ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="false",
        STATIC_MANIFEST="false", CACHE_URL=None,
    )  # fmt: skip
    prepare_database(env)
    with gunicorn(env) as base:
        before = [read(base + "/practices/") for _ in range(READS)]
        imported = manage(env, "import_notes", str(FIXTURE_NOTES), "--status", "published")
        assert imported.returncode == 0, imported.stderr[-2000:]
        after = [read(base + "/practices/") for _ in range(READS)]
    assert all(status == 200 and TITLE not in body for status, body in before)
    stale = [body for status, body in after if TITLE not in body]
    assert not stale, f"{len(stale)} of {READS} pages served stale after the import"
