"""Names of toolkits, organisations, programmes and partnerships a note uses: the raw evidence of candidates.

Plain functions over `sentences.Sentence`s, no database. A sentence is cut into words by one
linear pattern and every rule below walks that word list once, so a hostile note costs time in
proportion to its length. What is found:

- a *name*: a run of capitalised words that contains a kind word ("... Toolkit", "... Lab",
  "Ministry of ..."), such as "OPSI Toolkit Navigator" or "Observatory of Public Sector Innovation";
- a *definition*: a run followed by an acronym in brackets whose letters are its initials, such as
  "Common Assessment Framework (CAF)" (the run needs no kind word);
- an *acronym*: a word in capitals (NASA, CAF), which becomes a candidate when it recurs or joins
  the name it was defined for;
- a *lowercase* phrase ending in a kind word ("data carbon ladder"), which only counts for a name
  written in capitals elsewhere;
- an *anaphor*: "the Navigator", which counts for the name with that kind word in the same note.

`candidate_groups` joins them across notes into candidates.
"""

import re
from dataclasses import dataclass
from functools import cached_property

# Letters and digits, joined by single hyphens, apostrophes, dots or ampersands ("Step-by-Step",
# "OPSI's", "U.S", "R&D"). Each repetition needs a separator, so matching never backtracks.
WORD_RE = re.compile(r"\w+(?:[-'’.&]\w+)*")
# The same words kept by `re.split` between what parts them: [before, word, gap, word, ..., after].
WORD_PIECES_RE = re.compile(f"({WORD_RE.pattern})")
ACRONYM_IN_BRACKETS_RE = re.compile(r"\(\s*([A-Z][A-Za-z&]{1,9})s?\s*\)")
# What an acronym of ASCII text starts with: a capital and a second capital, digit or "&" (NASA, G20,
# R&D), not inside a word. A sentence without one, no kind word and no bracket gives no phrase and is
# not cut into words. The pattern has no lookbehind, which would run at every character: the few
# matches are checked for a word character before them (`_has_acronym_start`).
ACRONYM_START_RE = re.compile(r"[A-Z][A-Z0-9&]")
# Runs of word characters only (no joiners, unlike WORD_RE): `\bword\b` matches exactly where such a
# run is the word, so a set lookup over the runs tells whether a sentence holds a kind word, without
# trying each kind word at every character.
WORD_CHARACTERS_RE = re.compile(r"\w+")


def _words(text):
    return text.split()


# The word a name ends with (or starts with, before "of"/"for") says what kind of record it is.
KIND_WORDS = {
    "toolkit": (
        "toolkit toolbox playbook framework guide guidebook handbook manual navigator kit model canvas "
        "ladder index matrix library methodology act order"
    ),
    "organisation": (
        "lab laboratory centre center ministry office agency department service university institute "
        "commission council bank foundation fund observatory authority academy school organisation "
        "organization association directorate unit government"
    ),
    "programme": "programme program initiative project strategy platform summit incubator accelerator",
    "partnership": "partnership network alliance consortium coalition campus hub",
}
KIND_OF_WORD = {word: kind for kind, words in KIND_WORDS.items() for word in words.split()}
# Kind words that, after "the", stand for a name given earlier in the note ("the Navigator").
ANAPHORS = set(KIND_OF_WORD) - {"government", "service", "order", "act", "index", "model", "unit"}
# A kind word that only says "this is a programme/partnership": "Innovation Incubator Program" and
# "Innovation Incubator" are one name.
GENERIC_TAIL = {"program", "programme", "network", "partnership", "initiative", "project"}
# Lowercase words that may sit inside a name: "Ministry of Finance", "Mohammed bin Rashid Centre".
CONNECTORS = {"of", "for", "on", "bin", "de", "du", "la", "van", "von", "der", "del", "al"}
# "Office of Management and Budget": "and" joins capitalised words once "of" or "for" has been seen.
JOINERS = {"and", "&"}
# Words that start sentences or phrases but never start a name.
LEADING_STOP = frozenset(
    _words("""
    the a an this that these those its it our their his her your my we they he she in on at by for from with
    through under as and but or while when after before during both each every all some many how what why where
    which who whose such also then there here one two three if so to via using within across between
    about into onto since until unlike like key new other another more most several various of not
    """)
)
# Capitals that are not names of records: countries, technologies, currencies and roles.
COMMON_ACRONYMS = frozenset(
    _words("""
    AI US USA UK EU UN UAE IT ICT CEO CIO CTO CX UX UI HR R&D GDP SDG SDGS API APIS IOT ML LLM LLMS PDF KPI KPIS
    NGO NGOS COVID COVID-19 OK TV PHD MBA FAQ AR VR GPU GPUS CPU HPC ID IDS SMS PR Q&A DNA EV EVS IP AB CO2 NLP
    GUI HCD SME SMES B2B B2C G2C ESG IA CSV XML HTML URL RPA BI QR I II III IV V VI
    """)
)
POSSESSIVE_RE = re.compile(r"['’]s$")
MAX_NAME_WORDS = 12
# Stored with every note's hash: a change to these rules makes the next import read every note again.
VERSION = "1"
MAX_LOWERCASE_WORDS = 3


