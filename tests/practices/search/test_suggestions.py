""" "Did you mean": the closest title or theme words when nothing matches."""

import pytest
from django.db import connection
from django.utils import translation

from practices.models import Practice
from practices.search import suggest
from practices.search.suggestions import published_titles
from tests import factories
from tests.practices.search import found

pytestmark = pytest.mark.django_db


def test_misspelt_word_gets_a_suggestion_that_finds_the_practice():
    factories.practice(title="Anticipatory innovation starter kit")
    factories.practice(title="Tax forms")
    assert found("anticipatroy") == []
    suggestion = suggest("anticipatroy kit")
    assert suggestion == "anticipatory kit"
    assert found(suggestion) == ["Anticipatory innovation starter kit"]


def test_no_suggestion_for_words_that_exist():
    factories.practice(title="Anticipatory innovation")
    assert suggest("innovation") is None


def test_words_of_french_titles_and_theme_names_are_suggested_whatever_the_page_language():
    factories.practice(title="Citizen budgets", title_fr="Budgets citoyens")
    factories.theme(name="Foresight", name_fr="Prospective")
    with translation.override("en"):
        assert suggest("citoyenss") == "citoyens"
        assert suggest("prospectiv") == "prospective"
    with translation.override("fr"):
        assert suggest("budgetz citizn") == "budgets citizen"


def test_drafts_lend_no_words():
    factories.practice(title="Anticipatory innovation", status=Practice.Status.DRAFT)
    assert suggest("anticipatroy") is None


def test_the_words_of_titles_come_from_an_index_not_the_practice_rows():
    """SQLite keeps a practice's status and French title behind its note's texts (migration 0022)."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL finds the words through its trigram index")
    sql, params = published_titles().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = [row[3] for row in cursor.fetchall()]
    assert plan == ["SEARCH practices_practice USING COVERING INDEX practices_practice_status_titles (status=?)"]
