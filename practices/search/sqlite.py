"""SQLite's ranked page of a search: the ids of one page, best first, without reading the practice rows.

A practice row keeps its note's texts before `status` and `published_at`, so reading those two for
every match follows the row's overflow pages. Here the scores of every match (one pass over each
FTS5 table, `ranking.sqlite_scores_sql`) meet `practices_search_row` (migration 0019, kept by
triggers), which holds just those two columns, and the facets' filters as subqueries on their link
tables; only the page's own practices are loaded afterwards. The order is the one `ranking.search`
gives: best score, then newest, then the highest id.
"""

from dataclasses import dataclass, field

from django.db import connection

from .query import ParsedQuery
from .ranking import sqlite_scores_sql

TABLE = "practices_search_row"


@dataclass
class SqliteSearchRows:
    """The published practices matching `parsed` that are in each of `within` (querysets of practice ids)."""

    parsed: ParsedQuery
    within: list = field(default_factory=list)

    @property
    def ranks(self):
        """Whether the query has words to score: "-tax" alone matches practices without a score."""
        return bool(self.parsed.fts5_positive()) and not self.parsed.fts5_exclusions_only()

    def ranked_sql(self, offset, limit):
        """SQL of the ids of the matches from `offset` on, at most `limit`, best first; its parameters."""
        scores, params = sqlite_scores_sql(self.parsed)
        conditions = ["listed.published"]
        for ids in self.within:
            # Without an order: a link's default ordering would join its option to sort a subquery.
            sql, ids_params = ids.order_by().query.sql_with_params()
            conditions.append(f"scores.id IN ({sql})")
            params.extend(ids_params)
        sql = (
            f"WITH scores AS ({scores}) SELECT scores.id FROM scores"  # noqa: S608  (constants and Django's SQL)
            f" JOIN {TABLE} AS listed ON listed.id = scores.id WHERE {' AND '.join(conditions)}"
            " ORDER BY scores.score DESC, listed.published_at DESC, scores.id DESC LIMIT %s OFFSET %s"
        )
        return sql, [*params, limit, offset]

    def ranked_ids(self, offset, limit):
        """The ids of the matches from `offset` on, at most `limit`, best first."""
        with connection.cursor() as cursor:
            cursor.execute(*self.ranked_sql(offset, limit))
            return [row[0] for row in cursor.fetchall()]
