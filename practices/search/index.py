"""Keeping the search index fresh: one entry point, `refresh_search_vector(ids)`, for every writer.

Signals call it after a practice, its themes, countries or toolkits are saved or deleted, and after
a theme, country or toolkit is renamed; bulk writers call it with the ids they wrote. Inside a
`deferred_search_refresh()` block (the importer's run) it only collects the ids, and the block
refreshes them all once at its end; `refresh_search_vector_now(ids)` refreshes some at once inside
it, and `refreshing_alongside()` while the caller goes on (the importer, each batch once its themes
and mentions are written).

What it refreshes depends on the database. PostgreSQL: in the practice's row, the small
`search_rank_vector` (title A, summary B, themes, countries and toolkits C; the French title,
summary and theme and toolkit names join it, made with the French configuration) and the ids of the
practice's themes, countries and toolkits, for the facet counts; then the practice's search row
(`postgresql.write_search_rows`): those, and the full vector for matching (the same with the text,
D), which only the search row stores, under its GIN index. SQLite: a
row of `practices_search_document` (plain texts), which triggers copy into the FTS5 index
`practices_search`, and a row of `practices_search_fr` with the French texts' stems (`french.py`).
"""

import html
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection, transaction

from .french import stemmed

logger = logging.getLogger(__name__)

REFRESH_BATCH = 2000
# The text search configurations the migrations create: English, and French, stemming after unaccent.
CONFIG = "english_unaccent"
FRENCH_CONFIG = "french_unaccent"
FTS_TABLE = "practices_search"
# The titles, summaries and topics alone (migration 0021): what ranking reads, without the text.
HEAD_FTS_TABLE = "practices_search_head"
FRENCH_FTS_TABLE = "practices_search_fr"
DOCUMENT_TABLE = "practices_search_document"

# Names of a practice's themes, countries and toolkits, space-separated (both databases).
TOPICS_SQL = """
    coalesce((SELECT group_concat(coalesce(t.name_en, t.name), ' ') FROM practices_themedpractice AS tp
              JOIN practices_theme AS t ON t.id = tp.tag_id WHERE tp.content_object_id = p.id), '')
    || ' ' ||
    coalesce((SELECT group_concat(c.name, ' ') FROM practices_countrymention AS cm
              JOIN incubator_country AS c ON c.id = cm.country_id WHERE cm.practice_id = p.id), '')
    || ' ' ||
    coalesce((SELECT group_concat(coalesce(k.name_en, k.name), ' ') FROM practices_toolkitmention AS km
              JOIN incubator_toolkit AS k ON k.id = km.toolkit_id WHERE km.practice_id = p.id), '')
"""
# The French names of a practice's themes and toolkits (those that have one).
FRENCH_TOPICS_SQL = """
    coalesce((SELECT group_concat(t.name_fr, ' ') FROM practices_themedpractice AS tp
              JOIN practices_theme AS t ON t.id = tp.tag_id WHERE tp.content_object_id = p.id), '')
    || ' ' ||
    coalesce((SELECT group_concat(k.name_fr, ' ') FROM practices_toolkitmention AS km
              JOIN incubator_toolkit AS k ON k.id = km.toolkit_id WHERE km.practice_id = p.id), '')
"""

# PostgreSQL keeps the option ids of each facet in the practice's row (migration 0017), so a search
# counts its facets in one pass over its matches (`practices.facets`); `p` is the practice.
FACET_ID_ARRAYS = {
    "theme_ids": "SELECT tag_id FROM practices_themedpractice WHERE content_object_id = p.id",
    "about_country_ids": (
        "SELECT country_id FROM practices_countrymention WHERE practice_id = p.id AND strength = 'about'"
    ),
    "country_ids": "SELECT country_id FROM practices_countrymention WHERE practice_id = p.id",
    "toolkit_ids": "SELECT toolkit_id FROM practices_toolkitmention WHERE practice_id = p.id",
}
FACET_ID_ASSIGNMENTS = ",\n    ".join(
    f"{column} = ARRAY({select} ORDER BY 1)" for column, select in FACET_ID_ARRAYS.items()
)

