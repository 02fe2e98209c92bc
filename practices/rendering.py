"""Markdown to sanitised HTML: the one place a note's text becomes markup.

`render_note` turns a note's Markdown into HTML: timestamps link into the video, wiki links to the
practice or theme they name, headings get anchors and a contents list, callouts become asides.
Everything it produces goes through `sanitise`, the one allow-list.
"""

import functools
import html
import re
import threading
import xml.etree.ElementTree as etree

import markdown
import nh3
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext
from markdown.extensions.toc import nest_toc_tokens, unique
from markdown.extensions.toc import slugify as toc_slugify
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER_RE, AtomicString

from opsi_portal.lib.fences import code_fence_flags
from opsi_portal.lib.youtube import watch_url

from .importing.parser import (
    CALLOUT_MARKER,
    CANONICAL_TIMESTAMP_RE,
    LIST_ITEM_RE,
    RAW_TEXT_TAGS,
    WIKI_LINK_RE,
    humanise,
    normalise_target,
    without_raw_text,
)

ALLOWED_TAGS = {
    "a",
    "abbr",
    "aside",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "li",
    "mark",
    "nav",
    "ol",
    "p",
    "pre",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class", "data-t"},
    "aside": {"class"},
    "nav": {"class", "aria-label"},
    "p": {"class"},
    "div": {"class"},
    "span": {"class"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
    "time": {"datetime"},
    "th": {"scope"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto"}


# Heading anchors carry this prefix, so a heading called "Main" cannot take the page's `main` id.
HEADING_ID_PREFIX = "note-"
# The classes the renderer itself gives; a note's own classes could imitate the site (`notice`).
RENDERER_CLASSES = {"timestamp", "wikilink", "callout", "callout-title", "contents", "contents-title"}
CALLOUT_KIND_CLASS_RE = re.compile(r"callout-[a-z][\w-]*")
# Removed with their content: what is inside them is not text a reader should see.
CONTENT_TAGS_REMOVED = {*RAW_TEXT_TAGS.split("|"), "template", "svg", "math"}


def sanitise(html, heading_ids=frozenset()):
    """Keep only the allow-listed tags, attributes and URL schemes.

    An `id` is kept only when the renderer made it (`heading_ids`), a `class` only when it is one
    of the renderer's own.
    """

    def allowed_value(element, attribute, value):
        if attribute == "id":
            return value if value in heading_ids else None
        if attribute == "class":
            kept = [c for c in value.split() if c in RENDERER_CLASSES or CALLOUT_KIND_CLASS_RE.fullmatch(c)]
            return " ".join(kept) or None
        return value

    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=CONTENT_TAGS_REMOVED,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=allowed_value,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


CALLOUT_MARKER_RE = re.compile(rf"^{CALLOUT_MARKER}\n?")
# How a stored note with a contents list starts; `in_page_language` names it in the page's language.
CONTENTS_HEAD = '<nav class="contents" aria-label="Contents"><p class="contents-title">Contents</p>'
# Below this many headings a contents list is more clutter than help.
MIN_HEADINGS_FOR_CONTENTS = 2
HEADING_TAGS = {"h2", "h3", "h4", "h5", "h6"}


@functools.lru_cache(maxsize=65536)
def theme_slug(key):
    """The slug of the theme a normalised link target stands for."""
    return slugify(key)[:100] or "theme"


def link_addresses():
    """The addresses of a practice and of a theme in the active language, `SLUG` standing for the slug.

    Import workers are handed these rather than reversing them: the first `reverse` in a process
    loads every view of the site, a fifth of a second that a worker has no other use for.
    """
    return reverse("practices:practice_detail", args=["SLUG"]), reverse("practices:theme_detail", args=["SLUG"])


class LinkResolver:
    """Where a wiki link goes: the practice imported from the note it names, else that theme."""

    def __init__(self, practice_slugs, addresses=None):
        self.practice_slugs = practice_slugs  # normalised note key -> practice slug
        self._practice_url, self._theme_url = addresses or link_addresses()

    def __call__(self, key):
        slug = self.practice_slugs.get(key)
        if slug:
            return self._practice_url.replace("SLUG", slug)
        return self._theme_url.replace("SLUG", theme_slug(key))


class CalloutTreeprocessor(Treeprocessor):
    """Obsidian callouts (`> [!tip] Title`) become `<aside class="callout callout-tip">` with a title."""

    def run(self, root):
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag == "blockquote" and len(child) and child[0].tag == "p":
                    self._quote(child)
                elif child.tag == "p" and parent.tag not in ("blockquote", "aside"):
                    self._paragraph(parent, index, child)

    def _quote(self, quote):
        paragraph = quote[0]
        match = CALLOUT_MARKER_RE.match(paragraph.text or "")
        if not match:
            return
        kind = match.group(1).lower()
        paragraph.text = paragraph.text[match.end() :]
        if not paragraph.text.strip() and not len(paragraph):
            quote.remove(paragraph)
        quote.tag = "aside"
        quote.set("class", f"callout callout-{kind}")
        quote.insert(0, self._title(match.group(2).strip() or kind.capitalize()))

    def _paragraph(self, parent, index, paragraph):
        # `[!NOTE] text` outside a quote: the text is the callout's body, its kind the title.
        match = CALLOUT_MARKER_RE.match(paragraph.text or "")
        if not match:
            return
        kind = match.group(1).lower()
        paragraph.text = paragraph.text[match.start(2) :]
        aside = etree.Element("aside", {"class": f"callout callout-{kind}"})
        aside.tail = paragraph.tail
        paragraph.tail = None
        aside.append(self._title(kind.capitalize()))
        aside.append(paragraph)
        parent.remove(paragraph)
        parent.insert(index, aside)

    @staticmethod
    def _title(text):
        title = etree.Element("p", {"class": "callout-title"})
        title.text = text
        return title


class NoteLinksPreprocessor(Preprocessor):
    """Timestamps and wiki links become links, stashed as finished HTML so inline parsing skips them."""

    def run(self, lines):
        text = "\n".join(lines)
        text = WIKI_LINK_RE.sub(self._wiki_link, text)
        text = CANONICAL_TIMESTAMP_RE.sub(self._timestamp, text)
        return text.split("\n")

    def _timestamp(self, m):
        label = m.group(0)
        video_id = self.md.note_video_id
        if not video_id:
            return self.md.htmlStash.store(f'<span class="timestamp">{label}</span>')
        seconds = int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3))
        href = html.escape(watch_url(video_id, seconds))
        return self.md.htmlStash.store(f'<a class="timestamp" href="{href}">{label}</a>')

    def _wiki_link(self, m):
        target = m.group(1).strip()
        text = html.escape((m.group(2) or "").strip() or humanise(target))
        key = normalise_target(target)
        if not key:
            return self.md.htmlStash.store(text)
        href = html.escape(self.md.note_resolve(key))
        return self.md.htmlStash.store(f'<a class="wikilink" href="{href}">{text}</a>')


# Python-Markdown looks for a link's end from every `[`, character by character in Python (a
# paragraph of 10,000 `[` took 37 s), and copies the text at every inline match. A text past any of
# these limits is shown as plain text; the paragraphs of real notes stay far below them (their wiki
# links and timestamps are already stashed, so few `[` are left).
MAX_BRACKET_STEPS = 300_000  # `[` x length: about 0.4 s of link search
MAX_INLINE_MARKERS = 5_000  # each inline match costs about 0.1 ms of Markdown's Python
MAX_COPIED_CHARACTERS = 500_000_000  # markers x length: the copying
# What each of Python-Markdown's inline patterns needs in a text to match: code, escapes, links and
# images, autolinks and raw HTML, entities, emphasis; and a line break's two spaces. The notes'
# extension adds none (`test_rendering` checks the list of patterns).
INLINE_PATTERN_STARTS = "`\\[<&*_"
LINE_BREAK = "  \n"
# What the budget counts as markers: the patterns' starts, and characters around them.
INLINE_MARKERS = INLINE_PATTERN_STARTS + "!~="


# Python-Markdown parses each level of a quote again from the start: a line of 1,000 `>` took
# seconds. Deeper quotes than this are read at this depth.
MAX_QUOTE_DEPTH = 8
DEEP_QUOTE_RE = re.compile(rf"^[ ]{{0,3}}(?:>[ ]*){{{MAX_QUOTE_DEPTH + 1},}}", re.MULTILINE)


class RawTextPreprocessor(Preprocessor):
    """Removes `<style>`, `<script>`... with their content; an unclosed one loses only its tag.

    Left to the HTML parser, an unclosed `<style>` would swallow the rest of the note.
    """

    def run(self, lines):
        return without_raw_text("\n".join(lines)).split("\n")


# A `<` with no `>` before the next `<` cannot open a tag, but the HTML reader looks for one from
# each: 8,000 of them took 15 s. Past this many in a note they are written as `&lt;`.
MAX_STRAY_ANGLES = 100
STRAY_ANGLE_RE = re.compile(r"<(?=[^<>]*(?:<|$))")


class StrayAnglePreprocessor(Preprocessor):
    """Escapes a note's stray `<` when there are more than `MAX_STRAY_ANGLES` of them."""

    def run(self, lines):
        text = "\n".join(lines)
        if len(STRAY_ANGLE_RE.findall(text)) <= MAX_STRAY_ANGLES:
            return lines
        return STRAY_ANGLE_RE.sub("&lt;", text).split("\n")


class QuoteDepthPreprocessor(Preprocessor):
    """Caps the nesting of quotes at `MAX_QUOTE_DEPTH`."""

    def run(self, lines):
        text = DEEP_QUOTE_RE.sub("> " * MAX_QUOTE_DEPTH, "\n".join(lines))
        return text.split("\n")


class InlineBudgetTreeprocessor(Treeprocessor):
    """Marks texts inline Markdown has nothing to do in, or that are too costly for it, as atomic.

    Either way they are shown escaped and never parsed. Most of a note's paragraphs hold no inline
    markup once its timestamps and wiki links are stashed: trying every pattern on them was a third
    of the rendering's time, for nothing.
    """

    def run(self, root):
        for element in root.iter():
            text = element.text
            if text and not isinstance(text, AtomicString) and (self._plain(text) or self._too_costly(text)):
                element.text = AtomicString(text)

    @staticmethod
    def _plain(text):
        return LINE_BREAK not in text and not any(start in text for start in INLINE_PATTERN_STARTS)

    @staticmethod
    def _too_costly(text):
        markers = sum(text.count(marker) for marker in INLINE_MARKERS)
        return (
            text.count("[") * len(text) > MAX_BRACKET_STEPS
            or markers > MAX_INLINE_MARKERS
            or markers * len(text) > MAX_COPIED_CHARACTERS
        )


class HeadingTreeprocessor(Treeprocessor):
    """Anchors for h2-h6 and the tokens of the contents list (a lighter `toc` for notes)."""

    def run(self, root):
        used = {el.get("id") for el in root.iter() if el.get("id")}
        counters = {}
        tokens = []
        for el in root.iter():
            if el.tag in HEADING_TAGS:
                text = HTML_PLACEHOLDER_RE.sub(self._stashed_text, "".join(el.itertext()))
                name = " ".join(CANONICAL_TIMESTAMP_RE.sub("", text).split())
                anchor = unique(HEADING_ID_PREFIX + (toc_slugify(name, "-") or "section"), used, counters)
                el.set("id", anchor)
                self.md.note_heading_ids.add(anchor)
                tokens.append({"level": int(el.tag[1]), "id": el.get("id"), "name": name})
        self.md.toc_tokens = nest_toc_tokens(tokens)

    def _stashed_text(self, match):
        try:
            raw = self.md.htmlStash.rawHtmlBlocks[int(match.group(1))]
        except (IndexError, ValueError):
            return ""
        return html.unescape(re.sub(r"<[^>]+>", "", str(raw)))


class NoteExtension(markdown.Extension):
    """What notes add to Markdown: timestamps, wiki links and callouts."""

    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API)
        # After fenced code (25), so code keeps its brackets; before paragraphs are parsed.
        md.preprocessors.register(NoteLinksPreprocessor(md), "note_links", 20)
        md.preprocessors.register(QuoteDepthPreprocessor(md), "quote_depth", 19)
        # After fenced code (25), so a code sample of `<style>` stays; before raw HTML is read (20).
        md.preprocessors.register(RawTextPreprocessor(md), "raw_text", 22)
        md.preprocessors.register(StrayAnglePreprocessor(md), "stray_angles", 21)
        # After inline parsing (20) so the marker is plain text, before the contents list (5).
        md.treeprocessors.register(CalloutTreeprocessor(md), "callout", 12)
        # Before inline parsing (20), which it spares the texts it could not finish in time.
        md.treeprocessors.register(InlineBudgetTreeprocessor(md), "inline_budget", 25)
        md.treeprocessors.register(HeadingTreeprocessor(md), "headings", 5)
        _guard_block_tests(md.parser)


