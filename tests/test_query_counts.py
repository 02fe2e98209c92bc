"""Every public page runs the same number of SQL queries with 3 items as with 25: no N+1."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incubator.models import Country
from practices.models import CountryMention, Strength
from practices.search import refresh_search_vector
from tests import factories

pytestmark = pytest.mark.django_db

SIZES = [3, 25]
CONTROL = ("SAVEPOINT", "RELEASE", "SET ", "BEGIN", "COMMIT")


def build_library(size):
    """`size` practices, themes, countries and toolkits; the first of each is linked to everything."""
    countries = list(Country.objects.order_by("code")[:size])
    themes = [factories.theme() for _ in range(size)]
    toolkits = [factories.toolkit(country=countries[0]) for _ in range(size)]
    programme = factories.programme(name="The programme", slug="the-programme")
    partnership = factories.partnership(slug="the-partnership", programme=programme)
    organisation = factories.organisation(slug="the-organisation", country=countries[0])
    programme.organisers.add(organisation)
    practices = []
    for i in range(size):
        practices.append(
            factories.rich_practice(
                themes=[themes[0]] + themes[i : i + 1] if i else themes,
                countries=[countries[0]] + countries[i : i + 1] if i else countries,
                toolkits=[toolkits[0]] + toolkits[i : i + 1] if i else toolkits,
            )
        )
        factories.participation(programme=programme, country=countries[i])
        other = factories.organisation(country=countries[i])
        factories.partnership_member(partnership=partnership, organisation=other)
        factories.partnership_member(organisation=organisation)
        toolkits[i].developers.add(organisation)
        toolkits[i].partnership = partnership
        toolkits[i].programme = programme
        toolkits[i].save()
    for practice in practices[1:]:
        practice.links_to.add(practices[0])
    # Every second practice only mentions the first country: its page lists them apart.
    CountryMention.objects.filter(practice__in=practices[1::2], country=countries[0]).update(strength=Strength.MENTIONS)
    refresh_search_vector([practice.pk for practice in practices[1::2]])  # written past the signals
    return {"hub": practices[0], "country": countries[0], "theme": themes[0], "toolkit": toolkits[0]}


def pages(library):
    return {
        "home": reverse("practices:home"),
        "list": reverse("practices:practice_list"),
        "list_filtered": reverse("practices:practice_list")
        + f"?country={library['country'].slug}&theme={library['theme'].slug}"
        + f"&toolkit={library['toolkit'].slug}&q=Practice&mentions=include",
        "practice": library["hub"].get_absolute_url(),
        "theme_list": reverse("practices:theme_list"),
        "theme": library["theme"].get_absolute_url(),
        "country_list": reverse("incubator:country_list"),
        "country": library["country"].get_absolute_url(),
        "toolkit_list": reverse("incubator:toolkit_list"),
        "toolkit": library["toolkit"].get_absolute_url(),
        "programme_list": reverse("incubator:programme_list"),
        "programme": reverse("incubator:programme_detail", args=["the-programme"]),
        "partnership": reverse("incubator:partnership_detail", args=["the-partnership"]),
        "organisation": reverse("incubator:organisation_detail", args=["the-organisation"]),
    }


# Queries per page, the same at every size. Pages with an ETag or cached parts count one query for
# the data version (opsi_portal.caching: kept in the database so every process sees a change).
EXPECTED = {
    "home": 12,
    "list": 8,
    "list_filtered": 8,  # a search: its count and facets from the ids its text matches (`facet_bits`)
    "practice": 10,
    "theme_list": 2,  # the page of themes and their count (the index is paginated)
    "theme": 7,  # with the topic's own note
    "country_list": 2,  # with the data version: the map reads its countries from facts held until it changes
    "country": 13,  # each list of mentions: its page's ids sorted from narrow rows, then their cards
    "toolkit_list": 1,
    "toolkit": 8,
    "programme_list": 1,
    "programme": 6,
    "partnership": 4,
    "organisation": 5,
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("page", list(EXPECTED))
def test_query_count_does_not_grow_with_items_shown(client, size, page):
    url = pages(build_library(size))[page]
    # The records facets and cards name are loaded once per process and data version
    # (`held_records`, a query per kind at most); count a page of a process that has them.
    client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    # A search on PostgreSQL wraps its queries in a transaction with a planner setting (see
    # practices.search.planner_hint); those statements read no data and are not counted.
    data = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(CONTROL)]
    expected = EXPECTED[page]
    if page == "list_filtered" and connection.vendor == "sqlite":
        # FTS5 marks the words of the page's snippets in a query of its own, and scores the shown
        # matches in another (PostgreSQL ranks the first page with its matches' ids, in one query).
        expected += 2
    if page == "list" and connection.vendor == "sqlite":
        expected -= 2  # the three facets, none chosen, counted in one query (`link_counts_together`)
    assert len(data) == expected, "\n\n".join(data)
    assert response.status_code == 200
    if page.startswith("list"):
        assert len(response.context["page"].object_list) == min(size, 20)
