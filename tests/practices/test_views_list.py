"""The practice list: filters that combine, counts per option, clear messages for bad input."""

from unittest.mock import patch

import pytest
from django.urls import reverse

from practices import views
from practices.filters import PracticeFilter
from practices.models import Practice
from tests import factories

pytestmark = pytest.mark.django_db

URL = reverse("practices:practice_list")


@pytest.fixture
def library():
    """Three published practices and a draft across two countries, two themes and a toolkit."""
    pt, dk = factories.country("PT"), factories.country("DK")
    foresight = factories.theme(name="Foresight", slug="foresight")
    peer = factories.theme(name="Peer learning", slug="peer-learning")
    kit = factories.toolkit(name="Starter Kit", slug="starter-kit")
    return {
        "a": factories.rich_practice(
            title="Anticipation in Lisbon", countries=[pt], themes=[foresight], toolkits=[kit]
        ),
        "b": factories.rich_practice(title="Borrowing from Denmark", countries=[dk], themes=[foresight, peer]),
        "c": factories.rich_practice(title="Copenhagen circles", countries=[dk, pt], themes=[peer]),
        "draft": factories.rich_practice(
            title="Draft about Portugal", countries=[pt], themes=[foresight], status=Practice.Status.DRAFT
        ),
    }


def titles(response):
    return [practice.title for practice in response.context["page"].object_list]


def facet(response, name):
    """The facet as {slug: (count, checked)}."""
    found = next(f for f in response.context["facets"] if f["name"] == name)
    options = {o.slug: (o.count, True) for o in found["chosen"]}
    options.update({o.slug: (o.count, False) for o in found["options"]})
    return options


def test_list_shows_published_practices_newest_first_and_hides_drafts(client, library):
    response = client.get(URL)
    assert response.status_code == 200
    assert titles(response) == ["Copenhagen circles", "Borrowing from Denmark", "Anticipation in Lisbon"]
    assert "Draft about Portugal" not in response.content.decode()


def test_facet_counts_ignore_drafts(client, library):
    response = client.get(URL)
    assert facet(response, "country") == {"denmark": (2, False), "portugal": (2, False)}
    assert facet(response, "theme") == {"foresight": (2, False), "peer-learning": (2, False)}
    assert facet(response, "toolkit") == {"starter-kit": (1, False)}


def test_country_filter_narrows_results_and_other_facets_counts(client, library):
    response = client.get(URL, {"country": "portugal"})
    assert sorted(titles(response)) == ["Anticipation in Lisbon", "Copenhagen circles"]
    # The country facet itself still counts under the other filters (none), so Denmark shows 2.
    assert facet(response, "country") == {"portugal": (2, True), "denmark": (2, False)}
    assert facet(response, "theme") == {"foresight": (1, False), "peer-learning": (1, False)}
    assert facet(response, "toolkit") == {"starter-kit": (1, False)}


def test_filters_of_different_facets_combine(client, library):
    response = client.get(URL, {"country": "denmark", "theme": "foresight"})
    assert titles(response) == ["Borrowing from Denmark"]
    assert facet(response, "country") == {"denmark": (1, True), "portugal": (1, False)}
    assert facet(response, "theme") == {"foresight": (1, True), "peer-learning": (2, False)}


def test_values_of_one_facet_match_any_of_them(client, library):
    response = client.get(URL, {"country": ["denmark", "portugal"]})
    assert len(titles(response)) == 3


def test_text_search_combines_with_facets(client, library):
    response = client.get(URL, {"q": "copenhagen", "theme": "peer-learning"})
    assert titles(response) == ["Copenhagen circles"]
    assert 'value="copenhagen"' in response.content.decode()


def test_sort_by_title(client, library):
    response = client.get(URL, {"sort": "title"})
    assert titles(response) == ["Anticipation in Lisbon", "Borrowing from Denmark", "Copenhagen circles"]
    response = client.get(URL, {"sort": "-title"})
    assert titles(response)[0] == "Copenhagen circles"


