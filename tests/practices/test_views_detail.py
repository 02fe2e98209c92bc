"""The practice page: the note with its contents, timestamps and the evidence behind every link."""

import re

import pytest
from django.urls import reverse

from practices.models import Origin, Practice
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def practice():
    foresight = factories.theme(name="Foresight", slug="foresight")
    kit = factories.toolkit(name="Anticipatory Innovation Starter Kit", slug="starter-kit")
    video = factories.video(youtube_id="_HySsiq_l6A", title="Sharing innovative practices")
    practice = factories.practice(
        title="Sharing practices",
        summary="How OPSI spreads what works.",
        source_video=video,
        body_markdown=(
            "## Overview\n\nGovernments share what works through peer learning.\n\n"
            "## How it works\n\n### First steps\n\nTeams start small [00:01:36] and then scale.\n"
        ),
    )
    practice.themes.add(foresight)
    factories.country_mention(practice, factories.country("PT"), sentence="Portugal built a starter kit.", seconds=76)
    factories.country_mention(practice, factories.country("DK"), origin=Origin.CURATOR, sentence="", seconds=None)
    factories.toolkit_mention(practice, kit, sentence="The kit helps teams anticipate.", seconds=130)
    return practice


def get(client, practice):
    return client.get(practice.get_absolute_url())


def test_practice_page_shows_title_summary_and_note(client, practice):
    response = get(client, practice)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert "<h1>Sharing practices</h1>" in html
    assert "How OPSI spreads what works." in html
    assert "Governments share what works through peer learning." in html


def test_contents_list_links_to_the_sections_of_the_note(client, practice):
    html = get(client, practice).content.decode()
    contents = html[html.index('<nav class="contents"') : html.index("</nav>", html.index('<nav class="contents"'))]
    assert html.count('<nav class="contents"') == 1
    assert 'href="#note-overview"' in contents
    # Sub-sections nest under their section.
    assert re.search(r'href="#note-how-it-works"[^>]*>How it works</a><ul><li><a href="#note-first-steps"', contents)
    for anchor in ("overview", "how-it-works", "first-steps"):
        assert f'id="note-{anchor}"' in html


def test_timestamps_link_to_the_video_at_that_second(client, practice):
    html = get(client, practice).content.decode()
    assert (
        'href="https://www.youtube.com/watch?v=_HySsiq_l6A&amp;t=96" rel="noopener noreferrer">[00:01:36]</a>' in html
    )


def test_each_country_and_toolkit_shows_its_sentence_and_moment(client, practice):
    html = get(client, practice).content.decode()
    assert "<q>Portugal built a starter kit.</q>" in html
    assert 'href="https://www.youtube.com/watch?v=_HySsiq_l6A&amp;t=76">video at 00:01:16</a>' in html
    assert "<q>The kit helps teams anticipate.</q>" in html
    assert 'href="https://www.youtube.com/watch?v=_HySsiq_l6A&amp;t=130">video at 00:02:10</a>' in html
    assert reverse("incubator:toolkit_detail", args=["starter-kit"]) in html


def test_a_curators_link_says_so(client, practice):
    html = get(client, practice).content.decode()
    evidence = html[html.index('id="facts-heading"') :]
    denmark = evidence[evidence.index("Denmark</a>") :]
    assert denmark.startswith('Denmark</a>: <span class="evidence">Set by a curator')


def test_source_video_is_a_plain_link_and_nothing_is_embedded(client, practice):
    html = get(client, practice).content.decode()
    assert 'href="https://www.youtube.com/watch?v=_HySsiq_l6A">Sharing innovative practices</a>' in html
    assert "<iframe" not in html
    # The only script element is the page's JSON-LD, a data block no browser runs.
    assert re.findall(r"<script[^>]*>", html) == ['<script type="application/ld+json">']


def test_related_practices_are_ordered_by_shared_themes(client, practice):
    foresight = practice.themes.get()
    extra = factories.theme(slug="extra")
    practice.themes.add(extra)
    one = factories.practice(title="Shares one theme")
    one.themes.add(foresight)
    two = factories.practice(title="Shares two themes")
    two.themes.add(foresight, extra)
    factories.practice(title="Shares nothing")
    hidden = factories.practice(title="Draft sharing both", status=Practice.Status.DRAFT)
    hidden.themes.add(foresight, extra)
    response = get(client, practice)
    assert [p.title for p in response.context["related"]] == ["Shares two themes", "Shares one theme"]
    assert "Draft sharing both" not in response.content.decode()


def test_practices_that_link_here_are_listed_when_published(client, practice):
    linking = factories.practice(title="Links to sharing")
    linking.links_to.add(practice)
    draft = factories.practice(title="Draft linking", status=Practice.Status.DRAFT)
    draft.links_to.add(practice)
    html = get(client, practice).content.decode()
    assert "Practices that link here" in html
    assert "Links to sharing" in html
    assert "Draft linking" not in html


def test_draft_practice_is_not_found(client, db):
    draft = factories.practice(status=Practice.Status.DRAFT)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_page_has_title_description_and_canonical_link(client, practice):
    html = get(client, practice).content.decode()
    assert "<title>Sharing practices · OPSI practices portal</title>" in html
    assert '<meta name="description" content="How OPSI spreads what works.">' in html
    assert f'<link rel="canonical" href="http://testserver{practice.get_absolute_url()}">' in html


def test_related_practices_count_only_the_newest_of_a_crowded_theme(client, practice, monkeypatch):
    # Both databases count the newest RELATED_POOL practices of each theme, so a theme thousands of
    # practices share costs no more than a rare one; the page's own practice never counts.
    monkeypatch.setattr("practices.views.RELATED_POOL", 3)
    crowded = practice.themes.get()
    rare = factories.theme(slug="rare")
    practice.themes.add(rare)
    oldest = factories.practice(title="Old, shares both")
    oldest.themes.add(crowded, rare)
    newer = [factories.practice(title=f"Newer {n}") for n in range(4)]
    for each in newer:
        each.themes.add(crowded)
    draft = factories.practice(title="Draft, shares both", status=Practice.Status.DRAFT)
    draft.themes.add(crowded, rare)
    response = get(client, practice)
    # "Newer 0" is past the crowded theme's pool; "Old, shares both" too, but the rare theme's pool
    # brings it, and it shares both themes.
    assert [p.title for p in response.context["related"]] == ["Old, shares both", "Newer 3", "Newer 2", "Newer 1"]