# Built from constants only; the ids are a parameter. They bound the rows updated as well as those
# read: joined on `v` alone, the update read the whole table for each batch (a batch of 256 at
# 2,000 practices: 91 ms, 39 with the bound).
POSTGRESQL_REFRESH = f"""
UPDATE practices_practice AS p SET
    search_rank_vector = v.narrow,
    {FACET_ID_ASSIGNMENTS}
FROM (
    SELECT p.id,
        setweight(to_tsvector('{CONFIG}', coalesce(p.title_en, p.title, '')), 'A')
        || setweight(to_tsvector('{CONFIG}', coalesce(p.summary_en, p.summary, '')), 'B')
        || setweight(to_tsvector('{CONFIG}', {TOPICS_SQL.replace("group_concat", "string_agg")}), 'C')
        || setweight(to_tsvector('{FRENCH_CONFIG}', coalesce(p.title_fr, '')), 'A')
        || setweight(to_tsvector('{FRENCH_CONFIG}', coalesce(p.summary_fr, '')), 'B')
        || setweight(to_tsvector('{FRENCH_CONFIG}', {FRENCH_TOPICS_SQL.replace("group_concat", "string_agg")}), 'C')
        AS narrow
    FROM practices_practice AS p WHERE p.id = ANY(%(ids)s)
) AS v
WHERE p.id = v.id AND p.id = ANY(%(ids)s)
"""  # noqa: S608

SQLITE_ROWS = f"""
SELECT p.id, coalesce(p.title_en, p.title), coalesce(p.summary_en, p.summary, ''), {TOPICS_SQL} AS topics, p.body_html,
    coalesce(p.title_fr, ''), coalesce(p.summary_fr, ''), {FRENCH_TOPICS_SQL} AS topics_fr
FROM practices_practice AS p"""  # noqa: S608


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
    _refresh(practice_ids)


def refresh_search_vector_now(practice_ids):
    """Refresh these practices at once, even inside a deferred block, which then leaves them out.

    For a long run writing in batches: each batch's refresh overlaps the work of the batches to
    come, instead of all of it waiting for the block's end. Any later write to these practices is
    collected again as usual.
    """
    ids = {int(pk) for pk in practice_ids}
    _refresh(ids)
    pending = _deferred.get()
    if pending is not None:  # only once refreshed: should it fail, the block's end still refreshes them
        pending.difference_update(ids)


@contextmanager
def refreshing_alongside():
    """A `RefreshAlongside` for a run writing in batches; the block's end waits for what it still refreshes."""
    alongside = RefreshAlongside()
    try:
        yield alongside
    finally:
        alongside.wait()


class RefreshAlongside:
    """Refreshes a batch's practices while the caller writes the next batch, on PostgreSQL.

    PostgreSQL computes the vectors (`to_tsvector` over each note's text, most of a refresh's time)
    in its own process: on a connection of its own, in a thread that only waits for the server, that
    work overlaps the writer's instead of holding it up. One thread, so batches are refreshed in
    order and one at a time. A batch's ids leave the enclosing deferred block when handed over: a
    later write to them collects them again, and a refresh that fails gives them back to the block,
    whose end refreshes them. SQLite (one writer at a time), or a caller inside a transaction (whose
    writes another connection cannot see yet), refreshes at once instead (`refresh_search_vector_now`).
    """

    def __init__(self):
        self.executor = None
        self.handed_over = []  # (future, ids)

    def refresh(self, practice_ids):
        ids = {int(pk) for pk in practice_ids}
        if not ids:
            return
        if not is_postgresql() or connection.in_atomic_block or not connection.get_autocommit():
            refresh_search_vector_now(ids)
            return
        pending = _deferred.get()
        if pending is not None:
            pending.difference_update(ids)
        if self.executor is None:
            self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-refresh")
        self.handed_over.append((self.executor.submit(_refresh_in_a_transaction, ids), ids))

    def wait(self):
        """Once every batch handed over is refreshed (or has failed), close the thread and its connection."""
        if self.executor is None:
            return
        self.executor.submit(_close_this_threads_connection)
        self.executor.shutdown(wait=True)
        self.executor = None
        for future, ids in self.handed_over:
            if (error := future.exception()) is not None:
                logger.warning("the search data of %s practices is refreshed again: %s", len(ids), error)
                refresh_search_vector(ids)
        self.handed_over = []


