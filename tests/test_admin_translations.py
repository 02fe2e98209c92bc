"""Curators add French versions in the admin: both languages side by side, and a "lacks French" filter."""

import pytest
from django.db import connection
from django.urls import reverse

from incubator.models import Organisation, Partnership, Programme, Toolkit
from practices.models import Practice, Theme
from tests import factories
from tests.admin_forms import change_form

pytestmark = pytest.mark.django_db

TRANSLATED = {
    Practice: ["title", "summary"],
    Theme: ["name", "description"],
    Programme: ["name", "summary", "description"],
    Toolkit: ["name", "description"],
    Partnership: ["name", "purpose"],
    Organisation: ["name", "description"],
}


def admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


@pytest.mark.parametrize("model", TRANSLATED, ids=lambda m: m._meta.model_name)
def test_the_change_form_shows_english_and_french_side_by_side(curator_client, model):
    html = curator_client.get(admin_url(model, "add")).content.decode()
    for field in TRANSLATED[model]:
        # One row of the form holds both languages of the field.
        assert f'class="form-row field-{field}_en field-{field}_fr' in html, field
        assert f'name="{field}_en"' in html and f'name="{field}_fr"' in html


@pytest.mark.parametrize("model", TRANSLATED, ids=lambda m: m._meta.model_name)
def test_each_translated_list_filters_records_that_lack_french(curator_client, model):
    html = curator_client.get(admin_url(model, "changelist")).content.decode()
    assert "?french=missing" in html
    assert "lacks French" in html


def test_the_lacks_french_filter_lists_what_is_left_to_translate(curator_client):
    factories.practice(title="Translated", title_fr="Traduit", summary="")
    factories.practice(title="Waiting for French")
    url = admin_url(Practice, "changelist")
    missing = curator_client.get(url + "?french=missing").content.decode()
    assert "Waiting for French" in missing and "Translated" not in missing
    complete = curator_client.get(url + "?french=complete").content.decode()
    assert "Translated" in complete and "Waiting for French" not in complete


def test_a_curator_adds_a_french_title_and_the_english_one_stays(curator_client):
    practice = factories.practice(title="School budgets")
    url = admin_url(Practice, "change", practice.pk)
    data, _ = change_form(curator_client.get(url))
    data["title_fr"] = ["Budgets des écoles"]
    response = curator_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    practice.refresh_from_db()
    assert (practice.title_en, practice.title_fr) == ("School budgets", "Budgets des écoles")
    with connection.cursor() as cursor:
        cursor.execute("SELECT title FROM practices_practice WHERE id = %s", [practice.pk])
        assert cursor.fetchone() == ("School budgets",)
    assert practice.history.first().title_fr == "Budgets des écoles"


def test_empty_french_names_of_two_records_do_not_collide(curator_client):
    """French names are unique like English ones; an empty one is stored as NULL, which never collides."""
    for name in ["First organisation", "Second organisation"]:
        data, _ = change_form(curator_client.get(admin_url(Organisation, "add")))
        data.update({"name_en": [name], "slug": [name.lower().replace(" ", "-")], "name_fr": [""]})
        response = curator_client.post(admin_url(Organisation, "add"), data)
        assert response.status_code == 302, response.content.decode()[:2000]
    assert list(Organisation.objects.values_list("name_fr", flat=True)) == [None, None]
