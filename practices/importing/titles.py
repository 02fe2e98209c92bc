"""Titles repaired from the notes' own text: words that lost their hyphens get them back.

The machine-written source drops hyphens from titles ("Publicprivate", "COVID19", "Missionoriented")
while the text under them spells the word right ("public-private", "COVID-19"). A title word is
repaired when the note writes it with hyphens more often than without; when the note never writes
the word at all, the hyphenated spelling the other notes of the run use most is taken instead (when
the note is imported: a later change to the other notes does not re-open it). Only the hyphens are
added: the title keeps its own letters and case, and the slug (from the note key) stays.
"""

import re
import string
from collections import Counter, defaultdict
from dataclasses import dataclass

from .parser import WIKI_LINK_RE, Problem

HYPHENATED_RE = re.compile(r"[^\W_]+(?:-[^\W_]+)+")
# What may stand around a word in running text: "(public-private", "COVID-19),", "**co-creation**".
TOKEN_EDGES = "".join(c for c in string.punctuation if c != "-") + "“”‘’«»…–—"
TITLE_WORD_RE = re.compile(r"\b[^\W_]+\b")
# Shorter joined words ("email", "online", "reuse") are real words far more often than damaged ones.
MIN_WORD_LENGTH = 7


@dataclass(frozen=True)
class Repair:
    """One title word given back its hyphens, and whether the note itself or other notes spell it so."""

    word: str
    repaired: str
    from_vault: bool


def joined(word):
    return word.replace("-", "").casefold()


def hyphen_positions(word):
    """Where a hyphenated word's hyphens fall, counted in letters: "public-private" gives (6,)."""
    positions, letters = [], 0
    for part in word.split("-")[:-1]:
        letters += len(part)
        positions.append(letters)
    return tuple(positions)


def with_hyphens(word, positions):
    """`word` with hyphens inserted after the given numbers of letters, keeping its own case."""
    parts, start = [], 0
    for end in positions:
        parts.append(word[start:end])
        start = end
    parts.append(word[start:])
    return "-".join(parts)


def spellings(text, wanted, found=None):
    """Hyphen positions of the joined words in `wanted` as `text` writes them, counted (added to `found`).

    `wanted` None stands for every word long enough to be a title's damaged word.
    """
    found = defaultdict(Counter) if found is None else found
    # Splitting in C and looking only at the words with a hyphen is several times faster than a
    # regular expression over the text; the (slow) pattern check comes last, for the few wanted.
    for token in text.split():
        if "-" not in token:
            continue
        word = token.strip(TOKEN_EDGES)
        key = joined(word)
        wanted_word = len(key) >= MIN_WORD_LENGTH if wanted is None else key in wanted
        if wanted_word and HYPHENATED_RE.fullmatch(word):
            found[key][hyphen_positions(word)] += 1
    return found


def candidate_words(title):
    """The title's words that could have lost hyphens: long enough, with no hyphen of their own."""
    return {joined(w) for w in TITLE_WORD_RE.findall(title) if len(w) >= MIN_WORD_LENGTH}


def joined_counts(body, wanted):
    """How often the note's prose (wiki links aside, whose targets are as damaged) writes each word joined."""
    prose = WIKI_LINK_RE.sub(" ", body).casefold()
    return Counter({word: _whole_word_count(prose, word) for word in wanted})


def _whole_word_count(text, word):
    count, start = 0, text.find(word)
    while start != -1:
        end = start + len(word)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() or before in "-_") and not (after.isalnum() or after in "-_"):
            count += 1
        start = text.find(word, end)
    return count


@dataclass
class Evidence:
    """What a note's own text says of its title's words: hyphenated spellings and joined counts."""

    wanted: set
    hyphenated: dict
    joined: Counter

    def lacks(self):
        """The words the note never writes, hyphenated or joined: those fall back on the vault."""
        return {word for word in self.wanted if not self.hyphenated.get(word) and not self.joined[word]}


def evidence_of(title, body):
    wanted = candidate_words(title)
    return Evidence(wanted, spellings(body, wanted), joined_counts(body, wanted))


def repaired_title(title, body, vault_spellings=None):
    """(title with its damaged words repaired, the `Repair`s made) from the note's body, else the vault's."""
    return _repair(title, evidence_of(title, body), vault_spellings or {})


def _repair(title, evidence, vault_spellings):
    repairs = []

    def repair(match):
        word = match.group()
        key = word.casefold()
        own = evidence.hyphenated.get(key)
        if key not in evidence.wanted:
            return word
        if own and sum(own.values()) > evidence.joined[key]:
            positions, from_vault = own.most_common(1)[0][0], False
        elif key in evidence.lacks() and vault_spellings.get(key):
            positions, from_vault = vault_spellings[key].most_common(1)[0][0], True
        else:
            return word
        repairs.append(Repair(word, with_hyphens(word, positions), from_vault))
        return repairs[-1].repaired

    return TITLE_WORD_RE.sub(repair, title), repairs


def all_spellings(texts):
    """The hyphenated spellings of every long word in `texts` (an iterable), by joined word."""
    found = defaultdict(Counter)
    for text in texts:
        spellings(text, None, found)
    return found


def repair_titles(notes, vault_spellings_of, found=None):
    """Repair the titles of the parsed `notes` in place, each repair reported among the note's problems.

    `vault_spellings_of()` gives the `all_spellings` of every note of the run: the vault a word
    falls back on when its note lacks it. It is asked only when some note lacks one. `found`: the
    `evidence_of` some notes, by key, when already known (the import's workers find it).
    """
    found = found or {}
    evidence = {key: found.get(key) or evidence_of(note.title, note.body) for key, note in notes.items()}
    lacking = set().union(*(found.lacks() for found in evidence.values())) if evidence else set()
    vault = vault_spellings_of() if lacking else {}
    for key, note in notes.items():
        title, repairs = _repair(note.title, evidence[key], vault)
        if repairs:
            note.problems.append(_repair_problem(note, note.title, title, repairs))
            note.title = title


def _repair_problem(note, before, after, repairs):
    words = "; ".join(
        f"{r.word} → {r.repaired}, as {'other notes of the vault spell' if r.from_vault else 'the note spells'} it"
        for r in repairs
    )
    return Problem(note.file, 2, "title-repaired", f"title {before!r} repaired to {after!r} ({words})")
