"""Fuzzing for time as well as exceptions: notes made of risky pieces repeated thousands of times.

A pattern that backtracks shows up as a quadratic or cubic cost on repeated pieces; every step of
reading a note must stay within a fraction of a second on these inputs, and raise nothing but
`NoteError`.
"""

import os
import time

import pytest
from django_countries import countries
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from practices.importing.detection import country_gazetteer, find
from practices.importing.parser import NoteError, parse_note
from practices.importing.sentences import sentences_of, summary_of
from practices.rendering import render_note

# Pieces that have made a pattern backtrack, and the syntax around them.
PIECES = [
    " ",
    "\t",
    "\n",
    "\n\n",
    "#",
    "## ",
    "[",
    "]",
    "[[",
    "]]",
    "(",
    ")",
    "![",
    "<",
    ">",
    "<a ",
    '<a class="yt-timestamp">',
    "</a>",
    "[00:01:02]",
    "1:2:3]",
    ",",
    ", ",
    ".",
    "Georgia ",
    "in ",
    "Denmark",
    "From: [[x]]",
    "<br>",
    "*",
    "_",
    "`",
    "```",
    "> ",
    "[!tip] ",
    "- ",
    "1. ",
    "|",
    "&",
    "\\",
    "word ",
]
MAX_LENGTH = 30_000
# A few seconds in CI; FUZZ_EXAMPLES=500 for a longer hunt.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 30))
# CPU seconds, so a busy machine does not fail the test; the patterns fixed here took tens of
# seconds on such inputs, and the slowest step now takes about half a second.
SECONDS = 2
GAZETTEER = country_gazetteer((code, name) for code, name in countries)


@st.composite
def hostile_texts(draw):
    unit = "".join(draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=4)))
    times = draw(st.integers(min_value=1, max_value=MAX_LENGTH // len(unit)))
    prefix = draw(st.sampled_from(["", "---\ntitle: T\nvideoId: _HySsiq_l6A\n---\n"]))
    return prefix + unit * times


def timed(step, *args):
    started = time.process_time()
    value = step(*args)
    elapsed = time.process_time() - started
    assert elapsed < SECONDS, f"{step.__name__} took {elapsed:.2f} s"
    return value


@pytest.fixture(scope="module", autouse=True)
def warm_renderer():
    """The first render loads the URL configuration: a cost of the process, not of the note."""
    render_note("warm up")


@settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(hostile_texts())
def test_reading_a_hostile_note_is_fast_and_raises_only_note_errors(text):
    try:
        note = timed(parse_note, "fuzz", text)
    except NoteError:
        return
    sentences = timed(sentences_of, note.body)
    timed(summary_of, note.body)
    timed(find, sentences, GAZETTEER)
    timed(render_note, note.body, "_HySsiq_l6A")
