"""How strongly a note ties its practice to each country it names: *about* the country, or only *mentions* it.

A practice is about a country when the note names it in its title or a heading, names it as where
the practice happens ("in Portugal", "Portugal's ...", "the Danish government", "Accelerate
Estonia") or names it at two or more moments of the video. Anything less (one passing sentence, a
speaker's affiliation such as "Andrea Snook, UK Policy Lab", one item of a long list of countries)
only mentions it. Plain functions over `sentences.Sentence`s and a country `detection.Gazetteer`;
the hand-checked set in `tests/data/country_truth.json` measures them (README, "Countries").
"""

import re
from dataclasses import dataclass
from enum import IntEnum

from . import country_names

ABOUT = "about"
MENTIONS = "mentions"

# A sentence naming this many countries or more is a list: none of them is its subject.
LIST_SIZE = 4
# Named at this many moments of the video (sentences with different timestamps), a country is discussed.
REPEATED_MOMENTS = 2

ADJECTIVES = frozenset(word for words in country_names.ADJECTIVES.values() for word in words)

# Where the practice happens: "in Portugal", "across the UK", "the government of Serbia"...
PLACE_BEFORE_RE = re.compile(
    r"(?:\b(?:in|across|throughout|within)\s+(?:the\s+)?|\b(?:government|ministry|republic|city)\s+of\s+(?:the\s+)?)$",
    re.IGNORECASE,
)
# ...or "Portugal's kit", "the Danish government", "the UK Home Office", "US Digital Service", "Accelerate Estonia".
PLACE_AFTER_RE = re.compile(
    r"^(?:['’]s?\b|\s+(?:national\s+|federal\s+|central\s+)?(?:government|administration|ministry|ministries|"
    r"parliament|agency|authorities|public\s+(?:sector|service|administration)|civil\s+service|"
    r"home\s+office|cabinet\s+office|digital\s+service|treasury|state\s+data)\b)",
    re.IGNORECASE,
)
# A public body named after its country: the country comes last ("Accelerate Estonia", "Digital Denmark").
PUBLIC_BODY_BEFORE_RE = re.compile(r"\b(?:Accelerate|Digital|Invest|Innovate|Statistics|Business)\s+$")
# A person's affiliation: "Andrea Snook, UK Policy Lab", "Andrea Snook of the UK Policy Lab": a person's
# name, then an organisation whose name starts with the country.
AFFILIATION_BEFORE_RE = re.compile(r"\b[A-Z][\w'-]+\s+[A-Z][\w'-]+(?:,|\s+(?:of|from|at))\s+(?:the\s+)?$")
ORGANISATION_AFTER_RE = re.compile(r"^\s+[A-Z]")
# The country as an example or a comparison, not as where the practice happens.
EXAMPLE_BEFORE_RE = re.compile(
    r"\b(?:like|such\s+as|as\s+seen\s+in|e\.g\.,?|including|unlike|compared\s+(?:to|with)|similar\s+to)"
    r"\s+(?:in\s+)?(?:the\s+)?(?:cases?\s+(?:of|in)\s+)?$",
    re.IGNORECASE,
)
EXAMPLE_ANYWHERE_RE = re.compile(r"\b(?:for\s+example|for\s+instance|e\.g\.)", re.IGNORECASE)


class Evidence(IntEnum):
    """Kinds of evidence, strongest first: a mention shows the sentence of its strongest kind."""

    TITLE = 0
    HEADING = 1
    PLACE = 2
    SENTENCE = 3
    PASSING = 4  # an item of a long list, an affiliation or an example


@dataclass(frozen=True)
class Occurrence:
    """One country named in one sentence, with what that sentence makes of it."""

    key: str
    evidence: Evidence
    text: str
    seconds: int | None
    countries: int  # how many countries the sentence names
    moment: object  # the video moment, or the sentence's place in the note when it has no timestamp


@dataclass(frozen=True)
class CountryEvidence:
    """A country the note names: how strongly, the strongest sentence with its moment, and every moment."""

    key: str
    strength: str
    sentence: str
    seconds: int | None
    moments: list


def _evidence(text, match_text, start, end, heading, countries):
    """The kind of evidence one naming of a country gives, from the words around it."""
    before, after = text[:start], text[end:]
    if countries >= LIST_SIZE or _affiliation(before, after):
        return Evidence.PASSING
    if heading:
        return Evidence.HEADING
    if EXAMPLE_BEFORE_RE.search(before) or EXAMPLE_ANYWHERE_RE.search(text):
        return Evidence.PASSING
    if countries == 1 and _names_a_place(before, after, match_text in ADJECTIVES):
        return Evidence.PLACE
    return Evidence.SENTENCE


def _affiliation(before, after):
    return bool(AFFILIATION_BEFORE_RE.search(before) and ORGANISATION_AFTER_RE.match(after))


def _names_a_place(before, after, adjective):
    if PLACE_AFTER_RE.match(after) or PUBLIC_BODY_BEFORE_RE.search(before):
        return True
    # "in Danish" is a language; only a name after "in" or "government of" is a place.
    return not adjective and bool(PLACE_BEFORE_RE.search(before))


def occurrences(title, sentences, gazetteer):
    """Every naming of a country in the title and the sentences, in order, each with its evidence."""
    found = [Occurrence(key, Evidence.TITLE, title, None, 1, None) for key in _keys(gazetteer, title)]
    for index, sentence in enumerate(sentences):
        matches = list(gazetteer.matches_with_span(sentence.text))
        countries = len({key for key, *_ in matches})
        moment = sentence.seconds if sentence.seconds is not None else ("sentence", index)
        for key, start, end in matches:
            evidence = _evidence(sentence.text, sentence.text[start:end], start, end, sentence.heading, countries)
            found.append(Occurrence(key, evidence, sentence.text, sentence.seconds, countries, moment))
    return found


def _keys(gazetteer, text):
    keys = []
    for key, _, _ in gazetteer.matches_with_span(text or ""):
        if key not in keys:
            keys.append(key)
    return keys


def strength_of(found):
    """About or mentions, from every occurrence of one country."""
    if any(o.evidence <= Evidence.PLACE for o in found):
        return ABOUT
    moments = {o.moment for o in found if o.evidence == Evidence.SENTENCE}
    return ABOUT if len(moments) >= REPEATED_MOMENTS else MENTIONS


def strongest(found):
    """The occurrence to show: the strongest kind, then the sentence naming fewest countries, then the first."""
    return min(enumerate(found), key=lambda item: (item[1].evidence, item[1].countries, item[0]))[1]


def country_evidence(title, sentences, gazetteer):
    """Each country the note names, in order of first naming, with its strength and evidence."""
    by_key = {}
    for occurrence in occurrences(title, sentences, gazetteer):
        by_key.setdefault(occurrence.key, []).append(occurrence)
    result = []
    for key, found in by_key.items():
        best = strongest(found)
        moments = sorted({o.seconds for o in found if o.seconds is not None})
        result.append(CountryEvidence(key, strength_of(found), best.text, best.seconds, moments))
    return result
