"""The curators' admin: every changelist and add page works for a curator, and nothing beyond content."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from incubator.models import Toolkit
from practices.models import CountryMention, Practice, ReferenceCandidate, Theme, ThemeSpelling, ToolkitMention
from tests import factories

pytestmark = pytest.mark.django_db

# Import runs are read-only records of imports, with pages of their own (tests/practices/test_import_upload.py).
CONTENT_MODELS = [
    model
    for model in admin.site._registry
    if model._meta.app_label in {"incubator", "practices"} and model._meta.model_name != "importrun"
]


def test_every_content_model_is_in_the_admin():
    names = {model._meta.model_name for model in CONTENT_MODELS}
    assert {
        "country",
        "organisation",
        "programme",
        "participation",
        "partnership",
        "toolkit",
        "practice",
        "theme",
        "video",
        "countrymention",
        "toolkitmention",
    } <= names


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda m: m._meta.label)
def test_curator_can_open_changelist_and_add_page(curator_client, seed, model):
    opts = model._meta
    changelist = curator_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    add = curator_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    # Reference candidates come from the import only: nobody adds one by hand.
    assert add.status_code == (403 if model is ReferenceCandidate else 200)


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda m: m._meta.label)
def test_curator_can_open_a_change_page(curator_client, seed, model):
    practice = factories.practice(source_video=factories.video())
    practice.themes.add(factories.theme())
    factories.theme_redirect()
    CountryMention.objects.create(practice=practice, country=factories.country("PT"))
    ToolkitMention.objects.create(practice=practice, toolkit=Toolkit.objects.first())
    factories.reference_candidate()
    obj = model.objects.first()
    opts = model._meta
    response = curator_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "url_name", ["admin:auth_user_changelist", "admin:auth_group_changelist", "admin:auth_user_add"]
)
def test_curator_cannot_reach_users_or_groups(curator_client, url_name):
    assert curator_client.get(reverse(url_name)).status_code == 403


def test_curators_group_has_only_content_permissions():
    permissions = Group.objects.get(name="Curators").permissions.select_related("content_type")
    app_labels = {p.content_type.app_label for p in permissions}
    assert app_labels == {"incubator", "practices"}
    codenames = {p.codename for p in permissions}
    assert "delete_practice" not in codenames
    assert {"add_practice", "change_practice", "view_practice", "delete_countrymention"} <= codenames


def test_publish_and_unpublish_actions(curator_client):
    draft = factories.practice(status=Practice.Status.DRAFT)
    url = reverse("admin:practices_practice_changelist")
    response = curator_client.post(url, {"action": "publish", "_selected_action": [draft.pk]}, follow=True)
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status == Practice.Status.PUBLISHED and draft.published_at is not None
    curator_client.post(url, {"action": "unpublish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Practice.Status.DRAFT


def test_rendered_html_is_read_only_in_the_admin(curator_client):
    practice = factories.practice(body_markdown="Hello *world*")
    response = curator_client.get(reverse("admin:practices_practice_change", args=[practice.pk]))
    assert b'name="body_html"' not in response.content
    assert b'name="body_markdown"' in response.content


def test_a_curator_merges_themes_choosing_the_one_to_keep(curator_client):
    kept, other = factories.theme(name="Open data"), factories.theme(name="Open government data")
    first, second = factories.practice(), factories.practice()
    first.themes.add(kept)
    second.themes.add(other)
    url = reverse("admin:practices_theme_changelist")
    selected = {"action": "merge", "_selected_action": [kept.pk, other.pk]}
    confirm = curator_client.post(url, selected)
    assert confirm.status_code == 200 and b"Keep which theme?" in confirm.content
    response = curator_client.post(url, {**selected, "target": kept.pk, "apply": "Merge"}, follow=True)
    assert "Merged Open government data into Open data; 1 practice(s) moved" in response.content.decode()
    assert list(second.themes.all()) == [kept]
    assert not Theme.objects.filter(pk=other.pk).exists()
    assert ThemeSpelling.objects.get(key=other.slug.replace("-", " ")).origin == ThemeSpelling.Origin.CURATOR
    assert curator_client.get(f"/themes/{other.slug}/").status_code == 301


def test_a_curator_splits_a_spelling_off_into_its_own_theme(curator_client):
    theme = factories.theme(name="Innovation ecosystem")
    spelling = factories.theme_spelling(theme, "innovation ecosystems")
    practice = factories.practice(import_snapshot={"theme_keys": ["innovation ecosystems"]})
    practice.themes.add(theme)
    url = reverse("admin:practices_themespelling_changelist")
    response = curator_client.post(url, {"action": "split", "_selected_action": [spelling.pk]}, follow=True)
    assert "New theme(s): Innovation ecosystems" in response.content.decode()
    spelling.refresh_from_db()
    assert spelling.theme.name == "Innovation ecosystems" and spelling.origin == ThemeSpelling.Origin.CURATOR
    assert list(practice.themes.all()) == [spelling.theme]
