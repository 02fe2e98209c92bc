"""The top of a practice page: a lede in whole sentences, said once, and the facts at a glance with their evidence."""

import pytest

from practices.glance import whole_sentences
from practices.models import Practice
from tests import factories

pytestmark = pytest.mark.django_db

OPENING = "Governments share what works. They learn from peers across borders and adapt what they find."


def page(client, practice):
    return client.get(practice.get_absolute_url()).content.decode()


def test_a_summary_cut_mid_sentence_is_shown_in_whole_sentences():
    assert whole_sentences("One idea. Another that stops mid…") == "One idea."
    assert whole_sentences("Complete sentence.") == "Complete sentence."


def test_the_notes_first_paragraph_is_the_lede_and_is_not_repeated(client, db):
    practice = factories.practice(
        summary=OPENING[:40] + "…", body_markdown=f"{OPENING}\n\n## Then\n\nMore text.\n\n## After\n\n## Last\n"
    )
    html = page(client, Practice.objects.get(pk=practice.pk))
    shown = html[html.index("<main") : html.index('id="cite"')]
    assert shown.count("Governments share what works.") == 1
    lede = html[html.index('<div class="lede note">') :]
    assert lede.startswith(f'<div class="lede note"><p>{OPENING}</p></div>')
    # The lede comes before the contents list, and the note goes on with its first section.
    assert html.index('class="lede note"') < html.index('<nav class="contents"') < html.index('id="note-then"')


def test_a_curators_summary_is_the_lede_in_whole_sentences(client, db):
    practice = factories.practice(summary="A summary of its own. It was cut…", body_markdown="Different text.\n")
    html = page(client, practice)
    assert '<p class="lede">A summary of its own.</p>' in html
    assert "It was cut" not in html[html.index("<main") :]


def test_each_fact_at_a_glance_links_to_its_evidence(client, seed):
    from incubator.models import Country, Toolkit

    practice = factories.rich_practice(
        countries=[Country.objects.get(code="PT")],
        toolkits=[Toolkit.objects.get(slug="anticipatory-innovation-starter-kit")],
        themes=[factories.theme(name="Foresight")],
    )
    html = page(client, practice)
    glance = html[html.index('<aside class="glance"') : html.index("</aside>")]
    assert 'href="#evidence-country-pt">evidence<span class="visually-hidden"> for Portugal</span>' in glance
    assert 'href="#evidence-toolkit-anticipatory-innovation-starter-kit"' in glance
    assert "Innovation Incubator" in glance, "the toolkit's programme"
    assert "Watch from the start" in glance and f"{practice.source_video.youtube_id}&amp;t=0" in glance
    for anchor in ("evidence-country-pt", "evidence-toolkit-anticipatory-innovation-starter-kit", "evidence-themes"):
        assert f'id="{anchor}"' in html
    assert html.index('<aside class="glance"') < html.index('<div class="note">')
