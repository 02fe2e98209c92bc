"""SQLite's ranked page of a search: the ids of one page, best first, without reading the practice rows.

The list's matches under its filters are known already, as a bitmap of ids, from its counts
(`practices.facet_bits`). What ranks them: the bm25 scores of the matches whose title, summary
or topics hold the words (from each small FTS5 table, `ranking.sqlite_head_score_queries`),
then, for matches in the text alone, the list's order: newest first, then the highest id. That
order is held by each process per data version (`recency`), so a word in half of 100,000 practices
is ranked without sorting its 50,000 matches in SQL (the one query doing it all took 30 to 50 ms).
The order is the one `ranking.search` gives; only the shown page's practices are loaded afterwards.

Scoring every practice that holds a word costs SQLite about 1 µs each (a word in 95,000 of 100,000
practices: 107 ms), so a page scores no more than it needs (`scores_for`): the shown matches alone
when they are few (a filtered search), else the best rows of each index, and every score only
when those do not fill the page.
"""

import heapq
import json
from array import array
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from pyroaring import BitMap64

from opsi_portal.caching import held_recent, held_recent_if_any, held_value

from .query import ParsedQuery
from .ranking import sqlite_head_score_queries, sqlite_head_scores_sql

TABLE = "practices_search_row"
# The scores of this many recent queries are held (a word in most of 100,000 practices: 1.3 MB).
HELD_QUERIES = 8
HELD_SCORES = "search-head-scores"
# Up to this many shown matches, only those are scored: a word in 95,000 of 100,000 practices, for
# 300 of them in 7 ms and 20,000 in 30, against 107 for all of them.
FEW_SHOWN = 20_000


def best_rows_wanted(need):
    """How many of each index's best rows to ask for a page ending at place `need`.

    More than the page: some best rows are not shown (drafts, another filter's, a word excluded from
    the text), and rows tied at the cut are left out.
    """
    return 4 * need + 100


@dataclass(frozen=True)
class Recency:
    """The published practices' ids in the list's order (newest first, then the highest id)."""

    ids: list
    places: dict  # {id: its place in `ids`}

    def place(self, pk):
        # A practice published since the order was built (another process's change) goes last.
        return self.places.get(pk, len(self.ids))


def build_recency():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {TABLE} WHERE published ORDER BY published_at DESC, id DESC")  # noqa: S608
        ids = [row[0] for row in cursor.fetchall()]
    return Recency(ids, {pk: place for place, pk in enumerate(ids)})


def recency():
    """The list's order of the published practices, built by this process once per data version."""
    return held_value("search-recency", build_recency)


