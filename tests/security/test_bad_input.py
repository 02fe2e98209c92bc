"""Odd, long and malformed query strings and unknown slugs on every public URL never give a 500."""

import re
from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incubator.models import Organisation, Partnership, Programme, Toolkit
from tests import factories

pytestmark = pytest.mark.django_db

ACCEPTABLE = {200, 301, 302, 400, 404}
# Parameters the public pages read; hypothesis also invents others.
KNOWN_KEYS = ["q", "page", "country", "theme", "toolkit", "sort", "format", "o", "per_page", "cursor", "limit"]
CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
# Bytes and fragments that trip naive decoding: NUL, invalid UTF-8, lone or broken escapes.
RAW_FRAGMENTS = [
    "%00",
    "%ff%fe",
    "%c3%28",
    "%",
    "%%",
    "%zz",
    "&&",
    "==",
    ";",
    "+",
    "%0d%0a",
    "%2e%2e%2f",
    "[]",
    "%u0041",
]


def public_routes(patterns=None, prefix=""):
    """Every route outside the admin, as a pattern string with its converters."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith("admin/"):
            continue
        if isinstance(pattern, URLResolver):
            yield from public_routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def fill(route, value):
    return "/" + CONVERTER.sub(lambda match: value, route).lstrip("^").rstrip("$")


@pytest.fixture
def known_slugs(seed):
    practice = factories.practice(title="Sharing practices", source_video=factories.video())
    practice.themes.add(factories.theme(slug="innovation"))
    records = [Programme, Partnership, Toolkit, Organisation]
    return ["portugal", practice.slug, "innovation", *(model.objects.first().slug for model in records)]


def filled_routes(known_slugs):
    """Each route with every known slug; routes without parameters once."""
    urls = set()
    for route in public_routes():
        if "\\" in route or "(?P" in route:
            continue  # regex routes (none today) would need their own values
        if CONVERTER.search(route):
            urls |= {fill(route, slug) for slug in known_slugs}
        else:
            urls.add(fill(route, ""))
    return sorted(urls)


def test_public_routes_are_found():
    routes = list(public_routes())
    assert "practices/" in routes
    assert any("<slug:slug>" in route for route in routes)


def test_every_public_page_answers_for_some_known_slug(client, known_slugs):
    answered = {url: client.get(url).status_code for url in filled_routes(known_slugs)}
    assert set(answered.values()) <= ACCEPTABLE
    assert list(answered.values()).count(200) >= 8


text = st.text(alphabet=st.characters(codec="utf-8"), max_size=60)
query_items = st.lists(
    st.tuples(
        st.one_of(st.sampled_from(KNOWN_KEYS), text),
        st.one_of(text, st.integers(-(10**20), 10**20).map(str), st.sampled_from(["", "0", "-1", "1e9", "Infinity"])),
    ),
    max_size=6,
)


@st.composite
def query_strings(draw):
    parts = [f"{quote(key, safe='')}={quote(value, safe='')}" for key, value in draw(query_items)]
    parts += draw(st.lists(st.sampled_from(RAW_FRAGMENTS), max_size=3))
    if draw(st.booleans()):
        parts.append("q=" + "x" * draw(st.integers(1000, 20_000)))
    order = draw(st.permutations(range(len(parts))))
    return "&".join(parts[i] for i in order)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=query_strings(), route_index=st.integers(min_value=0))
def test_generated_query_strings_never_give_a_server_error(client, known_slugs, query, route_index):
    urls = filled_routes(known_slugs)
    url = urls[route_index % len(urls)]
    response = client.get(f"{url}?{query}")
    assert response.status_code in ACCEPTABLE, f"{url}?{query[:200]}"


slugs = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="/?#"), min_size=1, max_size=300),
    st.from_regex(r"[a-z0-9-]{1,250}", fullmatch=True),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(slug=slugs, route_index=st.integers(min_value=0))
def test_unknown_slugs_give_not_found(client, known_slugs, slug, route_index):
    routes = [route for route in public_routes() if CONVERTER.search(route)]
    # The prefix keeps generated slugs from naming a real record (there are 250 countries).
    url = fill(routes[route_index % len(routes)], "no-such-" + quote(slug, safe=""))
    assert client.get(url).status_code in {301, 302, 404}, url
