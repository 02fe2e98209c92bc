"""Keeping the search index fresh: renames, imports and deferred refreshes."""

import re

import pytest
from django.db import connection

from practices.models import Practice
from tests import factories
from tests.practices.search import found, on_postgresql

pytestmark = pytest.mark.django_db


def test_renaming_a_theme_makes_practices_findable_by_the_new_name():
    practice = factories.practice(title="Kit for starters")
    practice.themes.add("Foresight")
    theme = practice.themes.get()
    theme.name = "Futures literacy"
    theme.save()
    assert found("literacy") == ["Kit for starters"]


def test_imported_practices_are_found_by_their_countries_and_themes(seed):
    """The importer writes themes and mentions in bulk; the practice must still be findable by them."""
    from django.core.management import call_command

    from tests.conftest import FIXTURE_NOTES

    call_command("import_notes", str(FIXTURE_NOTES), "--status", "published", verbosity=0)
    practice = Practice.objects.get(note_key="sharing_and_disseminating_innovative_practices")
    assert practice.countries.filter(code="EE").exists()
    theme = practice.themes.order_by("name").first()
    assert practice.title in found("Estonia")
    assert practice.title in found(theme.name)
    if on_postgresql():
        with connection.cursor() as cursor:
            cursor.execute("SELECT search_vector::text FROM practices_practice WHERE id = %s", [practice.pk])
            vector = cursor.fetchone()[0]
        # Countries carry weight C: present only if the vector was refreshed after the mentions were written.
        assert re.search(r"'estonia':[0-9A-D,]*C", vector), vector


def test_a_deferred_refresh_updates_vectors_once_at_the_end():
    if not on_postgresql():
        pytest.skip("stored search vectors exist only on PostgreSQL")
    from practices.search import deferred_search_refresh

    def vector(practice):
        with connection.cursor() as cursor:
            cursor.execute("SELECT search_vector::text FROM practices_practice WHERE id = %s", [practice.pk])
            return cursor.fetchone()[0] or ""

    with deferred_search_refresh():
        practice = factories.practice(title="Participatory budgeting")
        assert "budget" not in vector(practice)
    assert "budget" in vector(practice)
