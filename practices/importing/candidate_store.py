"""Reference candidates in the database: each note's phrases replaced as it is written, candidates regrouped after.

`replace_evidence` runs once a batch of notes is written; `refresh_candidates` once a run has
written something. A candidate keeps its row (and a curator's decision) while any of the names it went by
is still found: a rejected candidate is never proposed again, an accepted one keeps its record.
"""

from django.db import connection, transaction
from django.db.models import QuerySet

from ..models import CandidateEvidence, Practice, ReferenceCandidate
from .candidate_groups import NAME_ROLES, Row, group_rows
from .copying import copy_rows

PHRASE_LENGTH = CandidateEvidence._meta.get_field("phrase").max_length
KEY_LENGTH = CandidateEvidence._meta.get_field("key").max_length
NAME_LENGTH = ReferenceCandidate._meta.get_field("name").max_length
# A hostile note (one "sentence" of a megabyte naming thousands of things) stores bounded evidence.
MAX_SENTENCE = 1000
MAX_PHRASES_PER_NOTE = 2000
# SQLite accepts at most this many values in one statement on old builds.
CHUNK = 900
# The columns `replace_evidence` writes, in the order of its rows; the candidate is set by regrouping.
EVIDENCE_COLUMNS = ("practice_id", "phrase", "key", "role", "kind", "defines", "sentence", "seconds")
# Rows of phrases inserted by one statement: `CHUNK` values at most.
ROWS_PER_INSERT = CHUNK // len(EVIDENCE_COLUMNS)
# Phrases fetched at once while regrouping: the sentence texts of one fetch are all it holds of them.
ROWS_PER_FETCH = 500


def replace_evidence(found):
    """Notes' phrases (`candidates.phrases_of`), replacing what earlier imports found in their practices.

    `found` holds (practice id, phrases, whether the practice is new: it has none to delete).
    """
    stale = [pk for pk, _, created in found if not created]
    for start in range(0, len(stale), CHUNK):
        CandidateEvidence.objects.filter(practice_id__in=stale[start : start + CHUNK]).delete()
    rows = [
        (
            practice_pk,
            phrase.text[:PHRASE_LENGTH],
            phrase.key[:KEY_LENGTH],
            phrase.role,
            phrase.kind,
            phrase.defines[:KEY_LENGTH],
            excerpt(phrase.sentence, phrase.text),
            phrase.seconds,
        )
        for practice_pk, phrases, _ in found
        for phrase in phrases[:MAX_PHRASES_PER_NOTE]
    ]
    _insert_evidence(rows)


def _insert_evidence(rows):
    """Insert plain rows of `EVIDENCE_COLUMNS`: a COPY on PostgreSQL, elsewhere `ROWS_PER_INSERT` a statement.

    `bulk_create` would build a model instance and convert each value of every row (nine phrases a
    note): most of what storing them cost the importer's process.
    """
    if connection.vendor == "postgresql":
        copy_rows(CandidateEvidence._meta.db_table, EVIDENCE_COLUMNS, rows)
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in EVIDENCE_COLUMNS)
    marks = "(" + ", ".join(["%s"] * len(EVIDENCE_COLUMNS)) + ")"
    table = quote(CandidateEvidence._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), ROWS_PER_INSERT):
            chunk = rows[start : start + ROWS_PER_INSERT]
            values = ", ".join([marks] * len(chunk))
            insert = f"INSERT INTO {table} ({columns}) VALUES {values}"  # noqa: S608 (names and placeholders only)
            cursor.execute(insert, [value for row in chunk for value in row])


