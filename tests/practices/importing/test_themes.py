"""Spelling variants of a theme: which join, which stay apart, and the name a joined theme shows."""

from collections import Counter

import pytest

from practices.importing.parser import normalise_target
from practices.importing.themes import join_key, readable_name, singular


def joined(*spellings):
    return len({join_key(normalise_target(spelling)) for spelling in spellings}) == 1


@pytest.mark.parametrize(
    "spellings",
    [
        # case and accents
        ("Public Sector Innovation", "public sector innovation", "PUBLIC SECTOR INNOVATION"),
        ("Café policy", "cafe policy"),
        # hyphens, spaces and underscores, and a hyphen lost in the machine-written source
        ("Mission-oriented innovation", "mission_oriented_innovation", "Mission oriented innovation"),
        ("Missionoriented innovation", "Mission oriented innovation"),
        # articles
        ("The OPSI Toolkit Navigator", "OPSI toolkit navigator"),
        ("A mission economy", "mission economy"),
        # singular and plural
        ("Innovation ecosystem", "Innovation ecosystems"),
        ("Regulatory sandboxes", "Regulatory sandbox"),
        ("Public policies", "Public policy"),
        # "in the" and "in"
        ("Innovation in public sector", "Innovation in the public sector"),
        # "X in Y" and "Y X"
        ("Public Sector Innovation", "innovation in the public sector", "Innovation in Public Sector"),
        ("Innovation in government", "government innovation"),
    ],
)
def test_spelling_variants_join(spellings):
    assert joined(*spellings)


@pytest.mark.parametrize(
    "spellings",
    [
        ("Innovation ecosystem", "Innovation economy"),
        ("Public sector innovation", "Private sector innovation"),
        ("Innovation in government", "Innovation in public sector"),
        ("Anticipatory innovation", "Mission-oriented innovation"),
        # only short sides turn around: a long sentence keeps its order
        (
            "Challenges of public sector innovation in small countries",
            "Small countries challenges of public sector innovation",
        ),
    ],
)
def test_different_topics_stay_apart(spellings):
    assert not joined(*spellings)


@pytest.mark.parametrize("word", ["lens", "canvas", "analysis", "process", "status", "campus", "ai", "us"])
def test_words_that_only_look_plural_stay_as_they_are(word):
    assert singular(word) == word


def test_a_joined_theme_is_named_by_its_most_used_spelling():
    assert readable_name(Counter({"Public sector innovation": 3, "innovation in the public sector": 1})) == (
        "Public sector innovation"
    )


def test_a_spelling_that_lost_its_hyphen_never_names_the_theme():
    votes = Counter({"Missionoriented innovation": 9, "Mission-oriented innovation": 2})
    assert readable_name(votes) == "Mission-oriented innovation"


def test_capitals_written_by_a_person_win_over_a_lower_case_file_name_on_a_tie():
    assert readable_name(Counter({"opsi toolkit navigator": 2, "OPSI Toolkit Navigator": 2})) == (
        "OPSI Toolkit Navigator"
    )


def test_the_name_starts_with_a_capital():
    assert readable_name(Counter({"anticipatory innovation": 1})) == "Anticipatory innovation"
