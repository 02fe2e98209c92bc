"""Finding and ranking every practice that matches a query, best first, on both databases.

PostgreSQL matches with the GIN index of the practices' search rows (`postgresql.TABLE`, the full
vector) and ranks with `ts_rank` over the practice's small inline `search_rank_vector` (title,
summary, topics): a practice that has the words in its title
or summary ranks above one that only has them in its text, and equals are newest first. SQLite
matches with its FTS5 index and ranks with bm25, weighting title over summary over topics; the text
decides whether a practice matches, not where it ranks, on both databases. Every match is ranked
and counted; nothing is cut.

A query is run in both languages: with English stems against the English texts and with French
stems against the French ones (PostgreSQL: one vector holds both, the two tsqueries are or-ed;
SQLite: two FTS5 tables, a practice ranking by the better of its two bm25 scores).
"""

import json
import threading
from contextlib import contextmanager

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, transaction
from django.db.models import F, FloatField, IntegerField, Q, Value
from django.db.models.expressions import RawSQL
from django_cte import CTE, with_cte
from django_cte.raw import raw_cte_sql
from pyroaring import BitMap64

from .french import stemmed
from .index import CONFIG, FRENCH_CONFIG, FRENCH_FTS_TABLE, FTS_TABLE, HEAD_FTS_TABLE, is_postgresql
from .postgresql import TABLE as SEARCH_ROW_TABLE
from .postgresql import TSQUERY, SearchRows
from .query import parse

# bm25 weights of the ranking index's columns: title, summary, topics (themes, countries, toolkits).
# The text counts for matching only, as on PostgreSQL, where it is not in the ranking vector: so a
# practice with the words in its title or summary always ranks above one with them only in its
# text, however often the text repeats them; among equals the newest comes first.
HEAD_BM25_WEIGHTS = (10.0, 4.0, 2.0)
# The French table's columns: title, summary, topics (its practices' French theme and toolkit names).
FRENCH_BM25_WEIGHTS = (10.0, 4.0, 2.0)
RANK = "search_rank"


def tsquery(parsed):
    """The query as PostgreSQL reads it: accents folded, English stems or French stems."""
    english = SearchQuery(parsed.websearch(), search_type="websearch", config=CONFIG)
    return english | SearchQuery(parsed.websearch(), search_type="websearch", config=FRENCH_CONFIG)


def _postgresql_ids(parsed):
    """The ids of the practices whose search row matches, from that row's GIN index (the only index of the text)."""
    text = parsed.websearch()
    return RawSQL(f"SELECT id FROM {SEARCH_ROW_TABLE} WHERE vector @@ {TSQUERY}", [text, text])  # noqa: S608, S611  (constants; the text is a parameter)


def _fts5_ids(expression, table=FTS_TABLE):
    # The FTS5 table answers MATCH from its index; `rowid` is the practice's id.
    return RawSQL(f"SELECT rowid FROM {table} WHERE {table} MATCH %s", [expression])  # noqa: S608, S611  (the expression is a parameter)


def _sqlite_condition(parsed):
    condition = Q(pk__in=[])
    positive = parsed.fts5_positive()
    if positive:
        condition |= Q(pk__in=_fts5_ids(positive))
        condition |= Q(pk__in=_fts5_ids(parsed.fts5_positive(stemmed), FRENCH_FTS_TABLE))
    exclusions = zip(parsed.fts5_exclusions_only(), parsed.fts5_exclusions_only(stemmed), strict=True)
    for excluded, excluded_french in exclusions:
        # Without the word in either language.
        condition |= ~Q(pk__in=_fts5_ids(excluded)) & ~Q(pk__in=_fts5_ids(excluded_french, FRENCH_FTS_TABLE))
    return condition


def sqlite_matched_ids(parsed):
    """The ids of the practices `parsed` matches in either language's FTS5 index, as a bitmap; drafts too.

    For a query with words to score (not "-tax" alone). Each index gives its ids as one string, read
    by the json module: a word in a third of 100,000 practices in 16 ms, where a row per id took 21
    to fetch, and 46 through the published rows' table.
    """
    lists = [
        f"(SELECT '[' || coalesce(group_concat(rowid), '') || ']' FROM {table} WHERE {table} MATCH %s)"  # noqa: S608
        for table in (FTS_TABLE, FRENCH_FTS_TABLE)
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(lists)}", [parsed.fts5_positive(), parsed.fts5_positive(stemmed)])
        english, french = cursor.fetchone()
    return BitMap64(json.loads(english)) | BitMap64(json.loads(french))


def _bm25_rows(table, weights, matched):
    # One pass over the FTS5 table: bm25() reads how many rows hold each phrase once per query, so
    # asking it row by row (a correlated subquery) re-reads that count for every match, a quadratic
    # cost that took seconds for a common word at a few thousand practices. It is negative, lower
    # for a better match; negated, it sorts like ts_rank. `matched`: whether its rows are matches.
    weights = ", ".join(str(weight) for weight in weights)
    return (
        f"SELECT rowid AS id, -bm25({table}, {weights}) AS score, {int(matched)} AS matched"  # noqa: S608  (constants only)
        f" FROM {table} WHERE {table} MATCH %s"
    )


