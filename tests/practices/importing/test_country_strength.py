"""Country strength: a practice is *about* a country or only *mentions* it, with the strongest evidence shown."""

import pytest

from incubator.models import Country
from practices.importing.country_strength import ABOUT, MENTIONS, country_evidence
from practices.importing.detection import country_gazetteer
from practices.importing.sentences import sentences_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def countries():
    return country_gazetteer(Country.objects.values_list("code", "name"))


def strengths(body, countries, title="A practice"):
    """Each country's (strength, evidence sentence, seconds) for a note body."""
    return {c.key: (c.strength, c.sentence, c.seconds) for c in country_evidence(title, sentences_of(body), countries)}


def test_a_speakers_affiliation_only_mentions_the_country(countries):
    body = (
        "Toolkits are everywhere [00:02:20].\n\n> Toolkits are like toothbrushes.\n> — Andrea Snook, UK Policy Lab"
        " [00:02:27]\n\nAs Andrea Snook from the UK Policy Lab observed, nobody uses them [00:02:30].\n"
    )
    assert strengths(body, countries)["GB"][0] == MENTIONS


def test_a_public_body_named_after_its_country_is_about_it(countries):
    body = "The UK Home Office set up a lab in 2017 [00:12:28].\n"
    assert strengths(body, countries)["GB"][0] == ABOUT
    assert strengths("OPSI partnered with Accelerate Estonia [00:01:16].\n", countries)["EE"][0] == ABOUT


def test_each_country_of_a_long_list_is_only_mentioned(countries):
    body = (
        "Designs were tested with innovators from Chile, Scotland, Canada, Finland, Mexico and New Zealand"
        " [00:13:52].\n\nLater, the team built the tool [00:15:00].\n"
    )
    found = strengths(body, countries)
    assert {code: strength for code, (strength, _, _) in found.items()} == dict.fromkeys(
        ["CL", "GB", "CA", "FI", "MX", "NZ"], MENTIONS
    )


def test_a_long_list_does_not_count_as_a_second_moment(countries):
    body = (
        "The model comes from studies of governments like Canada and Brazil [00:03:19].\n\n"
        "Testers came from Chile, Scotland, Canada, Finland and Mexico [00:13:52].\n"
    )
    assert strengths(body, countries)["CA"][0] == MENTIONS


def test_a_country_in_the_title_is_about_it_and_the_title_is_the_evidence(countries):
    found = strengths("Teams met once [00:00:10].\n", countries, title="Youth councils in Finland")
    assert found["FI"] == (ABOUT, "Youth councils in Finland", None)


def test_a_country_in_a_heading_is_about_it_and_the_heading_is_the_evidence(countries):
    body = (
        "Denmark, Romania, and Portugal took part [00:00:26].\n\n## Portugal's Starter Kit\n\n"
        "The kit is for newcomers [00:00:55].\n"
    )
    found = strengths(body, countries)
    assert found["PT"][:2] == (ABOUT, "Portugal's Starter Kit")
    assert found["DK"][0] == MENTIONS


def test_named_at_different_moments_is_about_it(countries):
    body = (
        "Denmark, Romania, and Portugal participated in its pilot phase [00:00:26].\n\n"
        "Under the incubator's guidance, Portugal developed a kit [00:00:50].\n"
    )
    found = strengths(body, countries)
    assert found["PT"] == (ABOUT, "Under the incubator's guidance, Portugal developed a kit.", 50)
    assert found["RO"][0] == MENTIONS


def test_twice_at_the_same_moment_is_still_one_mention(countries):
    body = "Norway has a lab. Norway tests ideas [00:01:00].\n"
    assert strengths(body, countries)["NO"][0] == MENTIONS


@pytest.mark.parametrize(
    "sentence",
    [
        "In Portugal, teams redesigned the service [00:10:00].",
        "Portugal's agency redesigned the service [00:10:00].",
        "The Portuguese government redesigned the service [00:10:00].",
        "The government of Portugal redesigned the service [00:10:00].",
    ],
)
def test_where_the_practice_happens_is_about_it(countries, sentence):
    assert strengths(sentence + "\n", countries)["PT"] == (ABOUT, sentence.replace(" [00:10:00]", ""), 600)


@pytest.mark.parametrize(
    "sentence",
    [
        "Cases in Australia and the Netherlands went wrong [00:29:32].",
        "Automation can fail, as seen in cases like Australia [00:29:32].",
        "The government of Serbia's platform, for example, could cut emissions [05:54:56].",
        "Strong partnerships are pursued with the United Arab Emirates [00:55:41].",
    ],
)
def test_a_passing_sentence_or_an_example_only_mentions_it(countries, sentence):
    found = strengths(sentence + "\n", countries)
    assert {strength for strength, _, _ in found.values()} == {MENTIONS}


def test_every_moment_is_kept_and_the_strongest_sentence_shown(countries):
    body = (
        "Denmark, Romania, and Portugal took part [00:00:26].\n\nIn Portugal, the kit was tested [00:00:48].\n\n"
        "Portugal shared it [00:01:05].\n"
    )
    (found,) = [c for c in country_evidence("A note", sentences_of(body), countries) if c.key == "PT"]
    assert found.moments == [26, 48, 65]
    assert (found.sentence, found.seconds) == ("In Portugal, the kit was tested.", 48)
