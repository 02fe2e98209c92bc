"""PostgreSQL's search page: the matches and the ranked page, read from narrow rows.

`practices_search_row` (migration 0018, kept by triggers on `practices_practice`) holds, per
practice, what a search reads: listed or not, the date, the ids of its themes, countries and
toolkits, the small ranking vector inline and the full vector for matching under a GIN index. A
match costs a few hundred bytes there instead of the practice's 1.8 KB row, and the filters are
array overlaps on the same row, so a search page joins nothing. The count and the facet counts
come from the ids of the matches (`practices.facet_bits`).

The order is the one `ranking.search` gives every database: `ts_rank` over the ranking vector,
then newest first, then the highest id.
"""

from dataclasses import dataclass, field

from django.db import connection

from ..facet_bits import leaving_one_out
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
    # `matching_ids()` once fetched: a phrase's ranking reads them rather than matching again.
    matched_ids: list | None = field(default=None, repr=False, compare=False)

    def where(self, among=None):
        """The WHERE clause of the matches under the filters, and its parameters.

        `among`: the ids the text matches, when known, instead of matching it again.
        """
        if among is None:
            sql, params = [f"s.published AND s.vector @@ {TSQUERY}"], [self.text, self.text]
        else:
            sql, params = ["s.id = ANY(%s)"], [among]
        for column, ids in self.filters.items():
            sql.append(f"s.{column} && %s::integer[]")
            params.append(list(ids))
        return " AND ".join(sql), params

    def all_filters_but_one(self):
        """A condition on rows passing every filter but at most one, with its parameters; None below two filters.

        The practices a search's facets count: a facet counts under the other facets' filters.
        """
        if len(self.filters) < 2:
            return None
        overlaps = [(f"s.{column} && %s::integer[]", list(ids)) for column, ids in self.filters.items()]
        groups = leaving_one_out(overlaps)
        sql = " OR ".join("(" + " AND ".join(condition for condition, _ in group) + ")" for group in groups)
        return f"({sql})", [ids for group in groups for _, ids in group]

    def matching_ids(self):
        """The ids of the published practices the text matches that pass every filter but at most one.

        All the practices a search's count and facets need (`practices.facet_bits`).
        """
        if self.matched_ids is None:
            where, params = SearchRows(self.text).where()
            if filtered := self.all_filters_but_one():
                where, params = f"{where} AND {filtered[0]}", [*params, *filtered[1]]
            # One array, not a row per match: 100,000 ids in 60-75 ms instead of 85-90.
            sql = f"SELECT coalesce(array_agg(s.id), '{{}}') FROM {TABLE} AS s WHERE {where}"  # noqa: S608  (constants only)
            self.matched_ids = _fetch(sql, params)[0][0]
        return self.matched_ids

    def ranked_ids(self, offset, limit):
        """The ids of the matches from `offset` on, at most `limit`, best first."""
        # A phrase ("co-design" is one) is checked against each candidate's full vector, which GIN
        # cannot do: when the page has found the matches already, rank those (47,000: 440 -> 90 ms).
        phrase_found = '"' in self.text and self.matched_ids is not None
        where, params = self.where(among=self.matched_ids if phrase_found else None)
        sql = (
            f"SELECT s.id FROM {TABLE} AS s WHERE {where}"  # noqa: S608  (constants only)
            f" ORDER BY ts_rank(s.rank_vector, {TSQUERY}) DESC, s.published_at DESC, s.id DESC LIMIT %s OFFSET %s"
        )
        return [row[0] for row in _fetch(sql, [*params, self.text, self.text, limit, offset])]


def _fetch(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
