"""A note's Markdown as plain prose: its summary, and its sentences with the moments they were said."""

import html
import re
from dataclasses import dataclass

from opsi_portal.lib.fences import code_fence_flags

from .parser import CANONICAL_TIMESTAMP_RE, HEADING_RE, LIST_ITEM_RE, link_words

# Markup that plain text keeps the words of, in the order it is undone.
EMBED_RE = re.compile(r"!\[\[[^\[\]\n]*\]\]")
# Any timestamp the parser left (canonical or not), with the `(` of a Markdown link around it.
TIMESTAMP_LEFTOVER_RE = re.compile(r"\[\s*\d{1,3}(?::\d{1,3}){1,3}\s*\]+(?:\(\s*\)?)?")
IMAGE_RE = re.compile(r"!\[([^\[\]]*)\]\([^()\n]*\)?")
# Link text may hold one level of brackets: `[[webinar] Title](https://...)`.
MARKDOWN_LINK_RE = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\((?:<[^>]*>|[^)\s]*)(?:\s+[\"'(][^)]*)?\)?")
REFERENCE_LINK_RE = re.compile(r"\[([^\[\]\n]+)\]\[[^\[\]\n]*\]")
FOOTNOTE_RE = re.compile(r"\[\^[^\[\]\n]*\]")
# `[^<>\n]`: a scan stops at the next `<`, so a line full of `<` is linear.
TAG_RE = re.compile(r"</?[A-Za-z][^<>\n]*>?|<[!?/][^<>\n]*>?")
CALLOUT_MARKER_RE = re.compile(r"\[![\w-]+\][+-]?")
EMPHASIS_RE = re.compile(r"\*\*|__|\*|`|~~|==")
LINE_MARKER_RE = re.compile(r"^[ \t]*(?:#{1,6}|>|[-+*]|\d+[.)])[ \t]+", re.MULTILINE)
LINE_MARKER_SIGNS = frozenset("#>-+*")  # and any decimal digit, as `\d` (`_may_open_with_marker`)
# Brackets no markup explains any more (a wiki link left open, an empty pair).
STRAY_BRACKETS_RE = re.compile(r"\[\[|\]\]|\[\s*\]|\(\s*\)")


def without_comments(text):
    """`text` without its closed HTML comments, in one pass (a pattern would rescan to the end for each
    unclosed `<!--`); an unclosed one is left to TAG_RE."""
    pieces, position = [], 0
    while (start := text.find("<!--", position)) >= 0 and (end := text.find("-->", start + 4)) >= 0:
        pieces += [text[position:start], " "]
        position = end + 3
    return "".join(pieces) + text[position:]


def plain_text(markdown_text):
    """Markdown of a note as plain text: links as their words, timestamps, tags and markup removed.

    Each pattern runs only on text that holds what it cannot match without: most sentences hold few
    of those, and looking for a string costs far less than a pattern's scan.
    """
    return html.unescape(_without_markup(_without_links(markdown_text)))


def _without_links(text):
    """Embeds, wiki and Markdown links (as their words), comments, timestamps and footnotes undone."""
    if "![[" in text:
        text = EMBED_RE.sub("", text)
    if "[[" in text:
        text = link_words(text)
    if "<!--" in text:
        text = without_comments(text)
    if "[" in text:
        text = TIMESTAMP_LEFTOVER_RE.sub("", text)
    if "![" in text:
        text = IMAGE_RE.sub(r"\1", text)
    if "](" in text:
        text = MARKDOWN_LINK_RE.sub(r"\1", text)
    if "][" in text:
        text = REFERENCE_LINK_RE.sub(r"\1", text)
    if "[^" in text:
        text = FOOTNOTE_RE.sub("", text)
    return text


def _without_markup(text):
    """Tags, callout markers, emphasis, line markers and brackets left empty removed."""
    if "<" in text:
        text = TAG_RE.sub(" ", text)
    if "[!" in text:
        text = CALLOUT_MARKER_RE.sub("", text)
    if "*" in text or "__" in text or "`" in text or "~~" in text or "==" in text:
        text = EMPHASIS_RE.sub("", text)
    # A sentence is one line: a marker can only open it.
    if "\n" in text or _may_open_with_marker(text):
        text = LINE_MARKER_RE.sub("", text)
    if "[" in text or "]" in text or "(" in text:
        text = STRAY_BRACKETS_RE.sub("", text)
    return text


def _may_open_with_marker(text):
    """Whether the line `text` starts, past spaces and tabs, with what a heading, quote or list item starts with."""
    first = text.lstrip(" \t")[:1]
    return first in LINE_MARKER_SIGNS or first.isdecimal()


def tidy(text):
    """Plain text with the gaps removed timestamps leave: no space before punctuation, no ",." runs.

    The patterns run only on a sentence that holds what they change (`NEEDS_TIDYING_RE`); most do not.
    """
    text = " ".join(text.split())
    if not NEEDS_TIDYING_RE.search(text):
        return text
    text = SPACE_BEFORE_PUNCTUATION_RE.sub(r"\1", text)
    # One pass over each run of commas: a lookahead after the run re-scanned it from every comma.
    return COMMA_RUN_RE.sub(_comma_run, text) if "," in text else text


SPACE_BEFORE_PUNCTUATION_RE = re.compile(r"\s+([.,;:!?])")
# Once spaces are single, what `tidy` changes: a space before punctuation; a run of commas to shorten or
# drop, which holds ",," or "," before punctuation or at the end (or a space before punctuation).
NEEDS_TIDYING_RE = re.compile(r"[ ,][.,;:!?]|,$")
COMMA_RUN_RE = re.compile(r"(?:,\s*)+")


def _comma_run(match):
    """A run of commas before punctuation or the end goes; a run of several becomes one."""
    following = match.string[match.end() : match.end() + 1]
    if not following or following in ".!?;:":
        return ""
    return ", " if match.group(0).count(",") > 1 else match.group(0)


def summary_of(body, limit=300):
    """The first paragraph of a note as plain text, cut at a word near `limit` characters."""
    for block in re.split(r"\n\s*\n", body):
        stripped = block.strip()
        if not stripped or stripped.startswith(("#", "<", "```", "---", "|")):
            continue
        text = tidy(plain_text(stripped))
        if not text:
            continue
        if len(text) <= limit:
            return text
        cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:")
        return cut + "…"
    return ""


# The end of a sentence: its closing mark (kept with the sentence), quotes or brackets, the spaces cut.
# It starts with the mark rather than looking behind for one, which would run at every character.
SENTENCE_END_RE = re.compile(r"[.!?][\"')\]]*\s+(?=[\"'(\[*]*[A-Z0-9])")


def _split_sentences(block):
    """The sentences of a paragraph, each with its closing mark."""
    pieces, start = [], 0
    for sentence_end in SENTENCE_END_RE.finditer(block):
        pieces.append(block[start : sentence_end.start() + 1])
        start = sentence_end.end()
    pieces.append(block[start:])
    return pieces


@dataclass(frozen=True)
class Sentence:
    text: str
    seconds: int | None
    heading: bool


def _blocks(body):
    """(text, is_heading) of each paragraph, list item and heading outside code, in order."""
    blocks, current = [], []
    for line, in_code in code_fence_flags(body.split("\n")):
        if in_code:
            continue
        heading = HEADING_RE.match(line)
        if heading or not line.strip() or LIST_ITEM_RE.match(line):
            if current:
                blocks.append((" ".join(current), False))
                current = []
            if heading:
                blocks.append((line, True))
                continue
        if line.strip():
            current.append(line)
    if current:
        blocks.append((" ".join(current), False))
    return blocks


def _timed_sentences(blocks):
    """Sentences with the last timestamp before them; those before a block's first one take it."""
    result, previous = [], None
    for block, heading in blocks:
        pending = []
        for piece in [block] if heading else _split_sentences(block):
            stamps = [int(h) * 3600 + int(m) * 60 + int(s) for h, m, s in CANONICAL_TIMESTAMP_RE.findall(piece)]
            text = tidy(plain_text(piece))
            if not text:
                continue
            if stamps:
                previous = stamps[0]
                for index in pending:
                    result[index] = Sentence(result[index].text, stamps[0], result[index].heading)
                pending = []
            else:
                pending.append(len(result))
            result.append(Sentence(text, stamps[0] if stamps else previous, heading))
    return result


def sentences_of(body):
    """Every sentence of a note's body with its nearest timestamp, in order, headings marked."""
    result = _timed_sentences(_blocks(body))
    # A heading or untimed sentence takes the next timestamp when none came before it.
    following = None
    for index in range(len(result) - 1, -1, -1):
        sentence = result[index]
        if sentence.seconds is None and following is not None:
            result[index] = Sentence(sentence.text, following, sentence.heading)
        elif sentence.seconds is not None:
            following = sentence.seconds
    return result
