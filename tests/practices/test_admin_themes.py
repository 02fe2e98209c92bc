"""Curators rename themes (the address follows, the old one redirects) and merge them, from the change form too."""

import pytest
from django.urls import reverse

from practices.models import Theme, ThemeRedirect
from tests import factories
from tests.admin_forms import change_form

pytestmark = pytest.mark.django_db


def post_theme(client, theme, **fields):
    url = reverse("admin:practices_theme_change", args=[theme.pk])
    data, _ = change_form(client.get(url))
    data.update({name: [value] for name, value in fields.items()})
    return client.post(url, data)


def test_a_rename_moves_the_address_and_the_old_one_redirects(curator_client, client):
    theme = factories.theme(name="Open govt", slug="open-govt")
    factories.practice().themes.add(theme)
    assert post_theme(curator_client, theme, name_en="Open government").status_code == 302
    theme.refresh_from_db()
    assert (theme.name, theme.slug) == ("Open government", "open-government")
    old = client.get("/themes/open-govt/")
    assert (old.status_code, old["Location"]) == (301, "/themes/open-government/")
    assert client.get("/themes/open-government/").status_code == 200


def test_renaming_back_takes_the_old_address_back(curator_client, client):
    theme = factories.theme(name="Open govt", slug="open-govt")
    post_theme(curator_client, theme, name_en="Open government")
    post_theme(curator_client, theme, name_en="Open govt")
    theme.refresh_from_db()
    assert theme.slug == "open-govt"
    assert list(ThemeRedirect.objects.values_list("old_slug", flat=True)) == ["open-government"]
    assert client.get("/themes/open-govt/").status_code == 200


def test_a_taken_name_explains_the_merge_instead_of_refusing_plainly(curator_client):
    factories.theme(name="Open data")
    other = factories.theme(name="Open government data")
    response = post_theme(curator_client, other, name_en="open data")
    assert response.status_code == 200
    assert "Tick “Merge if the name is taken”" in response.content.decode()
    assert Theme.objects.filter(pk=other.pk).exists()


def test_renaming_to_a_taken_name_with_merge_merges_and_history_says_who(curator_client, curator, client):
    kept = factories.theme(name="Open data")
    other = factories.theme(name="Open government data")
    practice = factories.practice()
    practice.themes.add(other)
    response = post_theme(curator_client, other, name_en="Open data", merge="on")
    assert response.status_code == 302 and response.url == reverse("admin:practices_theme_change", args=[kept.pk])
    assert list(practice.themes.all()) == [kept]
    assert not Theme.objects.filter(pk=other.pk).exists()
    assert client.get(f"/themes/{other.slug}/").status_code == 301
    latest = kept.history.latest()
    assert latest.history_change_reason == "merged into it: “Open government data”"
    assert latest.history_user == curator
    deleted = Theme.history.filter(id=other.pk, history_type="-").get()
    assert deleted.history_user == curator


def test_a_curator_merges_from_the_list_without_403(curator_client):
    kept, other = factories.theme(name="Open data"), factories.theme(name="Open government data")
    url = reverse("admin:practices_theme_changelist")
    selected = {"action": "merge", "_selected_action": [kept.pk, other.pk], "target": kept.pk, "apply": "Merge"}
    response = curator_client.post(url, selected, follow=True)
    assert response.status_code == 200
    assert not Theme.objects.filter(pk=other.pk).exists()
