"""Free-text search over practices, behind one interface for every database.

`search(queryset, text)` narrows a queryset of practices to those matching a user's words in web
search syntax (every word, "quoted phrases", -exclusion, `or`), best first; it ranks the newest
`LIMIT` matches, so a word nearly every practice contains costs no more than a rare one.
On PostgreSQL it uses the stored `search_vector` (title A, summary B, themes and countries C,
text D) and its GIN index; on SQLite it matches words at word starts and ranks title matches first.
`snippets()` highlights the words for the rows of one page; `suggest()` offers "did you mean".

The vector is kept by `refresh_search_vector(ids)`, which signals call after a save of a practice,
its themes or its countries, and which bulk writers (the importer, the benchmark) call themselves.
"""

import difflib
import html
import re
import threading
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    Case,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from incubator.models import Country
from opsi_portal.caching import cached

from .models import Practice, Theme, ThemedPractice

CONFIG = "english"
SNIPPET_WORDS = 30
# Private-use characters mark the highlighted words until the text is escaped; then they become <mark>.
START, STOP = "\ue000", "\ue001"
REFRESH_BATCH = 2000
# How many of the newest matches a search ranks; more is rarer than it looks, as users add words or filters.
LIMIT = getattr(settings, "SEARCH_RANK_LIMIT", 500)

REFRESH_SQL = """
UPDATE practices_practice AS p SET search_vector =
    setweight(to_tsvector('english', coalesce(p.title, '')), 'A')
    || setweight(to_tsvector('english', coalesce(p.summary, '')), 'B')
    || setweight(to_tsvector('english',
        coalesce((SELECT string_agg(t.name, ' ') FROM practices_themedpractice AS tp
                  JOIN practices_theme AS t ON t.id = tp.tag_id WHERE tp.content_object_id = p.id), '')
        || ' ' ||
        coalesce((SELECT string_agg(c.name, ' ') FROM practices_countrymention AS cm
                  JOIN incubator_country AS c ON c.id = cm.country_id WHERE cm.practice_id = p.id), '')), 'C')
    || setweight(to_tsvector('english', coalesce(p.body_html, '')), 'D')
WHERE p.id = ANY(%s)
"""


def is_postgresql():
    return connection.vendor == "postgresql"


# While a bulk writer runs (the importer), the practices to refresh are collected here instead.
_deferred = ContextVar("deferred_search_refresh", default=None)


@contextmanager
def deferred_search_refresh():
    """Refresh the vectors of the practices saved meanwhile once, at the end, not on every save."""
    pending = set()
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
        refresh_search_vector(pending)


def refresh_search_vector(practice_ids):
    """Recompute the stored search vector of these practices (PostgreSQL; nothing to do elsewhere)."""
    if not is_postgresql():
        return
    pending = _deferred.get()
    if pending is not None:
        pending.update(practice_ids)
        return
    ids = sorted({int(pk) for pk in practice_ids})
    with connection.cursor() as cursor:
        for start in range(0, len(ids), REFRESH_BATCH):
            cursor.execute(REFRESH_SQL, [ids[start : start + REFRESH_BATCH]])


# -- The query language, parsed in Python for SQLite and for highlighting there -----------------


@dataclass
class Term:
    """A word or a quoted phrase of a query; `negated` when it came with a leading minus."""

    text: str
    negated: bool = False

    def pattern(self):
        # Words match at the start of a word, so "innovat" finds "innovation" as stemming would.
        words = [re.escape(word) for word in self.text.split()]
        return r"\b" + r"\s+".join(words)


@dataclass
class ParsedQuery:
    """Alternatives joined by `or`; each alternative is a list of terms that must all hold."""

    alternatives: list = field(default_factory=list)

    def positive_terms(self):
        return [term for alternative in self.alternatives for term in alternative if not term.negated]


TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def parse(text):
    """Web-search syntax as PostgreSQL's websearch_to_tsquery reads it: words, "phrases", -word, or."""
    alternatives, current = [], []
    for match in TOKEN.finditer(text):
        minus, phrase, word = match.groups()
        if word is not None and word.lower() == "or":
            if current:
                alternatives.append(current)
                current = []
            continue
        negated = bool(minus)
        if word is not None:
            negated = word.startswith("-")
            phrase = word.lstrip("-")
        words = re.findall(r"\w+", phrase or "")
        if words:
            current.append(Term(" ".join(words), negated))
    if current:
        alternatives.append(current)
    return ParsedQuery(alternatives)


def _term_q(term):
    pattern = term.pattern()
    in_theme = ThemedPractice.objects.filter(content_object=OuterRef("pk"), tag__name__iregex=pattern)
    in_country = Country.objects.filter(mentions__practice=OuterRef("pk"), name__iregex=pattern)
    return (
        Q(title__iregex=pattern)
        | Q(summary__iregex=pattern)
        | Q(body_markdown__iregex=pattern)
        | Exists(in_theme)
        | Exists(in_country)
    )


def _simple_matches(queryset, parsed):
    condition = Q(pk__in=[])
    for alternative in parsed.alternatives:
        clause = Q()
        for term in alternative:
            term_q = _term_q(term)
            clause &= ~term_q if term.negated else term_q
        condition |= clause
    positives = parsed.positive_terms()
    if not positives:
        # Only exclusions, as "-tax": everything else matches, as on PostgreSQL.
        return queryset.filter(condition).annotate(rank=Value(0.0, output_field=FloatField()))
    in_title = Q()
    for term in positives:
        in_title &= Q(title__iregex=term.pattern())
    rank = Case(
        When(in_title, then=Value(1.0)),
        When(Q(summary__iregex=positives[0].pattern()), then=Value(0.5)),
        default=Value(0.1),
        output_field=FloatField(),
    )
    return queryset.filter(condition).annotate(rank=rank)