def sqlite_scores_sql(parsed):
    """SQL of every matching practice's id and score; its parameters.

    The full index decides what matches, the index of titles, summaries and topics scores (the text
    weighs nothing, and bm25 over the full index would read every position of the words in it), and
    a practice ranks by the better of its English and French scores; a match in the text alone scores 0.
    The head index alone never makes a match: "budget -tax" matches there when "tax" is only in the text.
    """
    matches = f"SELECT rowid AS id, 0.0 AS score, 1 AS matched FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
    head = _bm25_rows(HEAD_FTS_TABLE, HEAD_BM25_WEIGHTS, matched=False)
    french = _bm25_rows(FRENCH_FTS_TABLE, FRENCH_BM25_WEIGHTS, matched=True)
    sql = (
        f"SELECT id, max(score) AS score FROM ({matches} UNION ALL {head} UNION ALL {french})"  # noqa: S608
        " GROUP BY id HAVING max(matched) = 1"
    )
    english = parsed.fts5_positive()
    return sql, [english, english, parsed.fts5_positive(stemmed)]


def sqlite_head_score_queries(parsed):
    """[(SQL, its parameter)] of the id and score (and `matched`) of each practice whose title, summary
    or topics hold the words, from each language's index: English first, then French.

    A practice's score is the better of the two (`sqlite_head_scores_sql`). Each query ends with its
    WHERE clause, so a caller may add a condition or an order.
    """
    return [
        (_bm25_rows(HEAD_FTS_TABLE, HEAD_BM25_WEIGHTS, matched=False), parsed.fts5_positive()),
        (_bm25_rows(FRENCH_FTS_TABLE, FRENCH_BM25_WEIGHTS, matched=True), parsed.fts5_positive(stemmed)),
    ]


def sqlite_head_scores_sql(parsed):
    """SQL of the id and score of every practice whose title, summary or topics hold the words; its parameters.

    The scores `sqlite_scores_sql` gives its matches, for the practices with one above 0: a match in
    the text alone is not among them, and not all of them match ("budget -tax" is in the titles of
    practices whose text says "tax").
    """
    (head, english), (french, french_expression) = sqlite_head_score_queries(parsed)
    sql = f"SELECT id, max(score) AS score FROM ({head} UNION ALL {french}) GROUP BY id"  # noqa: S608  (constants only)
    return sql, [english, french_expression]


def _sqlite_scores(parsed):
    """The scores as a CTE (`search_scores`) to join to the practices."""
    sql, params = sqlite_scores_sql(parsed)
    return CTE(raw_cte_sql(sql, params, {"id": IntegerField(), "score": FloatField()}), name="search_scores")


def matching(queryset, text):
    """The practices of `queryset` that match `text`, unordered and unevaluated (for counts and facets)."""
    parsed = parse(text)
    if not (text or "").strip():
        return queryset
    if not parsed.alternatives:
        return queryset.none()
    if is_postgresql():
        return queryset.filter(pk__in=_postgresql_ids(parsed))
    return queryset.filter(_sqlite_condition(parsed))


def matches_any_published(text):
    """Whether `text` matches any published practice at all (the list's "did you mean" asks it).

    PostgreSQL asks its search rows (`SearchRows.any`): `matching(...).exists()` plans a row-by-row walk there.
    """
    from ..models import Practice

    parsed = parse(text)
    if not is_postgresql() or not parsed.alternatives or not (text or "").strip():
        return matching(Practice.objects.published(), text).exists()
    return SearchRows(parsed.websearch()).any()


def _ranked_postgresql(queryset, parsed):
    rank = SearchRank(F("search_rank_vector"), tsquery(parsed))
    return queryset.filter(pk__in=_postgresql_ids(parsed)).annotate(**{RANK: rank})


def _ranked_sqlite(queryset, parsed):
    positive = parsed.fts5_positive()
    if parsed.fts5_exclusions_only() or not positive:
        # "-tax" (or "x or -tax") matches practices without a word, which have no bm25: newest first.
        return queryset.filter(_sqlite_condition(parsed)).annotate(**{RANK: Value(0.0, output_field=FloatField())})
    # Joining the scores is the match: a practice is in them when either language's index matches.
    scores = _sqlite_scores(parsed)
    return with_cte(scores, select=scores.join(queryset, pk=scores.col.id).annotate(**{RANK: scores.col.score}))


def search(queryset, text):
    """Practices of `queryset` matching `text`, best first (newest first among equals); unchanged without text."""
    if not (text or "").strip():
        return queryset
    parsed = parse(text)
    if not parsed.alternatives:
        return queryset.none()
    ranked = _ranked_postgresql(queryset, parsed) if is_postgresql() else _ranked_sqlite(queryset, parsed)
    return ranked.order_by(f"-{RANK}", "-published_at", "-pk")


_hint = threading.local()


@contextmanager
def planner_hint():
    """Plan the queries inside without sequential scans of practices, nor JIT (PostgreSQL; nothing elsewhere).

    The planner thinks `@@` on each row is cheap, but every row read that way has its vector fetched
    from TOAST; without sequential scans it takes the GIN index instead.
    """
    if not is_postgresql() or getattr(_hint, "active", False):
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        # Counting or ranking tens of thousands of matches costs enough for the planner to compile
        # the query (JIT), which took 30 to 150 ms per query here, more than it saved.
        cursor.execute("SET LOCAL jit = off")
        _hint.active = True
        try:
            yield
        finally:
            _hint.active = False
