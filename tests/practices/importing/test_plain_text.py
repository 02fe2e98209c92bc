"""Plain text is plain: summaries and evidence sentences keep a note's words and none of its markup."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from practices.importing.parser import parse_note
from practices.importing.sentences import plain_text, sentences_of, summary_of
from practices.models import CountryMention, Practice
from tests.practices.importing.test_import_command import run

# What no summary or sentence may hold once the markup around the words is gone.
LEFTOVERS_RE = re.compile(r"\[|\]\(|<|\*\*|\d{1,3}:\d{1,2}|https?://|yt-timestamp")


def leftovers(text):
    return LEFTOVERS_RE.findall(text)


def plain_texts(note_text):
    note = parse_note("generated", note_text)
    return [summary_of(note.body)] + [sentence.text for sentence in sentences_of(note.body)]


# The note grammar, piece by piece: words, then each kind of markup the importer reads.
WORDS = st.lists(
    st.sampled_from(["public", "sector", "innovation", "Denmark", "co-creation", "lab", "2023", "the", "of"]),
    min_size=1,
    max_size=4,
).map(" ".join)
TIME = st.builds(lambda h, m, s: (h, m, s), st.integers(0, 2), st.integers(0, 59), st.integers(0, 59))


def timestamp_forms(time):
    h, m, s = time
    canonical = f"{h:02}:{m:02}:{s:02}"
    anchor = f'<a class="yt-timestamp" data-t="{canonical}">[{canonical}]</a>'
    return st.sampled_from(
        [
            anchor,
            f"[{canonical}]({anchor}",
            f"[{canonical}]({anchor})",
            f"[{canonical}]",
            f"[{canonical}]]",
            f"{canonical}]",
            f"[{h}:{m}:{s}]",
            f"[{m}:{s:02}]",
            f"[{canonical}:07]",
        ]
    )


TIMESTAMP = TIME.flatmap(timestamp_forms)
TIMESTAMPS = st.lists(TIMESTAMP, min_size=1, max_size=3).map(", ".join)
TARGET = st.sampled_from(["public_sector_innovation", "Mission oriented innovation", "co-creation"])
WIKI_LINK = st.one_of(
    TARGET.map(lambda t: f"[[{t}]]"),
    st.builds(lambda t, a: f"[[{t}|{a}]]", TARGET, WORDS),
    st.builds(lambda t, a: f"[[{t} | {a}]]", TARGET, WORDS),
)
MARKDOWN_LINK = st.one_of(
    WORDS.map(lambda w: f"[{w}](https://example.org/page?id=1)"),
    WORDS.map(lambda w: f'[{w}](https://example.org/a "Title")'),
    WORDS.map(lambda w: f"![{w}](figure.png)"),
    WORDS.map(lambda w: f"[{w} (webinar)](https://www.youtube.com/watch?v=MymoO7zOk24)"),
)
EMPHASIS = st.builds(lambda mark, w: f"{mark}{w}{mark}", st.sampled_from(["**", "*", "__", "~~", "==", "`"]), WORDS)
HTML = st.one_of(
    WORDS.map(lambda w: f"<b>{w}</b>"),
    WORDS.map(lambda w: f'<span class="note">{w}</span>'),
    st.just("<br/>"),
    st.just("<!-- a comment -->"),
)
INLINE = st.one_of(WORDS, WORDS, WIKI_LINK, MARKDOWN_LINK, EMPHASIS, HTML, TIMESTAMPS)
SENTENCE = st.builds(
    lambda parts, stamps, end: " ".join(parts) + (" " + stamps if stamps else "") + end,
    st.lists(INLINE, min_size=1, max_size=6),
    st.one_of(st.just(""), TIMESTAMPS),
    st.sampled_from([".", "!", "?", ":", ""]),
)
PARAGRAPH = st.lists(SENTENCE, min_size=1, max_size=4).map(" ".join)
BLOCK = st.one_of(
    PARAGRAPH,
    PARAGRAPH,
    st.builds(lambda level, text: "#" * level + " " + text, st.integers(1, 4), SENTENCE),
    st.lists(SENTENCE, min_size=1, max_size=3).map(lambda items: "\n".join(f"*   {item}" for item in items)),
    st.builds(
        lambda kind, title, text: f"> [!{kind}] {title}\n> {text}", st.sampled_from(["tip", "NOTE"]), WORDS, SENTENCE
    ),
    SENTENCE.map(lambda text: f"[!NOTE] {text}"),
)
NOTE = st.builds(
    lambda blocks: (
        "---\ntitle: Generated\nvideoId: MymoO7zOk24\n---\nFrom: [[channel]] <br/>\n\n" + "\n\n".join(blocks)
    ),
    st.lists(BLOCK, min_size=1, max_size=6),
)


@settings(max_examples=200, deadline=None)
@given(NOTE)
def test_summaries_and_sentences_of_any_note_hold_no_markup(note_text):
    for text in plain_texts(note_text):
        assert not leftovers(text), text


def test_a_timestamp_wrapped_in_an_unclosed_link_leaves_nothing():
    note_text = (
        "---\ntitle: T\nvideoId: MymoO7zOk24\n---\n"
        'Partners address complex societal challenges [00:00:19](<a class="yt-timestamp" data-t="00:00:19">'
        '[00:00:19]</a>. The ICT sector grew [00:45:01](<a class="yt-timestamp" data-t="00:45:01">[00:45:01]</a>, '
        '[00:45:50](<a class="yt-timestamp" data-t="00:45:50">[00:45:50]</a>.\n'
    )
    note = parse_note("wrapped", note_text)
    assert [t.seconds for t in note.timestamps] == [19, 2701, 2750]
    assert summary_of(note.body) == "Partners address complex societal challenges. The ICT sector grew."
    assert [(s.text, s.seconds) for s in sentences_of(note.body)] == [
        ("Partners address complex societal challenges.", 19),
        ("The ICT sector grew.", 2701),
    ]


def test_plain_text_keeps_the_words_of_links_emphasis_and_tags():
    text = plain_text('**Bold** [[a_b | Alias]] [site](https://example.org "t") <b>tag</b> ![pic](x.png) ==mark==')
    assert " ".join(text.split()) == "Bold Alias site tag pic mark"


def test_no_sample_note_leaves_markup_in_its_summary_or_sentences(shared_notes):
    dirty = {}
    for path in sorted(shared_notes.glob("*.md")):
        if path.stem == "oecdobservatoryofpublicsec3116":
            continue  # the channel's index: its link texts are video titles, not a practice
        found = [text for text in plain_texts(path.read_text(encoding="utf-8")) if leftovers(text)]
        if found:
            dirty[path.stem] = found
    assert dirty == {}


WRAPPED_NOTE = (
    "---\ntitle: Partnerships\nvideoId: MymoO7zOk24\n---\n\n"
    'Denmark works with partners on societal challenges [00:00:19](<a class="yt-timestamp" data-t="00:00:19">'
    "[00:00:19]</a>.\n"
)
DIRTY_SUMMARY = "Denmark works with partners on societal challenges [00:00:19](."


def imported_before_the_fix(tmp_path, **changes):
    """A practice as an older import left it: its summary and evidence with the leftovers."""
    (tmp_path / "partnerships.md").write_text(WRAPPED_NOTE, encoding="utf-8")
    run(tmp_path, status="published")
    practice = Practice.objects.get(note_key="partnerships")
    snapshot = {**practice.import_snapshot, "summary": DIRTY_SUMMARY}
    Practice.objects.filter(pk=practice.pk).update(summary=DIRTY_SUMMARY, import_snapshot=snapshot, note_hash="")
    CountryMention.objects.filter(practice=practice).update(sentence=DIRTY_SUMMARY)
    Practice.objects.filter(pk=practice.pk).update(**changes)
    return practice


@pytest.mark.django_db
def test_stored_summaries_and_evidence_are_cleaned_by_the_next_import(tmp_path, client):
    practice = imported_before_the_fix(tmp_path)
    run(tmp_path)
    practice.refresh_from_db()
    clean = "Denmark works with partners on societal challenges."
    assert practice.summary == clean
    assert CountryMention.objects.get(practice=practice).sentence == clean
    page = client.get(practice.get_absolute_url()).content.decode()
    assert "](" not in page and f'<meta name="description" content="{clean}">' in page


@pytest.mark.django_db
def test_a_curators_summary_is_kept_by_the_cleaning_import(tmp_path):
    practice = imported_before_the_fix(tmp_path, summary="Written by a curator.")
    run(tmp_path)
    practice.refresh_from_db()
    assert practice.summary == "Written by a curator."


@pytest.mark.parametrize("item", ["1. A point", "١. A point", "１) A point", "  - A point", "> A point", "## A point"])
def test_a_line_marker_in_any_script_of_digits_is_removed(item):
    assert plain_text(item) == "A point"
