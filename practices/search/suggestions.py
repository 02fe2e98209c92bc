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
    """Words of titles and theme names that look like `word`, found through the trigram indexes."""
    with transaction.atomic(), connection.cursor() as cursor:
        # The default threshold (0.6) misses words with two letters swapped; 0.4 still keeps it narrow.
        cursor.execute("SET LOCAL pg_trgm.word_similarity_threshold = 0.4")
        cursor.execute(
            f"SELECT title FROM {Practice._meta.db_table} WHERE status = %s AND %s <%% title LIMIT %s",  # noqa: S608
            [Practice.Status.PUBLISHED, word, SUGGEST_CANDIDATES],
        )
        texts = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT name FROM {Theme._meta.db_table} WHERE %s <%% name LIMIT %s",  # noqa: S608
            [word, SUGGEST_CANDIDATES],
        )
        texts += [row[0] for row in cursor.fetchall()]
    return {w.lower() for text in texts for w in WORD.findall(text)}


def vocabulary():
    """Every word of published titles and of theme names, lower-cased (the SQLite "did you mean")."""

    def build():
        # Published ids from the narrow rows: reading each practice's status would walk its texts.
        published = Practice.objects.filter(pk__in=Practice.objects.published_ids()).order_by()
        titles = published.values_list("title", flat=True)
        words = set()
        for text in [*titles, *Theme.objects.values_list("name", flat=True)]:
            words.update(word.lower() for word in WORD.findall(text))
        return words

    return cached("search-vocabulary", build)


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
