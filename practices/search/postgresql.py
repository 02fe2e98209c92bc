"""PostgreSQL's search page: the count, the facet counts and the ranked page, read from narrow rows.

`practices_search_row` (migration 0018, kept by triggers on `practices_practice`) holds, per
practice, what a search reads: listed or not, the date, the ids of its themes, countries and
toolkits, the small ranking vector inline and the full vector for matching under a GIN index. A
match costs a few hundred bytes there instead of the practice's 1.8 KB row, and the filters are
array overlaps on the same row, so a search page joins nothing.

The order is the one `ranking.search` gives every database: `ts_rank` over the ranking vector,
then newest first, then the highest id.
"""

from dataclasses import dataclass, field

from django.db import connection

from .index import CONFIG, FRENCH_CONFIG

TABLE = "practices_search_row"
# The query as `ranking.tsquery` writes it: English stems or French stems; the text is a parameter twice.
TSQUERY = f"(websearch_to_tsquery('{CONFIG}', %s) || websearch_to_tsquery('{FRENCH_CONFIG}', %s))"


@dataclass
class SearchRows:
    """The published practices matching `text` whose id arrays overlap each of `filters`."""

    text: str  # the query, written for websearch_to_tsquery (`ParsedQuery.websearch()`)
    filters: dict = field(default_factory=dict)  # array column -> the ids of which it needs one

    def where(self, without=None):
        """The WHERE clause and its parameters; `without`: a column whose filter is left out."""
        sql = [f"s.published AND s.vector @@ {TSQUERY}"]
        params = [self.text, self.text]
        for column, ids in self.filters.items():
            if column != without:
                sql.append(f"s.{column} && %s::integer[]")
                params.append(list(ids))
        return " AND ".join(sql), params

    def count(self):
        where, params = self.where()
        return _fetch(f"SELECT count(*) FROM {TABLE} AS s WHERE {where}", params)[0][0]  # noqa: S608  (constants only)

    def facet_counts_sql(self, column, chosen_ids, without=None):
        """SQL of (option id, practices, practices not shown now) for the ids in `column`, with its parameters."""
        where, params = self.where(without)
        sql = (
            f"SELECT option_id, count(*), count(*) FILTER (WHERE NOT s.{column} && %s::integer[])"  # noqa: S608
            f" FROM {TABLE} AS s, unnest(s.{column}) AS option_id WHERE {where} GROUP BY option_id"
        )
        return sql, [list(chosen_ids), *params]

    def ranked_ids(self, offset, limit):
        """The ids of the matches from `offset` on, at most `limit`, best first."""
        where, params = self.where()
        sql = (
            f"SELECT s.id FROM {TABLE} AS s WHERE {where}"  # noqa: S608  (constants only)
            f" ORDER BY ts_rank(s.rank_vector, {TSQUERY}) DESC, s.published_at DESC, s.id DESC LIMIT %s OFFSET %s"
        )
        return [row[0] for row in _fetch(sql, [*params, self.text, self.text, limit, offset])]


def _fetch(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class RankedPage:
    """A search's matches as the paginator slices them: each slice ranks only the ids it shows.

    `fetch(ids)` loads those practices (with what their cards need); they come back in rank order.
    """

    def __init__(self, rows, count, fetch):
        self.rows, self.total, self.fetch = rows, count, fetch

    def __len__(self):
        return self.total

    def count(self):
        return self.total

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("a RankedPage is read by slices")
        start = index.start or 0
        stop = self.total if index.stop is None else index.stop
        if stop <= start:
            return []
        ids = self.rows.ranked_ids(start, stop - start)
        practices = {practice.pk: practice for practice in self.fetch(ids)}
        return [practices[pk] for pk in ids if pk in practices]
