"""Free-text search over practices, behind one interface for every database.

One module per job: `index` keeps the stored search data fresh (`refresh_search_vector`,
`deferred_search_refresh`, `refresh_search_vector_now`, `refreshing_alongside`,
`rebuild_search_index`), `query` parses the search box's language, `ranking` finds and orders the
matches, `snippets` marks them for the rows of a page and finds the moment to watch, `suggestions`
offers "did you mean", `checks` says at start-up when SQLite lacks FTS5.
The public list's search reads narrow rows instead of the practices: `postgresql` (its search table:
count, facets, ranked ids) and `sqlite` (ranked ids beside the FTS5 scores), and `ranked_page`
loads the page those ids name.
"""

from .index import (
    deferred_search_refresh,
    rebuild_search_index,
    refresh_search_vector,
    refresh_search_vector_now,
    refreshing_alongside,
)
from .query import parse
from .ranking import matches_any_published, matching, planner_hint, search
from .snippets import snippets, with_snippet_data
from .suggestions import suggest

__all__ = [
    "deferred_search_refresh",
    "matches_any_published",
    "matching",
    "parse",
    "planner_hint",
    "rebuild_search_index",
    "refresh_search_vector",
    "refresh_search_vector_now",
    "refreshing_alongside",
    "search",
    "snippets",
    "suggest",
    "with_snippet_data",
]
