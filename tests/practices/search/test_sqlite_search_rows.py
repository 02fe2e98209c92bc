"""SQLite ranks the list's search from the matches it counts, the FTS5 scores of their titles, summaries and
topics, and the order of `practices_search_row`.

The rows (migration 0019, SQLite only) hold whether each practice is published and its date; they
follow every way a practice is written. The ranked page reads no practice row, and gives the order
and the filters `ranking.search` gives.
"""

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import urlencode
from pyroaring import BitMap64

from practices.models import Practice, Strength
from practices.search import rebuild_search_index, sqlite
from practices.search.sqlite import TABLE, HeadScores, Recency, SqliteSearchRows, best_first, newest_first
from practices.views import filtered_practices
from tests import factories
from tests.practices.search import LIST, found, listed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL ranks from its own search rows (test_search_rows.py)")


def rows():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, published, published_at FROM {TABLE} ORDER BY id")  # noqa: S608
        return {pk: (bool(published), published_at) for pk, published, published_at in cursor.fetchall()}


def expected_rows():
    practices = Practice.objects.order_by("pk").values_list("pk", "status", "published_at")
    return {pk: (status == Practice.Status.PUBLISHED, when) for pk, status, when in practices}


def same_rows():
    # The row keeps the date as SQLite stores it: compare with the text Django wrote (the cast keeps
    # Django from reading it back as a datetime).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, status = 'published', CAST(published_at AS TEXT) FROM practices_practice ORDER BY id"
        )
        stored = {pk: (bool(published), when) for pk, published, when in cursor.fetchall()}
    return rows() == stored and rows().keys() == expected_rows().keys()


def test_the_search_row_triggers_exist_after_every_migration():
    # A later migration that rebuilds the practices table (Django does so on SQLite to alter a
    # column) drops the triggers on it; it must create them again, as 0012 did for another one.
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'practices_practice'")
        triggers = {name for (name,) in cursor.fetchall()}
    assert {"practices_search_row_insert", "practices_search_row_update", "practices_search_row_delete"} <= triggers


def test_rows_follow_every_way_a_practice_is_written():
    draft = factories.practice(status=Practice.Status.DRAFT)
    published = factories.practice()
    assert same_rows() and rows()[draft.pk][0] is False and rows()[published.pk][0] is True
    draft.status = Practice.Status.PUBLISHED
    draft.save()
    assert rows()[draft.pk][0] is True and rows()[draft.pk][1] is not None
    Practice.objects.filter(pk=published.pk).update(status=Practice.Status.DRAFT)
    Practice.objects.filter(pk=draft.pk).update(published_at=timezone.now() - timedelta(days=400))
    assert same_rows() and rows()[published.pk][0] is False
    Practice.objects.bulk_create([Practice(title="Bulk", slug="bulk", status=Practice.Status.PUBLISHED)])
    assert same_rows()
    Practice.objects.filter(pk=draft.pk).delete()
    assert draft.pk not in rows() and same_rows()


def library():
    """Practices of various dates, in two countries (about or mentioned) and two themes, some drafts."""
    portugal, chile = factories.country("PT"), factories.country("CL")
    now = timezone.now()
    for n in range(45):
        practice = factories.practice(
            title=f"Budgeting lab {n}" if n % 3 == 0 else f"Practice {n}",
            summary="Open budgeting for towns." if n % 3 == 1 else "Plain words.",
            body_html=f"<p>Note {n} on budgeting.</p>",
            status=Practice.Status.DRAFT if n % 11 == 5 else Practice.Status.PUBLISHED,
        )
        practice.themes.add("Labs" if n % 2 else "Towns")
        factories.country_mention(practice, portugal if n % 4 else chile, strength=Strength.ABOUT)
        if n % 5 == 0 and n % 4:
            factories.country_mention(practice, chile, strength=Strength.MENTIONS)
        Practice.objects.filter(pk=practice.pk).update(published_at=now - timedelta(days=n % 6, minutes=n))
    return portugal, chile


@pytest.mark.parametrize(
    "params",
    [
        {"q": "budgeting"},
        {"q": "budgeting", "country": "chile"},
        {"q": "budgeting", "country": "chile", "mentions": "include"},
        {"q": "budgeting towns", "theme": "labs"},
        {"q": "budgeting -towns", "country": "portugal", "theme": "labs"},
    ],
)
def test_the_ranked_page_has_the_order_and_filters_of_search(client, params):
    library()
    filterset, _ = filtered_practices(QueryDict(urlencode(params)))
    assert isinstance(filterset.ranked_rows, SqliteSearchRows)
    expected = list(filterset.qs.values_list("title", flat=True))
    assert expected, "the case must find something"
    titles, count = listed(client, **params)
    assert titles == expected
    assert count == len(expected)


