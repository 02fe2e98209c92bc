"""Snippets: the searched words highlighted in context, everything else escaped."""

import importlib
import random

import pytest

from practices.search import snippets
from tests import factories

# The module itself: `practices.search` exports its function of the same name.
snippet_text = importlib.import_module("practices.search.snippets")

pytestmark = pytest.mark.django_db


def test_snippets_highlight_the_words():
    practice = factories.practice(
        title="Starter kit",
        body_markdown="The kit helps public servants who are new to anticipatory innovation try it out.",
    )
    html = snippets([practice], "anticipatory")[practice.pk].html
    assert "<mark>anticipatory</mark>" in html.lower()
    assert "public servants" in html


def test_snippets_escape_the_text_around_the_marks():
    practice = factories.practice(
        title="Markup", body_markdown="Write &lt;script&gt; carefully, said the anticipatory team."
    )
    html = snippets([practice], "anticipatory")[practice.pk].html
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert html.count("<mark>") == html.count("</mark>") >= 1


@pytest.mark.parametrize("seed", range(3))
def test_the_sentence_and_moment_are_found_however_far_back_they_start(seed):
    """Reading backwards in windows finds what reading the whole text from its start finds."""
    rng = random.Random(seed)
    pieces = []
    for _ in range(400):
        words = " ".join(rng.choice(["policy", "lab", "data", "e.g", "Mr."]) for _ in range(rng.randint(1, 400)))
        end = rng.choice([". ", "!  ", "? ", "\n\n", " ", ", "])
        moment = f"[00:{rng.randint(0, 59):02}:{rng.randint(0, 59):02}] " if rng.random() < 0.1 else ""
        pieces.append(moment + words + end)
    text = "".join(pieces)
    for position in rng.sample(range(len(text)), 60):
        starts = [m.end() for m in snippet_text.SENTENCE_END_RE.finditer(text, 0, position)]
        moments = list(snippet_text.TIMESTAMP_RE.finditer(text, 0, position))
        start, _end = snippet_text._sentence_around(text, position)
        assert start == (starts[-1] if starts else 0)
        found = snippet_text._last_match(snippet_text.TIMESTAMP_RE, text, position)
        assert (found and found.span()) == (moments[-1].span() if moments else None)
