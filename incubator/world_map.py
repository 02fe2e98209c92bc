"""The world map: countries shaded by how many practices each has, drawn as server-side SVG.

The shapes are Natural Earth's (public domain), projected and simplified once by
`scripts/world_map/build.py` into `incubator/data/world_map.json`, keyed by ISO alpha-2 code.
A page gives the counts it already has; the map needs no query, no JavaScript and no tiles.
"""

import json
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext

from opsi_portal.caching import held_value
from opsi_portal.lib.collation import alphabetical_key
from opsi_portal.lib.markup import count_text, escaped

from .models import Country

DATA_FILE = Path(__file__).resolve().parent / "data" / "world_map.json"
# Darkest last. Each shade has at least 3:1 contrast with the white sea and the grey of countries
# without practices, so a shaded country stands out; the shade is never the only cue (every
# country's link names its count, and the table lists them).
SHADES = ["#4f80b8", "#3a6ea9", "#285d9c", "#174680", "#0a2f5c"]
LAND = "#e8e8e8"
# In units of the 1000-wide picture: a visible dot even when the map is drawn 320 px wide.
MARKER_RADIUS = 7


@dataclass(frozen=True)
class Geometry:
    width: int
    height: int
    shapes: dict
    centres: dict


@lru_cache(maxsize=8192)
def country_label(name, count, language):
    # A map names some two hundred countries, mostly with the same few small counts from page to page.
    words = ngettext("%(name)s: %(counter)s practice", "%(name)s: %(counter)s practices", count)
    return SafeString(words % {"name": escaped(name), "counter": count_text(count)})


@dataclass
class MapCountry:
    """One country with practices: its link, count, shade and how it is drawn (shape or marker)."""

    code: str
    name: str
    url: str
    count: int
    shade: int
    path: str = ""
    marker: tuple = ()

    @property
    def colour(self):
        return SHADES[self.shade]

    @property
    def label(self):
        """ "Portugal: 3 practices", escaped, in the page's language (the words the template used before)."""
        return country_label(self.name, self.count, get_language())

    def drawing(self, marker_radius, language):
        """The country's link on the map: its shape, or a dot where it is too small to see."""
        if self.path:
            shape = f'<path d="{self.path}"/>'
            attributes = ""
        else:
            x, y = self.marker
            shape = f'<circle cx="{x}" cy="{y}" r="{marker_radius}"/>'
            attributes = ' class="marker"'
        label = country_label(self.name, self.count, language)
        return (
            f'<a href="{escaped(self.url)}"{attributes} fill="{self.colour}" aria-label="{label}">'
            f"<title>{label}</title>{shape}</a>"
        )


@dataclass
class LegendStep:
    shade: int
    low: int
    high: int

    @property
    def colour(self):
        return SHADES[self.shade]

    @property
    def label(self):
        """ "3 practices" or "4–6 practices", in the page's language (a blocktranslate took 0.1 ms a step)."""
        if self.low == self.high:
            words = ngettext("%(counter)s practice", "%(counter)s practices", self.high)
        else:
            words = ngettext("%(low)s–%(counter)s practice", "%(low)s–%(counter)s practices", self.high)
        return words % {"counter": count_text(self.high), "low": count_text(self.low)}


@dataclass
class WorldMap:
    width: int
    height: int
    background: list  # shapes of the countries without practices, drawn in grey
    countries: list  # MapCountry, by name
    legend: list  # LegendStep, lowest first
    total: int
    land: str = LAND
    marker_radius: int = MARKER_RADIUS

    @property
    def view_box(self):
        return f"0 0 {self.width} {self.height}"

    @property
    def background_path(self):
        return mark_safe("".join(self.background))  # noqa: S308  (shape data: checked on loading)

    @property
    def drawings(self):
        """Every shaded country's link, shapes first and dots on top, as one string.

        Written here rather than in the template: a page can shade some two hundred countries, and
        the template engine took some 30 ms to draw them where this takes one or two.
        """
        shapes = [country for country in self.countries if country.path]
        dots = [country for country in self.countries if not country.path and country.marker]
        language = get_language()
        drawings = (country.drawing(self.marker_radius, language) for country in shapes + dots)
        return mark_safe("".join(drawings))  # noqa: S308  (every value in it is escaped or checked)

    @property
    def table_rows(self):
        """The same figures as rows of a table, one per country, for readers who cannot see the map."""
        return mark_safe(  # noqa: S308  (every value in it is escaped)
            "".join(
                f'<tr><th scope="row"><a href="{escaped(country.url)}">{escaped(country.name)}</a></th>'
                f'<td class="num">{count_text(country.count)}</td></tr>'
                for country in self.countries
            )
        )


# What a shape's path data may hold (moves, lines, closes, numbers): written into pages unescaped.
PATH_CHARACTERS = frozenset("Mlz0123456789 -.")


@cache
def geometry():
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    unexpected = {code for code, path in data["shapes"].items() if not set(path) <= PATH_CHARACTERS}
    if unexpected:
        raise ValueError(f"{DATA_FILE.name}: shapes of {sorted(unexpected)} hold more than path data")
    return Geometry(data["width"], data["height"], data["shapes"], {k: tuple(v) for k, v in data["centres"].items()})


def legend_steps(highest):
    """Up to five ranges of counts, growing geometrically so one busy country does not wash out the rest."""
    if highest <= len(SHADES):
        return [LegendStep(i, n, n) for i, n in enumerate(range(1, highest + 1))]
    bounds = sorted({round(highest ** (step / len(SHADES))) for step in range(1, len(SHADES) + 1)})
    steps, low = [], 1
    for i, high in enumerate(bounds):
        if high >= low:
            steps.append(LegendStep(i, low, high))
            low = high + 1
    return steps


def shade_of(count, legend):
    return next(step.shade for step in legend if count <= step.high)


def _facts_of(country):
    """What the map reads of a country: its name in the page's language, that name's sort key, its ISO code."""
    name = country.display_name
    return name, alphabetical_key(name), country.code.code


def _held_facts():
    """{country id: `_facts_of` it} for every country, held per language until the data changes: a map
    reads some two hundred, and django-countries builds an object each time a code is read."""
    return held_value(
        f"world-map-countries:{get_language()}", lambda: {c.pk: _facts_of(c) for c in Country.objects.all()}
    )


def world_map(counted, url_for):
    """The map for `counted`, a list of (country, count) pairs; `url_for(country)` is where each links to.

    Countries too small for the shapes (Malta, Singapore...) are drawn as markers at their centre.
    Returns None when no country has a practice.
    """
    # Records are read from the held facts; other objects (tests' stand-ins) for themselves.
    held = _held_facts() if any(getattr(country, "pk", None) for country, _count in counted) else {}
    named = [
        (held.get(getattr(country, "pk", None)) or _facts_of(country), country, count)
        for country, count in counted
        if count
    ]
    if not named:
        return None
    shapes = geometry()
    legend = legend_steps(max(count for _, _, count in named))
    countries = []
    for (name, _key, code), country, count in sorted(named, key=lambda row: row[0][1]):
        countries.append(
            MapCountry(
                code=code,
                name=name,
                url=url_for(country),
                count=count,
                shade=shade_of(count, legend),
                path=shapes.shapes.get(code, ""),
                marker=() if code in shapes.shapes else shapes.centres.get(code, ()),
            )
        )
    shown = {country.code for country in countries}
    background = [path for code, path in shapes.shapes.items() if code not in shown]
    return WorldMap(
        width=shapes.width,
        height=shapes.height,
        background=background,
        countries=countries,
        legend=legend,
        total=sum(count for _, _, count in named),
    )