def _refresh_in_a_transaction(ids):
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Like the importer's own commits (`relaxed_commits`): the run seals its notes after this
            # commit, so a crash cannot keep a seal and lose the vectors it vouches for.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        _refresh(ids)


def _close_this_threads_connection():
    connection.close()


def _refresh(practice_ids):
    ids = sorted({int(pk) for pk in practice_ids})
    for start in range(0, len(ids), REFRESH_BATCH):
        _refresh_batch(ids[start : start + REFRESH_BATCH])


def _refresh_batch(ids):
    with connection.cursor() as cursor:
        if is_postgresql():
            from .postgresql import write_search_rows

            cursor.execute(POSTGRESQL_REFRESH, {"ids": ids})
            write_search_rows(cursor, ids)
            return
        marks = ", ".join(["%s"] * len(ids))
        cursor.execute(f"{SQLITE_ROWS} WHERE p.id IN ({marks})", ids)  # noqa: S608  (placeholders only)
        rows = cursor.fetchall()
        documents = [(pk, title, summary, topics, plain_text(body)) for pk, title, summary, topics, body, *_ in rows]
        french = [(row[0], *map(stemmed, row[5:])) for row in rows if any(text.strip() for text in row[5:])]
        # Delete, then insert: the triggers hand FTS5 the old texts to unindex and the new ones to
        # index, and take the practices' French rows with them.
        cursor.execute(f"DELETE FROM {DOCUMENT_TABLE} WHERE id IN ({marks})", ids)  # noqa: S608
        cursor.executemany(f"INSERT INTO {DOCUMENT_TABLE} VALUES (%s, %s, %s, %s, %s)", documents)  # noqa: S608
        french_insert = f"INSERT INTO {FRENCH_FTS_TABLE} (rowid, title, summary, topics) VALUES (%s, %s, %s, %s)"  # noqa: S608
        cursor.executemany(french_insert, french)


# The rendered text went through the sanitiser, so every `<` starts a tag; a pattern removes them
# far faster than an HTML parser, and what it leaves is only ever indexed or escaped.
TAG_RE = re.compile(r"<[^>]*>")


def plain_text(body_html):
    """A note's rendered text without markup; its timestamps stay, written `[HH:MM:SS]`."""
    return html.unescape(TAG_RE.sub(" ", body_html or ""))


def rebuild_search_index(log=None):
    """Recompute the search data of every practice (after a restore, or to repair); returns how many."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM practices_practice ORDER BY id")
        ids = [row[0] for row in cursor.fetchall()]
    if not is_postgresql():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {DOCUMENT_TABLE}")  # noqa: S608
            for table in (FTS_TABLE, HEAD_FTS_TABLE):
                cursor.execute(f"INSERT INTO {table}({table}) VALUES ('delete-all')")  # noqa: S608
    for start in range(0, len(ids), REFRESH_BATCH):
        _refresh_batch(ids[start : start + REFRESH_BATCH])
        if log:
            log(f"{min(start + REFRESH_BATCH, len(ids))}/{len(ids)} practices")
    if is_postgresql():
        from .postgresql import remove_orphan_search_rows

        remove_orphan_search_rows()
    return len(ids)