def candidates(queryset, text):
    """The newest `LIMIT` practices of `queryset` matching `text`, as a queryset of ids; None for no text.

    Newest first lets PostgreSQL walk the date index and stop early for words most practices
    contain, and use the GIN index for rarer ones; either way the work stays bounded.
    """
    text = (text or "").strip()
    if not text:
        return None
    if is_postgresql():
        matches = queryset.filter(search_vector=SearchQuery(text, search_type="websearch", config=CONFIG))
    else:
        parsed = parse(text)
        if not parsed.alternatives:
            return queryset.none().values("pk")
        matches = _simple_matches(queryset, parsed)
    return matches.order_by("-published_at", "-pk").values("pk")[:LIMIT]


_hint = threading.local()


@contextmanager
def planner_hint():
    """Plan the queries inside without sequential scans of practices (PostgreSQL; nothing elsewhere).

    The planner thinks `@@` on each row is cheap, but every row read that way has its vector fetched
    from TOAST; without sequential scans it takes the GIN or the date index instead.
    """
    if not is_postgresql() or getattr(_hint, "active", False):
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        _hint.active = True
        try:
            yield
        finally:
            _hint.active = False


def matching(queryset, text):
    """The practices of `queryset` that `search` would return, unranked and unevaluated (for counts)."""
    rows = candidates(queryset, text)
    return queryset if rows is None else queryset.filter(pk__in=rows)


def _ranked_ids(queryset, text, rows):
    if is_postgresql():
        query = SearchQuery(text, search_type="websearch", config=CONFIG)
        # Ranking reads each candidate's whole vector (stored out of line), so only candidates are ranked.
        ranked = queryset.model.objects.filter(pk__in=rows).annotate(rank=SearchRank(F("search_vector"), query))
        with planner_hint():
            found = list(ranked.values_list("pk", "rank", "published_at"))
    else:
        found = list(
            _simple_matches(queryset.filter(pk__in=rows), parse(text)).values_list("pk", "rank", "published_at")
        )
    found.sort(key=lambda row: (-row[1], -row[2].timestamp() if row[2] else 0, -row[0]))
    return [row[0] for row in found]


def ranked_ids(queryset, text):
    """Ids of the practices of `queryset` matching `text`, best first (the newest `LIMIT`); None for no text."""
    text = (text or "").strip()
    rows = candidates(queryset, text)
    return None if rows is None else _ranked_ids(queryset, text, rows)


def in_order_of(queryset, ids):
    """The practices of `queryset` with these ids, in the order of `ids`."""
    if not ids:
        return queryset.none()
    if is_postgresql():
        order = Func(
            Value(ids, output_field=ArrayField(BigIntegerField())),
            F("pk"),
            function="array_position",
            output_field=IntegerField(),
        )
    else:
        order = Case(*[When(pk=pk, then=Value(i)) for i, pk in enumerate(ids)], output_field=IntegerField())
    return queryset.filter(pk__in=ids).annotate(search_order=order).order_by("search_order")


def search(queryset, text):
    """Practices of `queryset` matching `text`, best first: the newest `LIMIT` matches, ranked.

    One query finds and ranks the candidates; the queryset returned selects them by id, so counts,
    facets and pages built on it never search again.
    """
    ids = ranked_ids(queryset, text)
    return queryset if ids is None else in_order_of(queryset, ids)


# -- Snippets ------------------------------------------------------------------------------------


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


# -- Did you mean --------------------------------------------------------------------------------

SUGGEST_CANDIDATES = 50
SUGGEST_MIN_LENGTH = 3
WORD = re.compile(r"[^\W\d_]{3,}")


def _candidate_words_postgresql(word):
    """Words of titles and theme names that look like `word`, found through the trigram indexes."""
    with transaction.atomic(), connection.cursor() as cursor:
        # The default threshold (0.6) misses words with two letters swapped; 0.4 still keeps it narrow.
        cursor.execute("SET LOCAL pg_trgm.word_similarity_threshold = 0.4")
        cursor.execute(
            f"SELECT title FROM {Practice._meta.db_table} WHERE status = %s AND %s <%% title LIMIT %s",  # noqa: S608
            [Practice.Status.PUBLISHED, word, SUGGEST_CANDIDATES],
        )
        texts = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT name FROM {Theme._meta.db_table} WHERE %s <%% name LIMIT %s",  # noqa: S608
            [word, SUGGEST_CANDIDATES],
        )
        texts += [row[0] for row in cursor.fetchall()]
    return {w.lower() for text in texts for w in WORD.findall(text)}


def vocabulary():
    """Every word of published titles and of theme names, lower-cased (the SQLite "did you mean")."""

    def build():
        words = set()
        for text in Practice.objects.published().values_list("title", flat=True).iterator():
            words.update(w.lower() for w in WORD.findall(text))
        for text in Theme.objects.values_list("name", flat=True):
            words.update(w.lower() for w in WORD.findall(text))
        return words

    return cached("search-vocabulary", build)


def suggest(text):
    """The query with misspelt words replaced by the closest title or theme word, or None."""
    text = (text or "").strip()
    words = [w for w in WORD.findall(text) if len(w) >= SUGGEST_MIN_LENGTH and w.lower() != "or"]
    if not words:
        return None
    known = None if is_postgresql() else vocabulary()
    corrected = text
    for word in dict.fromkeys(words):
        candidates = _candidate_words_postgresql(word) if known is None else known
        if word.lower() in candidates:
            continue
        close = difflib.get_close_matches(word.lower(), candidates, n=1, cutoff=0.75)
        if close:
            corrected = re.sub(rf"\b{re.escape(word)}\b", close[0], corrected)
    return corrected if corrected != text else None
