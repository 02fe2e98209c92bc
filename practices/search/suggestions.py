""" "Did you mean": when nothing matches, the closest words of titles and theme names."""

import difflib
import re

from django.db import connection, transaction

from opsi_portal.caching import cached

from ..models import Practice, Theme
from .index import is_postgresql

SUGGEST_CANDIDATES = 50
SUGGEST_MIN_LENGTH = 3
WORD = re.compile(r"[^\W\d_]{3,}")


def _candidate_words_postgresql(word):
    """Words of titles and theme names, English or French, that look like `word`, found through the trigram indexes."""
    with transaction.atomic(), connection.cursor() as cursor:
        # The default threshold (0.6) misses words with two letters swapped; 0.4 still keeps it narrow.
        cursor.execute("SET LOCAL pg_trgm.word_similarity_threshold = 0.4")
        texts = _similar_texts(cursor, Practice._meta.db_table, "title", word, published=True)
        texts += _similar_texts(cursor, Theme._meta.db_table, "name", word)
    return words_of(texts)


def _similar_texts(cursor, table, field, word, published=False):
    """(English, French) texts of `table` where either holds a word like `word`, some SUGGEST_CANDIDATES of each.

    One query per column, each through its own index: with OR the planner may scan every row instead
    (470 ms at 100,000 practices).
    """
    status = "status = %s AND " if published else ""
    one = f"SELECT {field}, {field}_fr FROM {table} WHERE {status}%s <%% {{column}} LIMIT %s"  # noqa: S608
    params = [*([Practice.Status.PUBLISHED] if published else []), word, SUGGEST_CANDIDATES]
    cursor.execute(f"({one.format(column=field)}) UNION ALL ({one.format(column=field + '_fr')})", params * 2)
    return cursor.fetchall()


def vocabulary():
    """Every word of published titles and of theme names, in English and French, lower-cased (SQLite's "did you mean").

    Built once per data version, by the first search that matches nothing.
    """
    return cached("search-vocabulary", _words_of_titles_and_themes)


def published_titles():
    """(English, French) titles of the published practices.

    `rewrite(False)`: the columns as named, not the active language's (django-modeltranslation), so
    on SQLite they come from migration 0022's covering index, not from the practice rows.
    """
    return Practice.objects.published().rewrite(False).order_by().values_list("title", "title_fr")


def _words_of_titles_and_themes():
    return words_of([*published_titles(), *Theme.objects.rewrite(False).order_by().values_list("name", "name_fr")])


def words_of(texts):
    """The lower-cased words of `texts`, (English, French) pairs of which either may be empty."""
    # A large library's titles repeat the same few thousand tokens: each is searched for words once
    # (a word never spans a space), not once per title it is in.
    tokens = {token for pair in texts for part in pair if part for token in part.lower().split()}
    return {word for token in tokens for word in WORD.findall(token)}


def suggest(text):
    """The query with misspelt words replaced by the closest title or theme word, or None."""
    text = (text or "").strip()
    words = [w for w in WORD.findall(text) if len(w) >= SUGGEST_MIN_LENGTH and w.lower() != "or"]
    if not words:
        return None
    known = None if is_postgresql() else vocabulary()
    corrected = text
    for word in dict.fromkeys(words):
        candidates = _candidate_words_postgresql(word) if known is None else known
        if word.lower() in candidates:
            continue
        close = difflib.get_close_matches(word.lower(), candidates, n=1, cutoff=0.75)
        if close:
            corrected = re.sub(rf"\b{re.escape(word)}\b", close[0], corrected)
    return corrected if corrected != text else None
