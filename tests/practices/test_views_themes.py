"""Theme pages and the theme index count published practices only."""

import pytest
from django.urls import reverse

from practices.models import Practice
from tests import factories

pytestmark = pytest.mark.django_db


def test_theme_page_lists_its_published_practices(client):
    theme = factories.theme(name="Foresight", slug="foresight", description="Looking ahead.")
    factories.practice(title="Seen").themes.add(theme)
    factories.practice(title="Hidden", status=Practice.Status.DRAFT).themes.add(theme)
    response = client.get(theme.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Foresight</h1>" in html
    assert "Seen" in html
    assert "Hidden" not in html
    assert "1 published practice with this theme" in html
    assert f"{reverse('practices:practice_list')}?theme=foresight" in html


def test_unknown_theme_is_not_found(client, db):
    assert client.get(reverse("practices:theme_detail", args=["nothing"])).status_code == 404


def test_theme_index_counts_published_practices_and_sorts(client, db):
    rare, common = factories.theme(name="A rare one", slug="rare"), factories.theme(name="Common", slug="common")
    factories.theme(name="Unused", slug="unused")
    factories.practice().themes.add(rare, common)
    factories.practice().themes.add(common)
    factories.practice(status=Practice.Status.DRAFT).themes.add(common)
    # The most shared first; by name on request.
    response = client.get(reverse("practices:theme_list"))
    assert [(t.slug, t.practice_count) for t in response.context["themes"]] == [("common", 2), ("rare", 1)]
    assert "Unused" not in response.content.decode()
    response = client.get(reverse("practices:theme_list"), {"order": "name"})
    assert [t.slug for t in response.context["themes"]] == ["rare", "common"]
