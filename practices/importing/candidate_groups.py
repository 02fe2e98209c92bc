"""Candidates from the phrases of every note: variants joined, counted and named.

Plain functions, no database. Phrases (see `candidates`) are joined into one candidate when the
text ties them:
- an acronym defined for a name anywhere ("Common Assessment Framework (CAF)") joins that name,
  and every use of the acronym counts for it;
- a name that ends another name found in the same note ("Toolkit Navigator" beside "OPSI Toolkit
  Navigator") joins it;
- a lowercase phrase counts for the name it spells ("data carbon ladder");
- "the Navigator" counts for the name ending in Navigator in the same note.
Names differing in case, hyphens, a possessive or a generic tail ("... Program") share a key already.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

# An acronym nobody defined becomes a candidate only when this many notes use it.
MIN_NOTES_FOR_BARE_ACRONYM = 2
NAME_ROLES = ("name", "definition")


@dataclass(frozen=True, slots=True)
class Row:
    """One stored phrase: its id, the practice it was found in, and what `candidates.Phrase` says of it.

    `sentence` only needs to be equal for equal sentences: the store gives a hash, not the text.
    `candidate` is the id of the candidate the phrase counts for now, if any.
    """

    pk: int
    practice: int
    key: str
    text: str
    role: str
    kind: str
    defines: str
    sentence: object
    candidate: int | None = None


@dataclass
class Group:
    """One candidate: its key and name, kind, every key and spelling it goes by, and its phrases."""

    key: str
    name: str
    kind: str
    keys: list
    variants: list
    rows: list = field(default_factory=list)  # the Row of every phrase that counts for it
    notes: int = 0
    sentences: int = 0


class UnionFind:
    def __init__(self):
        self.parent = {}

    def find(self, key):
        root = key
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while key != root:  # flatten the path so later look-ups are direct
            self.parent[key], key = root, self.parent.get(key, key)
        return root

    def union(self, a, b):
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[root_b] = root_a


class Grouping:
    """The candidates of a set of rows; see the module docstring."""

    def __init__(self, rows):
        self.rows = rows
        self.practices = defaultdict(set)  # key -> practices using it as a name
        for row in rows:
            if row.role in NAME_ROLES:
                self.practices[row.key].add(row.practice)
        self.names = set(self.practices)
        self.sets = UnionFind()

    def groups(self):
        self._join_acronyms()
        self._join_suffixes()
        members = self._members()
        return sorted(
            (group for group in (self._group(rows) for rows in members.values()) if group),
            key=lambda g: (-g.notes, -g.sentences, g.name),
        )

    def _join_acronyms(self):
        defined = defaultdict(Counter)
        for row in self.rows:
            if row.role == "acronym" and row.defines in self.names:
                defined[row.key][row.defines] += 1
        for acronym, names in defined.items():
            self.sets.union(names.most_common(1)[0][0], acronym)

    def _join_suffixes(self):
        # Each name under every shorter name it ends with ("opsi toolkit navigator" under
        # "toolkit navigator"), so each name finds its longer forms at once.
        longer = defaultdict(list)
        for name in self.names:
            words = name.split(" ")
            for start in range(1, len(words) - 1):
                longer[" ".join(words[start:])].append(name)
        for name in self.names:
            forms = longer.get(name, ())
            shared = [(len(self.practices[name] & self.practices[other]), other) for other in forms]
            best = max(shared, default=(0, ""))
            # Without a shared note, one longer form with a single word more ("OPSI ...") is still the same.
            one_more = [other for other in forms if other.count(" ") == name.count(" ") + 1]
            if best[0]:
                self.sets.union(best[1], name)
            elif len(one_more) == 1:
                self.sets.union(one_more[0], name)

    def _members(self):
        """Rows by the root of their set; lowercase phrases only where they spell a name, anaphors later."""
        acronym_notes = defaultdict(set)
        for row in self.rows:
            if row.role == "acronym":
                acronym_notes[row.key].add(row.practice)
        members = defaultdict(list)
        anaphors = []
        for row in self.rows:
            if row.role == "anaphor":
                anaphors.append(row)
            elif row.role == "lowercase" and row.key not in self.names:
                continue
            elif row.role == "acronym" and not self._joined(row.key):
                if len(acronym_notes[row.key]) >= MIN_NOTES_FOR_BARE_ACRONYM:
                    members[row.key].append(row)
            else:
                members[self.sets.find(row.key)].append(row)
        self._attach_anaphors(anaphors, members)
        return members

    def _joined(self, key):
        return self.sets.find(key) != key or key in self.names

    def _attach_anaphors(self, anaphors, members):
        """ "the Navigator" counts for the name ending in Navigator that its note uses most."""
        by_practice_head = defaultdict(Counter)
        for root, rows in members.items():
            for row in rows:
                if row.role in NAME_ROLES:
                    by_practice_head[(row.practice, row.key.rsplit(" ", 1)[-1])][root] += 1
        for row in anaphors:
            roots = by_practice_head.get((row.practice, row.key))
            if roots:
                members[roots.most_common(1)[0][0]].append(row)

    def _group(self, rows):
        named = [row for row in rows if row.role in NAME_ROLES] or [row for row in rows if row.role == "acronym"]
        if not named:
            return None
        notes_by_key = defaultdict(set)
        for row in named:
            notes_by_key[row.key].add(row.practice)
        key = max(notes_by_key, key=lambda k: (len(notes_by_key[k]), len(k)))
        name = Counter(row.text for row in named if row.key == key).most_common(1)[0][0]
        kinds = Counter(row.kind for row in named if row.kind)
        return Group(
            key=key,
            name=name,
            kind=kinds.most_common(1)[0][0] if kinds else "organisation",
            keys=sorted({row.key for row in rows}),
            variants=_variants(rows, name),
            rows=rows,
            notes=len({row.practice for row in rows}),
            sentences=len({(row.practice, row.sentence) for row in rows}),
        )


def _variants(rows, name):
    """Every other spelling, most used first; a short reference is written as used ("the Navigator")."""
    spellings = Counter()
    for row in rows:
        spellings[f"the {row.text}" if row.role == "anaphor" else row.text] += 1
    seen, variants = {name}, []
    for text, _ in spellings.most_common():
        if text not in seen:
            seen.add(text)
            variants.append(text)
    return variants


def group_rows(rows):
    """The candidates of `rows` (`Row`s of every note), most named first."""
    return Grouping(rows).groups()