# Markdown tries its block processors on every paragraph in turn, and the tests of these search the
# whole paragraph with a pattern that cannot match without one of these characters. Most paragraphs
# hold none, and looking for a character costs far less than a pattern's scan of the paragraph.
BLOCK_TEST_NEEDS = {"hashheader": "#", "quote": ">", "hr": "-_*", "table": "|"}


def _guard_block_tests(parser):
    """Each processor of BLOCK_TEST_NEEDS runs its own test only on a block holding one of its characters."""
    for name, characters in BLOCK_TEST_NEEDS.items():
        processor = parser.blockprocessors[name]
        processor.test = _guarded(processor.test, characters)


def _guarded(test, characters):
    def guarded_test(parent, block):
        return any(character in block for character in characters) and test(parent, block)

    return guarded_test


def _contents(tokens):
    items = []
    for token in tokens:
        name = html.escape(" ".join(CANONICAL_TIMESTAMP_RE.sub("", token["name"]).split()))
        children = _contents(token["children"]) if token["children"] else ""
        items.append(f'<li><a href="#{token["id"]}">{name}</a>{children}</li>')
    return f"<ul>{''.join(items)}</ul>"


def _count(tokens):
    return sum(1 + _count(token["children"]) for token in tokens)


_local = threading.local()


def _markdown():
    """One Markdown converter per thread: building one costs more than converting a note."""
    md = getattr(_local, "markdown", None)
    if md is None:
        md = markdown.Markdown(
            extensions=["tables", "fenced_code", "sane_lists", NoteExtension()],
            output_format="html",
        )
        _local.markdown = md
    return md.reset()


