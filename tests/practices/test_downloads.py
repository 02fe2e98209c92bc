"""CSV and JSON downloads hold exactly the filtered list: same filters, same order, every page."""

import csv
import io
import json
import re

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from practices import downloads
from practices.downloads import COLUMN_NAMES
from practices.filters import PracticeFilter
from practices.models import Practice
from tests import factories

pytestmark = pytest.mark.django_db


def download(client, fmt, query=""):
    response = client.get(reverse("practices:practice_download", args=[fmt]) + (f"?{query}" if query else ""))
    assert response.status_code == 200, response.content
    assert response.streaming
    return response, b"".join(response.streaming_content).decode()


def csv_rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def filtered_slugs(query):
    """The slugs the practice list shows for `query`, across all its pages."""
    queryset = Practice.objects.published().in_list_order()
    practices = PracticeFilter(QueryDict(query), queryset=queryset).qs
    return list((practices if practices.ordered else practices.in_list_order()).values_list("slug", flat=True))


@pytest.fixture
def library():
    """Published practices over two countries, two themes and a toolkit, plus drafts."""
    portugal, denmark = factories.country("PT"), factories.country("DK")
    anticipation = factories.theme(name="Anticipation", slug="anticipation")
    foresight = factories.theme(name="Foresight", slug="foresight")
    kit = factories.toolkit(name="Starter Kit", slug="starter-kit")
    for n in range(12):
        # Titles are unique so that sort=title has one right order.
        practice = factories.practice(title=f"Practice {11 - n:02d}" + (" about housing" if n % 2 else ""))
        practice.countries.add(portugal if n % 3 else denmark)
        practice.themes.add(anticipation if n % 2 else foresight)
        if n % 4 == 0:
            practice.toolkits.add(kit)
            practice.countries.add(portugal)
    draft = factories.practice(title="Draft about housing", status=Practice.Status.DRAFT)
    draft.countries.add(portugal)
    draft.themes.add(anticipation)
    draft.toolkits.add(kit)


QUERIES = [
    "",
    "country=portugal",
    "country=portugal&country=denmark",
    "theme=anticipation",
    "toolkit=starter-kit",
    "q=housing",
    "country=portugal&theme=anticipation&q=housing",
    "sort=title",
    "sort=-published",
    "sort=,",
]


@pytest.mark.parametrize("query", QUERIES)
def test_csv_download_has_the_rows_of_the_filtered_list_in_its_order(client, library, query):
    _, text = download(client, "csv", query)
    assert [row["slug"] for row in csv_rows(text)] == filtered_slugs(query)


@pytest.mark.parametrize("query", QUERIES)
def test_json_download_has_the_rows_of_the_filtered_list_in_its_order(client, library, query):
    _, text = download(client, "json", query)
    assert [row["slug"] for row in json.loads(text)] == filtered_slugs(query)


def test_filters_narrow_the_download(client, library):
    everything = csv_rows(download(client, "csv")[1])
    portugal = csv_rows(download(client, "csv", "country=portugal")[1])
    assert 0 < len(portugal) < len(everything) == 12
    assert all("PT" in row["countries"].split("; ") for row in portugal)


def test_download_holds_every_page_not_only_the_first(client):
    for n in range(130):
        factories.practice(title=f"Practice {n:03d}")
    assert len(csv_rows(download(client, "csv")[1])) == 130


def test_download_never_holds_a_draft(client, library):
    for fmt in ("csv", "json"):
        _, text = download(client, fmt, "q=draft")
        assert "Draft about housing" not in text


def test_csv_has_the_documented_columns_and_values(client):
    video = factories.video(youtube_id="_HySsiq_l6A")
    practice = factories.practice(title="Sharing practices", slug="sharing", summary="How.", source_video=video)
    practice.countries.add(factories.country("RO"), factories.country("DK"))
    practice.themes.add(factories.theme(name="Diffusion", slug="diffusion"))
    (row,) = csv_rows(download(client, "csv")[1])
    assert list(row) == COLUMN_NAMES
    assert row["slug"] == "sharing"
    assert row["url"] == "http://testserver/practices/sharing/"
    assert row["countries"] == "DK; RO"
    assert row["themes"] == "diffusion"
    assert row["video_url"] == "https://www.youtube.com/watch?v=_HySsiq_l6A"
    assert row["published_at"].startswith(practice.published_at.strftime("%Y-%m-%dT%H:%M:%S"))


def test_json_download_is_an_array_with_lists_for_several_values(client):
    practice = factories.practice(slug="sharing")
    practice.countries.add(factories.country("RO"), factories.country("DK"))
    response, text = download(client, "json")
    assert response["Content-Type"] == "application/json"
    (row,) = json.loads(text)
    assert list(row) == COLUMN_NAMES
    assert (row["slug"], row["countries"], row["themes"], row["toolkits"]) == ("sharing", ["DK", "RO"], [], [])


def test_empty_download_is_valid(client):
    assert json.loads(download(client, "json")[1]) == []
    assert download(client, "csv")[1].splitlines() == [",".join(COLUMN_NAMES)]


