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
    assert page.index('name="title_en"') < themes < mentions < text < rendered
    # The rendered HTML, not its source escaped into 5,000 px of text.
    assert "<em>text</em>" in page[rendered:]
    # The sentence is a short excerpt linked to its moment; the whole one is on the mention's own page.
    assert 'name="countrymention_set-0-sentence"' not in page
    assert "Portugal&#x27;s kit was built with OPSI over two years of pilots in three ministries, then sha…" in page
    assert "[00:12:30]</a>" in page


def test_the_list_filters_suggest_only_videos_and_countries_in_use(curator_client):
    used = factories.video(title="The used video")
    factories.video(title="A video nobody cites")
    practice = factories.practice(source_video=used, title="Portuguese kit")
    factories.country_mention(practice, factories.country("PT"))
    factories.practice(title="Elsewhere")
    url = reverse("admin:practices_practice_changelist")
    page = curator_client.get(url).content.decode()
    assert '<option value="The used video"></option>' in page and "A video nobody cites" not in page
    assert '<option value="Portugal"></option>' in page and "Denmark" not in page
    assert "Country (1 in use)" in page


def test_a_typed_filter_narrows_the_list_and_keeps_the_others(curator_client):
    video = factories.video(title="The used video")
    practice = factories.practice(source_video=video, title="Portuguese kit")
    factories.country_mention(practice, factories.country("PT"))
    factories.practice(title="Elsewhere")
    url = reverse("admin:practices_practice_changelist")
    page = curator_client.get(url, {"country": "portugal", "q": "kit"}).content.decode()
    assert "Portuguese kit" in page and "Elsewhere" not in page
    # The search goes along when another filter is typed.
    assert '<input type="hidden" name="q" value="kit">' in page
    unknown = curator_client.get(url, {"country": "Atlantis", "video": "<b>nothing</b>"})
    assert unknown.status_code == 200 and "Portuguese kit" not in unknown.content.decode()
    assert "<b>nothing</b>" not in unknown.content.decode()
