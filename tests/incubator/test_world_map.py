"""The world map: Natural Earth shapes keyed by ISO code, shades that stand out, small states as dots."""

import gzip
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from incubator.models import Country
from incubator.world_map import DATA_FILE, LAND, SHADES, geometry, legend_steps, world_map


def luminance(colour):
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a, b):
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def country(code, name):
    # `display_name` is what the map shows: the name in the page's language (Country.display_name).
    return SimpleNamespace(code=SimpleNamespace(code=code), name=name, display_name=name, slug=name.lower())


def test_every_shade_stands_out_from_the_sea_and_from_countries_without_practices():
    for shade in SHADES:
        assert contrast(shade, "#ffffff") >= 3, shade
        assert contrast(shade, LAND) >= 3, shade


def test_shapes_are_keyed_by_iso_code_and_small_enough():
    shapes = geometry().shapes
    assert {"PT", "BR", "US", "FR", "AU"} <= shapes.keys()
    assert all(len(code) == 2 and code.isupper() for code in shapes)
    # Every country of the map costs at most this much on a page, compressed.
    assert len(gzip.compress(DATA_FILE.read_bytes())) < 20_000


@pytest.mark.parametrize(
    ("highest", "ranges"),
    [(1, [(1, 1)]), (3, [(1, 1), (2, 2), (3, 3)]), (100, [(1, 3), (4, 6), (7, 16), (17, 40), (41, 100)])],
)
def test_legend_ranges_cover_every_count_once(highest, ranges):
    assert [(step.low, step.high) for step in legend_steps(highest)] == ranges


def test_countries_link_with_their_count_and_small_states_are_dots():
    drawn = world_map(
        [(country("PT", "Portugal"), 3), (country("MT", "Malta"), 1), (country("FR", "France"), 0)],
        lambda c: f"/c/{c.slug}/",
    )
    assert [c.name for c in drawn.countries] == ["Malta", "Portugal"]
    malta, portugal = drawn.countries
    assert portugal.path and not portugal.marker
    assert malta.marker and not malta.path, "Malta is too small for the 1:110m shapes"
    html = render_to_string(
        "includes/world_map.html", {"map": drawn, "map_id": "m", "caption": "Practices", "table": True}
    )
    assert '<a href="/c/portugal/" fill="' in html and 'aria-label="Portugal: 3 practices"' in html
    assert 'aria-label="Malta: 1 practice"' in html and "<circle" in html
    assert '<th scope="row"><a href="/c/malta/">Malta</a></th><td class="num">1</td>' in html
    assert world_map([(country("FR", "France"), 0)], str) is None


def test_a_french_map_names_and_orders_countries_in_french(db):
    counted = [(Country.objects.get(code=code), 1) for code in ("DE", "ES", "EG")]
    with translation.override("fr"):
        drawn = world_map(counted, lambda c: f"/c/{c.slug}/")
    assert [c.name for c in drawn.countries] == ["Allemagne", "Égypte", "Espagne"]


def test_the_map_escapes_names_and_addresses_it_writes_itself():
    # The shapes, the dots and the table are written in Python, not by the template's autoescaping.
    drawn = world_map(
        [(country("PT", '<b>"Portugal"</b>'), 2), (country("MT", "Malta & Gozo"), 1)],
        lambda c: '/c/?q="x"&country=<pt>',
    )
    html = render_to_string("includes/world_map.html", {"map": drawn, "map_id": "m", "caption": "C", "table": True})
    assert "<b>" not in html and '"x"' not in html and "<pt>" not in html
    assert 'aria-label="&lt;b&gt;&quot;Portugal&quot;&lt;/b&gt;: 2 practices"' in html
    assert "<title>Malta &amp; Gozo: 1 practice</title>" in html
    assert 'href="/c/?q=&quot;x&quot;&amp;country=&lt;pt&gt;"' in html
    assert '<th scope="row"><a href="/c/?q=&quot;x&quot;&amp;country=&lt;pt&gt;">Malta &amp; Gozo</a></th>' in html


def test_shape_data_that_is_more_than_a_path_is_refused(tmp_path, monkeypatch):
    data = tmp_path / "map.json"
    data.write_text('{"width": 10, "height": 5, "shapes": {"PT": "M1 1l2 2z\\"/><script>"}, "centres": {}}')
    monkeypatch.setattr("incubator.world_map.DATA_FILE", data)
    geometry.cache_clear()
    try:
        with pytest.raises(ValueError, match="PT"):
            geometry()
    finally:
        geometry.cache_clear()


def test_labels_are_in_the_language_of_each_page_though_remembered():
    portugal = country("PT", "Portugal")
    with translation.override("en"):
        english = world_map([(portugal, 2)], str).countries[0].label
    with translation.override("fr"):
        french = world_map([(portugal, 2)], str).countries[0].label
    assert (english, french) == ("Portugal: 2 practices", "Portugal\N{NO-BREAK SPACE}: 2 pratiques")


def test_a_renamed_country_is_named_anew_on_the_next_map(db):
    """The map holds what it reads of each country until the data changes: a curator's rename shows."""
    portugal = Country.objects.get(code="PT")
    assert [c.name for c in world_map([(portugal, 1)], str).countries] == ["Portugal"]
    portugal.name = "Portuguese Republic"
    portugal.save()
    assert [c.name for c in world_map([(portugal, 1)], str).countries] == ["Portuguese Republic"]
