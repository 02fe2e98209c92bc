"""The home page shows the programme and its pilot countries from the database."""

import pytest
from django.urls import reverse

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
