"""How good the reference candidates are: compared with a hand-made list of the names a vault uses.

The list (tests/data/reference_truth.json for the sample vault) gives, per kind, each record's name
and variants; a candidate a curator would accept is one whose name or variants meet an entry's.
"""

import json
import time
from dataclasses import dataclass
from pathlib import Path

from practices.importing.candidate_groups import Row, group_rows
from practices.importing.candidates import name_key, phrases_of
from practices.importing.files import collect_files
from practices.importing.parser import NoteError, parse_note
from practices.importing.sentences import sentences_of

KINDS = ("toolkit", "organisation", "programme", "partnership")
TOP = 50


@dataclass
class Quality:
    candidates: int
    acceptable: int
    truth_found: int
    truth_total: int
    top: int
    top_acceptable: int
    seconds: float
    notes: int

    @property
    def top_precision(self):
        return self.top_acceptable / self.top if self.top else 0.0


def truth_entries(path):
    """Each hand-listed record as the set of keys of its name and variants."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [{name_key(text) for text in [entry["name"], *entry["variants"]]} for kind in KINDS for entry in data[kind]]


def acceptable(group, entries):
    """The index of the hand-listed record the candidate names, or None."""
    keys = set(group.keys) | {name_key(text) for text in [group.name, *group.variants]}
    return next((index for index, entry in enumerate(entries) if keys & entry), None)


def vault_rows(paths, copies=1):
    """The phrases of every topic note under `paths`, each note counted `copies` times as distinct notes."""
    files, _ = collect_files(paths)
    rows, practice = [], 0
    for path in files:
        try:
            note = parse_note(path.stem, path.read_text(encoding="utf-8"), file=str(path))
        except (NoteError, UnicodeDecodeError):
            continue
        if note.is_index:
            continue
        phrases = phrases_of(sentences_of(note.body))
        for _ in range(copies):
            practice += 1
            rows += [
                Row(len(rows) + i, practice, p.key, p.text, p.role, p.kind, p.defines, p.sentence)
                for i, p in enumerate(phrases)
            ]
    return rows, practice


def measure(paths, truth_path, copies=1):
    """Discover the candidates of a vault (without a database) and compare them with the truth list."""
    start = time.perf_counter()
    rows, notes = vault_rows(paths, copies)
    groups = group_rows(rows)
    seconds = time.perf_counter() - start
    entries = truth_entries(truth_path)
    matches = [acceptable(group, entries) for group in groups]
    return (
        Quality(
            candidates=len(groups),
            acceptable=sum(m is not None for m in matches),
            truth_found=len({m for m in matches if m is not None}),
            truth_total=len(entries),
            top=min(TOP, len(groups)),
            top_acceptable=sum(m is not None for m in matches[:TOP]),
            seconds=seconds,
            notes=notes,
        ),
        groups,
        matches,
    )
