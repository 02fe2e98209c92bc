"""The search box's language, parsed: words, "quoted phrases", -exclusion and `or`."""

import re
from dataclasses import dataclass, field


@dataclass
class Term:
    """A word or a quoted phrase of a query; `negated` when it came with a leading minus."""

    text: str
    negated: bool = False

    def pattern(self):
        # Words match at the start of a word, so "innovat" finds "innovation" as stemming would.
        words = [re.escape(word) for word in self.text.split()]
        return r"\b" + r"\s+".join(words)


@dataclass
class ParsedQuery:
    """Alternatives joined by `or`; each alternative is a list of terms that must all hold."""

    alternatives: list = field(default_factory=list)

    def positive_terms(self):
        return [term for alternative in self.alternatives for term in alternative if not term.negated]


TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def parse(text):
    """Web-search syntax as PostgreSQL's websearch_to_tsquery reads it: words, "phrases", -word, or."""
    alternatives, current = [], []
    for match in TOKEN.finditer(text):
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
        words = re.findall(r"\w+", phrase or "")
        if words:
            current.append(Term(" ".join(words), negated))
    if current:
        alternatives.append(current)
    return ParsedQuery(alternatives)
