"""French words as the SQLite index holds them: accents folded, then the Snowball French stem.

PostgreSQL's `french_unaccent` configuration does the same (unaccent, then its Snowball `french_stem`),
so "budgets participatifs" finds "Budget participatif" and "ecoles" finds "écoles" on both
databases. SQLite's FTS5 has no French stemmer: the French texts are stemmed here before they are
indexed (with `unicode61 remove_diacritics 2`, no porter), and so are the words of a query.
"""

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

WORD_RE = re.compile(r"[^\W_]+")
_stemmer = snowballstemmer.stemmer("french")


def fold(word):
    """Lower case without accents: `École` is `ecole`."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@lru_cache(maxsize=20_000)
def stem(word):
    return _stemmer.stemWord(fold(word))


def stemmed(text):
    """`text` as the French index holds it: each word's stem, separated by spaces."""
    return " ".join(stem(word) for word in WORD_RE.findall(text or ""))
