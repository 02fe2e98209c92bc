"""Atom feeds of new practices parse back as Atom and hold the right entries, never a draft."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.urls import reverse

from practices.feeds import FEED_LENGTH
from practices.models import Practice
from tests import factories

pytestmark = pytest.mark.django_db

ATOM = {"atom": "http://www.w3.org/2005/Atom"}


def parse_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 (the site's own output, not untrusted XML)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    # What RFC 4287 requires of a feed and of each entry.
    for required in ["atom:id", "atom:title", "atom:updated", "atom:author/atom:name"]:
        assert root.find(required, ATOM) is not None, required
    for entry in root.findall("atom:entry", ATOM):
        for required in ["atom:id", "atom:title", "atom:updated", "atom:link"]:
            assert entry.find(required, ATOM) is not None, required
    return root


def entry_links(root):
    return [entry.find("atom:link", ATOM).get("href") for entry in root.findall("atom:entry", ATOM)]


def url_of(practice):
    return f"http://testserver{practice.get_absolute_url()}"


def test_feed_of_all_practices_is_atom_with_the_licence_newest_first(client):
    older = factories.practice(title="Older", summary="First one.")
    newer = factories.practice(title="Newer")
    newer.themes.add(factories.theme(name="Foresight"))
    Practice.objects.filter(pk=older.pk).update(published_at=newer.published_at.replace(year=2020))
    factories.practice(title="A draft", status=Practice.Status.DRAFT)

    root = parse_feed(client, reverse("practices:feed"))
    assert root.find("atom:rights", ATOM).text == settings.DATA_LICENCE
    assert entry_links(root) == [url_of(newer), url_of(older)]
    first, second = root.findall("atom:entry", ATOM)
    assert first.find("atom:title", ATOM).text == "Newer"
    assert [c.get("term") for c in first.findall("atom:category", ATOM)] == ["Foresight"]
    assert second.find("atom:summary", ATOM).text == "First one."
    assert second.find("atom:published", ATOM).text.startswith("2020-")


def test_feed_is_limited_to_the_newest_entries(client):
    for _ in range(FEED_LENGTH + 2):
        factories.practice()
    assert len(entry_links(parse_feed(client, reverse("practices:feed")))) == FEED_LENGTH


def test_empty_feed_is_still_valid_atom(client):
    assert entry_links(parse_feed(client, reverse("practices:feed"))) == []


def test_country_theme_and_toolkit_feeds_hold_only_their_practices(client):
    portugal = factories.country("PT")
    theme = factories.theme(slug="anticipation")
    kit = factories.toolkit(slug="starter-kit")
    in_portugal, with_theme, with_kit, unrelated = (factories.practice() for _ in range(4))
    in_portugal.countries.add(portugal)
    with_theme.themes.add(theme)
    with_kit.toolkits.add(kit)
    draft = factories.practice(status=Practice.Status.DRAFT)
    draft.countries.add(portugal)
    draft.themes.add(theme)
    draft.toolkits.add(kit)

    cases = [
        ("practices:country_feed", "portugal", in_portugal, "Portugal"),
        ("practices:theme_feed", "anticipation", with_theme, theme.name),
        ("practices:toolkit_feed", "starter-kit", with_kit, kit.name),
    ]
    for name, slug, expected, title in cases:
        root = parse_feed(client, reverse(name, args=[slug]))
        assert entry_links(root) == [url_of(expected)]
        assert title in root.find("atom:title", ATOM).text
        assert root.find("atom:rights", ATOM).text == settings.DATA_LICENCE


@pytest.mark.parametrize("name", ["practices:country_feed", "practices:theme_feed", "practices:toolkit_feed"])
def test_feed_of_an_unknown_record_is_not_found(client, name):
    assert client.get(reverse(name, args=["no-such-thing"])).status_code == 404


def test_feed_of_a_country_without_practices_is_empty(client):
    assert entry_links(parse_feed(client, reverse("practices:country_feed", args=["denmark"]))) == []


def test_pages_advertise_their_feeds(client, seed):
    factories.theme(name="Foresight", slug="foresight")
    pages = {
        "/": reverse("practices:feed"),
        "/themes/foresight/": reverse("practices:theme_feed", args=["foresight"]),
        "/countries/portugal/": reverse("practices:country_feed", args=["portugal"]),
        "/toolkits/anticipatory-innovation-starter-kit/": reverse(
            "practices:toolkit_feed", args=["anticipatory-innovation-starter-kit"]
        ),
    }
    for page, feed in pages.items():
        html = client.get(page).content.decode()
        link = rf'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="{re.escape(feed)}">'
        assert re.search(link, html), page


def test_feeds_come_in_the_language_lang_names(client):
    practice = factories.practice(title="School budgets", summary="Pupils vote.")
    practice.title_fr = "Budgets des écoles"
    practice.save()
    root = parse_feed(client, reverse("practices:feed") + "?lang=fr")
    (entry,) = root.findall("atom:entry", ATOM)
    assert entry.find("atom:title", ATOM).text == "Budgets des écoles"
    assert entry.find("atom:summary", ATOM).text == "Pupils vote."
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    (entry,) = parse_feed(client, reverse("practices:feed")).findall("atom:entry", ATOM)
    assert entry.find("atom:title", ATOM).text == "School budgets"


def test_a_feed_with_an_unknown_language_is_a_400(client):
    assert client.get(reverse("practices:feed") + "?lang=klingon").status_code == 400
