"""French search: French texts with French stems, accents ignored, and a query run in both languages."""

import pytest
from django.db import connection

from practices.models import Practice
from practices.search import search
from practices.search.index import FRENCH_FTS_TABLE
from tests import factories

pytestmark = pytest.mark.django_db


def found_slugs(text):
    return sorted(search(Practice.objects.published(), text).values_list("slug", flat=True))


@pytest.fixture
def french_and_english():
    factories.practice(slug="ecoles", title="", title_fr="Budget participatif des écoles")
    factories.practice(
        slug="schools",
        title="Participatory budgeting in schools",
        summary="Pupils of the écoles élémentaires of Lyon vote on a share of the budget.",
    )
    factories.practice(slug="unrelated", title="Open contracting registers")


def test_a_french_query_finds_a_french_only_record_by_its_stems(french_and_english):
    assert found_slugs("budgets participatifs") == ["ecoles"]


def test_a_french_query_finds_french_and_english_records(french_and_english):
    assert found_slugs("ecoles") == ["ecoles", "schools"]
    assert found_slugs("budgets") == ["ecoles", "schools"]


def test_french_stems_join_plural_forms_english_stemming_would_not():
    factories.practice(slug="conseils", title="", title_fr="Conseils nationaux de la jeunesse")
    assert found_slugs("national") == ["conseils"]
    assert found_slugs("conseil jeunesse") == ["conseils"]


def test_accents_and_case_are_ignored_in_french():
    factories.practice(slug="ecoles", title="", title_fr="ÉCOLES ouvertes")
    assert found_slugs("écoles") == ["ecoles"]
    assert found_slugs("Ecole") == ["ecoles"]


def test_the_index_follows_a_french_version_added_later():
    practice = factories.practice(slug="cities", title="Cities that listen")
    assert found_slugs("villes") == []
    practice.title_fr = "Des villes à l'écoute"
    practice.save()
    assert found_slugs("villes") == ["cities"]
    practice.title_fr = None
    practice.save()
    assert found_slugs("villes") == []


def test_a_french_theme_name_finds_its_practices():
    practice = factories.practice(slug="dashboards", title="Civic dashboards")
    practice.themes.add("Open government")
    theme = practice.themes.get()
    theme.name_fr = "Gouvernement ouvert"
    theme.save()
    assert found_slugs("gouvernements ouverts") == ["dashboards"]


def test_excluding_a_word_excludes_it_in_both_languages():
    factories.practice(slug="ecoles", title="", title_fr="Budget participatif des écoles")
    factories.practice(slug="towns", title="Participatory budgeting in towns")
    assert found_slugs("budget -ecoles") == ["towns"]
    assert found_slugs("-ecoles") == ["towns"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the French FTS5 table is SQLite's")
def test_a_deleted_practice_leaves_the_french_index():
    practice = factories.practice(slug="ecoles", title="", title_fr="Budget participatif des écoles")
    Practice.objects.filter(pk=practice.pk).delete()  # a bulk delete, without signals
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {FRENCH_FTS_TABLE}")  # noqa: S608
        assert cursor.fetchone() == (0,)