def test_active_filters_link_to_the_list_without_each_one(client, library):
    response = client.get(URL, {"country": "denmark", "theme": "foresight", "page": "1"})
    html = response.content.decode()
    assert f'href="{URL}?theme=foresight">Remove country Denmark' in html
    assert f'href="{URL}?country=denmark">Remove theme Foresight' in html
    assert "Clear all filters" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"country": "atlantis"}, "There is no country “atlantis”"),
        ({"theme": "no-such-theme"}, "There is no theme “no-such-theme”"),
        ({"toolkit": "nope"}, "There is no toolkit “nope”"),
        ({"sort": "price"}, "There is no sort order “price”"),
        ({"page": "abc"}, "“abc” is not a page number"),
        ({"page": "99"}, "There is no page 99"),
        ({"q": "x" * 500}, "The search text is too long"),
    ],
)
def test_bad_query_values_give_a_clear_message_not_a_server_error(client, library, query, message):
    response = client.get(URL, query)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'role="alert"' in response.content.decode()


def test_unknown_country_keeps_the_other_valid_filters(client, library):
    response = client.get(URL, {"country": "atlantis", "theme": "peer-learning"})
    assert response.status_code == 400
    assert sorted(titles(response)) == ["Borrowing from Denmark", "Copenhagen circles"]


def test_theme_facet_shows_the_top_themes_and_links_to_the_index(client, db):
    themes = [factories.theme(name=f"Theme {i:02d}", slug=f"theme-{i:02d}") for i in range(20)]
    for i, theme in enumerate(themes):
        for _ in range(20 - i):
            factories.practice().themes.add(theme)
    response = client.get(URL, {"theme": "theme-19"})
    shown = facet(response, "theme")
    # The 12 most used themes, plus the chosen one although it is the least used.
    assert len(shown) == 13
    assert shown["theme-00"] == (20, False)
    assert shown["theme-19"] == (1, True)
    assert "theme-18" not in shown
    assert reverse("practices:theme_list") in response.content.decode()


def test_pagination_keeps_the_filters_and_marks_the_current_page(client, db):
    theme = factories.theme(slug="many")
    for _ in range(45):
        factories.practice().themes.add(theme)
    response = client.get(URL, {"theme": "many", "page": "2"})
    html = response.content.decode()
    assert len(titles(response)) == 20
    assert f'href="{URL}?theme=many&amp;page=3"' in html
    assert f'href="{URL}?theme=many" rel="prev"' in html
    assert 'aria-current="page"><span class="visually-hidden">Page </span>2<' in html


