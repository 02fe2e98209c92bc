"""Countries go by the practices *about* them; passing mentions are offered apart, on every public surface."""

import csv
import io

import pytest
from django.urls import reverse

from practices.models import CountryMention, Strength
from practices.search import refresh_search_vector
from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("practices:practice_list")


@pytest.fixture
def library():
    """A practice about the UK, and one that names the UK only in a speaker's affiliation."""
    uk, pt = factories.country("GB"), factories.country("PT")
    about = factories.rich_practice(title="The Home Office lab", countries=[uk])
    passing = factories.rich_practice(title="The toolkit navigator", countries=[uk, pt])
    CountryMention.objects.filter(practice=passing, country=uk).update(
        strength=Strength.MENTIONS, sentence="Andrea Snook, UK Policy Lab", seconds=147
    )
    refresh_search_vector([passing.pk])  # written past the signals, as bulk writers must
    return {"uk": uk, "about": about, "passing": passing}


def titles(response):
    return [practice.title for practice in response.context["page"].object_list]


def country_counts(response):
    found = next(f for f in response.context["facets"] if f["name"] == "country")
    return {o.slug: o.count for o in found["chosen"] + found["options"]}


def test_the_country_filter_and_its_counts_go_by_practices_about_the_country(client, library):
    response = client.get(LIST, {"country": "united-kingdom"})
    assert titles(response) == ["The Home Office lab"]
    assert country_counts(client.get(LIST))["united-kingdom"] == 1


def test_mentions_include_adds_the_passing_mentions_to_filter_and_counts(client, library):
    response = client.get(LIST, {"country": "united-kingdom", "mentions": "include"})
    assert sorted(titles(response)) == ["The Home Office lab", "The toolkit navigator"]
    assert country_counts(client.get(LIST, {"mentions": "include"}))["united-kingdom"] == 2
    html = response.content.decode()
    assert 'id="f-mentions" aria-describedby="f-mentions-hint" checked' in html


def test_an_unknown_mentions_option_is_reported(client, library):
    response = client.get(LIST, {"mentions": "everything"})
    assert response.status_code == 400
    assert "There is no option mentions=“everything”" in response.content.decode()


def test_the_country_page_lists_passing_mentions_apart_with_their_evidence(client, library):
    html = client.get(library["uk"].get_absolute_url()).content.decode()
    about_part, mentioned_part = html.split('id="mentioned-heading"')
    assert "The Home Office lab" in about_part and "The toolkit navigator" not in about_part
    assert "The toolkit navigator" in mentioned_part
    assert "<q>Andrea Snook, UK Policy Lab</q>" in mentioned_part
    assert "country=united-kingdom&amp;mentions=include" in mentioned_part


def test_the_country_list_counts_practices_about_it_and_those_mentioning_it(client, library):
    response = client.get(reverse("incubator:country_list"))
    uk = next(c for c in response.context["countries"] if c.code == "GB")
    assert (uk.practice_count, uk.mentioned_count) == (1, 1)


def test_cards_show_only_the_countries_a_practice_is_about(client, library):
    html = client.get(LIST).content.decode()
    navigator = html[html.index("The toolkit navigator") :]
    navigator = navigator[: navigator.index("</article>")]
    assert "Portugal" in navigator and "United Kingdom" not in navigator


def test_the_practice_page_says_which_countries_are_only_mentioned(client, library):
    html = client.get(library["passing"].get_absolute_url()).content.decode()
    about, mentioned = html.split("Also mentioned in passing:")
    assert "Portugal" in about
    assert 'United Kingdom</a>: <span class="evidence"><q>Andrea Snook, UK Policy Lab</q>' in mentioned


def test_the_api_and_the_downloads_give_the_strength(client, library):
    record = client.get(reverse("api:practice-detail", args=[library["passing"].slug])).json()
    assert {c["code"]: c["strength"] for c in record["countries"]} == {"GB": "mentions", "PT": "about"}
    response = client.get(reverse("practices:practice_download", args=["csv"]))
    rows = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    navigator = next(row for row in rows if row["title_en"] == "The toolkit navigator")
    assert (navigator["countries"], navigator["countries_mentioned"]) == ("PT", "GB")


def test_the_country_feed_holds_the_practices_about_it(client, library):
    feed = client.get(reverse("practices:country_feed", args=["united-kingdom"])).content.decode()
    assert "The Home Office lab" in feed and "The toolkit navigator" not in feed


def test_a_curator_sets_the_strength_in_the_admin(curator_client, library):
    mention = CountryMention.objects.get(practice=library["passing"], country=library["uk"])
    url = reverse("admin:practices_countrymention_changelist")
    assert curator_client.get(url, {"strength__exact": "mentions"}).status_code == 200
    change = reverse("admin:practices_countrymention_change", args=[mention.pk])
    response = curator_client.get(change)
    assert 'name="strength"' in response.content.decode()
