"""Finding and ranking: what a user typing words into the list's search box gets, on both databases."""

import pytest
from django.db import connection

from practices.models import Practice
from practices.search import refresh_search_vector, search
from tests import factories
from tests.practices.search import found, old_title_among_newer_text_matches, on_postgresql

pytestmark = pytest.mark.django_db


def test_title_match_ranks_above_body_match():
    factories.practice(title="Civic dashboards", body_markdown="A note about budgeting and planning.")
    factories.practice(title="Participatory budgeting", body_markdown="Citizens vote on spending.")
    assert found("budgeting") == ["Participatory budgeting", "Civic dashboards"]


def test_every_word_must_match():
    factories.practice(title="Open data portals", body_markdown="Publishing datasets.")
    factories.practice(title="Open government", body_markdown="Transparency of decisions.")
    assert found("open data") == ["Open data portals"]


def test_quoted_phrase_matches_only_the_words_together():
    factories.practice(title="Together", body_markdown="We built an open government partnership.")
    factories.practice(title="Apart", body_markdown="The government made the data open to all.")
    assert found('"open government"') == ["Together"]


def hyphenated_words_library():
    for title, text in [
        ("Hyphenated", "Teams co-design the service."),
        ("Spaced", "Teams co design the service."),
        ("Inflected", "Services co-designed with users."),
        ("Twice", "A co-design lab, then co design again."),
        ("Apart", "Design by a co op."),
        ("Longer word", "A co-design-led review."),
        # "co-create" and "co-creation" share PostgreSQL's stem of the whole word, not their last parts'.
        ("Other word", "Citizens co-create services. The creation of value and of design matters."),
    ]:
        factories.practice(title=title, body_html=f"<p>{text} Budget.</p>")


@pytest.mark.parametrize("text", ["co-design", "Co-Design", '"co design"', "co-designs"])
def test_a_hyphenated_word_matches_its_words_together_as_typed_or_spaced(text):
    hyphenated_words_library()
    assert sorted(found(text)) == ["Hyphenated", "Inflected", "Longer word", "Spaced", "Twice"]


def test_a_hyphenated_word_excludes_and_combines_like_any_phrase():
    hyphenated_words_library()
    assert sorted(found("budget -co-design")) == ["Apart", "Other word"]
    assert sorted(found("co-design service")) == ["Hyphenated", "Inflected", "Spaced"]
    assert sorted(found("co-design users or op")) == ["Apart", "Inflected"]
    # Its parts apart, or another hyphenated word with the same stem, are not the word.
    assert found("co-creation") == []
    assert sorted(found("budget -co-creation")) == sorted(found("budget"))


def test_minus_excludes_a_word():
    factories.practice(title="Service design in health", body_markdown="Hospitals redesign journeys.")
    factories.practice(title="Service design in tax", body_markdown="Filing made simple.")
    assert found("service design -health") == ["Service design in tax"]


def test_a_lone_exclusion_keeps_everything_else():
    factories.practice(title="Tax forms")
    factories.practice(title="Health journeys")
    assert found("-tax") == ["Health journeys"]


def test_or_matches_either_word():
    factories.practice(title="Foresight unit", body_markdown="Scenarios.")
    factories.practice(title="Behavioural insights", body_markdown="Nudges.")
    factories.practice(title="Procurement reform", body_markdown="Tenders.")
    assert sorted(found("foresight or behavioural")) == ["Behavioural insights", "Foresight unit"]


def test_drafts_are_not_found():
    factories.practice(title="Secret lab", status=Practice.Status.DRAFT)
    assert found("secret") == []


def test_empty_text_leaves_the_list_alone():
    factories.practice(title="Anything")
    assert found("   ") == ["Anything"]


def test_themes_and_countries_are_searched():
    practice = factories.practice(title="Kit for starters", body_markdown="Nothing else here.")
    practice.themes.add("Anticipatory governance")
    practice.countries.add(factories.country("PT"))
    assert found("governance") == ["Kit for starters"]
    assert found("portugal") == ["Kit for starters"]


def test_search_with_filters_returns_the_intersection():
    portugal, denmark = factories.country("PT"), factories.country("DK")
    both = factories.practice(title="Innovation labs in Portugal")
    both.countries.add(portugal)
    factories.practice(title="Innovation labs in Denmark").countries.add(denmark)
    factories.practice(title="Tax forms").countries.add(portugal)
    assert found("innovation labs", Practice.objects.published().filter(countries=portugal)) == [both.title]


