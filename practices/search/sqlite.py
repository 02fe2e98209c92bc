"""SQLite's ranked page of a search: the ids of one page, best first, without reading the practice rows.

The list's matches under its filters are known already, as a bitmap of ids, from its counts
(`practices.facet_bits`). What ranks them: the bm25 scores of the matches whose title, summary
or topics hold the words (one pass over each small FTS5 table, `ranking.sqlite_head_scores_sql`),
then, for matches in the text alone, the list's order: newest first, then the highest id. That
order is held by each process per data version (`recency`), so a word in half of 100,000 practices
is ranked without sorting its 50,000 matches in SQL (the one query doing it all took 30 to 50 ms).
The order is the one `ranking.search` gives; only the shown page's practices are loaded afterwards.
"""

import heapq
from array import array
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from pyroaring import BitMap64

from opsi_portal.caching import held_recent, held_value

from .query import ParsedQuery
from .ranking import sqlite_head_scores_sql

TABLE = "practices_search_row"
# The scores of this many recent queries are held (a word in most of 100,000 practices: 1.3 MB).
HELD_QUERIES = 8


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
        """The `HeadScores` of the query, held for the next pages and filters of the same search.

        Scoring a word in most of 100,000 practices takes SQLite 50 to 100 ms; a search refined by
        a filter, or its next page, ranks from the held scores instead.
        """
        sql, params = sqlite_head_scores_sql(self.parsed)

        def build():
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return HeadScores.of(cursor.fetchall())

        return held_recent("search-head-scores", tuple(params), build, HELD_QUERIES)

    def ranked_ids(self, offset, limit):
        """The ids of the matches from `offset` on, at most `limit`, best first."""
        shown, order, scores = self.shown(), recency(), self.head_scores()
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