@dataclass
class SqliteSearchRows:
    """The page of a search whose matches under the list's filters are `shown()` (a bitmap of ids)."""

    parsed: ParsedQuery
    shown: Callable[[], BitMap64]

    @property
    def ranks(self):
        """Whether the query has words to score: "-tax" alone matches practices without a score."""
        return bool(self.parsed.fts5_positive()) and not self.parsed.fts5_exclusions_only()

    def head_scores(self):
        """Every score of the query (`HeadScores`), held for the next pages and filters of the same search.

        For a page the shown matches or the best rows cannot rank (many shown, and a page past the
        best-scored ones): scoring a word in most of 100,000 practices takes SQLite 50 to 100 ms.
        """
        sql, params = sqlite_head_scores_sql(self.parsed)

        def build():
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return HeadScores.of(cursor.fetchall())

        return held_recent(HELD_SCORES, tuple(params), build, HELD_QUERIES)

    def held_head_scores(self):
        """Every score of the query if this process holds them (`head_scores`), else None."""
        return held_recent_if_any(HELD_SCORES, tuple(sqlite_head_scores_sql(self.parsed)[1]))

    def scores_among(self, shown):
        """The `HeadScores` of the practices of `shown` (a bitmap) whose title, summary or topics hold the words.

        `+rowid` keeps the ids away from FTS5's lookups by rowid (each one counts the word's rows
        again: 900 ms for a few hundred ids); SQLite checks each row the index yields against them
        instead, and scores only those in `shown`.
        """
        queries = sqlite_head_score_queries(self.parsed)
        sql = " UNION ALL ".join(f"{query} AND +rowid IN shown" for query, _ in queries)
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH shown(id) AS (SELECT value FROM json_each(%s)) {sql}",  # noqa: S608  (constants only)
                [json.dumps(list(shown)), *(expression for _, expression in queries)],
            )
            return HeadScores.best_of(cursor.fetchall())

    def best_scores(self, count):
        """(`HeadScores` of the best-scored practices, whether they are all of them).

        Each index gives its `count` best rows. When an index has more, those it leaves out score at
        most its last row's score, so only what scores above the highest such cut is kept: every
        practice that scores above it is there, with its own score (the better of its two).
        """
        queries = sqlite_head_score_queries(self.parsed)
        # `matched` tells the indexes' rows apart: 0 for the English one's, 1 for the French one's.
        sql = " UNION ALL ".join(f"SELECT * FROM ({query} ORDER BY score DESC LIMIT %s)" for query, _ in queries)  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, [value for _, expression in queries for value in (expression, count)])
            rows = cursor.fetchall()
        cut = None
        for index in {matched for _, _, matched in rows}:
            scores = [score for _, score, matched in rows if matched == index]
            if len(scores) == count:
                cut = min(scores) if cut is None else max(cut, min(scores))
        if cut is None:
            return HeadScores.best_of(rows), True
        return HeadScores.best_of([row for row in rows if row[1] > cut]), False

    def scores_for(self, shown, need):
        """`HeadScores` that rank the first `need` practices of `shown` as all the scores would."""
        held = self.held_head_scores()
        if held is not None:
            return held
        if len(shown) <= FEW_SHOWN:
            return self.scores_among(shown)
        best, complete = self.best_scores(best_rows_wanted(need))
        if complete or len(best.ids_held & shown) >= need:
            # The page is all scored practices, each scoring above any left out.
            return best
        return self.head_scores()

    def ranked_ids(self, offset, limit):
        """The ids of the matches from `offset` on, at most `limit`, best first."""
        shown, order = self.shown(), recency()
        scores = self.scores_for(shown, offset + limit)
        scored = scores.among(shown)
        page = best_first(scored, order, offset + limit)[offset:]
        if len(page) < limit:
            text_only = shown - scores.ids_held
            page += newest_first(text_only, order, max(0, offset - len(scored)), limit - len(page))
        return page


@dataclass(frozen=True)
class HeadScores:
    """The scores of the practices whose title, summary or topics hold a query's words (matches or not).

    Held as two arrays sorted by id, not a dict: a tenth of the memory for the 70,000 scores of a
    common word.
    """

    ids: array  # ascending
    scores: array  # the score of ids[i]
    ids_held: BitMap64

    @classmethod
    def best_of(cls, rows):
        """The scores of rows [(id, score, ...)] from both indexes: a practice's better one."""
        best = {}
        for pk, score, *_ in rows:
            if pk not in best or score > best[pk]:
                best[pk] = score
        return cls.of(list(best.items()))

    @classmethod
    def of(cls, rows):
        rows.sort()
        ids = array("Q", (pk for pk, _ in rows))
        return cls(ids, array("d", (score for _, score in rows)), BitMap64(ids))

    def among(self, shown):
        """[(id, score)] of the scored practices in `shown` (a bitmap)."""
        both = self.ids_held & shown
        if len(both) * 8 < len(self.ids):
            # Few (a filtered search): find each one's score.
            return [(pk, self.scores[bisect_left(self.ids, pk)]) for pk in both]
        return [(pk, score) for pk, score in zip(self.ids, self.scores, strict=True) if pk in both]


def best_first(scored, order, count):
    """The ids of the first `count` of `scored` ([(id, score)]): better score first, then the list's order."""
    if count <= 0:
        return []
    if len(scored) > 4 * count:
        # Only those scoring at least the count-th best score can be among them: sort those alone.
        floor = heapq.nlargest(count, (score for _, score in scored))[-1]
        scored = [pair for pair in scored if pair[1] >= floor]
    scored = sorted(scored, key=lambda pair: (-pair[1], order.place(pair[0])))
    return [pk for pk, _ in scored[:count]]


def newest_first(ids, order, skip, count):
    """`count` of the practices of `ids` (a bitmap) after the first `skip`, in the list's order.

    Those the order does not hold (published since it was built) come last, by id, both ways.
    """
    if len(ids) * 8 < len(order.ids):
        # Few: sort them by their place.
        return sorted(ids, key=order.place)[skip : skip + count]
    # Many (a word in half the library): the first ones are near the start of the order.
    found = []
    for pk in order.ids:
        if pk in ids:
            found.append(pk)
            if len(found) == skip + count:
                return found[skip:]
    found += [pk for pk in ids if pk not in order.places]
    return found[skip : skip + count]