def test_empty_library_says_so(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assert "No published practice matches these filters" in response.content.decode()


def test_an_unbound_filter_gives_every_published_practice_and_facets(library):
    filterset = PracticeFilter(queryset=Practice.objects.published())
    assert filterset.qs.count() == 3
    assert {o.slug: o.count for o in filterset.facet("country", 10)["options"]} == {"denmark": 2, "portugal": 2}


def test_facet_counts_follow_the_search_the_filters_use(client):
    """`?q=a&q=b` searches "b" (the last value); its counts must not be those of `?q=b&q=a`."""
    budget = factories.practice(title="Participatory budget")
    budget.countries.add(factories.country("PT"))
    tax = factories.practice(title="Tax letters")
    tax.countries.add(factories.country("DK"))

    def countries(query):
        facets = client.get(f"/practices/?{query}").context["facets"]
        country = next(facet for facet in facets if facet["name"] == "country")
        return {option.code.code for option in country["options"] + country["chosen"]}

    assert countries("q=tax&q=budget") == {"PT"}
    assert countries("q=budget&q=tax") == {"DK"}


def test_ticking_another_option_of_a_facet_shows_what_it_adds(client, library):
    """Options of one facet are "any of": once Portugal is ticked, Denmark adds one practice, not two."""
    response = client.get(URL, {"country": "portugal"})
    country = next(f for f in response.context["facets"] if f["name"] == "country")
    (denmark,) = country["options"]
    assert (denmark.count, denmark.adds) == (2, 1)
    html = response.content.decode()
    assert "+N is how many practices ticking adds" in html
    assert 'Denmark <span class="count">(+1)</span>' in html
    ticked = client.get(URL, {"country": ["portugal", "denmark"]})
    assert len(titles(ticked)) == len(titles(response)) + denmark.adds


def test_country_iso_code_in_the_address_opens_the_list_of_that_country(client, library):
    response = client.get(URL, {"country": ["PT", "denmark"], "theme": "foresight"})
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?country=portugal&country=denmark&theme=foresight"
    assert client.get(URL, {"country": "ZZ"}).status_code == 400


def test_every_country_option_is_on_a_page_that_keeps_the_filters(client, db):
    countries = [factories.country(code) for code in ("AR", "BR", "CL", "DK", "EE", "FI")]
    theme = factories.theme(slug="kept")
    for index, country in enumerate(countries):
        for _ in range(index + 1):
            practice = factories.practice()
            practice.countries.add(country)
            practice.themes.add(theme)
    limits = {**views.FACET_LIMITS, "country": 4}
    with patch.object(views, "FACET_LIMITS", limits):
        html = client.get(URL, {"theme": "kept", "q": ""}).content.decode()
    more = reverse("practices:facet_options", args=["country"]) + "?theme=kept&amp;q="
    assert f'href="{more}"' in html
    page = client.get(reverse("practices:facet_options", args=["country"]), {"theme": "kept", "country": "argentina"})
    options = page.context["facet"]
    assert [o.slug for o in options["chosen"] + options["options"]] == [
        "argentina",
        "finland",
        "estonia",
        "denmark",
        "chile",
        "brazil",
    ]
    body = page.content.decode()
    assert '<input type="hidden" name="theme" value="kept">' in body
    assert 'name="country" value="argentina"' in body and "checked" in body
    assert client.get(reverse("practices:facet_options", args=["theme"])).status_code == 404


def test_a_facets_options_can_be_narrowed_by_typing_without_javascript(client, db):
    theme = factories.theme(slug="kept")
    for code in ("CI", "CO", "CL", "DK"):
        practice = factories.practice()
        practice.countries.add(factories.country(code))
        practice.themes.add(theme)
    options_url = reverse("practices:facet_options", args=["country"])

    page = client.get(options_url, {"theme": "kept", "country": "denmark", "find": "COTE"})

    facet = page.context["facet"]
    assert [o.slug for o in facet["chosen"]] == ["denmark"]  # ticked options stay, whatever is typed
    assert [o.name for o in facet["options"]] == ["Côte d'Ivoire"]  # no case, no accents
    body = page.content.decode()
    assert "1 of 3 options match" in body
    assert '<input type="hidden" name="find"' not in body  # the list is not sent the find text twice
    assert f'formaction="{options_url}"' in body  # Find comes back here; ticking goes to the list
    by_code = client.get(options_url, {"find": "cl"}).context["facet"]["options"]
    assert [o.slug for o in by_code] == ["chile"]  # an ISO code finds its country
    assert 'data-words="chile cl"' in client.get(options_url).content.decode()  # what the script filters by


def test_filters_sit_in_a_disclosure_and_the_map_follows_them(client, library):
    html = client.get(URL, {"theme": "peer-learning"}).content.decode()
    assert '<details class="filter-panel" id="filters">' in html
    assert "(1 active)" in html
    # Peer learning: Borrowing from Denmark (DK) and Copenhagen circles (DK, PT).
    assert 'aria-label="Denmark: 2 practices"' in html
    assert 'aria-label="Portugal: 1 practice"' in html
    assert f'href="{URL}?theme=peer-learning&amp;country=portugal"' in html
    narrowed = client.get(URL, {"theme": "peer-learning", "country": "portugal"}).content.decode()
    # Only Copenhagen circles is left; it is about Denmark too.
    assert 'aria-label="Portugal: 1 practice"' in narrowed and 'aria-label="Denmark: 1 practice"' in narrowed
