"""Titles repaired from the notes' own text: words that lost their hyphens get them back.

The machine-written source drops hyphens from titles ("Publicprivate", "COVID19", "Missionoriented")
while the text under them spells the word right ("public-private", "COVID-19"). A title word is
repaired when the note writes it with hyphens more often than without; when the note never writes
it with hyphens, the spelling the other notes of the run use most is taken instead. Only the
hyphens are added: the title keeps its own letters and case, and the slug (from the note key) stays.
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from .parser import WIKI_LINK_RE, Problem

HYPHENATED_RE = re.compile(r"\b[^\W_]+(?:-[^\W_]+)+\b")
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


def spellings(texts, wanted):
    """Hyphen positions by joined word, counted over `texts`, for the joined words in `wanted` only."""
    found = defaultdict(Counter)
    for text in texts:
        for match in HYPHENATED_RE.finditer(text):
            key = joined(match.group())
            if key in wanted:
                found[key][hyphen_positions(match.group())] += 1
    return found


def candidate_words(title):
    """The title's words that could have lost hyphens: long enough, with no hyphen of their own."""
    return {joined(w) for w in TITLE_WORD_RE.findall(title) if len(w) >= MIN_WORD_LENGTH}


def joined_counts(body, wanted):
    """How often the note's prose (wiki links aside, whose targets are as damaged) writes each word joined."""
    counts = Counter()
    for word in TITLE_WORD_RE.findall(WIKI_LINK_RE.sub(" ", body)):
        key = word.casefold()
        if key in wanted:
            counts[key] += 1
    return counts


def repaired_title(title, body, vault_spellings=None):
    """(title with its damaged words repaired, the `Repair`s made) from the note's body, else the vault's."""
    wanted = candidate_words(title)
    if not wanted:
        return title, []
    own = spellings([body], wanted)
    plain = joined_counts(body, wanted)
    repairs = []

    def repair(match):
        word = match.group()
        key = word.casefold()
        if key not in wanted:
            return word
        if own.get(key) and sum(own[key].values()) > plain[key]:
            positions, from_vault = own[key].most_common(1)[0][0], False
        elif not plain[key] and vault_spellings and vault_spellings.get(key):
            positions, from_vault = vault_spellings[key].most_common(1)[0][0], True
        else:
            return word
        repairs.append(Repair(word, with_hyphens(word, positions), from_vault))
        return repairs[-1].repaired

    return TITLE_WORD_RE.sub(repair, title), repairs


def repair_titles(notes, texts):
    """Repair the titles of the parsed `notes` in place, each repair reported among the note's problems.

    `texts` are every note of the run by key: the vault a word falls back on when its note lacks it.
    """
    wanted = set().union(*(candidate_words(note.title) for note in notes.values())) if notes else set()
    if not wanted:
        return
    vault = spellings(texts.values(), wanted)
    for note in notes.values():
        title, repairs = repaired_title(note.title, note.body, vault)
        if repairs:
            note.problems.append(_repair_problem(note, note.title, title, repairs))
            note.title = title


def _repair_problem(note, before, after, repairs):
    words = "; ".join(
        f"{r.word} → {r.repaired}, as {'other notes of the vault spell' if r.from_vault else 'the note spells'} it"
        for r in repairs
    )
    return Problem(note.file, 2, "title-repaired", f"title {before!r} repaired to {after!r} ({words})")
