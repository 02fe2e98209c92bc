"""Shared fixtures: small factories for the records most tests need."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_NOTES = PROJECT_ROOT.parent / "shared" / "notes" / "opsi"
FIXTURE_NOTES = PROJECT_ROOT / "fixtures" / "notes"


@pytest.fixture(autouse=True)
def fresh_cache():
    """Every test starts with an empty cache: cached pages and counts never leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


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
