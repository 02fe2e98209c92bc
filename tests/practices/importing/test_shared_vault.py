"""The whole sample vault imports cleanly (skipped where ../shared/notes/opsi is absent)."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from practices.importing.parser import parse_note
from practices.models import CountryMention, Practice, ThemeSpelling, Video

pytestmark = [pytest.mark.django_db, pytest.mark.shared_notes]

SEED_KEY = "sharing_and_disseminating_innovative_practices"
INCUBATOR_VIDEO = "_HySsiq_l6A"
INDEX_VIDEO_RE = re.compile(
    r"^###\s*\[(?P<title>[^\]]+)\]\(https://www\.youtube\.com/watch\?v=(?P<id>[\w-]{11})\)", re.M
)


@pytest.fixture
def imported(seed, shared_notes):
    out = StringIO()
    call_command("import_notes", str(shared_notes), stdout=out, stderr=StringIO())
    return out.getvalue()


def test_every_note_imports_without_failure(imported, shared_notes):
    topic_notes = [p for p in shared_notes.glob("*.md") if p.stem != "oecdobservatoryofpublicsec3116"]
    assert f"created {len(topic_notes)}, updated 0, unchanged 0, failed 0" in imported
    assert Practice.objects.count() == len(topic_notes)


def test_every_video_of_the_index_has_its_title(imported, shared_notes):
    index = (shared_notes / "oecdobservatoryofpublicsec3116.md").read_text(encoding="utf-8")
    expected = {m.group("id"): m.group("title").strip() for m in INDEX_VIDEO_RE.finditer(index)}
    assert len(expected) > 10
    titles = dict(Video.objects.values_list("youtube_id", "title"))
    for youtube_id, title in expected.items():
        assert titles[youtube_id] == title


def test_every_timestamp_of_the_seed_note_is_a_working_link(imported, shared_notes):
    text = (shared_notes / f"{SEED_KEY}.md").read_text(encoding="utf-8")
    expected = [t.seconds for t in parse_note(SEED_KEY, text).timestamps]
    assert len(expected) == text.count('class="yt-timestamp"')
    html = Practice.objects.get(note_key=SEED_KEY).body_html
    links = re.findall(r'<a class="timestamp" href="https://www\.youtube\.com/watch\?v=([\w-]{11})&amp;t=(\d+)"', html)
    assert [int(seconds) for _, seconds in links] == expected
    assert {video for video, _ in links} == {INCUBATOR_VIDEO}


def test_incubator_notes_mention_exactly_the_pilot_countries_and_estonia(imported):
    practices = Practice.objects.filter(source_video__youtube_id=INCUBATOR_VIDEO)
    assert practices.count() >= 5
    for practice in practices:
        codes = sorted(str(c) for c in practice.countries.values_list("code", flat=True))
        assert codes == ["DK", "EE", "PT", "RO"], practice.note_key
    denmark = CountryMention.objects.get(practice__note_key=SEED_KEY, country__code="DK")
    assert denmark.sentence == "Denmark, Romania, and Portugal participated in its pilot phase."
    assert denmark.seconds == 26


def test_no_country_from_words_that_contain_a_name(imported, shared_notes):
    assert any("woman" in p.read_text(encoding="utf-8") for p in shared_notes.glob("*.md"))
    assert not CountryMention.objects.filter(country__code="OM").exists()
    # The European Commission, OECD and OPSI are organisations, not countries.
    commission = CountryMention.objects.filter(sentence__contains="European Commission")
    assert all(mention.country.name in mention.sentence for mention in commission)


def test_misscaled_notes_are_corrected_to_fit_their_video(imported):
    for practice in Practice.objects.select_related("source_video"):
        seconds = [
            int(h) * 3600 + int(m) * 60 + int(s)
            for h, m, s in re.findall(r"\[(\d\d):(\d\d):(\d\d)\]", practice.body_markdown)
        ]
        # No OPSI video in the sample runs past an hour and a half.
        assert max(seconds, default=0) < 90 * 60, practice.note_key


def test_reimporting_the_vault_changes_nothing(imported, shared_notes):
    out = StringIO()
    call_command("import_notes", str(shared_notes), stdout=out, stderr=StringIO())
    assert "created 0, updated 0" in out.getvalue()
    assert "failed 0" in out.getvalue()


def test_every_practice_that_links_to_a_topic_has_that_theme(imported):
    for practice in Practice.objects.all():
        topics = practice.import_snapshot["theme_keys"][1:]
        assert topics, practice.note_key  # every sample note links to a topic
        themes = set(practice.themes.values_list("spellings__key", flat=True))
        assert set(topics) <= themes, practice.note_key


def test_the_samples_spelling_variants_are_joined(imported):
    def theme(key):
        return ThemeSpelling.objects.get(key=key).theme

    assert theme("missionoriented innovation") == theme("mission oriented innovation")
    assert theme("missionoriented innovation").name == "Mission-oriented innovation"
    assert theme("innovation in public sector") == theme("public sector innovation")
    assert theme("innovation in the public sector") == theme("public sector innovation")
