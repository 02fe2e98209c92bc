"""The note parser, rule by rule, on notes written here (including damaged ones)."""

import pytest

from practices.importing.parser import (
    NoteError,
    decode_note,
    normalise_target,
    note_key_for,
    parse_note,
    read_timestamps,
)

GOOD = """---
title: Sharing Practices
videoId: _HySsiq_l6A
tags: [a, b]
---

From: [[oecdobservatoryofpublicsec3116]] <br/>{trailing}

Denmark took part <a class="yt-timestamp" data-t="00:00:26">[00:00:26]</a>.
""".format(trailing=" ")


def kinds(note):
    return [p.kind for p in note.problems]


# Front matter


def test_front_matter_gives_title_video_and_keeps_other_keys():
    note = parse_note("sharing", GOOD)
    assert note.title == "Sharing Practices"
    assert note.video_id == "_HySsiq_l6A"
    assert note.front_matter["tags"] == ["a", "b"]
    assert note.problems == []


def test_bom_crlf_and_missing_trailing_newline_are_read_like_a_clean_note():
    damaged = "\ufeff" + GOOD.replace("\n", "\r\n").rstrip("\r\n")
    clean = parse_note("sharing", GOOD)
    note = parse_note("sharing", damaged)
    assert (note.title, note.video_id, note.body, note.problems) == (clean.title, clean.video_id, clean.body, [])


def test_decode_strips_the_bom():
    assert decode_note("a.md", "\ufeff---\ntitle: x\n---\nhi".encode()).startswith("---")


def test_missing_front_matter_is_reported_and_the_title_comes_from_the_key():
    note = parse_note("innovation_in_government", "Just text [00:00:05].\n")
    assert note.title == "innovation in government"
    assert note.problems[0].kind == "front-matter-missing"
    assert note.problems[0].line == 1
    assert "Just text" in note.body


def test_broken_yaml_is_reported_with_its_line_and_the_body_is_kept():
    text = "---\ntitle: fine\nvideoId: [unclosed\n---\nThe body stays.\n"
    note = parse_note("broken", text, file="broken.md")
    problem = next(p for p in note.problems if p.kind == "front-matter-invalid")
    assert problem.file == "broken.md"
    assert problem.line in (3, 4, 5)
    assert note.title == "broken"
    assert "The body stays." in note.body


def test_front_matter_that_is_not_a_mapping_is_reported():
    note = parse_note("listy", "---\n- a\n- b\n---\nBody\n")
    assert "front-matter-invalid" in kinds(note)


def test_unclosed_front_matter_is_a_note_error():
    with pytest.raises(NoteError) as error:
        parse_note("open", "---\ntitle: never closed\n\nBody\n", file="open.md")
    assert error.value.problem.kind == "front-matter-unclosed"
    assert error.value.problem.file == "open.md"


def test_invalid_video_id_is_reported_and_dropped():
    note = parse_note("n", "---\ntitle: T\nvideoId: not-an-id\n---\nBody\n")
    assert note.video_id == ""
    assert "video-id-invalid" in kinds(note)


def test_title_that_is_not_text_falls_back_to_the_key():
    note = parse_note("my_note", "---\ntitle: [1, 2]\n---\nBody\n")
    assert note.title == "my note"
    assert "title-invalid" in kinds(note)


