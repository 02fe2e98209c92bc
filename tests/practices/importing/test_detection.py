"""Country and toolkit detection: the right records, no false hits, evidence for each."""

import pytest

from incubator.models import Country
from practices.importing.detection import country_gazetteer, find, toolkit_gazetteer
from practices.importing.sentences import Sentence, sentences_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def countries():
    return country_gazetteer(Country.objects.values_list("code", "name"))


def codes(text, gazetteer):
    """The keys `find` gives for `text` read as one untimed sentence."""
    return [found.key for found in find([Sentence(text, None, False)], gazetteer)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Denmark, Romania, and Portugal participated.", ["DK", "RO", "PT"]),
        ("The U.S. and the UK, the USA and the United States.", ["US", "GB"]),
        ("Danish, Portuguese, Canadian and Brazilian teams.", ["DK", "PT", "CA", "BR"]),
        ("Estonia's development and Estonian officials.", ["EE"]),
        ("Submissions from Turkey, the UAE and Korea.", ["TR", "AE", "KR"]),
        ("The Dutch case and the Netherlands.", ["NL"]),
        ("A pilot in the Åland Islands and in Côte d'Ivoire.", ["AX", "CI"]),  # Å: a capital beyond A-Z
    ],
)
def test_names_short_forms_and_adjectives_find_the_country(countries, text, expected):
    assert codes(text, countries) == expected


@pytest.mark.parametrize(
    "text",
    [
        "A woman spoke; the women listened.",
        "The European Commission and the OECD worked with OPSI.",
        "Latin America and North America.",
        "New Mexico and New Jersey passed laws.",
        "Made of fine china in a germane way.",
        "Tell us what you think.",
    ],
)
def test_no_country_inside_other_words_or_names(countries, text):
    assert codes(text, countries) == []


def test_niger_is_not_nigeria_and_each_is_itself(countries):
    assert codes("Nigeria grew.", countries) == ["NG"]
    assert codes("Niger grew.", countries) == ["NE"]
    assert codes("Nigerian and Nigerien.", countries) == ["NG", "NE"]


def test_the_longest_name_wins(countries):
    assert codes("Papua New Guinea.", countries) == ["PG"]
    assert codes("Guinea-Bissau.", countries) == ["GW"]
    assert codes("Equatorial Guinea and Guinea.", countries) == ["GQ", "GN"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Projects in Georgia and Armenia.", ["GE", "AM"]),
        ("The state of Georgia cut paperwork.", []),
        ("Atlanta, Georgia ran a pilot.", []),
        ("Georgia, Armenia and Azerbaijan.", ["GE", "AM", "AZ"]),
        ("Jordan said the pilot worked.", []),
        ("Refugee services in Jordan.", ["JO"]),
        ("Chad explained the method.", []),
        ("Programmes in Chad and Niger.", ["TD", "NE"]),
    ],
)
def test_risky_names_need_country_context(countries, text, expected):
    assert codes(text, countries) == expected


def test_each_country_comes_with_its_first_sentence_and_timestamp(countries):
    body = (
        "## Portugal kit\n\nIntro [00:00:05].\n\nDenmark, Romania, and Portugal participated in its pilot phase "
        "[00:00:26]. Portugal developed a kit [00:00:50].\n"
    )
    found = {f.key: (f.sentence, f.seconds) for f in find(sentences_of(body), countries)}
    assert found["PT"] == ("Denmark, Romania, and Portugal participated in its pilot phase.", 26)
    assert found["DK"] == ("Denmark, Romania, and Portugal participated in its pilot phase.", 26)


def test_toolkits_by_name_or_alias_ignoring_case_and_hyphens():
    gazetteer = toolkit_gazetteer(
        [
            ("aisk", ["Anticipatory Innovation Starter Kit", "Anticipatory Innovation Starter-Kit"]),
            ("tools", ["Tools for incubating innovation projects"]),
        ]
    )
    assert codes("Portugal developed the anticipatory innovation starter-kit.", gazetteer) == ["aisk"]
    assert codes("They developed tools for incubating innovation projects.", gazetteer) == ["tools"]
    assert codes("Tools for incubating innovation exist.", gazetteer) == []


def test_among_toolkits_sharing_first_words_the_longest_name_wins_in_any_case():
    gazetteer = toolkit_gazetteer(
        [
            ("navigator", ["Toolkit Navigator", "OPSI Toolkit Navigator"]),
            ("opsi", ["OPSI"]),
            ("toolkit", ["Toolkit"]),
            ("caf", ["Common Assessment Framework", "CAF", "Common Assessment"]),
        ]
    )
    spans = gazetteer.matches_with_span("The opsi toolkit-navigator, a TOOLKIT, Common assessment framework and CAF.")
    assert [key for key, *_ in spans] == ["navigator", "toolkit", "caf", "caf"]
    assert spans[0][1:] == (4, 26)  # the whole of "opsi toolkit-navigator"
    assert codes("The OPSI team", gazetteer) == ["opsi"]


def test_an_alias_written_with_a_leading_hyphen_is_found_as_written():
    gazetteer = toolkit_gazetteer([("kit", ["-Kit"]), ("design", ["Design Kit"])])
    assert [key for key, *_ in gazetteer.matches_with_span("The -kit and the Design Kit.")] == ["kit", "design"]


def test_a_gazetteer_without_names_finds_nothing():
    assert toolkit_gazetteer([]).matches_with_span("The OPSI Toolkit Navigator") == []
