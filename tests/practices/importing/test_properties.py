"""Properties: the parser never raises anything but NoteError; importing twice changes nothing."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from practices.importing.parser import NoteError, decode_note, parse_note
from practices.models import CountryMention, Practice, Theme, ThemedPractice, ToolkitMention, Video
from practices.rendering import render_note

# Pieces real notes are made of, so generated text reaches the parser's interesting paths.
PIECES = st.sampled_from(
    [
        "---\n",
        "title: T\n",
        "videoId: _HySsiq_l6A\n",
        "videoId: [\n",
        "From: [[channel]] <br/>\n",
        "[[a_b | Alias]]",
        "[[",
        "]]",
        "|",
        '<a class="yt-timestamp" data-t="00:01:36">[00:01:36]</a>',
        '<a class="yt-timestamp" data-t="xx">[',
        "[06:21:00]",
        "[99:99:99]",
        "[1:2]",
        "00:01:02]]",
        "> [!tip] Title\n",
        "[!NOTE] ",
        "## Heading [[x]]\n",
        "### [Video](https://www.youtube.com/watch?v=MymoO7zOk24)\n",
        "- item\n",
        "```\n",
        "\r\n",
        "\ufeff",
        "Denmark and Georgia. ",
        "<script>alert(1)</script>",
        "\n\n",
    ]
)
NOTE_TEXT = st.lists(st.one_of(PIECES, st.text(max_size=20)), max_size=30).map("".join)


@settings(max_examples=100, deadline=None)
@given(NOTE_TEXT)
def test_parsing_any_text_raises_only_note_error(text):
    try:
        note = parse_note("generated", text)
    except NoteError as error:
        assert error.problem.severity == "error"
        return
    assert isinstance(note.body, str)
    assert all(t.seconds >= 0 for t in note.timestamps)
    html = render_note(note.body, video_id=note.video_id or None)
    assert "<script" not in html


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_decoding_any_bytes_raises_only_note_error(data):
    try:
        text = decode_note("generated.md", data)
        parse_note("generated", text)
    except NoteError:
        pass


def database_state():
    return (
        sorted(
            Practice.objects.values_list(
                "note_key", "slug", "title", "summary", "status", "body_html", "note_hash", "updated_at"
            )
        ),
        sorted(CountryMention.objects.values_list("practice__note_key", "country__code", "sentence", "seconds")),
        sorted(ToolkitMention.objects.values_list("practice__note_key", "toolkit__slug")),
        sorted(ThemedPractice.objects.values_list("content_object__note_key", "tag__slug")),
        sorted(Theme.objects.values_list("slug", "name")),
        sorted(Video.objects.values_list("youtube_id", "title")),
        sorted(Practice.links_to.through.objects.values_list("from_practice__note_key", "to_practice__note_key")),
    )


def import_quietly(folder):
    """The command's outcome: None, or the message of the CommandError a failed note causes."""
    try:
        call_command("import_notes", str(folder), stdout=StringIO(), stderr=StringIO())
    except CommandError as error:
        return str(error)
    return None


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(NOTE_TEXT, min_size=1, max_size=4))
def test_importing_the_same_notes_twice_changes_nothing(tmp_path_factory, texts):
    folder = tmp_path_factory.mktemp("vault")
    for number, text in enumerate(texts):
        (folder / f"note_{number}.md").write_text(text, encoding="utf-8")
    first_run = import_quietly(folder)
    first = database_state()
    assert import_quietly(folder) == first_run
    assert database_state() == first
