"""The practice's change form and list as a curator uses them: mentions before the text, filters of values in use."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

LONG_SENTENCE = "Portugal's kit was built with OPSI over two years of pilots in three ministries, then shared widely."


def test_themes_and_mentions_come_before_the_text_and_the_rendered_text_is_folded(curator_client):
    practice = factories.practice(source_video=factories.video(), body_markdown="## Heading\n\nSome *text*.")
    practice.themes.add(factories.theme(name="Open data"))
    factories.country_mention(practice, factories.country("PT"), sentence=LONG_SENTENCE, seconds=750)
    page = curator_client.get(reverse("admin:practices_practice_change", args=[practice.pk])).content.decode()
    themes = page.index('id="themed_items-group"')
    mentions = page.index('id="countrymention_set-group"')
    text = page.index('name="body_markdown"')
    rendered = page.index('<details class="rendered-text"><summary>Show the rendered text</summary>')
    assert page.index('name="title"') < themes < mentions < text < rendered
    # The rendered HTML, not its source escaped into 5,000 px of text.
    assert "<em>text</em>" in page[rendered:]
    # The sentence is a short excerpt linked to its moment; the whole one is on the mention's own page.
    assert 'name="countrymention_set-0-sentence"' not in page
    assert "Portugal&#x27;s kit was built with OPSI over two years of pilots in three ministries, then sha…" in page
    assert "[00:12:30]</a>" in page


def test_the_list_filters_offer_only_videos_and_countries_in_use(curator_client):
    used, unused = factories.video(title="The used video"), factories.video(title="A video nobody cites")
    practice = factories.practice(source_video=used)
    factories.country_mention(practice, factories.country("PT"))
    page = curator_client.get(reverse("admin:practices_practice_changelist")).content.decode()
    assert f"source_video__id__exact={used.pk}" in page and "The used video" in page
    assert f"source_video__id__exact={unused.pk}" not in page and "A video nobody cites" not in page
    portugal, denmark = factories.country("PT"), factories.country("DK")
    assert f"countries__id__exact={portugal.pk}" in page
    assert f"countries__id__exact={denmark.pk}" not in page and "Denmark" not in page
