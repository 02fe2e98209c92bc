"""Constraints and string forms of the library's records."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from practices.models import CountryMention, Origin, Practice, ToolkitMention
from tests import factories

pytestmark = pytest.mark.django_db


def test_practice_str_and_published_queryset():
    published = factories.practice(title="Sharing practices")
    factories.practice(title="Hidden", status=Practice.Status.DRAFT)
    assert str(published) == "Sharing practices"
    assert list(Practice.objects.published()) == [published]
    assert published.published_at is not None


def test_practice_renders_markdown_on_save_and_sanitises():
    practice = factories.practice(body_markdown="## Heading\n\nSome *text* <script>alert(1)</script>")
    assert "<em>text</em>" in practice.body_html
    assert "<script" not in practice.body_html


def test_practice_slug_and_note_key_are_unique():
    factories.practice(slug="same", note_key="note_a")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.practice(slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.practice(note_key="note_a")
    # Curated entries have no note key; any number of them may exist.
    factories.practice(note_key=None)
    factories.practice(note_key=None)


def test_video_str_and_urls():
    video = factories.video(youtube_id="_HySsiq_l6A", title="Innovation Incubator Programme")
    assert str(video) == "Innovation Incubator Programme"
    video.title = ""
    assert str(video) == "_HySsiq_l6A"
    assert video.url_at(96) == "https://www.youtube.com/watch?v=_HySsiq_l6A&t=96"


def test_theme_str_and_practices():
    theme = factories.theme(name="Anticipatory innovation", slug="anticipatory-innovation")
    practice = factories.practice()
    practice.themes.add(theme)
    assert str(theme) == "Anticipatory innovation"
    assert list(Practice.objects.filter(themes=theme)) == [practice]


def test_country_mention_evidence_and_uniqueness():
    video = factories.video(youtube_id="_HySsiq_l6A")
    practice = factories.practice(title="Sharing", source_video=video)
    mention = CountryMention.objects.create(
        practice=practice,
        country=factories.country("DK"),
        origin=Origin.DETECTED,
        sentence="Denmark, Romania, and Portugal participated in its pilot phase.",
        seconds=26,
    )
    assert str(mention) == "Sharing mentions Denmark"
    assert mention.timestamp == "00:00:26"
    assert mention.video_url == "https://www.youtube.com/watch?v=_HySsiq_l6A&t=26"
    assert list(practice.countries.all()) == [factories.country("DK")]
    with pytest.raises(IntegrityError), transaction.atomic():
        CountryMention.objects.create(practice=practice, country=factories.country("DK"))


def test_mention_origin_is_checked_by_the_database():
    practice = factories.practice()
    with pytest.raises(IntegrityError), transaction.atomic():
        CountryMention.objects.create(practice=practice, country=factories.country("PT"), origin="guessed")
    with pytest.raises(IntegrityError), transaction.atomic():
        ToolkitMention.objects.create(practice=practice, toolkit=factories.toolkit(), origin="guessed")


def test_toolkit_mention_str_and_uniqueness():
    practice = factories.practice(title="Sharing")
    toolkit = factories.toolkit(name="Starter Kit")
    mention = ToolkitMention.objects.create(practice=practice, toolkit=toolkit)
    assert str(mention) == "Sharing mentions Starter Kit"
    assert mention.origin == Origin.CURATOR
    assert mention.video_url == ""
    with pytest.raises(IntegrityError):
        ToolkitMention.objects.create(practice=practice, toolkit=toolkit)


def test_practice_links_are_directed():
    a, b = factories.practice(), factories.practice()
    a.links_to.add(b)
    assert list(b.linked_from.all()) == [a]
    assert list(b.links_to.all()) == []


def test_history_records_links_but_never_looks_for_those_of_a_new_practice():
    target = factories.practice(title="Target")
    links_table = Practice.links_to.through._meta.db_table
    with CaptureQueriesContext(connection) as creating:
        practice = factories.practice(title="Source")
    assert not [q for q in creating.captured_queries if links_table in q["sql"]]
    practice.links_to.add(target)
    practice.title = "Source, renamed"
    practice.save()
    first, *_, last = practice.history.order_by("history_id")
    assert first.history_type == "+" and list(first.links_to.all()) == []
    assert [link.to_practice for link in last.links_to.all()] == [target]
