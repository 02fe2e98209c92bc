"""Which countries and toolkits a note names, each with the sentence and moment that show it.

Plain functions over `sentences.Sentence`s. Matching is on whole words (`woman` is not Oman), the
longest name wins (`Papua New Guinea`, not `Guinea`; `Nigeria`, not `Niger`), country names are
case-sensitive (`china` is porcelain), toolkit names are not. How risky names are handled is in
`country_names` and the README.
"""

import re
from dataclasses import dataclass

from . import country_names, country_strength

# A risky name (Georgia, Jordan, Chad) is a country only after words like these...
COUNTRY_CONTEXT_BEFORE_RE = re.compile(
    r"(?:\b(?:in|from|to|across|within|throughout|visited|countries\s+(?:like|such\s+as)|government\s+of|"
    r"governments\s+of|republic\s+of|and|or)|,)\s*$",
    re.IGNORECASE,
)
# How far before a risky name the context words are looked for.
CONTEXT_WINDOW = 60
# ...and never beside words that make it the US state.
US_STATE_CONTEXT_RE = re.compile(
    r"\b(?:state\s+of|U\.?S\.?\s+states?|American\s+states?|Atlanta|Savannah|governor|county|counties)\b|"
    r"\bGeorgia\s+(?:State|Tech)\b|\bGeorgia,\s*(?:US|USA|U\.S\.)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Found:
    """A record named in a note: its key (country code or toolkit slug), the sentence and the moment."""

    key: str
    sentence: str
    seconds: int | None


class Gazetteer:
    """A set of phrases, each standing for a key (None for phrases that mean nothing), as one regex."""

    def __init__(self, phrases, ignore_case=False, ambiguous=()):
        self.ignore_case = ignore_case
        self.ambiguous = {self._fold(p) for p in ambiguous}
        self.keys = {}
        for phrase, key in phrases:
            phrase = " ".join(phrase.split())
            if phrase:
                self.keys.setdefault(self._fold(phrase), key)
        ordered = sorted(self.keys, key=len, reverse=True)
        flags = re.IGNORECASE if ignore_case else 0
        groups = self._by_first_character(ordered)
        # Most places in a text start with no phrase's first character: rejected at once.
        first = "".join(sorted(head or r"\s\-" for head in groups))
        alternatives = "|".join(f"{head}(?:{'|'.join(tails)})" for head, tails in groups.items())
        self.regex = re.compile(rf"(?<![\w-])(?=[{first}])(?:{alternatives})(?![\w-])", flags) if ordered else None

    def _by_first_character(self, ordered):
        """The phrases' patterns by their escaped first character, {head: [the rest of each]}, in order.

        The regex is one alternation per group. Ignoring case, Python's `re` tries every phrase in
        turn at each place (404 toolkit names over 32,000 sentences: 2.2 s); grouped, only those that
        start with the character there (0.13 s). It still takes the first of those in `ordered` that
        matches, the longest. (`re` ignoring case also takes a dotless ı for an i, which `casefold`
        keeps apart: of two names starting with each, the longest may then lose. No toolkit name
        starts with ı.)
        """
        groups = {}
        for phrase in ordered:
            pattern, head = self._pattern(phrase), re.escape(phrase[0])
            # A name folded to start with a space (an alias written "-Kit") starts with any run of
            # spaces and hyphens: its group has no first character ("").
            head = head if pattern.startswith(head) else ""
            groups.setdefault(head, []).append(pattern[len(head) :])
        return groups

    def _fold(self, phrase):
        phrase = " ".join(re.split(r"[\s-]+", phrase)) if self.ignore_case else phrase
        return phrase.casefold() if self.ignore_case else phrase

    def _pattern(self, phrase):
        if self.ignore_case:
            return r"[\s-]+".join(re.escape(word) for word in phrase.split(" "))
        return r"\s+".join(re.escape(word) for word in phrase.split(" "))

    def matches(self, text):
        """(key, start) for every phrase found in `text`, longest first at each place."""
        return [(key, start) for key, start, _ in self.matches_with_span(text)]

    def matches_with_span(self, text):
        """(key, start, end) for every phrase found in `text`, longest first at each place."""
        found = []
        if self.regex is None:  # no phrase to find
            return found
        for match in self.regex.finditer(text):
            folded = self._fold(" ".join(match.group(0).split()))
            key = self.keys.get(folded)
            if key is not None:
                found.append((key, match.start(), match.end(), folded in self.ambiguous))
        if not any(ambiguous for *_, ambiguous in found):
            return [(key, start, end) for key, start, end, _ in found]
        # Worked out once per sentence: per match, a sentence naming Georgia 10,000 times was quadratic.
        listed = any(not ambiguous for *_, ambiguous in found)
        state = US_STATE_CONTEXT_RE.search(text) is not None
        return [
            (key, start, end)
            for key, start, end, ambiguous in found
            if not ambiguous or self._country_meant(text, start, listed, state)
        ]

    @staticmethod
    def _country_meant(text, start, listed, state):
        """A risky name is a country after words like "in" or beside another country, never near US-state words."""
        if state:
            return False
        # Sentences are tidied to single spaces: the context word sits within a few characters.
        if COUNTRY_CONTEXT_BEFORE_RE.search(text[max(0, start - CONTEXT_WINDOW) : start]):
            return True
        # Another, unambiguous country in the same sentence: a list of countries.
        return listed


def matching_name(name):
    """A country's ISO name as written in text: without the parenthesised part ("Bahamas (The)")."""
    return re.sub(r"\s*\([^)]*\)", "", name).strip()


def country_gazetteer(countries):
    """The gazetteer of every country from `(code, name)` pairs, plus short forms and adjectives."""
    phrases = [(matching_name(name), str(code)) for code, name in countries]
    known = {code for _, code in phrases}
    for table in (country_names.OTHER_NAMES, country_names.ADJECTIVES):
        phrases += [(word, code) for code, words in table.items() if code in known for word in words]
    phrases += [(phrase, None) for phrase in country_names.NOT_COUNTRIES]
    return Gazetteer(phrases, ambiguous=country_names.AMBIGUOUS)


def toolkit_gazetteer(toolkits):
    """The gazetteer of toolkits from `(slug, [name, alias, ...])` pairs; case does not matter."""
    return Gazetteer([(name, slug) for slug, names in toolkits for name in names], ignore_case=True)


def find(sentences, gazetteer):
    """The first sentence naming each key, preferring body text to headings, in order of first mention."""
    found = {}
    for sentence in sentences:
        for key, _ in gazetteer.matches(sentence.text):
            if key not in found or (found[key].heading and not sentence.heading):
                found[key] = sentence
    order = list(found)
    return [Found(key, found[key].text, found[key].seconds) for key in order]


@dataclass(frozen=True)
class Gazetteers:
    """What a run finds countries and toolkits with."""

    countries: Gazetteer
    toolkits: Gazetteer


def detected_mentions(title, sentences, gazetteers):
    """The countries and toolkits a note names, as the writer stores them: {"countries": ..., "toolkits": ...}."""
    return {
        "countries": detected_countries(title, sentences, gazetteers.countries),
        "toolkits": detected_toolkits(sentences, gazetteers.toolkits),
    }


def detected_countries(title, sentences, gazetteer):
    """The countries a note names, by code, with the fields of their mentions."""
    return {
        c.key: {"sentence": c.sentence, "seconds": c.seconds, "strength": c.strength, "moments": c.moments}
        for c in country_strength.country_evidence(title, sentences, gazetteer)
    }


def detected_toolkits(sentences, gazetteer):
    """The toolkits a note names, by slug, with the fields of their mentions."""
    return {f.key: {"sentence": f.sentence, "seconds": f.seconds} for f in find(sentences, gazetteer)}
