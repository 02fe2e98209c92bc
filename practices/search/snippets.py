"""Snippets for the rows of one page: a few words around the match, the searched words in <mark>."""

import html
import re

from django.contrib.postgres.search import SearchQuery
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from ..models import Practice
from .index import is_postgresql
from .query import parse
from .ranking import CONFIG

SNIPPET_WORDS = 30
# Private-use characters mark the highlighted words until the text is escaped; then they become <mark>.
START, STOP = "\ue000", "\ue001"


def _marked_to_html(marked):
    """Escape everything, then turn only our own markers into <mark> tags."""
    return mark_safe(escape(marked).replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308


def _plain_text(summary, body_html):
    text = f"{summary} {strip_tags(body_html)}"
    return html.unescape(text).replace(START, "").replace(STOP, "")


def _snippet(text, patterns):
    """About SNIPPET_WORDS words around the first match of `patterns`, the matches marked."""
    if not patterns:
        return ""
    matcher = re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
    words = text.split()
    first = next((i for i, word in enumerate(words) if matcher.search(" " + word)), None)
    if first is None:
        return ""
    start = max(0, first - SNIPPET_WORDS // 3)
    window = " ".join(words[start : start + SNIPPET_WORDS])
    marked = matcher.sub(lambda m: f"{START}{m.group(0)}{STOP}", window)
    prefix = "… " if start else ""
    suffix = " …" if start + SNIPPET_WORDS < len(words) else ""
    return f"{prefix}{marked}{suffix}"


LEXEME = re.compile(r"(!?)'((?:[^']|'')+)'")


def _stem_patterns(tsquery):
    """Patterns for the stems PostgreSQL searched for (`budget` for "budgeting"), exclusions left out."""
    stems = {stem.replace("''", "'") for negated, stem in LEXEME.findall(tsquery or "") if not negated}
    patterns = []
    for stem in sorted(stems, key=len, reverse=True):
        # The English stemmer writes a final y as i ("policy" -> "polici"); match either spelling.
        head, tail = (stem[:-1], "[iy]") if stem.endswith("i") else (stem, "")
        patterns.append(rf"\b{re.escape(head)}{tail}\w*")
    return patterns


def with_snippet_data(queryset, text):
    """`queryset` loading what `snippets` needs with the rows themselves, so it costs no query."""
    queryset = queryset.defer(None).defer("body_markdown", "search_vector", "import_snapshot")
    if is_postgresql() and (text or "").strip():
        query = SearchQuery(text, search_type="websearch", config=CONFIG)
        queryset = queryset.annotate(search_tsquery=Cast(query, TextField()))
    return queryset


def snippets(practices, text):
    """{practice id: safe HTML} with the words of `text` in <mark>, for these practices only.

    Practices from `with_snippet_data` carry their text; others are read in one query.
    """
    practices = list(practices)
    text = (text or "").strip()
    if not practices or not text:
        return {}
    loaded = all("body_html" not in p.get_deferred_fields() for p in practices)
    if not loaded or (is_postgresql() and not hasattr(practices[0], "search_tsquery")):
        practices = list(with_snippet_data(Practice.objects.filter(pk__in=[p.pk for p in practices]), text))
    if is_postgresql():
        # PostgreSQL searched for stems (`budget` for "budgeting"); SQLite for the words as typed.
        patterns = _stem_patterns(practices[0].search_tsquery) if practices else []
    else:
        patterns = [term.pattern() for term in parse(text).positive_terms()]
    result = {}
    for practice in practices:
        snippet = _snippet(_plain_text(practice.summary, practice.body_html), patterns)
        if snippet:
            result[practice.pk] = _marked_to_html(snippet)
    return result
