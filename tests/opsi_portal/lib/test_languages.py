"""A page's address in each language: English without a prefix, French under /fr/."""

from opsi_portal.lib.collation import alphabetical_key
from opsi_portal.lib.languages import language_name, path_in, path_without_language


def test_path_in_each_language():
    assert path_in("/practices/", "fr") == "/fr/practices/"
    assert path_in("/fr/practices/", "en") == "/practices/"
    assert path_in("/fr/practices/", "fr") == "/fr/practices/"
    assert path_in("/", "fr") == "/fr/"
    assert path_in("/fr/", "en") == "/"


def test_a_path_that_only_starts_like_a_prefix_keeps_it():
    assert path_without_language("/french-toolkits/") == "/french-toolkits/"
    assert path_in("/frontier/", "fr") == "/fr/frontier/"


def test_languages_are_named_in_themselves():
    assert language_name("fr") == "Français"
    assert language_name("en") == "English"


def test_names_sort_across_accents_and_case():
    names = ["Égypte", "Allemagne", "estonie", "Åland", "Zambie"]
    assert sorted(names, key=alphabetical_key) == ["Åland", "Allemagne", "Égypte", "estonie", "Zambie"]
