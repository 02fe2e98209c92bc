"""The read-only API: paginated, filtered like the list page, linked by stable identifiers, no drafts."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from practices.models import Practice
from tests import factories

pytestmark = pytest.mark.django_db


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def slugs(page):
    return [record["slug"] for record in page["results"]]


def test_practice_list_is_paginated_with_the_licence(client):
    for n in range(7):
        factories.practice(title=f"Practice {n}")
    first = get_json(client, "/api/practices/?page_size=3")
    assert first["licence"] == settings.DATA_LICENCE
    assert first["count"] == 7
    assert len(first["results"]) == 3
    assert first["previous"] is None
    last = get_json(client, "/api/practices/?page_size=3&page=3")
    assert len(last["results"]) == 1
    assert last["next"] is None
    second = get_json(client, first["next"].removeprefix("http://testserver"))
    assert set(slugs(first)).isdisjoint(slugs(second))


def test_default_page_size_and_its_limit(client):
    for _ in range(55):
        factories.practice()
    assert len(get_json(client, "/api/practices/")["results"]) == 50
    error = get_json(client, "/api/practices/?page_size=500", status=400)
    assert "page_size" in error


@pytest.mark.parametrize("query", ["page=", "page=abc", "page=0", "page=last", "page_size=", "page_size=0"])
def test_a_page_or_page_size_that_is_not_a_whole_number_is_a_clear_400(client, query):
    factories.practice()
    name = query.split("=")[0]
    assert get_json(client, f"/api/practices/?{query}", status=400)[name][0].startswith("Give a whole number")


def test_page_past_the_end_is_a_json_404(client):
    factories.practice()
    assert get_json(client, "/api/practices/?page=9", status=404) == {"detail": "Invalid page."}


def test_practices_are_in_the_list_order_newest_first(client):
    older = factories.practice(title="Older")
    newer = factories.practice(title="Newer")
    Practice.objects.filter(pk=older.pk).update(published_at=newer.published_at.replace(year=2020))
    assert slugs(get_json(client, "/api/practices/")) == [newer.slug, older.slug]
    assert slugs(get_json(client, "/api/practices/?sort=title")) == [newer.slug, older.slug]
    assert slugs(get_json(client, "/api/practices/?sort=published")) == [older.slug, newer.slug]
    assert slugs(get_json(client, "/api/practices/?sort=,")) == [newer.slug, older.slug]  # empty sort: the default


def test_practices_are_filtered_like_the_list_page(client):
    portugal = factories.country("PT")
    theme = factories.theme(slug="anticipation")
    kit = factories.toolkit(slug="starter-kit")
    both = factories.practice(title="Housing in Portugal")
    both.countries.add(portugal)
    both.themes.add(theme)
    only_country = factories.practice(title="Schools")
    only_country.countries.add(portugal)
    with_kit = factories.practice(title="Housing kit")
    with_kit.toolkits.add(kit)

    assert set(slugs(get_json(client, "/api/practices/?country=portugal"))) == {both.slug, only_country.slug}
    assert slugs(get_json(client, "/api/practices/?country=portugal&theme=anticipation")) == [both.slug]
    assert slugs(get_json(client, "/api/practices/?toolkit=starter-kit")) == [with_kit.slug]
    assert set(slugs(get_json(client, "/api/practices/?q=housing"))) == {both.slug, with_kit.slug}
    # Countries also by ISO code, as the API addresses them (/api/countries/PT/).
    assert set(slugs(get_json(client, "/api/practices/?country=PT"))) == {both.slug, only_country.slug}
    assert set(slugs(get_json(client, "/api/practices/?country=pt&theme=anticipation"))) == {both.slug}


@pytest.mark.parametrize("query", ["country=narnia", "theme=nothing", "toolkit=none", "sort=colour"])
def test_unknown_filter_value_is_a_clear_400(client, query):
    name, value = query.split("=")
    error = get_json(client, f"/api/practices/?{query}", status=400)
    assert value in " ".join(error[name])


def test_drafts_are_never_shown(client):
    published = factories.practice(title="Published")
    draft = factories.practice(title="Draft", status=Practice.Status.DRAFT)
    published.links_to.add(draft)
    page = get_json(client, "/api/practices/?q=draft")
    assert page["count"] == 0
    assert draft.slug not in slugs(get_json(client, "/api/practices/"))
    get_json(client, f"/api/practices/{draft.slug}/", status=404)
    assert get_json(client, f"/api/practices/{published.slug}/")["links_to"] == []


def test_practice_links_to_its_records_and_pages(client):
    video = factories.video()
    practice = factories.practice(slug="sharing", source_video=video)
    practice.countries.add(factories.country("PT"))
    practice.themes.add(factories.theme(slug="diffusion"))
    practice.toolkits.add(factories.toolkit(slug="starter-kit"))
    linked = factories.practice(slug="linked")
    practice.links_to.add(linked)

    record = get_json(client, "/api/practices/sharing/")
    assert record["url"] == "http://testserver/api/practices/sharing/"
    assert record["html_url"] == "http://testserver/practices/sharing/"
    assert record["countries"] == [
        {"url": "http://testserver/api/countries/PT/", "code": "PT", "name": "Portugal", "strength": "about"}
    ]
    assert record["themes"][0]["url"] == "http://testserver/api/themes/diffusion/"
    assert record["toolkits"][0]["url"] == "http://testserver/api/toolkits/starter-kit/"
    assert record["links_to"] == ["http://testserver/api/practices/linked/"]
    assert record["source_video"]["youtube_id"] == video.youtube_id
    for url in [record["countries"][0]["url"], record["themes"][0]["url"], record["toolkits"][0]["url"]]:
        get_json(client, url.removeprefix("http://testserver"))


def test_countries_are_looked_up_by_iso_code(client):
    country = get_json(client, "/api/countries/PT/")
    assert (country["code"], country["name"], country["slug"]) == ("PT", "Portugal", "portugal")
    assert country["practices"] == "http://testserver/api/practices/?country=portugal"
    get_json(client, "/api/countries/XX/", status=404)


def test_reference_records_link_to_each_other(client, seed):
    toolkit = get_json(client, "/api/toolkits/anticipatory-innovation-starter-kit/")
    assert toolkit["country"] == "http://testserver/api/countries/PT/"
    assert toolkit["programme"] == "http://testserver/api/programmes/innovation-incubator/"
    programme = get_json(client, "/api/programmes/innovation-incubator/")
    assert programme["organisers"]
    partnership = get_json(client, "/api/partnerships/opsi-and-accelerate-estonia/")
    assert {p["organisation"] for p in partnership["partners"]} >= {
        "http://testserver/api/organisations/accelerate-estonia/"
    }
    participations = get_json(client, "/api/participations/?programme=innovation-incubator&country=PT")
    assert participations["count"] == 1
    (participation,) = participations["results"]
    assert participation["country"] == "http://testserver/api/countries/PT/"
    assert participation["source"]["video_url"].startswith("https://www.youtube.com/watch?v=")
    get_json(client, participation["url"].removeprefix("http://testserver"))
    for endpoint in ["organisations", "programmes", "partnerships", "toolkits", "themes", "countries"]:
        assert get_json(client, f"/api/{endpoint}/")["licence"] == settings.DATA_LICENCE


def test_the_api_is_read_only(client):
    practice = factories.practice()
    assert client.post("/api/practices/", {}, content_type="application/json").status_code == 405
    assert client.delete(f"/api/practices/{practice.slug}/").status_code == 405
    assert client.head("/api/practices/").status_code == 200
    assert client.options("/api/practices/").status_code == 200


def test_unknown_api_address_is_a_json_404(client):
    assert get_json(client, "/api/nothing/here/", status=404) == {"detail": "Not found."}


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        get_json(client, url)
    return len(queries)


def test_practice_list_queries_do_not_grow_with_the_page(client):
    portugal, kit, theme = factories.country("PT"), factories.toolkit(), factories.theme()

    def add_practices(count):
        for _ in range(count):
            practice = factories.practice(source_video=factories.video())
            practice.countries.add(portugal)
            practice.toolkits.add(kit)
            practice.themes.add(theme)
            practice.links_to.add(practice)

    add_practices(2)
    few = count_queries(client, "/api/practices/")
    add_practices(20)
    assert count_queries(client, "/api/practices/") == few


def test_reference_lists_queries_do_not_grow_with_the_page(client, seed):
    urls = ["/api/toolkits/", "/api/programmes/", "/api/partnerships/", "/api/organisations/", "/api/participations/"]
    before = {url: count_queries(client, url) for url in urls}
    for _ in range(5):
        factories.toolkit(country=factories.country("DK"), programme=factories.programme()).developers.add(
            factories.organisation(country=factories.country("DK"))
        )
        factories.programme().organisers.add(factories.organisation())
        factories.partnership_member(partnership=factories.partnership(programme=factories.programme()))
        factories.participation()
    assert {url: count_queries(client, url) for url in urls} == before


def test_openapi_description_states_the_licence_and_every_endpoint(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    description = response.json()
    assert description["info"]["license"]["name"] == settings.DATA_LICENCE
    for endpoint in ["practices", "countries", "themes", "toolkits", "programmes", "participations"]:
        assert f"/api/{endpoint}/" in description["paths"]
    assert "/api/partnerships/" in description["paths"] and "/api/organisations/" in description["paths"]
    parameters = {p["name"] for p in description["paths"]["/api/practices/"]["get"]["parameters"]}
    assert {"q", "country", "theme", "toolkit", "sort", "page", "page_size"} <= parameters


def test_documentation_page_lists_endpoints_columns_and_licence(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ["/api/practices/", "/api/countries/", "/api/schema/", "published_at", "video_url", "/practices/feed/"]:
        assert text in html
    assert settings.DATA_LICENCE in html


def test_a_page_number_of_five_thousand_digits_is_a_400_not_a_500(client):
    response = client.get("/api/practices/", {"page": "9" * 5000})
    assert response.status_code == 400
    assert response.json() == {"page": ["Give a whole number from 1."]}
