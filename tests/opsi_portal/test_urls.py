"""Addresses by slug: the same as reverse(), in every language and under a script prefix."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import translation

from opsi_portal.lib.urls import slug_address

NAMES = ["practices:practice_detail", "practices:theme_detail", "incubator:country_detail", "incubator:toolkit_detail"]


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("slug", ["open-budgets", "a_b-9", "x"])
def test_an_address_by_slug_is_what_reverse_gives(language, slug):
    with translation.override(language):
        for name in NAMES:
            assert slug_address(name, slug) == reverse(name, args=[slug])


def test_what_no_address_takes_is_refused_as_reverse_refuses_it():
    for slug in ("Ünïcode", "a/b", ""):
        with pytest.raises(NoReverseMatch):
            slug_address("practices:theme_detail", slug)


def test_an_address_by_slug_follows_the_script_prefix():
    try:
        set_script_prefix("/portal/")
        assert (
            slug_address("practices:theme_detail", "open")
            == "/portal/themes/open/"
            == reverse("practices:theme_detail", args=["open"])
        )
    finally:
        set_script_prefix("/")
    assert slug_address("practices:theme_detail", "open") == "/themes/open/"