def test_search_plan_uses_the_index():
    """EXPLAIN (PostgreSQL) or EXPLAIN QUERY PLAN (SQLite) of the search shows its full-text index."""
    Practice.objects.bulk_create(
        Practice(title=f"Practice {n}", slug=f"bulk-{n}", status=Practice.Status.PUBLISHED, summary="Plain words.")
        for n in range(3000)
    )
    factories.practice(title="Transparency of budgets")
    refresh_search_vector(Practice.objects.values_list("pk", flat=True))
    if on_postgresql():
        # At 3,000 short rows the planner rightly prefers reading every row (a sequential scan, or
        # the primary key's index in order, filtering each row); the test forbids both (SET LOCAL,
        # inside the test's transaction) to show the GIN index answers the search, as it does
        # unforced at 100,000 rows (see the benchmark).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE practices_practice")
            cursor.execute("ANALYZE practices_search_row")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
        # Without the published() filter, whose status index the planner may take instead and then
        # match each row, so the plan shows what answers the text condition itself: the search
        # rows' index, the only index of the text.
        assert "practices_search_row_match_idx" in search(Practice.objects.all(), "transparency").explain()
    else:
        plan = search(Practice.objects.published(), "transparency").explain()
        assert "VIRTUAL TABLE INDEX" in plan and "practices_search" in plan, plan
        # bm25 is read in one pass over the matches, never once per row: a correlated subquery
        # recounts the word's matches for every row, which took seconds for a common word.
        assert "CORRELATED" not in plan, plan
        # Scored from the index without the text, whose positions bm25 would otherwise read.
        assert "SCAN practices_search_head VIRTUAL TABLE INDEX" in plan, plan
    assert found("transparency") == ["Transparency of budgets"]


def test_a_search_with_a_filter_lists_only_the_practices_of_both(client):
    portugal, denmark = factories.country("PT"), factories.country("DK")
    older = factories.rich_practice(title="Open budgeting in Porto", countries=[portugal])
    for town in ("Aarhus", "Odense", "Aalborg"):
        factories.rich_practice(title=f"Open budgeting in {town}", countries=[denmark])
    response = client.get("/practices/", {"q": "budgeting", "country": "portugal"})
    assert [p.title for p in response.context["page"].object_list] == [older.title]


def test_an_old_title_match_ranks_first_among_many_newer_text_matches():
    body = "<p>Note {n} mentions regulatory sandboxes in passing, and regulatory sandboxes again.</p>"
    old_title_among_newer_text_matches(1200, body)
    results = search(Practice.objects.published(), "regulatory sandboxes")
    assert results.count() == 1201
    assert results[0].title == "Regulatory sandboxes"


def test_accents_and_case_are_ignored():
    factories.practice(title="Política de innovación pública")
    factories.practice(title="Tax forms")
    assert found("POLITICA innovacion") == ["Política de innovación pública"]
    assert found("política") == ["Política de innovación pública"]


def test_english_words_are_stemmed_on_both_databases():
    factories.practice(title="Budgets of cities")
    assert found("budgeting city") == ["Budgets of cities"]


@pytest.mark.parametrize(
    "text", ['"', "-", "or", "OR or", '"unclosed phrase', "NEAR(a b)", "a AND", "*", "title:budget", "-'", "'''"]
)
def test_operator_characters_are_read_as_text_not_syntax(text):
    factories.practice(title="Budget title")
    found(text)  # no database error: every word reaches the index as a quoted string or a lexeme


def test_whether_a_query_matches_any_published_practice_at_all():
    """The list's "did you mean" asks it; on PostgreSQL one query gathers the matches from the GIN index first."""
    from practices.search import matches_any_published

    factories.practice(title="Participatory budgeting")
    factories.practice(title="Quinquennial review", status=Practice.Status.DRAFT)
    assert matches_any_published("budgeting")
    assert matches_any_published("BUDGETS -towns")
    assert not matches_any_published("quinquennial")  # a draft only
    assert not matches_any_published("zzzqx")
    assert not matches_any_published('"')  # no word to look for
    if on_postgresql():
        from django.test.utils import CaptureQueriesContext

        # One query, gathering the matches before asking for one: `.exists()` (LIMIT 1) made the
        # planner test every search row's vector in turn, 400 ms at 30,000 practices.
        with CaptureQueriesContext(connection) as queries:
            matches_any_published("zzzqx")
        (query,) = queries.captured_queries
        assert "AS MATERIALIZED" in query["sql"] and "LIMIT" not in query["sql"].upper(), query["sql"]