@pytest.mark.parametrize("text", ["budgeting", "towns", "note", '"note 12" or "note 24"', "budgeting -towns"])
def test_every_page_of_the_ranked_search_is_in_the_order_search_gives(text):
    """Scored matches and matches in the text alone, many and few, under filters, page after page."""
    library()
    for params in ({"q": text}, {"q": text, "country": "chile"}, {"q": text, "theme": "labs", "mentions": "include"}):
        filterset, _ = filtered_practices(QueryDict(urlencode(params)))
        expected = list(filterset.qs.values_list("pk", flat=True))
        ranked = [pk for offset in range(0, len(expected) + 4, 4) for pk in filterset.ranked_rows.ranked_ids(offset, 4)]
        assert ranked == expected, params


def library_in_two_languages(english_above_french=False):
    """The `library`, and practices the French index scores too: tied there, and above their English score.

    `english_above_french`: and two that score better in English than in French.
    """
    library()
    for n in range(6):
        factories.practice(title=f"Town {n}", title_fr="Budgeting des villes", body_html=f"<p>Town {n}.</p>")
    for n in range(2):
        factories.practice(title=f"Budgeting plan of the old town and its many streets {n}", title_fr="Budgeting")
    for n in range(2 if english_above_french else 0):
        factories.practice(title="Budgeting", title_fr=f"Budgeting de la vieille ville et de ses nombreuses rues {n}")


def every_ranked_page(params, size=4):
    filterset, _ = filtered_practices(QueryDict(urlencode(params)))
    expected = list(filterset.qs.values_list("pk", flat=True))
    pages = range(0, len(expected) + size, size)
    return [pk for offset in pages for pk in filterset.ranked_rows.ranked_ids(offset, size)], expected


@pytest.mark.parametrize("english_above_french", [False, True])
@pytest.mark.parametrize(
    ("wanted", "every_score_asked"),
    [
        (lambda need: 4 * need + 100, False),  # each index's best rows are all its rows
        (lambda need: need, True),  # cut among tied scores, and short of later pages
        (lambda need: 2 * need, True),
    ],
)
def test_pages_ranked_from_the_best_rows_are_those_every_score_gives(
    monkeypatch, wanted, every_score_asked, english_above_french
):
    """Many shown matches: a page is ranked from each index's best rows when they rank it, else from every score."""
    library_in_two_languages(english_above_french)
    monkeypatch.setattr(sqlite, "FEW_SHOWN", 0)
    monkeypatch.setattr(sqlite, "best_rows_wanted", wanted)
    asked = []
    every_score = SqliteSearchRows.head_scores
    monkeypatch.setattr(SqliteSearchRows, "head_scores", lambda rows: asked.append(1) or every_score(rows))
    # Every page takes the way under test, even once every score is held.
    monkeypatch.setattr(SqliteSearchRows, "held_head_scores", lambda rows: None)
    for text in ("budgeting", "towns", "budgeting -towns", '"note 12" or "note 24"'):
        for params in ({"q": text}, {"q": text, "country": "chile"}, {"q": text, "theme": "labs"}):
            ranked, expected = every_ranked_page(params)
            assert ranked == expected, params
    assert bool(asked) == every_score_asked


def test_pages_ranked_from_the_shown_matches_alone_are_those_every_score_gives(monkeypatch):
    library_in_two_languages(english_above_french=True)
    monkeypatch.setattr(SqliteSearchRows, "head_scores", lambda rows: pytest.fail("every score was asked"))
    for params in ({"q": "budgeting"}, {"q": "budgeting", "country": "chile"}, {"q": "open towns", "theme": "towns"}):
        ranked, expected = every_ranked_page(params)
        assert ranked == expected, params
    # Only the shown are scored: a few of a word's many practices.
    ranker = filtered_practices(QueryDict("q=budgeting&country=chile"))[0].ranked_rows
    shown, everyone = ranker.shown(), BitMap64(Practice.objects.values_list("pk", flat=True))
    assert 0 < len(ranker.scores_among(shown).ids) <= len(shown) < len(ranker.scores_among(everyone).ids)


def test_a_page_ranks_from_every_score_when_they_are_held(monkeypatch):
    library_in_two_languages()
    ranker = filtered_practices(QueryDict("q=budgeting"))[0].ranked_rows
    every_score = ranker.head_scores()
    for way in ("scores_among", "best_scores"):
        monkeypatch.setattr(SqliteSearchRows, way, lambda *args: pytest.fail("scored again"))
    assert ranker.scores_for(ranker.shown(), 20) is every_score
    ranked, expected = every_ranked_page({"q": "budgeting"})
    assert ranked == expected


