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


# The search rows of some practices (`%s`: their ids) from the practices' columns; written by
# `refresh_search_vector` with the vectors and arrays, the only writer of both.
WRITE = f"""
INSERT INTO {TABLE} (id, published, published_at, theme_ids, about_country_ids, country_ids, toolkit_ids,
    rank_vector, vector)
SELECT id, status = 'published', published_at, theme_ids, about_country_ids, country_ids, toolkit_ids,
    coalesce(search_rank_vector, ''), coalesce(search_vector, '')
FROM practices_practice WHERE id = ANY(%s)
ON CONFLICT (id) DO UPDATE SET published = excluded.published, published_at = excluded.published_at,
    theme_ids = excluded.theme_ids, about_country_ids = excluded.about_country_ids,
    country_ids = excluded.country_ids, toolkit_ids = excluded.toolkit_ids,
    rank_vector = excluded.rank_vector, vector = excluded.vector
"""  # noqa: S608  (constants only)


def write_search_rows(cursor, ids):
    """Write the search rows of practices `ids` from their rows (just refreshed)."""
    cursor.execute(WRITE, [list(ids)])


ORPHANS = f"DELETE FROM {TABLE} AS s WHERE NOT EXISTS (SELECT FROM practices_practice AS p WHERE p.id = s.id)"  # noqa: S608


def remove_orphan_search_rows():
    """Drop search rows whose practice is gone (after a restore that bypassed the triggers)."""
    with connection.cursor() as cursor:
        cursor.execute(ORPHANS)


@dataclass
class SearchRows:
    """The published practices matching `text` whose id arrays overlap each of `filters`."""

    text: str  # the query, written for websearch_to_tsquery (`ParsedQuery.websearch()`)
    filters: dict = field(default_factory=dict)  # array column -> the ids of which it needs one

    def where(self, without=None, text=True):
        """The WHERE clause and its parameters; `without`: a column whose filter is left out; `text`: match it."""
        sql, params = ["s.published"], []
        if text:
            sql.append(f"s.vector @@ {TSQUERY}")
            params += [self.text, self.text]
        for column, ids in self.filters.items():
            if column != without:
                sql.append(f"s.{column} && %s::integer[]")
                params.append(list(ids))
        return " AND ".join(sql), params

    def count(self, text=True):
        """How many practices match (`text=False`: how many the filters alone leave)."""
        where, params = self.where(text=text)
        return _fetch(f"SELECT count(*) FROM {TABLE} AS s WHERE {where}", params)[0][0]  # noqa: S608  (constants only)

    def unmatched_ids(self):
        """The ids of the practices the filters leave that do not match the text.

        For a word most practices hold, these are few: their facet counts, taken from those of the
        filters alone, give the matches' counts without a pass over every match. The matches are
        a materialised list, so each row is checked against it and never against its full vector.
        """
        matched, matched_params = self.where()
        scope, scope_params = self.where(text=False)
        sql = (
            f"WITH matched AS MATERIALIZED (SELECT s.id FROM {TABLE} AS s WHERE {matched})"  # noqa: S608
            f" SELECT s.id FROM {TABLE} AS s WHERE {scope} AND NOT EXISTS (SELECT FROM matched WHERE matched.id = s.id)"
        )
        return [row[0] for row in _fetch(sql, [*matched_params, *scope_params])]

    def facet_counts_sql(self, column, chosen_ids, without=None, text=True, ids=None):
        """SQL of (option id, practices, practices not shown now) for the ids in `column`, with its parameters.

        `without` leaves a filter out, `text=False` the text; `ids` counts only those practices.
        """
        where, params = ("s.id = ANY(%s)", [list(ids)]) if ids is not None else self.where(without, text)
        # unnest() in the select list: a set-returning function in FROM would fill a tuplestore per row.
        if not chosen_ids:
            # Nothing chosen: every practice an option has is one it adds (half the work of the FILTER).
            sql = (
                "SELECT option_id, count(*), count(*) FROM ("  # noqa: S608  (constants only)
                f"SELECT unnest(s.{column}) AS option_id FROM {TABLE} AS s WHERE {where}) AS links GROUP BY option_id"
            )
            return sql, params
        sql = (
            "SELECT option_id, count(*), count(*) FILTER (WHERE adds) FROM ("  # noqa: S608  (constants only)
            f"SELECT unnest(s.{column}) AS option_id, NOT s.{column} && %s::integer[] AS adds"
            f" FROM {TABLE} AS s WHERE {where}) AS links GROUP BY option_id"
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
