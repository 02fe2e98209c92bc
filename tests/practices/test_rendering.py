"""Rendering a note: timestamp and wiki links, anchors, contents, callouts, sanitising."""

import pytest

from practices.models import Practice
from practices.rendering import LinkResolver, render_note
from tests import factories

VIDEO = "_HySsiq_l6A"


def test_timestamps_link_into_the_video_at_that_second():
    html = render_note("Denmark took part [00:01:36].", video_id=VIDEO)
    assert (
        '<a class="timestamp" href="https://www.youtube.com/watch?v=_HySsiq_l6A&amp;t=96" '
        'rel="noopener noreferrer">[00:01:36]</a>'
    ) in html


def test_timestamps_without_a_video_are_plain_text():
    html = render_note("Said [00:01:36].")
    assert "<a" not in html
    assert '<span class="timestamp">[00:01:36]</span>' in html


def test_wiki_links_go_to_practices_of_imported_notes_and_otherwise_to_themes():
    resolve = LinkResolver({"sharing practices": "sharing-practices"})
    html = render_note("See [[Sharing_Practices | this]] and [[innovation_in_government]].", resolve=resolve)
    assert 'href="/practices/sharing-practices/"' in html
    assert '<a class="wikilink" href="/themes/innovation-in-government/" rel="noopener noreferrer">' in html
    assert ">innovation in government</a>" in html


def test_link_text_is_escaped():
    html = render_note("[[x | <img src=x onerror=alert(1)>]]")
    assert "<img" not in html
    assert "onerror" not in html or "&lt;img" in html


def test_headings_get_anchors_and_the_note_a_contents_list():
    html = render_note("## First part\n\nText.\n\n### Inner [[a_b | Bee]]\n\nMore.\n")
    assert '<h2 id="note-first-part">First part</h2>' in html
    assert 'id="note-inner-bee"' in html
    assert html.startswith('<nav class="contents" aria-label="Contents">')
    assert '<a href="#note-first-part"' in html
    assert '<a href="#note-inner-bee"' in html


def test_a_single_heading_needs_no_contents_list():
    assert "<nav" not in render_note("## Only one\n\nText.")


def test_callouts_become_asides_with_a_title():
    html = render_note("> [!tip] Try this first\n> It *works*.\n")
    assert '<aside class="callout callout-tip">' in html
    assert '<p class="callout-title">Try this first</p>' in html
    assert "<em>works</em>" in html
    assert "[!tip]" not in html


def test_callout_without_title_takes_its_kind_and_plain_quotes_stay_quotes():
    html = render_note("> [!INFO]\n> Body.\n\nbreak\n\n> A quote.\n")
    assert '<aside class="callout callout-info">\n<p class="callout-title">Info</p>' in html
    assert "<blockquote>\n<p>A quote.</p>\n</blockquote>" in html


def test_a_callout_marker_outside_a_quote_is_a_callout_too():
    html = render_note("[!NOTE] ACE is an example.\n")
    assert '<aside class="callout callout-note">' in html
    assert "<p>ACE is an example.</p>" in html


def test_lists_directly_after_a_paragraph_are_lists():
    html = render_note("The programme provides:\n*   Expert advice\n*   Peer support\n")
    assert "<ul>\n<li>Expert advice</li>\n<li>Peer support</li>\n</ul>" in html


@pytest.mark.parametrize(
    "dangerous",
    [
        "<script>alert(1)</script>",
        '<a href="javascript:alert(1)">x</a>',
        '<img src=x onerror="alert(1)">',
        '<div onclick="alert(1)">x</div>',
        "<svg><path d='M1'></path></svg>",
        "<iframe src='https://example.org'></iframe>",
        "[[x | y]] <style>body{}</style>",
    ],
)
def test_raw_html_is_kept_only_as_far_as_the_allow_list_permits(dangerous):
    html = render_note(f"Text {dangerous} end.")
    for bad in ("<script", "javascript:", "onerror", "onclick", "<svg", "<iframe", "<style", "<img"):
        assert bad not in html


