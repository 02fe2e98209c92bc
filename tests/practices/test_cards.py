"""A practice card's facts and date, as the list page (held records) and other pages (prefetches) show them."""

import datetime

import pytest
from django.test import override_settings

from practices.templatetags.practice_cards import practice_card
from tests import factories

pytestmark = pytest.mark.django_db


def card_facts_of(html):
    return html.split('<dl class="card-facts">', 1)[1].split("</dl>", 1)[0]


def test_a_card_names_five_themes_by_name_and_counts_the_rest(client):
    themes = [factories.theme(name=f"Theme {letter}") for letter in "GFEDCBA"]
    factories.rich_practice(title="Budgets", themes=themes, countries=[factories.country("PT")])
    facts = card_facts_of(client.get("/practices/").content.decode())
    assert facts.count('href="/themes/') == 5
    assert ">Theme A</a>, <a" in facts and ">Theme E</a> and 2 more</dd>" in facts
    assert "Theme F" not in facts
    assert '<dt>Countries</dt><dd><a href="/countries/portugal/">Portugal</a></dd>' in facts


def test_a_french_card_names_countries_in_french_and_marks_untranslated_themes(client):
    themes = [factories.theme(name="Open data", name_fr="Données ouvertes"), factories.theme(name="Budgets")]
    themes += [factories.theme(name=f"Z theme {n}") for n in range(5)]
    factories.rich_practice(title="Budgets", themes=themes, countries=[factories.country("DE")])
    facts = card_facts_of(client.get("/fr/practices/").content.decode())
    assert ">Allemagne</a>" in facts
    assert ">Données ouvertes</a>" in facts
    assert '><span lang="en">Budgets</span> <span class="untranslated">(pas encore traduit)</span></a>' in facts
    assert "et 2 autres</dd>" in facts


def test_one_theme_more_is_counted_in_the_singular(client):
    themes = [factories.theme(name=f"Theme {n}") for n in range(6)]
    factories.rich_practice(title="Budgets", themes=themes)
    assert ">Theme 4</a> and 1 more</dd>" in card_facts_of(client.get("/practices/").content.decode())
    assert "(pas encore traduit)</span></a> et 1 autre</dd>" in card_facts_of(
        client.get("/fr/practices/").content.decode()
    )


def test_card_facts_are_the_same_whether_held_or_prefetched(client):
    """The list page joins held records' links; a card rendered elsewhere builds each link itself."""
    theme = factories.theme(name="Open <data>")
    practice = factories.rich_practice(title="Budgets", themes=[theme], countries=[factories.country("PT")])
    listed = card_facts_of(client.get("/practices/").content.decode())
    rendered = card_facts_of(practice_card(practice))
    assert listed == rendered
    assert ">Open &lt;data&gt;</a>" in listed


def test_a_renamed_theme_shows_on_the_next_list_page(client):
    theme = factories.theme(name="Old name")
    factories.rich_practice(title="Budgets", themes=[theme])
    assert ">Old name</a>" in client.get("/practices/?r=1").content.decode()
    theme.name = "New name"
    theme.save()
    html = client.get("/practices/?r=2").content.decode()
    assert ">New name</a>" in html and "Old name" not in html


def test_a_card_without_countries_or_themes_has_no_facts(client):
    factories.practice(title="Bare")
    assert "card-facts" not in client.get("/practices/").content.decode()


def test_the_card_date_is_the_video_date_in_the_page_language(client):
    video = factories.video(published_on=datetime.date(2024, 3, 5))
    factories.practice(title="Filmed", source_video=video)
    assert 'Video of <time datetime="2024-03-05">5 March 2024</time>' in client.get("/practices/").content.decode()
    assert 'Vidéo du <time datetime="2024-03-05">5 mars 2024</time>' in client.get("/fr/practices/").content.decode()


@override_settings(TIME_ZONE="Europe/Paris")
def test_the_practice_page_gives_both_dates_the_added_one_in_the_site_time_zone(client):
    video = factories.video(published_on=datetime.date(2024, 3, 5))
    practice = factories.practice(title="Filmed", source_video=video)
    # Half past eleven at night in UTC is already the next day in Paris: the site's day is shown.
    added = datetime.datetime(2025, 1, 31, 23, 30, tzinfo=datetime.UTC)
    type(practice).objects.filter(pk=practice.pk).update(published_at=added)
    html = client.get(practice.get_absolute_url()).content.decode()
    assert 'Video of <time datetime="2024-03-05">5 March 2024</time> · ' in html
    assert 'added <time datetime="2025-02-01">1 February 2025</time>' in html
