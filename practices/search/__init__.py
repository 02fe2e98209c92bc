"""Free-text search over practices, behind one interface for every database.

One module per job: `index` keeps the stored search data fresh (`refresh_search_vector`,
`deferred_search_refresh`), `query` parses the search box's language, `ranking` finds and orders
the matches, `snippets` highlights them for the rows of a page, `suggestions` offers "did you mean".
"""

from .index import deferred_search_refresh, refresh_search_vector
from .query import parse
from .ranking import candidates, in_order_of, matching, planner_hint, ranked_ids, search
from .snippets import snippets, with_snippet_data
from .suggestions import suggest

__all__ = [
    "candidates",
    "deferred_search_refresh",
    "in_order_of",
    "matching",
    "parse",
    "planner_hint",
    "ranked_ids",
    "refresh_search_vector",
    "search",
    "snippets",
    "suggest",
    "with_snippet_data",
]