def excerpt(sentence, phrase):
    """The sentence, or around the phrase when a run-on "sentence" is too long to store for every name in it."""
    if len(sentence) <= MAX_SENTENCE:
        return sentence
    at = max(0, sentence.find(phrase) - MAX_SENTENCE // 2)
    return "…" + sentence[at : at + MAX_SENTENCE] + "…"


def _rows():
    """Every stored phrase that may count for a candidate, as a small `Row`; and the ids of those that cannot.

    The rows stream from the database; what stays per phrase is a few pointers and two numbers (its
    sentence as a hash, repeated strings and ids shared), so regrouping holds no sentence text. A
    lowercase phrase that spells no name counts for nothing (`candidate_groups`): only its id is
    kept, when it still points at a candidate.
    """
    # Unordered: the evidence's default order joins every phrase to its practice and sorts them by
    # the practices' titles in the database (most of a run's regrouping time); `_in_practice_order`
    # puts the rows in that order afterwards, from the practices alone.
    evidence = CandidateEvidence.objects.order_by()
    names = set(evidence.filter(role__in=NAME_ROLES).values_list("key", flat=True).distinct())
    fields = ("pk", "practice_id", "key", "phrase", "role", "kind", "defines", "sentence", "candidate_id")
    shared = {}
    rows, stale = [], []
    for pk, practice, key, phrase, role, kind, defines, sentence, candidate in evidence.values_list(*fields).iterator(
        chunk_size=ROWS_PER_FETCH
    ):
        if role == "lowercase" and key not in names:
            if candidate is not None:
                stale.append(pk)
            continue
        strings = (shared.setdefault(value, value) for value in (practice, key, phrase, role, kind, defines))
        rows.append(Row(pk, *strings, hash(sentence), candidate))
    rows.sort(key=_in_practice_order())
    return rows, stale


def _in_practice_order():
    """A sort key putting rows in the evidence's default order: by practice as the list shows them, then by id.

    Grouping breaks ties between equally used spellings by which comes first, so the order stays
    the one candidates were always named by. A practice created since it was read comes last.
    """
    # A plain QuerySet: modeltranslation's manager would order by the active language's title.
    in_order = QuerySet(Practice).values_list("pk", flat=True)
    position = {pk: n for n, pk in enumerate(in_order)}
    last = len(position)
    return lambda row: (position.get(row.practice, last), row.pk)


class Matcher:
    """Finds the stored candidate of each group: same key, else one that went by one of its keys."""

    def __init__(self, candidates):
        self.by_key = {}
        for candidate in candidates:
            for key in [candidate.key, *candidate.keys]:
                self.by_key.setdefault(key, candidate)
        self.taken = set()

    def find(self, group):
        exact = self.by_key.get(group.key)
        if exact is not None:
            return exact
        for key in group.keys:
            candidate = self.by_key.get(key)
            if candidate is not None and candidate.pk not in self.taken:
                return candidate
        return None


def _update(candidate, group):
    """Bring a stored candidate up to its group; True when something changed."""
    decided = candidate.status != ReferenceCandidate.Status.PROPOSED
    keys = sorted(set(candidate.keys) | set(group.keys)) if decided else group.keys
    values = {
        "keys": keys,
        "variants": group.variants,
        "note_count": group.notes,
        "sentence_count": group.sentences,
    }
    proposed = group.name[:NAME_LENGTH]
    if not decided and candidate.name == candidate.found_name:
        values["name"] = proposed  # a curator's spelling stays
    values["found_name"] = proposed
    changed = {name: value for name, value in values.items() if getattr(candidate, name) != value}
    for name, value in changed.items():
        setattr(candidate, name, value)
    return bool(changed)


@transaction.atomic
def refresh_candidates():
    """Regroup every stored phrase into candidates, writing only what changed; returns the counts."""
    rows, stale = _rows()
    stored = list(ReferenceCandidate.objects.all())
    matcher = Matcher(stored)
    changed, created, assigned = [], [], []
    for group in group_rows(rows):
        candidate = matcher.find(group)
        if candidate is None:
            candidate = ReferenceCandidate(key=group.key[:KEY_LENGTH], kind=group.kind, keys=[], variants=[])
            matcher.by_key[candidate.key] = candidate
            created.append(candidate)
            _update(candidate, group)
        elif _update(candidate, group) and candidate.pk not in matcher.taken:
            changed.append(candidate)
        if candidate.pk is not None:
            matcher.taken.add(candidate.pk)
        assigned.append((candidate, group.rows))
    ReferenceCandidate.objects.bulk_create(created)
    fields = ["name", "found_name", "keys", "variants", "note_count", "sentence_count"]
    ReferenceCandidate.objects.bulk_update(changed, fields)
    _forget_unnamed(stored, matcher.taken)
    _assign(rows, assigned, stale)
    return len(created), len(changed)


def _forget_unnamed(stored, found):
    """Proposed candidates no note names any more go; decided ones stay (with no evidence) to be remembered."""
    gone = [c for c in stored if c.pk not in found]
    ReferenceCandidate.objects.filter(
        pk__in=[c.pk for c in gone if c.status == ReferenceCandidate.Status.PROPOSED]
    ).delete()
    silent = [c.pk for c in gone if c.status != ReferenceCandidate.Status.PROPOSED and c.note_count]
    ReferenceCandidate.objects.filter(pk__in=silent).update(note_count=0, sentence_count=0)


def _assign(rows, assigned, stale):
    """Point each phrase at its candidate, touching only the rows whose candidate changed.

    `assigned` pairs each candidate with the rows that count for it; the other rows, and the
    phrases of `stale` ids, count for none.
    """
    moves = {None: list(stale)} if stale else {}
    counted = set()
    for candidate, members in assigned:
        for row in members:
            counted.add(row.pk)
            if row.candidate != candidate.pk:
                moves.setdefault(candidate.pk, []).append(row.pk)
    for row in rows:
        if row.candidate is not None and row.pk not in counted:
            moves.setdefault(None, []).append(row.pk)
    for target_pk, pks in moves.items():
        for start in range(0, len(pks), CHUNK):
            CandidateEvidence.objects.filter(pk__in=pks[start : start + CHUNK]).update(candidate_id=target_pk)
