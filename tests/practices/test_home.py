"""The home page: what the portal is, a search box, figures, latest practices, the programme."""

import pytest
from django.urls import reverse

from practices.models import Practice
from tests import factories

pytestmark = pytest.mark.django_db


def test_home_shows_programme_and_pilot_countries(client, seed):
    response = client.get(reverse("practices:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Innovation Incubator" in html
    for name in ("Denmark", "Romania", "Portugal"):
        assert name in html
    assert "Observatory of Public Sector Innovation" in html


def test_home_without_seed_still_works(client):
    response = client.get(reverse("practices:home"))
    assert response.status_code == 200
    assert "Innovation Incubator" not in response.content.decode()
    assert "No published practices yet." in response.content.decode()


def test_home_has_a_search_box_for_the_list(client):
    html = client.get(reverse("practices:home")).content.decode()
    assert f'action="{reverse("practices:practice_list")}"' in html
    assert '<label for="home-q">' in html


def test_home_shows_counts_latest_practices_themes_and_countries(client):
    theme = factories.theme(name="Foresight")
    factories.rich_practice(title="Older one", themes=[theme], countries=[factories.country("PT")])
    factories.rich_practice(title="Newer one", themes=[theme])
    factories.practice(title="Unpublished one", status=Practice.Status.DRAFT).themes.add(theme)
    response = client.get(reverse("practices:home"))
    html = response.content.decode()
    assert response.context["practice_count"] == 2
    assert [p.title for p in response.context["latest"]] == ["Newer one", "Older one"]
    assert [(t.name, t.practice_count) for t in response.context["themes"]] == [("Foresight", 2)]
    assert [(c.name, c.practice_count) for c in response.context["countries"]] == [("Portugal", 1)]
    assert "Unpublished one" not in html
