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

from opsi_portal.pagination import PER_PAGE

from ..facet_bits import leaving_one_out
from .index import CONFIG, FRENCH_CONFIG

TABLE = "practices_search_row"
# The query as `ranking.tsquery` writes it: English stems or French stems; the text is a parameter twice.
TSQUERY = f"(websearch_to_tsquery('{CONFIG}', %s) || websearch_to_tsquery('{FRENCH_CONFIG}', %s))"


# The search rows of some practices (`%s`: their ids) from the practices' columns; written by
# `refresh_search_vector` with the ranking vector and arrays, the only writer of both. The full vector
# (the ranking one and the text, D) is made here and stored only here (migration 0025).
WRITE = f"""
INSERT INTO {TABLE} (id, published, published_at, theme_ids, about_country_ids, country_ids, toolkit_ids,
    rank_vector, vector)
SELECT id, status = 'published', published_at, theme_ids, about_country_ids, country_ids, toolkit_ids,
    coalesce(search_rank_vector, ''),
    coalesce(search_rank_vector, '') || setweight(to_tsvector('{CONFIG}', coalesce(body_html, '')), 'D')
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
    first_page: list | None = field(default=None, repr=False, compare=False)  # fetched with them

    def where(self, among=None):
        """The WHERE clause of the matches under the filters, and its parameters.

        `among`: the ids the text matches, when known, instead of matching it again.
        """
        if among is None:
            sql, params = [f"s.published AND s.vector @@ {TSQUERY}"], [self.text, self.text]
        else:
            sql, params = ["s.id = ANY(%s)"], [among]
        conditions, ids = self.filter_conditions()
        return " AND ".join([*sql, *conditions]), [*params, *ids]

    def any(self):
        """Whether any row matches, from the GIN index.

        `EXISTS` or a LIMIT 1 alone makes the planner walk the rows one by one, fetching each vector
        from TOAST to test it (400 ms at 30,000 practices for a word nothing has); the matches are
        gathered first instead (a few ms).
        """
        where, params = self.where()
        sql = f"WITH m AS MATERIALIZED (SELECT s.id FROM {TABLE} AS s WHERE {where}) SELECT EXISTS (SELECT FROM m)"  # noqa: S608  (constants only)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    def filter_conditions(self):
        """Each filter's condition on a search row (`s`), and their parameters."""
        return [f"s.{column} && %s::integer[]" for column in self.filters], [list(ids) for ids in self.filters.values()]

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

        All the practices a search's count and facets need (`practices.facet_bits`). The first page,
        ranked, comes with them (`ranked_ids`).
        """
        if self.matched_ids is None:
            self.matched_ids, self.first_page = _fetch(*self.matches_and_first_page_sql())[0]
        return self.matched_ids

    def matches_and_first_page_sql(self):
        """SQL of `matching_ids()` and of the first page's ids, best first, from one pass over the matches.

        Asked apart, each matched the text through the GIN index (a word in half of 100,000 practices:
        17-23 ms for the ids, 26-38 for the page); here the matches are read once, with their rank.
        """
        where, params = SearchRows(self.text).where()
        if filtered := self.all_filters_but_one():
            where, params = f"{where} AND {filtered[0]}", [*params, *filtered[1]]
        arrays = "".join(f", s.{column}" for column in self.filters)
        conditions, page_params = self.filter_conditions()
        page_filters = " AND ".join(conditions) or "TRUE"
        sql = (
            f"WITH m AS MATERIALIZED (SELECT s.id, s.published_at, ts_rank(s.rank_vector, {TSQUERY}) AS rank{arrays}"  # noqa: S608
            f" FROM {TABLE} AS s WHERE {where})"
            # One array, not a row per match: 100,000 ids in 60-75 ms instead of 85-90.
            " SELECT (SELECT coalesce(array_agg(id), '{}') FROM m),"
            " (SELECT coalesce(array_agg(id ORDER BY rank DESC, published_at DESC, id DESC), '{}') FROM"
            f" (SELECT s.id, s.rank, s.published_at FROM m AS s WHERE {page_filters}"
            " ORDER BY s.rank DESC, s.published_at DESC, s.id DESC LIMIT %s) AS page)"
        )
        return sql, [self.text, self.text, *params, *page_params, PER_PAGE]

    def ranked_ids(self, offset, limit):
        """The ids of the matches from `offset` on, at most `limit`, best first."""
        if offset == 0 and limit <= PER_PAGE and self.first_page is not None:
            return self.first_page[:limit]
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