def test_download_is_an_attachment_with_a_dated_file_name(client):
    response, _ = download(client, "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="opsi-practices-')
    assert response["Content-Disposition"].endswith('.csv"')


def test_spreadsheet_formulas_in_csv_cells_are_neutralised(client):
    factories.practice(title='=HYPERLINK("http://bad.example")', summary="@SUM(A1)")
    (row,) = csv_rows(download(client, "csv")[1])
    assert row["title_en"] == '\'=HYPERLINK("http://bad.example")'
    assert row["summary_en"] == "'@SUM(A1)"
    assert json.loads(download(client, "json")[1])[0]["title_en"].startswith("=")


@pytest.mark.parametrize("query", ["country=narnia", "theme=nothing", "sort=colour"])
def test_unknown_filter_value_gives_a_clear_400(client, library, query):
    response = client.get(reverse("practices:practice_download", args=["csv"]) + f"?{query}")
    assert response.status_code == 400
    assert "Invalid filter" in response.content.decode()
    assert query.split("=")[0] in response.content.decode()


def test_unknown_format_is_not_found(client):
    assert client.get("/practices/download.xlsx").status_code == 404


def count_download_queries(client, fmt):
    with CaptureQueriesContext(connection) as queries:
        download(client, fmt)
    return len(queries)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_download_queries_do_not_grow_with_the_rows(client, fmt):
    portugal, kit = factories.country("PT"), factories.toolkit()
    theme = factories.theme()

    def add_practices(count):
        for _ in range(count):
            practice = factories.practice(source_video=factories.video())
            practice.countries.add(portugal)
            practice.toolkits.add(kit)
            practice.themes.add(theme)

    add_practices(3)
    few = count_download_queries(client, fmt)
    add_practices(30)
    assert count_download_queries(client, fmt) == few


def test_list_page_links_to_the_download_of_the_same_filters(client, library):
    html = client.get(reverse("practices:practice_list") + "?country=portugal&theme=anticipation").content.decode()
    assert 'href="/practices/download.csv?country=portugal&amp;theme=anticipation"' in html
    assert 'href="/practices/download.json?country=portugal&amp;theme=anticipation"' in html


def list_page_slugs(client, query):
    """The slugs the public list page shows for `query`, page after page."""
    slugs, number = [], 1
    while True:
        separator = "&" if query else ""
        response = client.get(f"{reverse('practices:practice_list')}?{query}{separator}page={number}")
        assert response.status_code == 200
        page = response.context["page"]
        slugs += [practice.slug for practice in page.object_list]
        if not page.has_next():
            return slugs
        number += 1


@pytest.mark.parametrize("query", QUERIES)
def test_download_matches_what_the_list_page_shows(client, library, query):
    _, text = download(client, "csv", query)
    assert [row["slug"] for row in csv_rows(text)] == list_page_slugs(client, query)


def test_an_empty_sort_keeps_the_list_order(client, library):
    assert list_page_slugs(client, "sort=,") == list_page_slugs(client, "")


@pytest.mark.parametrize("query", QUERIES)
def test_download_reads_short_keyset_pages_in_every_order(client, library, query, monkeypatch):
    """Each query reads a few rows after the last one sent: no long query a timeout could cut."""
    monkeypatch.setattr("practices.downloads.CHUNK_SIZE", 5)
    with CaptureQueriesContext(connection) as queries:
        _, text = download(client, "csv", query)
    assert [row["slug"] for row in csv_rows(text)] == filtered_slugs(query)
    if "q=" in query:
        # A search's ranked ids are read once, then its rows five ids at a time.
        pages = [
            q["sql"]
            for q in queries
            if re.search(r'FROM "practices_practice".* IN \((%s|\d+)(, (%s|\d+)){0,4}\)$', q["sql"])
        ]
        assert len(pages) == -(-len(filtered_slugs(query)) // 5)
    else:
        pages = [q["sql"] for q in queries if re.search(r'FROM "practices_practice".* LIMIT 5$', q["sql"])]
        assert len(pages) == len(filtered_slugs(query)) // 5 + 1


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_failure_mid_stream_ends_the_file_with_an_error_marker(client, library, monkeypatch, fmt):
    monkeypatch.setattr("practices.downloads.CHUNK_SIZE", 5)
    real_chunks = downloads.chunks_in_order

    def failing_on_the_second_chunk(*args, **kwargs):
        chunks = real_chunks(*args, **kwargs)
        yield next(chunks)
        raise RuntimeError("the database went away")

    monkeypatch.setattr("practices.downloads.chunks_in_order", failing_on_the_second_chunk)
    _, text = download(client, fmt)
    assert "this file is incomplete" in text.splitlines()[-1]
    if fmt == "json":
        with pytest.raises(json.JSONDecodeError):
            json.loads(text)
    else:
        assert len(csv_rows(text)) == 5 + 1  # five practices, then the marker


def test_downloads_carry_both_languages_columns(client):
    factories.practice(slug="schools", title="School budgets", summary="Pupils vote.", title_fr="Budgets des écoles")
    (row,) = csv_rows(download(client, "csv")[1])
    assert (row["title_en"], row["title_fr"]) == ("School budgets", "Budgets des écoles")
    assert (row["summary_en"], row["summary_fr"]) == ("Pupils vote.", "")
    (row,) = json.loads(download(client, "json", "lang=fr")[1])
    assert (row["title_en"], row["title_fr"], row["summary_fr"]) == ("School budgets", "Budgets des écoles", "")


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_french_title_sort_streams_every_row_in_english_title_order(client, monkeypatch, fmt):
    """Pages of the download follow a keyset on the English title, which a French-only record lacks."""
    monkeypatch.setattr(downloads, "CHUNK_SIZE", 2)
    factories.practice(slug="b", title="Bravo", title_fr="Bravo en français")
    factories.practice(slug="a", title="", title_fr="Alpha, en français seulement")
    factories.practice(slug="c", title="Charlie")
    response, text = download(client, fmt, "sort=title&lang=fr")
    assert response.status_code == 200
    slugs = [row["slug"] for row in (csv_rows(text) if fmt == "csv" else json.loads(text))]
    assert slugs == ["a", "b", "c"]


def test_an_unknown_language_is_refused_not_a_server_error(client):
    response = client.get(reverse("practices:practice_download", args=["csv"]) + "?lang=xx")
    assert response.status_code == 400
    assert "Unknown language" in response.content.decode()
