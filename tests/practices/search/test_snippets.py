"""Snippets: the searched words highlighted in context, everything else escaped."""

import pytest

from practices.search import snippets
from tests import factories

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
