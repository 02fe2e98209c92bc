"""Vaults of several channels: notes of one file name in two channels both import; links stay in their channel."""

import pytest

from practices.importing import import_notes
from practices.importing.channels import NoteTargets, channel_of, run_key, split_key
from practices.models import Practice, ThemedPractice


def note(title, body, channel):
    return f"---\ntitle: {title}\nvideoId: abcdefghijk\n---\n\nFrom: [[{channel}]] <br/>\n\n{body} [00:00:05].\n"


def write(folder, name, title, body, channel):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.md").write_text(note(title, body, channel), encoding="utf-8")


def test_the_channel_is_the_index_note_of_the_from_line():
    assert channel_of(note("T", "Text", "oecdobservatoryofpublicsec3116").encode()) == "oecdobservatoryofpublicsec3116"
    assert channel_of(b"---\ntitle: T\n---\n\nFrom: [[folder/other_channel.md|Other]]\n\nText\n") == "other_channel"
    assert channel_of(b"---\ntitle: T\n---\n\nNo From line, but [[a link]].\n") == ""
    assert channel_of(b"---\ntitle: never closed\n\nFrom: [[x]]\n") == ""


def test_run_keys_name_the_channel():
    assert run_key("opsi", "mcp_overview") == "opsi/mcp_overview"
    assert split_key("opsi/mcp_overview") == ("opsi", "mcp_overview")
    assert split_key("mcp_overview") == ("", "mcp_overview")


def test_links_resolve_inside_their_channel_first():
    targets = NoteTargets.of([("one/shared", 1), ("two/shared", 2), ("two/only_two", 3)])
    assert targets.for_channel("one")["shared"] == 1
    assert targets.for_channel("two")["shared"] == 2
    assert targets.for_channel("one")["only two"] == 3


@pytest.mark.django_db
def test_two_channels_notes_of_one_name_both_import_and_link_inside_their_channel(tmp_path):
    for channel in ("channel_one", "channel_two"):
        folder = tmp_path / channel
        write(folder, "model_context_protocol_mcp_overview", f"MCP in {channel}", "An overview", channel)
        write(folder, "reader", f"Reader of {channel}", "See [[model_context_protocol_mcp_overview]]", channel)
    result = import_notes([tmp_path])
    assert not result.failed and len(result.created) == 4
    overviews = Practice.objects.filter(note_key="model_context_protocol_mcp_overview")
    assert sorted(overviews.values_list("note_channel", flat=True)) == ["channel_one", "channel_two"]
    for channel in ("channel_one", "channel_two"):
        reader = Practice.objects.get(note_key="reader", note_channel=channel)
        own = overviews.get(note_channel=channel)
        assert list(reader.links_to.all()) == [own]
        assert f'href="{own.get_absolute_url()}"' in reader.body_html
    # The two notes of one name share their topic's theme.
    topics = ThemedPractice.objects.filter(content_object__in=overviews, is_topic=True)
    assert topics.count() == 2 and len({item.tag_id for item in topics}) == 1


@pytest.mark.django_db
def test_a_database_imported_before_channels_gets_no_duplicates(tmp_path):
    write(tmp_path, "a", "A", "About [[b]]", "opsi")
    write(tmp_path, "b", "B", "About [[a]]", "opsi")
    import_notes([tmp_path])
    # Before channels, the key was the file name alone.
    Practice.objects.update(note_channel="")
    ids = dict(Practice.objects.values_list("note_key", "pk"))

    result = import_notes([tmp_path])
    assert not result.failed and not result.created and not result.missing
    assert dict(Practice.objects.values_list("note_key", "pk")) == ids
    assert set(Practice.objects.values_list("note_channel", flat=True)) == {"opsi"}
    assert Practice.objects.get(note_key="a").links_to.get().note_key == "b"
    again = import_notes([tmp_path])
    assert not again.created and len(again.unchanged) == 2


@pytest.mark.django_db
def test_a_note_without_a_title_is_named_by_its_file_name_not_its_channel(tmp_path):
    (tmp_path / "open_data_in_cities.md").write_text("---\nvideoId: abcdefghijk\n---\n\nFrom: [[opsi]]\n\nText.\n")
    import_notes([tmp_path])
    assert Practice.objects.get().title == "open data in cities"
