"""sitemap.xml lists every public page and no draft; robots.txt points at it."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from incubator.models import Organisation, Partnership, Programme, Toolkit
from practices.models import Practice
from tests import factories

pytestmark = pytest.mark.django_db

SITEMAP = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def get_xml(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return ET.fromstring(response.content)  # noqa: S314 (the site's own output, not untrusted XML)


def sitemap_paths(client):
    """Every address of every sitemap the index at /sitemap.xml lists."""
    index = get_xml(client, "/sitemap.xml")
    paths = []
    for section in index.findall("sm:sitemap/sm:loc", SITEMAP):
        root = get_xml(client, section.text.removeprefix("http://testserver"))
        paths += [loc.text.removeprefix("http://testserver") for loc in root.findall("sm:url/sm:loc", SITEMAP)]
    return paths


@pytest.fixture
def library(seed):
    published = factories.practice(title="Published", slug="published")
    published.countries.add(factories.country("FI"))
    published.themes.add(factories.theme(slug="foresight"))
    draft = factories.practice(title="Draft", slug="draft", status=Practice.Status.DRAFT)
    draft.countries.add(factories.country("JP"))
    draft.themes.add(factories.theme(slug="draft-only-theme"))
    return published, draft


def test_sitemap_lists_every_public_page(client, library):
    published, _ = library
    paths = sitemap_paths(client)
    expected = [
        reverse("practices:home"),
        reverse("practices:practice_list"),
        reverse("api:docs"),
        published.get_absolute_url(),
        "/themes/foresight/",
        "/countries/finland/",
        # Countries of the seed's programme participations and toolkits.
        "/countries/denmark/",
        "/countries/portugal/",
        "/countries/romania/",
    ]
    for model in (Toolkit, Programme, Partnership, Organisation):
        expected += [record.get_absolute_url() for record in model.objects.all()]
    assert set(expected) <= set(paths)
    assert len(paths) == len(set(paths))


def test_every_sitemap_page_is_public(client, library):
    for path in sitemap_paths(client):
        assert client.get(path).status_code == 200, path


def test_sitemap_never_lists_a_draft_or_what_only_drafts_have(client, library):
    paths = sitemap_paths(client)
    assert "/practices/draft/" not in paths
    assert "/themes/draft-only-theme/" not in paths
    assert "/countries/japan/" not in paths


def test_unpublishing_removes_the_practice_from_the_sitemap(client, library):
    published, _ = library
    Practice.objects.filter(pk=published.pk).update(status=Practice.Status.DRAFT)
    assert published.get_absolute_url() not in sitemap_paths(client)


def test_robots_txt_points_at_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines
