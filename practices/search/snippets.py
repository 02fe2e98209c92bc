"""Snippets for the rows of one page, and "watch from here".

A result whose match is in the note's text shows the sentence that matches, the searched words in
<mark>, and links to the moment of the video where it is said: the sentence's own timestamp, or
the nearest one before it. A result that matches elsewhere shows its summary, words marked.

The database marks the words: SQLite with FTS5's highlight(), which knows the stems it matched;
PostgreSQL by the stems of the query it ran (ts_headline over every text would cost far more).
From the marked text on, both go the same way.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils.html import escape
from django.utils.safestring import mark_safe

from opsi_portal.lib.youtube import format_timestamp, watch_url

from ..models import Practice
from .index import CONFIG, FTS_TABLE, is_postgresql, plain_text
from .query import parse

SNIPPET_WORDS = 40
# Private-use characters mark the highlighted words until the text is escaped; then they become <mark>.
START, STOP = "\ue000", "\ue001"
# A timestamp as stored texts write it (the importer rewrites every note's to this form).
TIMESTAMP_RE = re.compile(r"\[(\d{2,}):(\d{2}):(\d{2})\]")
# A sentence ends at . ! or ? followed by a space, or at a line break (list items, headings).
SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass
class Snippet:
    """What a search card shows instead of the summary: marked words, and the moment to watch."""

    html: str
    seconds: int | None = None
    url: str | None = None

    @property
    def timestamp(self):
        return None if self.seconds is None else format_timestamp(self.seconds)


@dataclass
class MarkedTexts:
    """A practice's summary and plain text with the searched words between START and STOP."""

    summary: str
    body: str


