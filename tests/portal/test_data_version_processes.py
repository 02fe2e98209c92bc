"""The data version lives in the database: a change made by one process (an import run from the
shell, another gunicorn worker) is seen by every other process at once, whatever each caches."""

from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from opsi_portal import caching
from practices.models import Practice
from tests import factories
from tests.conftest import FIXTURE_NOTES

pytestmark = pytest.mark.django_db

OWN_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "another-process"}}


@pytest.fixture
def another_process(django_capture_on_commit_callbacks):
    """Run a block as a second process would: with an in-process cache of its own, its writes committed."""

    @contextmanager
    def run():
        with override_settings(CACHES=OWN_CACHE), django_capture_on_commit_callbacks(execute=True):
            yield

    return run


def test_a_page_cached_by_one_process_is_fresh_after_another_process_writes(client, another_process):
    factories.practice(title="First practice")
    assert "First practice" in client.get("/practices/").content.decode()
    with another_process():
        factories.practice(title="Second practice")
    assert "Second practice" in client.get("/practices/").content.decode()


def test_an_import_run_from_the_shell_shows_on_the_served_pages_at_once(client, seed, another_process):
    before = client.get("/practices/").content.decode()
    with another_process():
        call_command("import_notes", str(FIXTURE_NOTES), status="published", stdout=StringIO())
    title = Practice.objects.get().title
    assert title not in before
    assert title in client.get("/practices/").content.decode()


def test_the_version_is_read_once_per_request(client, django_assert_num_queries):
    factories.practice()
    client.get("/practices/")
    with django_assert_num_queries(1):  # the version; the page itself comes from the cache
        client.get("/practices/")


def test_a_bump_inside_a_transaction_is_stored_when_it_commits(django_capture_on_commit_callbacks):
    stored = caching.stored_data_version()
    with django_capture_on_commit_callbacks() as callbacks:
        factories.practice()
        assert caching.stored_data_version() == stored, "other processes see it only once it commits"
    assert len(callbacks) == 1, "one store per transaction, however many writes"
    callbacks[0]()
    assert caching.stored_data_version() > stored
