"""Shared fixtures: small factories for the records most tests need."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_NOTES = PROJECT_ROOT.parent / "shared" / "notes" / "opsi"
FIXTURE_NOTES = PROJECT_ROOT / "fixtures" / "notes"


def pytest_sessionstart(session):
    """The translations the pages use, built from the .po files when a checkout has none or stale ones."""
    import runpy

    runpy.run_path(str(PROJECT_ROOT / "scripts" / "compile_messages.py"))["compile_messages"](PROJECT_ROOT)


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in English: a request under /fr/ leaves French active in the thread, which
    `reverse()` in the next test would follow."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def fresh_cache():
    """Every test starts with an empty cache and free throttling slots: nothing leaks between tests."""
    from django.core.cache import cache

    from opsi_portal.caching import forget_held_records
    from opsi_portal.throttling import heavy_slots

    cache.clear()
    heavy_slots.cache_clear()
    forget_held_records()
    yield
    cache.clear()
    heavy_slots.cache_clear()
    forget_held_records()


@pytest.fixture
def seed(db):
    """The curated reference records of the seed note."""
    call_command("loaddata", "incubator", verbosity=0)


@pytest.fixture
def curator(db):
    user = User.objects.create_user("curator", password="a-long-curator-password", is_staff=True)
    user.groups.add(Group.objects.get(name="Curators"))
    return user


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


@pytest.fixture
def shared_notes():
    if not SHARED_NOTES.is_dir():
        pytest.skip("the sample vault ../shared/notes/opsi is not beside the project")
    return SHARED_NOTES


def _restores_migrated_data(item):
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("serialized_rollback"))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Among the transactional tests (which pytest-django puts last), run those that restore the
    migrated data first.

    A transactional test without serialized rollback ends by flushing every table and re-creating
    content types under new ids; a serialized rollback after that would write the saved content
    types over rows that now hold other ones. Run first, the serialized tests find the database as
    migrated, and the flush after each of them leaves nothing behind to collide with.
    """
    transactional = [
        index
        for index, item in enumerate(items)
        if "transactional_db" in getattr(item, "fixturenames", ())
        or "live_server" in getattr(item, "fixturenames", ())
        or (item.get_closest_marker("django_db") and item.get_closest_marker("django_db").kwargs.get("transaction"))
    ]
    if not transactional:
        return
    start = transactional[0]
    block = items[start:]
    block.sort(key=lambda item: not _restores_migrated_data(item))
    items[start:] = block
