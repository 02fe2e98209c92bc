"""The list's search page: PostgreSQL reads the narrow search rows; both databases give the same order.

The search rows (`practices_search_row`, PostgreSQL only) follow every way a practice changes: a
save, an admin save, a status changed in bulk, a theme rename, an import, a delete and a flush.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from practices.models import Practice
from practices.search import search
from practices.views import filtered_practices
from tests import factories
from tests.admin_forms import change_form
from tests.practices.search import LIST, listed, old_title_among_newer_text_matches, on_postgresql

pytestmark = pytest.mark.django_db


def search_row(pk):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT published, published_at, theme_ids, about_country_ids, rank_vector::text, vector::text"
            " FROM practices_search_row WHERE id = %s",
            [pk],
        )
        return cursor.fetchone()


@pytest.fixture
def postgresql_only():
    if not on_postgresql():
        pytest.skip("the search rows are PostgreSQL's; SQLite searches its FTS5 index")


@pytest.mark.parametrize("query", ["budgeting", "budgeting note", "budgeting -towns", '"budgeting lab" or towns'])
def test_the_list_ranks_and_counts_like_search_across_pages(client, query):
    """Title, summary, theme and text matches of various dates, over pages: the same order as `search`."""
    now = timezone.now()
    practices = []
    for n in range(60):
        where = n % 4
        practices.append(
            factories.practice(
                title=f"Budgeting lab {n}" if where == 0 else f"Practice {n}",
                summary="Open budgeting for towns." if where == 1 else "Plain words.",
                body_html=f"<p>Note {n} on budgeting.</p>" if n % 5 else "<p>Nothing here.</p>",
            )
        )
        practices[-1].themes.add("Budgeting" if where == 2 else "Labs")
        Practice.objects.filter(pk=practices[-1].pk).update(published_at=now - timedelta(days=n % 7, minutes=n))
    Practice.objects.filter(pk=practices[3].pk).update(status=Practice.Status.DRAFT)
    expected = list(search(Practice.objects.published(), query).values_list("title", flat=True))
    assert len(expected) > 20
    titles, count = listed(client, q=query)
    assert titles == expected
    assert count == len(expected)
    assert "Practice 3" not in titles
    # Under a filter: the first page is ranked with the matches on PostgreSQL, later ones apart.
    filterset, _ = filtered_practices(QueryDict(urlencode({"q": query, "theme": "labs"})))
    expected = list(filterset.qs.values_list("title", flat=True))
    assert listed(client, q=query, theme="labs") == (expected, len(expected))


def test_an_old_title_match_ranks_first_on_the_list_among_many_newer_text_matches(client):
    old_title_among_newer_text_matches(1100, "<p>Note {n} mentions regulatory sandboxes in passing.</p>")
    response = client.get(LIST, {"q": "regulatory sandboxes"})
    page = response.context["page"]
    assert page.paginator.count == 1101
    assert [p.title for p in page.object_list][:2] == ["Regulatory sandboxes", "Practice 0"]


def test_a_search_page_with_filters_reads_only_the_search_rows(client, postgresql_only):
    portugal = factories.country("PT")
    for n in range(3):
        factories.rich_practice(title=f"Budgeting {n}", themes=["Budgets"], countries=[portugal])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST, {"q": "budgeting", "country": "portugal", "theme": "budgets"})
    assert response.context["page"].paginator.count == 3
    # The matches' ids (the count and the facets come from them) with the ranked first page, in one
    # query that does not read the practice rows.
    searching = [q["sql"] for q in captured.captured_queries if "practices_search_row" in q["sql"]]
    assert len(searching) == 1, searching
    assert not [sql for sql in searching if "practices_practice" in sql]


def test_a_phrase_is_ranked_among_the_matches_the_page_found(client, postgresql_only):
    """A phrase is matched once per page: its first page is ranked in the pass that finds its matches, a
    later page among the ids the page found, not the vectors again."""
    for n in range(25):
        factories.practice(title=f"Co-design lab {n}" if n % 2 else f"Practice {n}", summary="Design with co-workers.")
    factories.practice(title="Design, co-owned", summary="Nothing in a row.")
    expected = list(search(Practice.objects.published(), "co-design").values_list("title", flat=True))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST, {"q": "co-design"})
    matched = [q["sql"] for q in captured.captured_queries if "s.vector @@" in q["sql"]]
    assert len(matched) == 1 and "ts_rank" in matched[0]
    assert [p.title for p in response.context["page"].object_list] == expected[:20]
    assert response.context["page"].paginator.count == len(expected) == 12
    filterset, _ = filtered_practices(QueryDict("q=co-design"))
    rows = filterset.search_rows
    rows.matching_ids()
    second = list(search(Practice.objects.published(), "co-design").values_list("pk", flat=True)[5:10])
    with CaptureQueriesContext(connection) as captured:
        assert rows.ranked_ids(5, 5) == second
    ranked = [q["sql"] for q in captured.captured_queries if "ORDER BY ts_rank" in q["sql"]]
    assert len(ranked) == 1 and "s.id = ANY(" in ranked[0] and "s.vector @@" not in ranked[0]


def test_the_search_rows_plan_uses_their_index(postgresql_only):
    from practices.search.postgresql import SearchRows

    Practice.objects.bulk_create(
        Practice(title=f"Practice {n}", slug=f"bulk-{n}", status=Practice.Status.PUBLISHED, summary="Plain words.")
        for n in range(2000)
    )
    factories.practice(title="Transparency of budgets")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE practices_search_row")
        cursor.execute("SET LOCAL enable_seqscan = off")  # small tables: show what answers the text condition
        where, params = SearchRows("transparency").where()
        cursor.execute(f"EXPLAIN SELECT s.id FROM practices_search_row AS s WHERE {where}", params)  # noqa: S608
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "practices_search_row_match_idx" in plan, plan
    assert len(SearchRows("transparency").matching_ids()) == 1


def test_a_refresh_reads_and_updates_only_its_practices(postgresql_only):
    from practices.search.index import POSTGRESQL_REFRESH

    Practice.objects.bulk_create(Practice(title=f"Practice {n}", slug=f"bulk-{n}") for n in range(2000))
    ids = list(Practice.objects.order_by("pk").values_list("pk", flat=True)[:256])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE practices_practice")
        cursor.execute(f"EXPLAIN {POSTGRESQL_REFRESH}", {"ids": ids})  # noqa: S608  (constants only)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # A batch's refresh read the whole table to find the rows it updates: quadratic over an import.
    assert "Seq Scan on practices_practice" not in plan, plan


def test_the_search_row_follows_saves_a_bulk_status_change_and_a_delete(postgresql_only):
    practice = factories.rich_practice(title="Civic dashboards", themes=["Budgets"])
    published, published_at, theme_ids, _, rank_vector, vector = search_row(practice.pk)
    assert published and published_at == practice.published_at
    assert theme_ids == [practice.themes.get().pk]
    assert "'dashboard'" in rank_vector and "'dashboard'" in vector
    Practice.objects.filter(pk=practice.pk).update(status=Practice.Status.DRAFT)  # no signal, no refresh
    assert search_row(practice.pk)[0] is False
    practice.refresh_from_db()
    practice.status = Practice.Status.PUBLISHED
    practice.title = "Participatory budgeting"
    practice.save()
    published, _, _, _, rank_vector, _ = search_row(practice.pk)
    assert published and "'participatori'" in rank_vector and "'dashboard'" not in rank_vector
    practice.delete()
    assert search_row(practice.pk) is None
    other = factories.practice(title="Tax forms")
    Practice.objects.filter(pk=other.pk).delete()  # a bulk delete
    assert search_row(other.pk) is None


def test_the_search_row_follows_an_admin_save_and_a_theme_rename(curator_client, postgresql_only):
    practice = factories.rich_practice(title="Civic dashboards", themes=["Foresight"])
    url = reverse("admin:practices_practice_change", args=[practice.pk])
    data, _ = change_form(curator_client.get(url))
    data["title_en"] = ["Participatory budgeting dashboards"]
    assert curator_client.post(url, data).status_code == 302
    assert "'participatori'" in search_row(practice.pk)[4]
    theme = practice.themes.get()
    theme.name = "Futures literacy"
    theme.save()
    assert "'literaci'" in search_row(practice.pk)[4]


def test_the_search_row_follows_an_import_and_a_flush(seed, postgresql_only):
    from tests.conftest import FIXTURE_NOTES

    call_command("import_notes", str(FIXTURE_NOTES), "--status", "published", verbosity=0)
    practice = Practice.objects.get(note_key="sharing_and_disseminating_innovative_practices")
    published, _, theme_ids, about_country_ids, rank_vector, _ = search_row(practice.pk)
    assert published
    assert sorted(theme_ids) == sorted(practice.themes.values_list("pk", flat=True))
    assert practice.countries.get(code="EE").pk in about_country_ids
    assert "'estonia'" in rank_vector
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # what a flush runs outside the test's transaction
        cursor.execute("TRUNCATE practices_practice CASCADE")
        cursor.execute("SELECT count(*) FROM practices_search_row")
        assert cursor.fetchone()[0] == 0


def test_the_rebuild_command_repairs_the_search_rows(postgresql_only):
    practice = factories.practice(title="Participatory budgeting")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE practices_search_row SET published = false, rank_vector = ''")
        cursor.execute(
            "INSERT INTO practices_search_row SELECT id + 1000, published, published_at, theme_ids,"
            " about_country_ids, country_ids, toolkit_ids, rank_vector, vector FROM practices_search_row"
        )
    call_command("rebuild_search_index", stdout=StringIO())
    published, *_, rank_vector, _ = search_row(practice.pk)
    assert published and "'budget'" in rank_vector
    assert search_row(practice.pk + 1000) is None
