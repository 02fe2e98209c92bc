"""Records in English and French: the text shown, its language, the fallback label, English originals."""

import pytest
from django.db import connection
from django.utils import translation

from incubator.models import Programme
from opsi_portal.lib.record_languages import Translated, lacks_french, translated
from practices.models import Practice
from practices.templatetags.practice_cards import practice_card
from tests import factories

pytestmark = pytest.mark.django_db


def test_translated_gives_the_french_text_when_there_is_one():
    programme = factories.programme(name="Innovation Incubator", name_fr="Incubateur d'innovation")
    with translation.override("fr"):
        assert translated(programme, "name") == Translated("Incubateur d'innovation", "fr", fallback=False)
        assert programme.name == "Incubateur d'innovation"


def test_translated_falls_back_to_english_and_says_so():
    programme = factories.programme(name="Innovation Incubator", summary="Pilots.")
    with translation.override("fr"):
        assert translated(programme, "summary") == Translated("Pilots.", "en", fallback=True)
    with translation.override("en"):
        assert translated(programme, "summary") == Translated("Pilots.", "en", fallback=False)


def test_an_empty_text_in_both_languages_is_no_fallback():
    programme = factories.programme(name="Innovation Incubator", description="")
    with translation.override("fr"):
        assert translated(programme, "description") == Translated("", "en", fallback=False)


def test_a_card_marks_the_english_fallback_with_lang_and_a_label():
    practice = factories.practice(title="School budgets", summary="Pupils vote on the budget.")
    practice.title_fr = "Budgets des écoles"
    practice.save()
    with translation.override("fr"):
        html = practice_card(practice)
    assert ">Budgets des écoles</a>" in html
    assert '<span lang="en">Pupils vote on the budget.</span> <span class="untranslated">(' in html
    with translation.override("en"):
        html = practice_card(practice)
    assert ">School budgets</a>" in html
    assert 'lang="en"' not in html
    assert "untranslated" not in html


def test_the_fallback_text_is_escaped():
    practice = factories.practice(title="<script>alert(1)</script>")
    with translation.override("fr"):
        html = practice_card(practice)
    assert "<script>" not in html
    assert '<span lang="en">&lt;script&gt;' in html


def test_the_original_column_stays_english_when_french_is_active():
    practice = factories.practice(title="School budgets")
    with translation.override("fr"):
        practice = Practice.objects.get(pk=practice.pk)
        practice.title = "Budgets des écoles"  # with French active, this is the French version
        practice.save()
    practice.refresh_from_db()
    assert (practice.title_en, practice.title_fr) == ("School budgets", "Budgets des écoles")
    with connection.cursor() as cursor:
        cursor.execute("SELECT title FROM practices_practice WHERE id = %s", [practice.pk])
        assert cursor.fetchone() == ("School budgets",)


def test_a_record_made_with_french_active_has_an_empty_english_text_not_null():
    with translation.override("fr"):
        practice = Practice.objects.create(title="Budgets des écoles", slug="budgets")
    practice.refresh_from_db()
    assert (practice.title_en, practice.title_fr) == ("", "Budgets des écoles")


def test_lacks_french_finds_records_with_an_english_text_and_no_french_one():
    complete = factories.programme(name="A", summary="S", name_fr="A fr", summary_fr="S fr")
    partial = factories.programme(name="B", summary="S", name_fr="B fr")
    untranslated = factories.programme(name="C")
    empty_text = factories.programme(name="D", name_fr="D fr", summary="", description="")
    lacking = set(Programme.objects.filter(lacks_french(Programme)))
    assert lacking == {partial, untranslated}
    assert complete not in lacking and empty_text not in lacking


def test_french_lists_sort_by_the_shown_name_translated_or_not():
    factories.programme(name="Zebra programme", slug="z", name_fr="Alpha en français")
    factories.programme(name="Beta programme", slug="b")
    factories.programme(name="Gamma programme", slug="g", name_fr="")
    with translation.override("fr"):
        assert [p.slug for p in Programme.objects.all()] == ["z", "b", "g"]
        assert [p.slug for p in Programme.objects.order_by("-name")] == ["g", "b", "z"]
    with translation.override("en"):
        assert [p.slug for p in Programme.objects.all()] == ["b", "g", "z"]


def test_a_french_title_sort_of_the_practice_list_keeps_untranslated_practices_in_place():
    factories.practice(slug="z", title="Zoning reform", title_fr="Aménagement du territoire")
    factories.practice(slug="b", title="Budget dashboards")
    with translation.override("fr"):
        ordered = Practice.objects.published().order_by("title")
        assert [p.slug for p in ordered] == ["z", "b"]