@dataclass(frozen=True)
class Phrase:
    """One use of a name in a sentence: how it was written, its key, role and kind, and where."""

    text: str
    key: str
    role: str  # "name", "definition", "acronym", "lowercase" or "anaphor"
    kind: str  # the kind its words say, "" when they say none
    sentence: str
    seconds: int | None
    heading: bool
    defines: str = ""  # for an acronym in a definition: the key of the name it stands for


def name_key(text):
    """The key a name is known by: case, hyphens, possessives, a leading "the" and a generic tail ignored."""
    words = [word.removesuffix("'s").removesuffix("’s") for word in WORD_RE.findall(text.replace("-", " "))]
    words = [word.casefold() for word in words if word]
    if words and words[0] == "the":
        words = words[1:]
    if len(words) > 1 and words[-1] in GENERIC_TAIL:
        words = words[:-1]
    return " ".join(words)


def _is_capitalised(word):
    # "e-Government", "eGovernment" count as capitalised.
    if word[:1].isupper():
        return True
    return word[:1].islower() and (word[1:2].isupper() or (word[1:2] == "-" and word[2:3].isupper()))


def _is_acronym(word):
    letters = _bare(word)
    return (
        2 <= len(letters) <= 8
        and letters.isupper()
        and letters.replace("&", "").isalnum()
        and letters[:1].isalpha()
        and letters not in COMMON_ACRONYMS
    )


def _bare(word):
    return word.removesuffix("'s").removesuffix("’s")


def _kind(word):
    return KIND_OF_WORD.get(_bare(word).casefold(), "")


@dataclass(frozen=True)
class Run:
    """Consecutive capitalised words (with connectors inside) of a sentence, by word index."""

    start: int
    end: int  # exclusive


def _continues(words, end, start, joined, after_of):
    """Whether the run from `start` goes on with the word at `end`."""
    word = words[end]
    if not joined[end]:
        return False
    if word in ("The", "A", "An"):  # "**User Contributions** The Navigator": a new phrase starts
        return False
    if _is_capitalised(word) or (word.isdigit() and end > start):
        return True
    lowercase_link = word in CONNECTORS or (word in JOINERS and after_of)
    next_capitalised = end + 1 < len(words) and joined[end + 1] and _is_capitalised(words[end + 1])
    return lowercase_link and end > start and next_capitalised


def _runs(words, joined):
    """Every maximal run of capitalised words not parted by punctuation, connectors allowed inside.

    `joined[i]` says whether only spaces part word i from the word before it.
    """
    runs, index = [], 0
    while index < len(words):
        if not _is_capitalised(words[index]):
            index += 1
            continue
        start, end, after_of = index, index + 1, False
        while end < len(words) and words[end - 1] == _bare(words[end - 1]):  # "Portugal's" ends a name
            if not _continues(words, end, start, joined, after_of):
                break
            after_of = after_of or words[end] in ("of", "for")
            end += 1
        runs.append(Run(start, end))
        index = end
    return runs


def _first_word(words, run):
    """Where a name in `run` may start: past stop words, and past a sentence's first word that is a verb or adverb."""
    start = run.start
    if start == 0 and start + 1 < run.end and words[0].endswith(("ed", "ing", "ly")):
        start += 1  # "Using Toolkit Navigator...", "Improved Service..."
    while start < run.end and words[start].casefold() in LEADING_STOP:
        start += 1
    return start


def _trim(words, run):
    """The name inside a run and its kind: stop words dropped, cut after its kind word; None without one.

    "Ministry of Finance" keeps what follows "of"; in "Andrea Snook of UK Policy Lab" only the part
    after "of" is a name.
    """
    if run.end - run.start > 3 * MAX_NAME_WORDS:
        return None, ""  # a title-case paragraph, not a name; also bounds the recursion below
    start = _first_word(words, run)
    head = None
    for index in range(start, run.end):
        word = words[index]
        if word in CONNECTORS or word in JOINERS:
            if head is not None:
                return Run(start, run.end), _kind(words[head])
            if word not in ("of", "for"):
                continue
            after, kind = _trim(words, Run(index + 1, run.end))
            if after is not None and after.end - after.start > 1:
                return after, kind
        elif _kind(word):
            head = index
    if head is None or run.end - start > MAX_NAME_WORDS:
        return None, ""
    return Run(start, head + 1), _kind(words[head])


def _initials_match(acronym, words):
    """Whether `acronym` spells the initials of `words` (connectors may or may not count)."""
    letters = acronym.upper().replace("&", "")

    def match(i, j):
        if j == len(words):
            return i == len(letters)
        word = words[j]
        if word.casefold() in CONNECTORS | {"and", "the", "&"} and match(i, j + 1):
            return True
        initials = word if word.isupper() else word[:1]  # "US Digital Service (USDS)"
        initials = initials.upper().replace("&", "").replace(".", "")
        return letters.startswith(initials, i) and match(i + len(initials), j + 1)

    return bool(letters) and match(0, 0)