def test_the_newest_of_few_or_many_matches_are_the_same_whichever_way_they_are_found():
    rng = random.Random(3)
    ids = rng.sample(range(1, 5000), 400)
    order = Recency(ids, {pk: place for place, pk in enumerate(ids)})
    for size in (1, 5, 49, 51, 200, 400):
        # Two practices published since the order was built come last, by id, both ways.
        matches = BitMap64(rng.sample(ids, size)) | BitMap64([5001, 5002])
        reference = [pk for pk in ids if pk in matches] + [5001, 5002]
        for skip, count in ((0, 20), (7, 3), (size - 2, 20), (size + 5, 20)):
            assert newest_first(matches, order, max(skip, 0), count) == reference[max(skip, 0) :][:count]


def test_the_ranked_page_reads_no_practice_row():
    library()
    filterset, _ = filtered_practices(QueryDict("q=budgeting&country=portugal&theme=labs"))
    filterset.bit_counts  # noqa: B018  (the matches come with the list's counts)
    with CaptureQueriesContext(connection) as captured:
        assert filterset.ranked_rows.ranked_ids(0, 20)
    # The scores come from the FTS5 indexes of titles, summaries and topics, the order of the rest
    # from the narrow rows: no practice row is read, so none of their overflow pages.
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            plans += [row[3] for row in cursor.fetchall()]
    assert not any("practices_practice" in step for step in plans), plans
    assert any("VIRTUAL TABLE" in step and "practices_search_head" in step for step in plans), plans


def test_a_query_without_words_to_score_is_ranked_by_the_queryset(client):
    factories.practice(title="Tax lab")
    factories.practice(title="Budget lab")
    filterset, _ = filtered_practices(QueryDict("q=-tax"))
    assert filterset.ranked_rows is None
    response = client.get(LIST, {"q": "-tax"})
    assert [practice.title for practice in response.context["page"].object_list] == found("-tax") == ["Budget lab"]


def head(text):
    """Titles of the practices whose title, summary or topics hold `text`, by the ranking index."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.title FROM practices_search_head AS h JOIN practices_practice AS p ON p.id = h.rowid"
            " WHERE practices_search_head MATCH %s ORDER BY p.title",
            [text],
        )
        return [title for (title,) in cursor.fetchall()]


def test_the_ranking_index_follows_saves_renames_deletes_and_a_rebuild():
    practice = factories.practice(title="Budget lab", summary="Towns decide.")
    practice.themes.add("Participation")
    assert head("budget") == head("towns") == head("participation") == ["Budget lab"]
    practice.title = "Citizen lab"
    practice.save()
    theme = practice.themes.get()
    theme.name = "Deliberation"
    theme.save()
    assert head("budget") == head("participation") == [] and head("deliberation") == ["Citizen lab"]
    rebuild_search_index()
    assert head("citizen") == head("deliberation") == ["Citizen lab"] and head("budget") == []
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO practices_search_head(practices_search_head) VALUES ('integrity-check')")
    practice.delete()
    assert head("citizen") == []


def test_a_word_excluded_from_the_text_excludes_a_title_match():
    # The ranking index has no text: "-tax" must still see the text, where this practice has it.
    factories.practice(title="Budget lab", body_html="<p>A tax on budgets.</p>")
    factories.practice(title="Budget school", body_html="<p>Schools decide.</p>")
    assert found("budget -tax") == ["Budget school"]
    assert found("budget") == ["Budget school", "Budget lab"] or found("budget") == ["Budget lab", "Budget school"]


def test_the_best_of_many_scores_are_those_a_full_sort_gives_ties_and_all():
    rng = random.Random(5)
    ids = rng.sample(range(1, 50_000), 3000)
    order = Recency(ids, {pk: place for place, pk in enumerate(ids)})
    # Few distinct scores, so the count-th best is tied with many others.
    scores = HeadScores.of([(pk, float(rng.randint(1, 9))) for pk in ids])
    for shown in (BitMap64(ids), BitMap64(rng.sample(ids, 200)), BitMap64(rng.sample(ids, 5))):
        scored = scores.among(shown)
        assert sorted(scored) == sorted((pk, scores.scores[list(scores.ids).index(pk)]) for pk in shown)
        reference = [pk for pk, score in sorted(scored, key=lambda pair: (-pair[1], order.place(pair[0])))]
        for count in (0, 1, 20, 37, len(scored), len(scored) + 3):
            assert best_first(scored, order, count) == reference[:count]


def test_held_scores_follow_the_data(client):
    library()
    titles, _ = listed(client, q="budgeting", country="chile")
    newest_plain = Practice.objects.filter(title__startswith="Practice", status=Practice.Status.PUBLISHED).first()
    newest_plain.title = "Budgeting budgeting"
    newest_plain.save()
    # The same search with another filter, then the first again: the new title ranks first in both.
    assert listed(client, q="budgeting")[0][0] == "Budgeting budgeting"
    assert listed(client, q="budgeting", theme=newest_plain.themes.first().slug)[0][0] == "Budgeting budgeting"
