"""Theme pages and the theme index count published practices only."""

import pytest
from django.urls import reverse
from django.utils import translation

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


def test_theme_index_finds_a_theme_of_the_long_tail(client, db):
    ecosystems = factories.theme(name="Innovation ecosystem", slug="innovation-ecosystem")
    factories.theme_spelling(ecosystems, "innovation ecosystems")
    other = factories.theme(name="Foresight", slug="foresight")
    factories.practice().themes.add(ecosystems, other)
    for spelling in ("ecosystem", "Ecosystems"):
        response = client.get(reverse("practices:theme_list"), {"find": spelling})
        assert [t.slug for t in response.context["themes"]] == ["innovation-ecosystem"]
    response = client.get(reverse("practices:theme_list"), {"find": "nothing like it"})
    assert "No theme matches “nothing like it”." in response.content.decode()


def test_theme_index_finds_a_theme_by_its_french_name_in_either_language(client, db):
    theme = factories.theme(name="Open government", slug="open-government")
    theme.name_fr = "Gouvernement ouvert"
    theme.save()
    factories.practice().themes.add(theme)
    for language, find in [("en", "gouvernement"), ("fr", "gouvernement"), ("fr", "open gov")]:
        with translation.override(language):
            response = client.get(reverse("practices:theme_list"), {"find": find})
        assert [t.slug for t in response.context["themes"]] == ["open-government"], (language, find)


def test_theme_index_keeps_the_list_filters_and_links_back_to_the_list(client, db):
    portugal = factories.country("PT")
    rare, common = factories.theme(name="Rare", slug="rare"), factories.theme(name="Common", slug="common")
    in_portugal = factories.practice()
    in_portugal.themes.add(rare, common)
    in_portugal.countrymention_set.create(country=portugal)
    factories.practice().themes.add(common)
    response = client.get(reverse("practices:theme_list"), {"country": portugal.slug, "find": "rare"})
    [theme] = response.context["themes"]
    assert theme.practice_count == 1
    assert theme.list_url == f"{reverse('practices:practice_list')}?country={portugal.slug}&theme=rare"
    html = response.content.decode()
    # The find form carries the filters on, without JavaScript.
    assert f'<input type="hidden" name="country" value="{portugal.slug}">' in html


def test_the_theme_facet_has_a_find_field_that_goes_to_the_theme_index(client, db):
    factories.practice().themes.add(factories.theme(name="Foresight", slug="foresight"))
    html = client.get(reverse("practices:practice_list"), {"q": "", "theme": "foresight"}).content.decode()
    assert f'formaction="{reverse("practices:theme_list")}"' in html
    assert 'name="find"' in html
    assert f'href="{reverse("practices:theme_list")}?theme=foresight"' in html


def test_a_topic_with_a_note_shows_that_note_on_its_theme_page(client, db):
    theme = factories.theme(name="Anticipatory innovation", slug="anticipatory-innovation")
    topic = factories.practice(title="Anticipatory Innovation", summary="Acting before the future arrives.")
    topic.themes.add(theme)
    theme.themed_items.filter(content_object=topic).update(is_topic=True)
    factories.practice(title="A linker").themes.add(theme)
    html = client.get(theme.get_absolute_url()).content.decode()
    assert "The note on this topic" in html
    assert f'<a href="{topic.get_absolute_url()}">Anticipatory Innovation</a>' in html
    assert "Acting before the future arrives." in html


def test_a_spelling_or_a_merged_themes_address_leads_to_the_theme(client, db):
    theme = factories.theme(name="Innovation ecosystem", slug="innovation-ecosystem")
    factories.theme_spelling(theme, "innovation ecosystems")
    factories.theme_redirect(theme, old_slug="ecosystems-of-innovation")
    for slug in ("innovation-ecosystems", "ecosystems-of-innovation"):
        response = client.get(reverse("practices:theme_detail", args=[slug]))
        assert response.status_code == 301 and response["Location"] == theme.get_absolute_url()
