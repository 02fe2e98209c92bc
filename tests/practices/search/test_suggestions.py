""" "Did you mean": the closest title or theme words when nothing matches."""

import pytest

from practices.search import suggest
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
