"""The search box's language: words, "phrases", -exclusion, or."""

import pytest
from django.core.exceptions import ValidationError

from practices.search import parse
from practices.search.query import MAX_TERMS, validate_query


def test_parse_reads_web_search_syntax():
    parsed = parse('"open data" -health foresight or tax')
    assert [[(t.text, t.negated) for t in alt] for alt in parsed.alternatives] == [
        [("open data", False), ("health", True), ("foresight", False)],
        [("tax", False)],
    ]


def test_each_database_gets_the_same_query():
    parsed = parse('"open data" -health foresight or tax')
    assert parsed.websearch() == '"open data" -health foresight or tax'
    assert parsed.fts5_positive() == '(("open data" AND "foresight") NOT ("health")) OR ("tax")'
    assert parse("-tax").fts5_positive() is None
    assert parse("-tax").fts5_exclusions_only() == ['"tax"']


def test_query_with_too_many_terms_is_refused():
    validate_query(" ".join(f"w{n}" for n in range(MAX_TERMS)))
    with pytest.raises(ValidationError, match="too many words or phrases"):
        validate_query(" ".join(f"w{n}" for n in range(MAX_TERMS + 1)))
