"""The search box's language, parsed once and written out for each database.

Words must all match, "quoted phrases" match as a phrase, -word or -"phrase" excludes, and `or`
separates alternatives, as in web search. PostgreSQL reads the canonical form with
websearch_to_tsquery; SQLite's FTS5 gets a MATCH expression of the same meaning. Both fold case and
accents and stem English words, so "Budgets" finds "budgeting" and "politica" finds "política"; the
query is also run against the French texts with French stems (for SQLite's French index the words
are stemmed here, through a `words` function, as its texts were).
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

MAX_LENGTH = 200
# Each term is one more index lookup and one more ranked list to merge; ten is more than people type.
MAX_TERMS = 10


@dataclass
class Term:
    """A word or a quoted phrase of a query; `negated` when it came with a leading minus."""

    text: str
    negated: bool = False

    def websearch(self):
        quoted = f'"{self.text}"' if " " in self.text else self.text
        return f"-{quoted}" if self.negated else quoted

    def fts5(self, words=None):
        # A double-quoted FTS5 string is a phrase of its words; nothing inside is an operator.
        text = words(self.text) if words else self.text
        return '"' + text.replace('"', '""') + '"'


@dataclass
class ParsedQuery:
    """Alternatives joined by `or`; each alternative is a list of terms that must all hold."""

    alternatives: list = field(default_factory=list)

    def positive_terms(self):
        return [term for alternative in self.alternatives for term in alternative if not term.negated]

    def term_count(self):
        return sum(len(alternative) for alternative in self.alternatives)

    def websearch(self):
        """The query as websearch_to_tsquery reads it (PostgreSQL)."""
        return " or ".join(" ".join(term.websearch() for term in alternative) for alternative in self.alternatives)

    def fts5_positive(self, words=None):
        """One FTS5 MATCH expression for the alternatives with a word to look for; None if there is none.

        `words`, when given, rewrites each term's words as the index holds them (French stems).
        """
        parts = [_fts5_alternative(alternative, words) for alternative in self.alternatives]
        parts = [part for part in parts if part]
        return " OR ".join(f"({part})" for part in parts) or None

    def fts5_exclusions_only(self, words=None):
        """FTS5 expressions of the alternatives made only of exclusions (`-tax`: all but these)."""
        return [
            " OR ".join(term.fts5(words) for term in alternative)
            for alternative in self.alternatives
            if all(term.negated for term in alternative)
        ]


def _fts5_alternative(terms, words=None):
    wanted = [term.fts5(words) for term in terms if not term.negated]
    if not wanted:
        return None
    excluded = [term.fts5(words) for term in terms if term.negated]
    expression = " AND ".join(wanted)
    return f"({expression}) NOT ({' OR '.join(excluded)})" if excluded else expression


TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def parse(text):
    """Web-search syntax as PostgreSQL's websearch_to_tsquery reads it: words, "phrases", -word, or."""
    alternatives, current = [], []
    for match in TOKEN.finditer(text or ""):
        minus, phrase, word = match.groups()
        if word is not None and word.lower() == "or":
            if current:
                alternatives.append(current)
                current = []
            continue
        negated = bool(minus)
        if word is not None:
            negated = word.startswith("-")
            phrase = word.lstrip("-")
        words = re.findall(r"[^\W_]+", phrase or "")
        if words:
            current.append(Term(" ".join(words), negated))
    if current:
        alternatives.append(current)
    return ParsedQuery(alternatives)


def validate_query(text):
    """Refuse a query with too many terms to answer quickly, saying what the limit is (the form checks length)."""
    if parse(text).term_count() > MAX_TERMS:
        raise ValidationError(
            gettext("The search has too many words or phrases (at most {count}); leave some out.").format(
                count=MAX_TERMS
            ),
            code="too_many_terms",
        )
