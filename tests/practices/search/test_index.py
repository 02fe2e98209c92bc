"""Keeping the search index fresh: renames, imports and deferred refreshes."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from practices.models import Practice
from tests import factories
from tests.admin_forms import change_form
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
            cursor.execute("SELECT vector::text FROM practices_search_row WHERE id = %s", [practice.pk])
            vector = cursor.fetchone()[0]
        # Countries carry weight C: present only if the vector was refreshed after the mentions were written.
        assert re.search(r"'estonia':[0-9A-D,]*C", vector), vector


def test_a_deferred_refresh_updates_vectors_once_at_the_end():
    if not on_postgresql():
        pytest.skip("stored search vectors exist only on PostgreSQL")
    from practices.search import deferred_search_refresh

    def vector(practice):
        with connection.cursor() as cursor:
            cursor.execute("SELECT vector::text FROM practices_search_row WHERE id = %s", [practice.pk])
            return cursor.fetchone()[0] or ""

    with deferred_search_refresh():
        practice = factories.practice(title="Participatory budgeting")
        assert "budget" not in vector(practice)
    assert "budget" in vector(practice)


def test_the_index_follows_an_admin_save(curator_client):
    practice = factories.practice(title="Civic dashboards", body_markdown="Charts of spending.")
    url = reverse("admin:practices_practice_change", args=[practice.pk])
    data, _ = change_form(curator_client.get(url))
    data["title_en"] = ["Participatory budgeting dashboards"]
    response = curator_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert found("participatory") == ["Participatory budgeting dashboards"]
    assert found("civic") == []


def test_the_index_follows_a_delete():
    kept = factories.practice(title="Budgeting in towns")
    gone = factories.practice(title="Budgeting in cities")
    gone.delete()
    assert found("budgeting") == [kept.title]
    Practice.objects.filter(pk=kept.pk).delete()  # a bulk delete, without signals
    assert found("budgeting") == []


def test_the_index_follows_a_toolkit_mention_and_a_toolkit_rename():
    practice = factories.practice(title="Kit for starters")
    toolkit = factories.toolkit(name="Anticipatory starter kit")
    factories.toolkit_mention(practice, toolkit)
    assert found("anticipatory") == ["Kit for starters"]
    toolkit.name = "Foresight handbook"
    toolkit.save()
    assert found("handbook") == ["Kit for starters"]
    assert found("anticipatory") == []


def test_a_deferred_refresh_finds_the_practices_at_its_end():
    from practices.search import deferred_search_refresh

    with deferred_search_refresh():
        factories.practice(title="Participatory budgeting")
        assert found("budgeting") == []
    assert found("budgeting") == ["Participatory budgeting"]


def test_rebuild_command_restores_a_lost_index():
    factories.practice(title="Participatory budgeting")
    with connection.cursor() as cursor:
        if on_postgresql():
            cursor.execute("UPDATE practices_practice SET search_rank_vector = NULL")
            cursor.execute("UPDATE practices_search_row SET vector = '', rank_vector = ''")
        else:
            cursor.execute("DELETE FROM practices_search_document")
    assert found("budgeting") == []
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "Rebuilt the search index of 1 practices" in out.getvalue()
    assert found("budgeting") == ["Participatory budgeting"]
