"""Constraints and string forms of the reference records."""

import pytest
from django.db import IntegrityError, transaction

from incubator.models import Country, Participation, format_timestamp, unique_slug, youtube_url
from tests import factories

pytestmark = pytest.mark.django_db


def test_every_iso_country_exists_after_migrate():
    from django_countries import countries

    assert Country.objects.count() == len(countries) >= 249
    assert Country.objects.get(code="PT").name == "Portugal"
    assert Country.objects.get(code="PT").slug == "portugal"


def test_country_str_and_natural_key():
    portugal = factories.country("PT")
    assert str(portugal) == "Portugal"
    assert portugal.natural_key() == ("PT",)
    assert Country.objects.get_by_natural_key("PT") == portugal
    assert portugal.flag_path == "flags/pt.gif"


def test_country_code_is_unique():
    with pytest.raises(IntegrityError):
        Country.objects.create(code="PT", name="Portugal again", slug="portugal-again")


def test_organisation_str_and_unique_slug():
    organisation = factories.organisation(name="Accelerate Estonia", slug="accelerate-estonia")
    assert str(organisation) == "Accelerate Estonia"
    with pytest.raises(IntegrityError):
        factories.organisation(name="Another", slug="accelerate-estonia")


def test_programme_str_and_support_list():
    programme = factories.programme(name="Innovation Incubator", support_offered="Advice\n\n Peer support \n")
    assert str(programme) == "Innovation Incubator"
    assert programme.support_list == ["Advice", "Peer support"]


def test_participation_str_and_years():
    participation = factories.participation(
        programme=factories.programme(name="Innovation Incubator"), country=factories.country("DK")
    )
    assert str(participation) == "Denmark in Innovation Incubator (pilot)"
    assert participation.years == ""
    participation.start_year, participation.end_year = 2021, 2023
    assert participation.years == "2021–2023"


def test_participation_is_unique_per_programme_country_and_phase():
    programme = factories.programme()
    factories.participation(programme=programme, country=factories.country("RO"))
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.participation(programme=programme, country=factories.country("RO"))
    # Another phase is another participation.
    factories.participation(programme=programme, country=factories.country("RO"), phase=Participation.Phase.MAIN)


def test_participation_years_must_be_in_order():
    with pytest.raises(IntegrityError):
        factories.participation(start_year=2024, end_year=2020)


def test_partnership_and_member_str_and_uniqueness():
    member = factories.partnership_member(
        partnership=factories.partnership(name="OPSI and Accelerate Estonia"),
        organisation=factories.organisation(name="Accelerate Estonia"),
    )
    assert str(member.partnership) == "OPSI and Accelerate Estonia"
    assert str(member) == "Accelerate Estonia in OPSI and Accelerate Estonia"
    with pytest.raises(IntegrityError):
        factories.partnership_member(partnership=member.partnership, organisation=member.organisation)


def test_toolkit_str_names_and_source():
    toolkit = factories.toolkit(
        name="Anticipatory Innovation Starter Kit",
        aliases="AIS kit\n\n  starter kit for anticipation ",
        source_video_id="_HySsiq_l6A",
        source_seconds=50,
    )
    assert str(toolkit) == "Anticipatory Innovation Starter Kit"
    assert toolkit.names() == ["Anticipatory Innovation Starter Kit", "AIS kit", "starter kit for anticipation"]
    assert toolkit.source_url == "https://www.youtube.com/watch?v=_HySsiq_l6A&t=50"
    assert toolkit.source_timestamp == "00:00:50"


def test_toolkit_slug_is_unique():
    factories.toolkit(slug="kit")
    with pytest.raises(IntegrityError):
        factories.toolkit(slug="kit")


def test_helpers():
    assert youtube_url("_HySsiq_l6A") == "https://www.youtube.com/watch?v=_HySsiq_l6A"
    assert youtube_url("_HySsiq_l6A", 96) == "https://www.youtube.com/watch?v=_HySsiq_l6A&t=96"
    assert format_timestamp(3725) == "01:02:05"
    factories.organisation(slug="opsi")
    from incubator.models import Organisation

    assert unique_slug(Organisation, "OPSI") == "opsi-2"
    assert unique_slug(Organisation, "Accelerate Estonia") == "accelerate-estonia"
