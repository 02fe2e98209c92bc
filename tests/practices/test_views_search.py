"""Searching from the practice list: ranked results, highlighted words, typos, filters, caching."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

URL = reverse("practices:practice_list")


def titles(response):
    return [practice.title for practice in response.context["page"].object_list]


def test_search_lists_title_matches_before_text_matches(client):
    factories.practice(title="Civic dashboards", body_markdown="Dashboards of participatory budgeting results.")
    factories.practice(title="Participatory budgeting in towns", body_markdown="Citizens vote.")
    response = client.get(URL, {"q": "participatory budgeting"})
    assert titles(response) == ["Participatory budgeting in towns", "Civic dashboards"]


def test_results_show_the_words_highlighted_in_context(client):
    factories.practice(title="Starter kit", body_markdown="Managers new to <b>anticipatory</b> innovation use the kit.")
    response = client.get(URL, {"q": "anticipatory"})
    html = response.content.decode()
    assert '<p class="snippet">' in html
    assert "<mark>anticipatory</mark>" in html.lower()


def test_search_with_a_country_filter_returns_the_intersection(client):
    portugal, denmark = factories.country("PT"), factories.country("DK")
    wanted = factories.rich_practice(title="Innovation labs in Lisbon", countries=[portugal])
    factories.rich_practice(title="Innovation labs in Aarhus", countries=[denmark])
    factories.rich_practice(title="Tax forms", countries=[portugal])
    response = client.get(URL, {"q": "innovation labs", "country": "portugal"})
    assert titles(response) == [wanted.title]


def test_a_misspelt_word_shows_did_you_mean_and_the_practice(client):
    factories.practice(title="Anticipatory innovation starter kit")
    response = client.get(URL, {"q": "anticipatroy"})
    assert response.status_code == 200
    assert response.context["suggestion"] == "anticipatory"
    assert titles(response) == ["Anticipatory innovation starter kit"]
    html = response.content.decode()
    assert "No practice matches “anticipatroy”" in html
    assert "Best match" in html


def test_words_that_match_outside_the_filters_get_no_did_you_mean(client):
    """Nothing under these filters is not nothing at all: the list says so instead of changing the words."""
    portugal = factories.country("PT")
    # Its word is in a summary, not a title, so "did you mean" would offer the title word "anticipation".
    factories.rich_practice(
        title="Foresight in Denmark", summary="Anticipatory governance.", countries=[factories.country("DK")]
    )
    factories.rich_practice(title="Anticipation games", countries=[portugal])
    response = client.get(URL, {"q": "anticipatory", "country": "portugal"})
    assert titles(response) == []
    assert response.context["suggestion"] is None
    assert "No published practice matches these filters" in response.content.decode()


def test_a_search_with_no_close_word_says_nothing_matches(client):
    factories.practice(title="Anticipatory innovation")
    response = client.get(URL, {"q": "zzzzqqq"})
    assert titles(response) == []
    assert response.context["suggestion"] is None


# Transaction control and the planner setting a search sends around its query are not data queries.
CONTROL = ("SAVEPOINT", "RELEASE", "SET ", "BEGIN", "COMMIT")


def data_queries(captured):
    return [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(CONTROL)]


def test_search_page_queries_do_not_grow_with_the_page(client):
    def make(n):
        for i in range(n):
            factories.rich_practice(
                title=f"Open budgeting {i}", themes=[factories.theme()], countries=[factories.country("PT")]
            )

    def queries():
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL, {"q": "budgeting", "country": "portugal"})
        assert response.status_code == 200
        return data_queries(captured)

    make(2)
    small = queries()
    make(15)
    large = queries()
    assert len(large) == len(small)
    # The data version, the chosen country, the ids the text matches, the ranked page's ids, its
    # practices, their themes and countries (ids, then records), the snippets; and what a process
    # builds once per data version: the bits of the three link tables and of the published
    # practices (`facet_bits`), the map's countries, and on SQLite the list's order of the published
    # practices (`search.sqlite.recency`).
    assert len(large) <= 16, len(large)


def grouped(captured):
    return sum("GROUP BY" in query["sql"] for query in captured.captured_queries)


def test_facet_counts_are_cached_until_the_data_changes(client):
    portugal = factories.country("PT")
    factories.rich_practice(title="One", countries=[portugal])
    with CaptureQueriesContext(connection) as first:
        client.get(URL)
    with CaptureQueriesContext(connection) as repeat:
        client.get(URL, {"page": "1"})  # another URL, so the page itself is not cached, same filters
    # The three facets are one GROUP BY query each (SQLite: one query of three, none being chosen;
    # their options' records are held by the process until the data changes); the repeat reads the
    # counts from the cache.
    facet_queries = 1 if connection.vendor == "sqlite" else 3
    assert [grouped(first), grouped(repeat)] == [facet_queries, 0]
    # The facets' queries, the country's record and the map's countries (`world_map._held_facts`)
    # are not asked again.
    assert len(repeat.captured_queries) == len(first.captured_queries) - facet_queries - 2
    factories.rich_practice(title="Two", countries=[portugal])
    response = client.get(URL)
    countries = next(f for f in response.context["facets"] if f["name"] == "country")
    assert [(option.slug, option.count) for option in countries["options"]] == [("portugal", 2)]


def test_practice_page_answers_not_modified_until_the_data_changes(client):
    practice = factories.practice(title="Cached page")
    url = practice.get_absolute_url()
    first = client.get(url)
    etag = first.headers["ETag"]
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    practice.title = "Renamed page"
    practice.save()
    again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 200
    assert "Renamed page" in again.content.decode()


def test_country_page_answers_not_modified_until_a_mention_changes(client):
    portugal = factories.country("PT")
    url = portugal.get_absolute_url()
    etag = client.get(url).headers["ETag"]
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    factories.rich_practice(title="New in Portugal", countries=[portugal])
    assert client.get(url, headers={"if-none-match": etag}).status_code == 200


def test_home_counts_follow_a_new_practice(client):
    client.get(reverse("practices:home"))
    factories.practice(title="Fresh")
    assert client.get(reverse("practices:home")).context["practice_count"] == 1


def test_every_match_is_listed_and_counted(client):
    for n in range(23):
        factories.practice(title=f"Open budgeting in town {n}")
    factories.practice(title="Tax forms")
    response = client.get(URL, {"q": "budgeting"})
    assert response.context["page"].paginator.count == 23
    assert len(titles(response)) == 20
    html = response.content.decode()
    assert "23 practices, page 1 of 2" in html
    assert "newest" not in html


def test_page_title_and_heading_say_what_was_searched(client):
    factories.practice(title="Open budgeting")
    html = client.get(URL, {"q": "budgeting"}).content.decode()
    assert "<title>Practices matching “budgeting”" in html
    assert "<h1>Practices matching “budgeting”</h1>" in html


def test_a_search_card_shows_the_snippet_instead_of_the_summary(client):
    factories.practice(
        title="Starter kit",
        summary="A kit for managers.",
        body_markdown="Managers new to anticipatory innovation use the kit.",
    )
    html = client.get(URL, {"q": "anticipatory"}).content.decode()
    assert "<mark>anticipatory</mark>" in html
    assert "A kit for managers." not in html
    html = client.get(URL).content.decode()
    assert "A kit for managers." in html


def test_watch_from_here_links_to_the_moment_of_the_matching_sentence(client):
    video = factories.video(youtube_id="_HySsiq_l6A")
    factories.practice(
        title="Starter kit",
        source_video=video,
        body_markdown=(
            "The session opens with introductions [00:00:05]. Nothing else yet.\n\n"
            "Then a long stretch about budgets [00:01:00]. Portugal adopted the anticipatory "
            "innovation starter kit in the pilot.\n\nThe end [00:09:00]."
        ),
    )
    response = client.get(URL, {"q": "anticipatory"})
    snippet = response.context["page"].object_list[0].snippet
    # The sentence has no timestamp of its own: the nearest one before it, 00:01:00, is its moment.
    assert snippet.seconds == 60
    assert snippet.url == "https://www.youtube.com/watch?v=_HySsiq_l6A&t=60"
    assert "Portugal adopted the <mark>anticipatory</mark>" in str(snippet.html)
    html = response.content.decode()
    assert 'href="https://www.youtube.com/watch?v=_HySsiq_l6A&amp;t=60">Watch from here (00:01:00)</a>' in html


def test_watch_from_here_prefers_the_sentences_own_timestamp(client):
    video = factories.video(youtube_id="_HySsiq_l6A")
    factories.practice(
        title="Starter kit",
        source_video=video,
        body_markdown="Intro [00:00:05]. The kit was piloted in Portugal in sandboxes [00:02:16]. Outro [00:03:00].",
    )
    snippet = client.get(URL, {"q": "sandbox"}).context["page"].object_list[0].snippet
    assert snippet.seconds == 136


def test_a_query_with_too_many_terms_gets_a_clear_message(client):
    factories.practice(title="Open budgeting")
    response = client.get(URL, {"q": " or ".join(f"word{n}" for n in range(30))})
    assert response.status_code == 400
    assert "too many words or phrases (at most 10)" in response.content.decode()
    # The search is left out, as any invalid filter: the list is shown whole.
    assert titles(response) == ["Open budgeting"]


@pytest.mark.parametrize("query", ['"', "*", "-", "or", '""', "- -", "or or", "(", "NEAR(", "{title}: x", "\x00"])
@pytest.mark.parametrize("filters", [{}, {"country": "portugal", "theme": "labs"}, {"sort": "title"}])
def test_a_query_without_words_to_look_for_lists_nothing_and_never_fails(client, settings, query, filters):
    settings.THROTTLE_SEARCH = "1000/m"
    practice = factories.rich_practice(title="Open budgeting", countries=[factories.country("PT")], themes=["Labs"])
    response = client.get(URL, {"q": query, **filters})
    assert response.status_code in (200, 400)
    assert practice.title not in titles(response) or response.status_code == 400


def test_the_next_page_of_a_search_counts_nothing_again(client):
    for n in range(25):
        factories.practice(title=f"Budgeting pilot {n}")
    first = client.get(URL, {"q": "budgeting"})
    assert first.context["page"].paginator.count == 25
    with CaptureQueriesContext(connection) as captured:
        second = client.get(URL, {"q": "budgeting", "page": 2})
    assert len(titles(second)) == 5
    assert second.context["page"].paginator.count == 25
    # The count of matches and the facets' counts were cached with the first page, until the data changes.
    assert [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()] == []
