"""Every XSS payload of the corpus comes out of the renderer harmless, wherever it sits in a note."""

import pytest

from practices.importing.parser import parse_note
from practices.rendering import render_note
from tests.html_safety import load_payloads, unsafe_markup, url_scheme

PAYLOADS = load_payloads()

# Where a payload can sit in a note's Markdown.
PLACES = {
    "paragraph": "{p}",
    "inline": "Before {p} after.",
    "link text": "[{p}](https://example.org/)",
    "link target": "[click]({p})",
    "image": "![{p}]({p})",
    "heading": "## {p}",
    "list item": "- {p}",
    "quote": "> {p}",
    "table cell": "| a |\n| --- |\n| {p} |",
    "footnote": "Text[^1]\n\n[^1]: {p}",
    "abbreviation": "*[HTML]: {p}\n\nHTML",
}


def test_the_corpus_holds_at_least_a_hundred_payloads():
    assert len(PAYLOADS) >= 100
    assert len(set(PAYLOADS)) == len(PAYLOADS)


def test_the_checker_flags_the_raw_payloads():
    # The checks below would prove nothing if the checker passed everything.
    flagged = [p for p in PAYLOADS if unsafe_markup(p)]
    assert len(flagged) >= 100
    assert unsafe_markup('<a href="jav&#x09;ascript:xssHit()">x</a>')
    assert unsafe_markup('<svg><a xlink:href="javascript:xssHit()">x</a></svg>')
    assert unsafe_markup("<p onclick=xssHit()>x</p>")
    assert unsafe_markup("<script>xssHit()</script>")
    assert unsafe_markup('<script src="/static/xss.js"></script>')
    assert not unsafe_markup('<script src="/static/admin/js/core.js"></script>')
    assert not unsafe_markup('<a href="https://example.org/">x</a> <a href="/practices/">y</a>')


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("javascript:x", "javascript"),
        (" JaVaScRiPt:x", "javascript"),
        ("jav\tascript:x", "javascript"),
        ("\x01data:text/html,x", "data"),
        ("/practices/", ""),
        ("https://example.org", "https"),
        ("#top", ""),
    ],
)
def test_url_scheme_is_read_as_a_browser_reads_it(url, scheme):
    assert url_scheme(url) == scheme


@pytest.mark.parametrize("place", PLACES)
def test_rendered_payloads_carry_no_script_handler_or_unsafe_url(place):
    problems = {}
    for payload in PAYLOADS:
        html = render_note(PLACES[place].format(p=payload))
        if found := unsafe_markup(html):
            problems[payload] = found
    assert problems == {}


def test_safe_links_survive_sanitising():
    html = render_note("[site](https://example.org/) [mail](mailto:opsi@example.org) [page](/practices/)")
    assert 'href="https://example.org/"' in html
    assert 'href="mailto:opsi@example.org"' in html
    assert 'href="/practices/"' in html


@pytest.mark.parametrize(
    ("html", "safe"),
    [
        ('<img src="data:image/gif;base64,R0lGODdh">', True),
        ('<img src="data:image/svg+xml;base64,PHN2Zz4=">', False),
        ('<img src="data:text/html;base64,PHNjcmlwdD4=">', False),
        ('<a href="data:image/gif;base64,R0lGODdh">x</a>', False),
        ('<script type="application/ld+json">{"a": "\\u003C/script\\u003E"}</script>', True),
        ('<script type="application/ld+json">alert(1)</script>', False),
        ('<script type="application/ld+json" src="/x.js"></script>', False),
    ],
)
def test_inline_flags_and_json_ld_are_the_only_exceptions(html, safe):
    assert (unsafe_markup(html) == []) is safe


def test_a_note_cannot_take_the_pages_ids_or_imitate_its_classes():
    html = render_note(
        '## Main\n\n<h2 id="main">Main again</h2>\n\n<p class="notice error">Your account is locked.</p>\n\n'
        '<span class="timestamp callout-tip">kept</span>\n'
    )
    assert 'id="main"' not in html
    assert '<h2 id="note-main">Main</h2>' in html  # the renderer's own anchor, prefixed
    assert "notice" not in html and "error" not in html
    assert '<span class="timestamp callout-tip">kept</span>' in html  # the renderer's own classes stay


@pytest.mark.parametrize("tag", ["style", "script", "textarea", "title", "xmp", "noscript", "iframe"])
def test_raw_text_tags_go_with_their_content_and_never_swallow_the_rest(tag):
    closed = render_note(f"Before.\n\n<{tag}>hidden content</{tag}>\n\n## After\n\nThe rest.\n")
    assert "hidden content" not in closed and f"<{tag}" not in closed
    assert "The rest." in closed
    unclosed = render_note(f"Before.\n\n<{tag}>\n\n## After\n\nThe rest of the note.\n")
    assert "The rest of the note." in unclosed  # an unclosed tag used to hide everything after it
    assert 'id="note-after"' in unclosed


def test_the_parser_reports_each_raw_text_tag_with_its_line():
    note = parse_note("n", "---\ntitle: T\n---\nText.\n<style>p{}</style>\n\n<script>\nrest\n")
    found = [(p.kind, p.line) for p in note.problems if p.kind == "raw-text-removed"]
    assert found == [("raw-text-removed", 5), ("raw-text-removed", 7)]