@pytest.mark.parametrize(
    "data, kind",
    [
        (b"", "empty"),
        (b"  \n\n ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        (b"caf\xe9 au lait", "not-utf8"),
        (b"x" * 2001, "too-large"),
    ],
)
def test_undecodable_files_are_note_errors(data, kind):
    with pytest.raises(NoteError) as error:
        decode_note("bad.md", data, max_bytes=2000)
    assert error.value.problem.kind == kind
    assert error.value.problem.severity == "error"


def test_not_utf8_names_the_line():
    with pytest.raises(NoteError) as error:
        decode_note("bad.md", b"line one\nline two \xff\n")
    assert error.value.problem.line == 2


# From line


def test_from_line_gives_the_channel_and_leaves_the_body():
    note = parse_note("sharing", GOOD)
    assert note.channel == "oecdobservatoryofpublicsec3116"
    assert "From:" not in note.body
    assert note.body.startswith("Denmark took part")


def test_a_from_line_further_down_is_text():
    text = "---\ntitle: T\n---\nFirst paragraph.\n\nFrom: [[elsewhere]]\n"
    note = parse_note("n", text)
    assert note.channel == ""
    assert "From: [[elsewhere]]" in note.body


# Wiki links


def test_wiki_links_in_all_spellings_and_in_headings():
    text = "## About [[innovation_in_government | Innovation]]\n\n[[a]], [[b|Bee]], [[c | See]] and [[ d ]].\n"
    note = parse_note("n", text)
    assert [(link.target, link.text, link.key) for link in note.links] == [
        ("innovation_in_government", "Innovation", "innovation in government"),
        ("a", "a", "a"),
        ("b", "Bee", "b"),
        ("c", "See", "c"),
        ("d", "d", "d"),
    ]
    assert note.headings[0].text == "About Innovation"
    assert note.links[0].line == 1


def test_an_empty_wiki_link_is_reported():
    note = parse_note("n", "Text [[ | alias]] here.\n")
    assert note.links == []
    assert "link-empty" in kinds(note)


@pytest.mark.parametrize(
    "spelling",
    [
        "innovation in government",
        "innovation_in_government",
        "Innovation in Government",
        "innovation-in-government",
        "Innovation, in government!",
        "  innovation   in_government ",
    ],
)
def test_link_targets_normalise_to_one_key(spelling):
    assert normalise_target(spelling) == "innovation in government"


def test_note_key_is_the_file_name_without_md():
    assert note_key_for("sharing_practices.md") == "sharing_practices"
    assert note_key_for("Notes.MD") == "Notes"


# Timestamps


def stamps(text):
    note = parse_note("n", "---\ntitle: T\nvideoId: abcdefghijk\n---\n" + text)
    return [t.seconds for t in note.timestamps], note


def test_anchor_and_bare_timestamps_become_seconds_and_canonical_text():
    seconds, note = stamps('One <a class="yt-timestamp" data-t="00:01:36">[00:01:36]</a>. Two [00:02:00].\n')
    assert seconds == [96, 120]
    assert "One [00:01:36]. Two [00:02:00]." in note.body
    assert "yt-timestamp" not in note.body


@pytest.mark.parametrize(
    "written, seconds",
    [("[01:4:02]", 3842), ("[4:02]", 242), ("[00:01:36]]", 96), ("00:01:36]", 96), ("[ 00:01:36 ]", 96)],
)
def test_lenient_timestamps(written, seconds):
    found, note = stamps(f"Said {written} here.\n")
    assert found == [seconds]
    assert note.body.startswith("Said [")


def test_stray_bracket_is_reported():
    _, note = stamps("Said [00:01:36]] here.\n")
    assert "timestamp-bracket" in kinds(note)


def test_extra_field_is_ignored_and_reported():
    found, note = stamps("Said [00:01:36:12] here.\n")
    assert found == [96]
    assert "timestamp-extra-field" in kinds(note)


def test_unreadable_timestamp_is_reported_and_its_text_kept():
    found, note = stamps("Said [00:75:00] here.\n")
    assert found == []
    assert "timestamp-invalid" in kinds(note)
    assert "00:75:00" in note.body


def test_anchor_text_wins_over_a_different_data_t_and_is_reported():
    found, note = stamps('Said <a class="yt-timestamp" data-t="01:01:03">[00:01:03]</a>.\n')
    assert found == [63]
    assert "timestamp-mismatch" in kinds(note)


@pytest.mark.parametrize("data_t", ["00:0²:00", "¹:00", "00:01:3⁶"])
def test_a_data_t_with_digits_int_cannot_read_is_reported_not_fatal(data_t):
    # `isdigit` takes superscripts for digits; `int` refuses them.
    found, note = stamps(f'Said <a class="yt-timestamp" data-t="{data_t}">[bad]</a> here.\n')
    assert found == []
    assert "timestamp-invalid" in kinds(note)


def test_a_data_t_read_in_decimal_digits_of_another_script():
    found, _ = stamps('Said <a class="yt-timestamp" data-t="٠٠:٠١:٣٦">[]</a> here.\n')
    assert found == [96]


def test_prose_times_are_not_timestamps():
    found, _ = stamps("The meeting at 10:30 and the ratio 3:1 stay text.\n")
    assert found == []


def test_whole_minute_timestamps_hours_into_the_video_are_rescaled_and_reported():
    found, note = stamps("A [06:21:00]. B [06:27:00]. C [32:20:00].\n")
    assert found == [381, 387, 1940]
    assert note.misscaled
    assert "[00:06:21]" in note.body
    assert "timestamps-misscaled" in kinds(note)


def test_whole_minutes_within_the_first_hour_are_left_alone():
    found, note = stamps("A [00:05:00]. B [00:10:00].\n")
    assert found == [300, 600]
    assert not note.misscaled


def test_timestamps_past_any_possible_video_are_read_as_minutes_and_seconds():
    found, note = stamps("A [19:22:04]. B [58:16:03]. C [01:00:09].\n")
    assert found == [19 * 60 + 22, 58 * 60 + 16, 60]
    assert note.misscaled


def test_forced_scale_reads_fields_as_minutes_and_seconds():
    note = parse_note("n", "A [03:41:09]. B [05:54:56].\n", scale="fields")
    assert [t.seconds for t in note.timestamps] == [221, 354]


# Callouts, headings, index note


def test_callouts_and_headings_are_found_with_lines():
    text = "# Top\n\n> [!tip] Try this\n> body\n\n## Second [[x | Ex]]\n\n[!NOTE] Plain callout.\n"
    note = parse_note("n", text)
    assert [(h.level, h.text, h.line) for h in note.headings] == [(1, "Top", 1), (2, "Second Ex", 6)]
    assert [(c.kind, c.title) for c in note.callouts] == [("tip", "Try this"), ("note", "Plain callout.")]


def test_headings_inside_code_fences_are_not_headings():
    note = parse_note("n", "```\n# not a heading\n```\n\n## Real\n")
    assert [h.text for h in note.headings] == ["Real"]


def test_index_note_lists_videos_with_titles_and_their_notes():
    text = (
        "---\ntitle: channel\n---\n### [Innovation Playbook](https://www.youtube.com/watch?v=MymoO7zOk24)\n"
        "- [[innovation_strategies | Innovation strategies]]\n- [[playbook]]\n\n"
        "### [Second | Webinar](https://www.youtube.com/watch?v=_HySsiq_l6A)\n- [[sharing]]\n"
    )
    note = parse_note("channel", text)
    assert note.is_index
    assert [(v.youtube_id, v.title, v.note_keys) for v in note.index_videos] == [
        ("MymoO7zOk24", "Innovation Playbook", ("innovation_strategies", "playbook")),
        ("_HySsiq_l6A", "Second | Webinar", ("sharing",)),
    ]


def test_a_topic_note_with_a_video_id_is_not_an_index():
    note = parse_note("n", "---\nvideoId: _HySsiq_l6A\n---\n### [T](https://www.youtube.com/watch?v=MymoO7zOk24)\n")
    assert not note.is_index


# Summary and sentences


def test_an_anchor_wrapped_in_an_open_markdown_link_is_one_timestamp_with_its_wrapper():
    anchor = '<a class="yt-timestamp" data-t="00:51:56">[00:51:56]</a>'
    body = f"Said [00:51:56]( {anchor} ) then\n[9:9]]{anchor}, and [1:2] [x]({anchor}"
    rewritten, found, problems = read_timestamps("note.md", body, 3)
    # The wrapper and its closing bracket go with the first anchor; "[x](" is no wrapper; the
    # second anchor directly follows a bare timestamp, which stays a timestamp of its own.
    assert rewritten == "Said \x00TS0\x00 then\n\x00TS3\x00\x00TS1\x00, and \x00TS4\x00 [x](\x00TS2\x00"
    assert [(source, line) for source, _, line in found] == [
        ("00:51:56", 3),
        ("00:51:56", 4),
        ("00:51:56", 4),
        ("9:9", 4),
        ("1:2", 4),
    ]
    assert [problem.kind for problem in problems] == ["timestamp-bracket"]
