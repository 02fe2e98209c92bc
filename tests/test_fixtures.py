"""The seed's reference records load on a fresh database, twice without harm."""

import pytest
from django.core.management import call_command

from incubator.models import Country, Organisation, Participation, Partnership, Programme, Toolkit

pytestmark = pytest.mark.django_db


def test_fixtures_load_and_describe_the_seed(seed):
    programme = Programme.objects.get(slug="innovation-incubator")
    assert {o.short_name for o in programme.organisers.all()} == {"OPSI", "EC"}
    pilots = Participation.objects.filter(programme=programme, phase="pilot")
    assert {p.country.code for p in pilots} == {"DK", "RO", "PT"}
    kit = Toolkit.objects.get(slug="anticipatory-innovation-starter-kit")
    assert kit.country.code == "PT"
    assert "new to anticipatory innovation" in kit.audience
    partnership = Partnership.objects.get(slug="opsi-and-accelerate-estonia")
    assert {m.organisation.slug for m in partnership.members.all()} == {
        "observatory-of-public-sector-innovation",
        "accelerate-estonia",
    }
    assert partnership.toolkits.get().slug == "tools-for-incubating-innovation-projects"
    assert Organisation.objects.get(slug="accelerate-estonia").country.code == "EE"


def test_every_curated_fact_names_its_moment_in_the_seed(seed):
    for model in (Organisation, Programme, Participation, Partnership, Toolkit):
        for record in model.objects.all():
            assert record.source_note == "sharing_and_disseminating_innovative_practices", record
            assert record.source_video_id == "_HySsiq_l6A", record
            assert record.source_seconds is not None, record
            assert record.source_quote, record


def test_fixtures_load_twice_without_duplicates(seed):
    call_command("loaddata", "incubator", verbosity=0)
    assert Participation.objects.count() == 3
    assert Toolkit.objects.count() == 2


def test_every_country_exists(seed):
    assert Country.objects.count() >= 249
    assert Country.objects.filter(code__in=["DK", "RO", "PT", "EE", "US", "GB", "OM", "NE", "NG"]).count() == 9
