"""The search box's language: words, "phrases", -exclusion, or."""

from practices.search import parse


def test_parse_reads_web_search_syntax():
    parsed = parse('"open data" -health foresight or tax')
    assert [[(t.text, t.negated) for t in alt] for alt in parsed.alternatives] == [
        [("open data", False), ("health", True), ("foresight", False)],
        [("tax", False)],
    ]
