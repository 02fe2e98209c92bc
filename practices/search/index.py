"""Keeping the search index fresh: one entry point, `refresh_search_vector(ids)`, for every writer.

Signals call it after a practice, its themes or its country mentions are saved or deleted, and
after a theme or a country is renamed; bulk writers call it with the ids they wrote. Inside a
`deferred_search_refresh()` block (the importer's run) it only collects the ids, and the block
refreshes them all once at its end, after themes and mentions are written.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection

REFRESH_BATCH = 2000

REFRESH_SQL = """
UPDATE practices_practice AS p SET search_vector =
    setweight(to_tsvector('english', coalesce(p.title, '')), 'A')
    || setweight(to_tsvector('english', coalesce(p.summary, '')), 'B')
    || setweight(to_tsvector('english',
        coalesce((SELECT string_agg(t.name, ' ') FROM practices_themedpractice AS tp
                  JOIN practices_theme AS t ON t.id = tp.tag_id WHERE tp.content_object_id = p.id), '')
        || ' ' ||
        coalesce((SELECT string_agg(c.name, ' ') FROM practices_countrymention AS cm
                  JOIN incubator_country AS c ON c.id = cm.country_id WHERE cm.practice_id = p.id), '')), 'C')
    || setweight(to_tsvector('english', coalesce(p.body_html, '')), 'D')
WHERE p.id = ANY(%s)
"""


def is_postgresql():
    return connection.vendor == "postgresql"


# While a `deferred_search_refresh()` block is open, the ids to refresh are collected here.
_deferred = ContextVar("deferred_search_refresh", default=None)


@contextmanager
def deferred_search_refresh():
    """Within the block, collect the practices to refresh; refresh them once, at its end."""
    if _deferred.get() is not None:
        yield  # an enclosing block refreshes at its own end
        return
    pending = set()
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
        refresh_search_vector(pending)


def refresh_search_vector(practice_ids):
    """Bring the search index of these practices up to date: now, or at the end of a deferred block."""
    pending = _deferred.get()
    if pending is not None:
        pending.update(int(pk) for pk in practice_ids)
        return
    if not is_postgresql():
        return
    ids = sorted({int(pk) for pk in practice_ids})
    with connection.cursor() as cursor:
        for start in range(0, len(ids), REFRESH_BATCH):
            cursor.execute(REFRESH_SQL, [ids[start : start + REFRESH_BATCH]])
