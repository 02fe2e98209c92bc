"""A facet's options as the list page writes them: checkboxes, labels, figures and escaping."""

import re

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


def option_items(html, name):
    return dict(re.findall(rf'<li[^>]*><input type="checkbox" name="{name}" value="([^"]+)"(.*?)</li>', html, re.S))


def test_options_are_ticked_when_chosen_and_others_say_what_they_add(client):
    portugal, denmark = factories.country("PT"), factories.country("DK")
    factories.rich_practice(countries=[portugal])
    factories.rich_practice(countries=[portugal, denmark])
    factories.rich_practice(countries=[denmark])
    unchosen = option_items(client.get("/practices/").content.decode(), "country")
    label = '<label for="f-country-portugal">Portugal <span class="count">(2)</span></label>'
    assert unchosen["portugal"] == f' id="f-country-portugal">\n      {label}'
    chosen = option_items(client.get("/practices/?country=portugal").content.decode(), "country")
    assert chosen["portugal"].startswith(' id="f-country-portugal" checked>') and "(2)</span>" in chosen["portugal"]
    # Denmark is in two practices, one of which the list shows already.
    assert "(+1)</span>" in chosen["denmark"] and "checked" not in chosen["denmark"]


def test_option_names_are_escaped_and_words_are_given_only_where_typing_filters(client):
    theme = factories.theme(name='A "quoted" <theme>')
    factories.rich_practice(themes=[theme], countries=[factories.country("PT")])
    html = client.get("/practices/").content.decode()
    assert "A &quot;quoted&quot; &lt;theme&gt; <span" in html
    assert "data-words" not in html
    options = client.get("/practices/options/country/?find=port").content.decode()
    assert '<li data-words="portugal pt"><input type="checkbox" name="country" value="portugal"' in options