def _definition(words, acronym):
    """The shortest run of words just before the bracket whose initials spell `acronym`, or None."""
    for length in range(1, min(len(words), MAX_NAME_WORDS) + 1):
        tail = words[len(words) - length :]
        if not _is_capitalised(tail[0]):
            continue
        if _initials_match(acronym, tail):
            return tail
    return None


class SentencePhrases:
    """The phrases of one sentence."""

    def __init__(self, sentence):
        self.sentence = sentence
        # What comes before the first word, the first word, what parts it from the second... in one
        # call, without a match object per word.
        self.pieces = WORD_PIECES_RE.split(sentence.text)
        self.words = self.pieces[1::2]
        self.found = []

    @cached_property
    def joined(self):
        """Whether only spaces part each word from the one before: punctuation ends a name."""
        return [False] + [not gap.strip() for gap in self.pieces[2:-1:2]]

    def add(self, text, role, kind, defines=""):
        text = POSSESSIVE_RE.sub("", text)
        key = name_key(text)
        if key:
            s = self.sentence
            self.found.append(Phrase(text, key, role, kind, s.text, s.seconds, s.heading, defines))

    def collect(self):
        holds_kind_word = has_kind_word(self.sentence.text)
        named = self._names() if holds_kind_word else set()
        self._definitions()
        self._acronyms(named)
        if holds_kind_word:
            self._lowercase()
        return self.found

    def _names(self):
        """Adds the names (and anaphors) of the sentence's runs; returns the indexes of the names' words."""
        named = set()
        for run in _runs(self.words, self.joined):
            name, kind = _trim(self.words, run)
            if name is None:
                continue
            if name.end - name.start == 1:
                self._anaphor(name, kind)
                continue
            named.update(range(name.start, name.end))
            self.add(" ".join(self.words[name.start : name.end]), "name", kind)
        return named

    def _anaphor(self, name, kind):
        # "The Navigator", "the Framework": a name already given in the note, said again shortly.
        word = _bare(self.words[name.start]).casefold()
        if word in ANAPHORS and name.start > 0 and self.words[name.start - 1].casefold() == "the":
            self.add(self.words[name.start], "anaphor", kind)

    def _definitions(self):
        text = self.sentence.text
        for match in ACRONYM_IN_BRACKETS_RE.finditer(text):
            acronym = match.group(1)
            if not _is_acronym(acronym):
                continue
            before = WORD_RE.findall(text[max(0, match.start() - 300) : match.start()])
            words = _definition(before, acronym)
            if words:
                name = " ".join(words)
                kind = next((_kind(w) for w in reversed(words) if _kind(w)), "")
                self.add(name, "definition", kind)
                self.add(acronym, "acronym", kind, defines=name_key(name))

    def _acronyms(self, named):
        defined = {p.text for p in self.found if p.role == "acronym"}
        for index, word in enumerate(self.words):
            # Most words start in lowercase, which no acronym does: the cheapest test first.
            if word[:1].islower() or index in named:
                continue
            if _is_acronym(word) and _bare(word) not in defined:
                self.add(_bare(word), "acronym", "")

    def _lowercase(self):
        # "the data carbon ladder": up to three lowercase words before a lowercase kind word.
        for index, word in enumerate(self.words):
            if not word.islower() or not _kind(word) or word.endswith("s") and _bare(word) not in KIND_OF_WORD:
                continue
            start = index
            while start > 0 and index - start < MAX_LOWERCASE_WORDS:
                previous = self.words[start - 1]
                if not previous.islower() or previous in LEADING_STOP:
                    break
                start -= 1
            for first in range(start, index):
                self.add(" ".join(self.words[first : index + 1]), "lowercase", _kind(word))
            if index > 0 and self.words[index - 1] == "the" and _bare(word) in ANAPHORS:
                self.add(word, "anaphor", _kind(word))


def has_kind_word(text):
    """Whether `text` holds a kind word, in any case. Names, anaphors and lowercase phrases all need one,
    so a sentence without (most of them) skips those rules' walk over its words."""
    return not KIND_OF_WORD.keys().isdisjoint(WORD_CHARACTERS_RE.findall(text.casefold()))


def _has_acronym_start(text):
    """Whether an ASCII `text` holds the start of an acronym that is not inside a word."""
    return any(
        start == 0 or not (text[start - 1].isalnum() or text[start - 1] == "_")
        for start in (match.start() for match in ACRONYM_START_RE.finditer(text))
    )


def may_have_phrases(text):
    """False for a sentence no rule can find a phrase in: most sentences, told apart without cutting them into words."""
    if not text.isascii() or "(" in text or _has_acronym_start(text):
        return True
    return has_kind_word(text)


def phrases_of(sentences):
    """Every phrase of a note's sentences that may name a toolkit, organisation, programme or partnership."""
    found = []
    for sentence in sentences:
        # Headings are in title case: every word capitalised, names and common words alike.
        if not sentence.heading and may_have_phrases(sentence.text):
            found.extend(SentencePhrases(sentence).collect())
    return found