def test_allowed_raw_html_survives():
    html = render_note('<div class="callout">\n<div class="callout-title-inner">Current</div>\n</div>\n')
    assert '<div class="callout-title-inner">Current</div>' in html


@pytest.mark.django_db
def test_a_curator_edit_re_renders_with_the_importer_renderer():
    video = factories.video(youtube_id=VIDEO)
    factories.practice(slug="target", note_key="target_note")
    practice = factories.practice(source_video=video, body_markdown="Old.")
    practice.body_markdown = "Now [00:00:26] and [[target_note]] and [[some theme]]."
    practice.save()
    practice.refresh_from_db()
    assert "watch?v=_HySsiq_l6A&amp;t=26" in practice.body_html
    assert 'href="/practices/target/"' in practice.body_html
    assert 'href="/themes/some-theme/"' in practice.body_html


@pytest.mark.django_db
def test_html_set_by_the_importer_is_not_rendered_again(monkeypatch):
    practice = Practice(title="T", slug="t", body_markdown="Text.")
    practice.set_rendered_body("<p>pre-rendered</p>")
    monkeypatch.setattr("practices.models.render_note", lambda *a, **k: pytest.fail("rendered twice"))
    practice.save()
    assert Practice.objects.get(pk=practice.pk).body_html == "<p>pre-rendered</p>"


def test_heading_anchors_leave_out_timestamps_and_stay_unique():
    html = render_note("## Why [00:01:00]\n\nText.\n\n## Why [00:02:00]\n")
    assert '<h2 id="note-why">' in html
    assert '<h2 id="note-why_1">' in html


def test_the_texts_left_unparsed_are_those_no_inline_pattern_can_match():
    from practices import rendering

    # Each pattern Python-Markdown tries, with what it needs (`INLINE_PATTERN_STARTS`, `LINE_BREAK`):
    # a new pattern (a Markdown upgrade, another extension) must say what it starts with.
    assert [item.name for item in rendering._markdown().inlinePatterns._priority] == [
        "backtick", "escape", "reference", "link", "image_link", "image_reference", "short_reference",
        "short_image_ref", "autolink", "automail", "linebreak", "html", "entity", "em_strong",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        # One kind of inline markup each, so that forgetting what it starts with fails its case.
        "Plain words and a timestamp [00:00:10] and a [[Wiki link]].",
        "Some `code` here.",
        "An escaped \\# hash.",
        "A [link](https://example.org) and [ref][r].\n\n[r]: https://example.org",
        "An autolink <https://example.org>.",
        "A line  \nbreak.",
        "An entity &copy; here.",
        "Emphasis *one* here.",
        "Emphasis _two_ here.",
        "- a list item with *stars*\n- and one without",
        "| a | b |\n| --- | --- |\n| _c_ | d |",
    ],
)
def test_texts_are_rendered_the_same_whether_plain_ones_are_skipped_or_not(text, monkeypatch):
    from practices import rendering

    skipped = render_note(text, video_id=VIDEO)
    monkeypatch.setattr(rendering.InlineBudgetTreeprocessor, "_plain", staticmethod(lambda text: False))
    assert render_note(text, video_id=VIDEO) == skipped


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("Text.\n## Heading inside a paragraph", '<h2 id="note-heading-inside-a-paragraph">'),
        ("Text.\n> quoted under it", "<blockquote>"),
        ("Text.\n- - -\nMore text.", "<hr>"),
        ("| a | b |\n|---|---|\n| 1 | 2 |", "<td>1</td>"),
    ],
)
def test_blocks_found_past_a_paragraphs_first_character(markdown, expected):
    # Markdown's block tests run only on paragraphs holding their characters (`BLOCK_TEST_NEEDS`):
    # what those characters open is still found wherever it stands in the paragraph.
    assert expected in render_note(markdown)


def test_paragraphs_without_block_characters_stay_paragraphs():
    assert render_note("Plain words, a hyphen-ated word and a question?") == (
        "<p>Plain words, a hyphen-ated word and a question?</p>"
    )