def _separate_lists(text):
    """A blank line before a list that follows a paragraph, as Obsidian reads it and Markdown needs."""
    result = []
    for line, in_code in code_fence_flags(text.split("\n")):
        if not in_code and LIST_ITEM_RE.match(line) and result:
            before = result[-1]
            if before.strip() and not LIST_ITEM_RE.match(before) and not before.startswith((" ", "\t", ">")):
                result.append("")
        result.append(line)
    return "\n".join(result)


# Part of every imported note's content hash: raise it when rendering changes, so the next import
# re-renders notes whose text did not change.
RENDER_VERSION = 3


def render_note(source, video_id=None, resolve=None):
    """A note's Markdown as sanitised HTML, with timestamps, wiki links, anchors, contents and callouts."""
    md = _markdown()
    md.note_video_id = video_id
    md.note_resolve = resolve or LinkResolver({})
    md.toc_tokens = []  # an empty note skips the tree processors
    md.note_heading_ids = set()
    try:
        body = md.convert(_separate_lists(source or ""))
    except BaseException as error:
        # A converter stopped half way (too deep, or a note's time budget) keeps its parser's state:
        # the next note gets a fresh one.
        _local.markdown = None
        if not isinstance(error, RecursionError):
            raise
        # Markdown nests by recursion ("1. 1. 1. ..." on one line): such a note is shown as plain text.
        md.toc_tokens = []
        body = f"<p>{html.escape(source)}</p>"
    if _count(md.toc_tokens) >= MIN_HEADINGS_FOR_CONTENTS:
        body = f"{CONTENTS_HEAD}{_contents(md.toc_tokens)}</nav>\n{body}"
    return sanitise(body, md.note_heading_ids)


def in_page_language(body_html):
    """The stored note with its contents list named in the page's language (it is stored in English)."""
    if not body_html.startswith(CONTENTS_HEAD):
        return body_html
    title = html.escape(gettext("Contents"))
    head = f'<nav class="contents" aria-label="{title}"><p class="contents-title">{title}</p>'
    return head + body_html[len(CONTENTS_HEAD) :]