def _marked_to_html(marked):
    """Escape everything, then turn only our own markers into <mark> tags."""
    return mark_safe(escape(marked).replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308


def _seconds(match):
    hours, minutes, seconds = (int(part) for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


# How far back `_last_match` looks first: most matches are a sentence or two before.
LOOK_BACK = (500, 5000)


def _last_match(pattern, text, end):
    """The last match of `pattern` in text[:end], or None.

    Read backwards in growing windows rather than from the start: a match is usually near, and a
    note's text runs to tens of kilobytes. A match found in a window is the last one (a match that
    straddles the window's start begins earlier); `pos` keeps look-behinds seeing the whole text.
    """
    for distance in (*LOOK_BACK, end):
        last = None
        for last in pattern.finditer(text, max(0, end - distance), end):  # noqa: B007  (the last one)
            pass
        if last is not None or distance >= end:
            return last
    return None


def _sentence_around(text, position):
    """(start, end) of the sentence of `text` holding `position`."""
    boundary = _last_match(SENTENCE_END_RE, text, position)
    start = boundary.end() if boundary else 0
    following = SENTENCE_END_RE.search(text, position)
    return start, following.start() if following else len(text)


def _moment(text, start, end):
    """Seconds of the sentence text[start:end]: its first timestamp, else the nearest one before it."""
    own = TIMESTAMP_RE.search(text, start, end)
    if own:
        return _seconds(own)
    earlier = _last_match(TIMESTAMP_RE, text, start)
    return _seconds(earlier) if earlier else None


def _window(marked):
    """At most SNIPPET_WORDS words of `marked` around its first mark, with … where it was cut."""
    words = marked.split()
    first = next((i for i, word in enumerate(words) if START in word), 0)
    start = max(0, min(first - SNIPPET_WORDS // 3, len(words) - SNIPPET_WORDS))
    window = " ".join(words[start : start + SNIPPET_WORDS])
    prefix = "… " if start else ""
    suffix = " …" if start + SNIPPET_WORDS < len(words) else ""
    return f"{prefix}{window}{suffix}"


def watch_from_here(marked_body, video_id):
    """The first sentence of the text with a marked word, and its moment; None when nothing is marked."""
    position = marked_body.find(START)
    if position < 0:
        return None
    start, end = _sentence_around(marked_body, position)
    sentence = " ".join(TIMESTAMP_RE.sub("", marked_body[start:end]).split())
    seconds = _moment(marked_body, start, end)
    url = watch_url(video_id, seconds) if video_id and seconds is not None else None
    return Snippet(_marked_to_html(_window(sentence)), seconds, url)


def snippet_for(texts, video_id):
    """The card's snippet: the matching sentence of the text, else the marked summary, else None."""
    found = watch_from_here(texts.body, video_id)
    if found:
        return found
    if START in texts.summary:
        return Snippet(_marked_to_html(_window(texts.summary)))
    return None


# -- Marking the words: each database its way ------------------------------------------------------


def _fold(text):
    """`text` lower-cased without accents, letter for letter (same length, so positions carry over)."""
    if text.isascii():
        return text.lower()
    return "".join(unicodedata.normalize("NFKD", char)[:1].lower() or char for char in text)


LEXEME = re.compile(r"(!?)'((?:[^']|'')+)'")


def _stem_matcher(tsquery_text):
    """A pattern for the stems PostgreSQL searched for (`budget` finds "budgeting"), exclusions left out."""
    stems = {stem.replace("''", "'") for negated, stem in LEXEME.findall(tsquery_text or "") if not negated}
    patterns = []
    for stem in sorted(stems, key=len, reverse=True):
        # The English stemmer writes a final y as i ("policy" -> "polici"); match either spelling.
        head, tail = (stem[:-1], "[iy]") if stem.endswith("i") else (stem, "")
        patterns.append(rf"\b{re.escape(head)}{tail}\w*")
    return re.compile("|".join(patterns)) if patterns else None


def _mark(text, matcher):
    if matcher is None:
        return text
    folded, pieces, last = _fold(text), [], 0
    for match in matcher.finditer(folded):
        pieces += [text[last : match.start()], START, text[match.start() : match.end()], STOP]
        last = match.end()
    return "".join(pieces) + text[last:]


def _clean(text):
    return (text or "").replace(START, "").replace(STOP, "")


def with_snippet_data(queryset, text):
    """`queryset` loading what `snippets` needs with the rows themselves (PostgreSQL; SQLite asks FTS5)."""
    if not is_postgresql() or not (text or "").strip():
        return queryset
    query = SearchQuery(parse(text).websearch(), search_type="websearch", config=CONFIG)
    return (
        queryset.defer(None).defer("body_markdown", "import_snapshot").annotate(search_tsquery=Cast(query, TextField()))
    )


def _marked_postgresql(practices, text):
    loaded = all("body_html" not in p.get_deferred_fields() and hasattr(p, "search_tsquery") for p in practices)
    if not loaded:
        practices = list(with_snippet_data(Practice.objects.filter(pk__in=[p.pk for p in practices]), text))
    matcher = _stem_matcher(practices[0].search_tsquery)
    return {
        p.pk: MarkedTexts(_mark(_clean(p.summary), matcher), _mark(_clean(plain_text(p.body_html)), matcher))
        for p in practices
    }


def _marked_sqlite(practices, text):
    expression = parse(text).fts5_positive()
    if not expression:
        return {}
    ids = [p.pk for p in practices]
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, highlight({FTS_TABLE}, 1, %s, %s), highlight({FTS_TABLE}, 3, %s, %s)"  # noqa: S608
            f" FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND rowid IN ({marks})",
            [START, STOP, START, STOP, expression, *ids],
        )
        return {pk: MarkedTexts(summary or "", body or "") for pk, summary, body in cursor.fetchall()}


def snippets(practices, text):
    """{practice id: Snippet} for these practices (one page of them), for what `text` searched."""
    practices = list(practices)
    if not practices or not (text or "").strip() or not parse(text).positive_terms():
        return {}
    marked = _marked_postgresql(practices, text) if is_postgresql() else _marked_sqlite(practices, text)
    videos = {p.pk: p.source_video.youtube_id if p.source_video_id else None for p in practices}
    result = {}
    for pk, texts in marked.items():
        snippet = snippet_for(texts, videos.get(pk))
        if snippet:
            result[pk] = snippet
    return result
