"""Free-text search over practices, behind one interface for every database.

`search(queryset, text)` narrows a queryset of practices to those matching a user's words in web
search syntax (every word, "quoted phrases", -exclusion, `or`) and annotates a `rank`.
On PostgreSQL it uses the stored `search_vector` (title A, summary B, themes and countries C,
text D) and its GIN index; on SQLite it matches words at word starts and ranks title matches first.
`snippets()` highlights the words for the rows of one page; `suggest()` offers "did you mean".

The vector is kept by `refresh_search_vector(ids)`, which signals call after a save of a practice,
its themes or its countries, and which bulk writers (the importer, the benchmark) call themselves.
"""

import difflib
import html
import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection, transaction
from django.db.models import Case, Exists, F, FloatField, Func, OuterRef, Q, TextField, Value, When
from django.db.models.functions import Concat
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from incubator.models import Country

from .caching import cached
from .models import Practice, Theme, ThemedPractice

CONFIG = "english"
SNIPPET_WORDS = 30
# Private-use characters mark the highlighted words until the text is escaped; then they become <mark>.
START, STOP = "\ue000", "\ue001"
REFRESH_BATCH = 2000

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


def refresh_search_vector(practice_ids):
    """Recompute the stored search vector of these practices (PostgreSQL; nothing to do elsewhere)."""
    if not is_postgresql():
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


def _simple_search(queryset, parsed):
    condition = Q(pk__in=[])
    for alternative in parsed.alternatives:
        clause = Q()
        for term in alternative:
            term_q = _term_q(term)
            clause &= ~term_q if term.negated else term_q
        condition |= clause
    positives = parsed.positive_terms()
    if not positives:
        # Only exclusions, as "-tax": everything else matches, newest first, as on PostgreSQL.
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
    return queryset.filter(condition).annotate(rank=rank).order_by("-rank", "-published_at", "title")


def search(queryset, text):
    """Practices of `queryset` matching `text`, annotated with `rank` and ordered best first."""
    text = (text or "").strip()
    if not text:
        return queryset
    if is_postgresql():
        query = SearchQuery(text, search_type="websearch", config=CONFIG)
        return (
            queryset.filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-published_at", "title")
        )
    parsed = parse(text)
    if not parsed.alternatives:
        return queryset.none()
    return _simple_search(queryset, parsed)


# -- Snippets ------------------------------------------------------------------------------------


def _marked_to_html(marked):
    """Escape everything, then turn only our own markers into <mark> tags."""
    return mark_safe(escape(marked).replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308


def _plain_text(practice):
    text = f"{practice.summary} {strip_tags(practice.body_html)}"
    return html.unescape(text).replace(START, "").replace(STOP, "")


def _simple_snippet(text, parsed):
    patterns = [term.pattern() for term in parsed.positive_terms()]
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


def snippets(practices, text):
    """{practice id: safe HTML} with the words of `text` in <mark>, for these practices only."""
    practices = list(practices)
    text = (text or "").strip()
    if not practices or not text:
        return {}
    if is_postgresql():
        query = SearchQuery(text, search_type="websearch", config=CONFIG)
        plain_body = Func(
            F("body_html"),
            Value("<[^>]*>"),
            Value(" "),
            Value("g"),
            function="regexp_replace",
            output_field=TextField(),
        )
        document = Func(
            Concat(F("summary"), Value(" ", output_field=TextField()), plain_body, output_field=TextField()),
            Value(START + STOP),
            Value(""),
            function="translate",
        )
        headline = SearchHeadline(
            document,
            query,
            config=CONFIG,
            start_sel=START,
            stop_sel=STOP,
            max_words=SNIPPET_WORDS,
            min_words=SNIPPET_WORDS // 2,
            max_fragments=2,
            fragment_delimiter=" … ",
        )
        rows = (
            Practice.objects.filter(pk__in=[p.pk for p in practices])
            .annotate(headline=headline)
            .values_list("pk", "headline")
        )
        # The text is stored as HTML, so entities are decoded before everything is escaped again.
        return {pk: _marked_to_html(html.unescape(value or "")) for pk, value in rows if START in (value or "")}
    parsed = parse(text)
    result = {}
    for practice in practices:
        snippet = _simple_snippet(_plain_text(practice), parsed)
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
