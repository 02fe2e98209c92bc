"""schema.org JSON-LD and Open Graph on practice pages: valid for the types used, and safe in <script>."""

import json
import re

import pytest

from practices.models import Practice
from tests import factories

pytestmark = pytest.mark.django_db

# What schema.org and search engines require of each type the page uses (Google's structured data
# documentation for Article, VideoObject and its key moments, Clip).
REQUIRED = {
    "Article": {"headline", "author", "datePublished", "url"},
    "VideoObject": {"name", "description", "thumbnailUrl", "uploadDate"},
    "Clip": {"name", "startOffset", "url"},
    "Country": {"name"},
    "Organization": {"name"},
}


def nodes(data):
    """Every typed object in the JSON-LD tree."""
    if isinstance(data, dict):
        if "@type" in data:
            yield data
        for value in data.values():
            yield from nodes(value)
    elif isinstance(data, list):
        for value in data:
            yield from nodes(value)


def json_ld(html):
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    return json.loads(block)


@pytest.fixture
def practice():
    video = factories.video(youtube_id="_HySsiq_l6A", title="Sharing innovative practices")
    practice = factories.practice(
        title="Sharing practices",
        summary="How OPSI spreads what works </script><script>alert(1)</script>.",
        source_video=video,
        body_markdown=(
            "Teams start small [00:01:36]. Then they scale [00:02:10].\n\n## Lessons\n\nShare early [00:03:00].\n"
        ),
    )
    factories.country_mention(practice, factories.country("PT"))
    return Practice.objects.get(pk=practice.pk)


def test_json_ld_has_every_required_property_of_its_types(client, practice):
    data = json_ld(client.get(practice.get_absolute_url()).content.decode())
    assert data["@context"] == "https://schema.org"
    found = list(nodes(data))
    assert {node["@type"] for node in found} == set(REQUIRED)
    for node in found:
        assert REQUIRED[node["@type"]] <= node.keys(), node["@type"]
    assert data["spatialCoverage"] == [{"@type": "Country", "name": "Portugal", "identifier": "PT"}]


def test_each_timestamp_is_a_clip_of_the_video(client, practice):
    video = json_ld(client.get(practice.get_absolute_url()).content.decode())["video"]
    clips = video["hasPart"]
    assert [clip["startOffset"] for clip in clips] == [96, 130, 180]
    assert clips[0] == {
        "@type": "Clip",
        "name": "Teams start small.",
        "startOffset": 96,
        "endOffset": 130,
        "url": "https://www.youtube.com/watch?v=_HySsiq_l6A&t=96",
    }
    assert "endOffset" not in clips[-1]


def test_note_text_cannot_close_the_script(client, practice):
    html = client.get(practice.get_absolute_url()).content.decode()
    block = html[html.index('<script type="application/ld+json">') :]
    block = block[: block.index("</script>")]
    assert "<" not in block.removeprefix('<script type="application/ld+json">')
    assert json_ld(html)["description"].endswith("</script><script>alert(1)</script>.")


def test_open_graph_tags_describe_the_practice(client, practice):
    html = client.get(practice.get_absolute_url()).content.decode()
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Sharing practices">' in html
    assert f'<meta property="og:url" content="http://testserver{practice.get_absolute_url()}">' in html
    assert '<meta property="og:description" content="How OPSI spreads what works &lt;/script&gt;' in html
