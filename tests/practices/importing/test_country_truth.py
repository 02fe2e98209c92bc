"""Precision and recall of country strength on the team's hand-checked set of sample notes.

`tests/data/country_truth.json` lists, for 48 notes of the sample vault, the countries each is
about and those it only mentions (its "rules" say how they were judged); codes in a note's
"ambiguous" list are left out of the scoring. Run with `-s` to see the figures (README, "Countries").
Skipped where ../shared/notes/opsi is absent.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from practices.importing import import_notes
from practices.models import CountryMention, Strength

pytestmark = [pytest.mark.django_db, pytest.mark.shared_notes]

TRUTH = Path(__file__).resolve().parents[2] / "data" / "country_truth.json"
# The target for both levels.
TARGET = 0.95


@dataclass
class Score:
    """Counts of one level over every note: found and right, found but wrong, missed."""

    hits: int = 0
    wrong: int = 0
    missed: int = 0

    def add(self, found, expected):
        self.hits += len(found & expected)
        self.wrong += len(found - expected)
        self.missed += len(expected - found)

    @property
    def precision(self):
        return self.hits / ((self.hits + self.wrong) or 1)

    @property
    def recall(self):
        return self.hits / ((self.hits + self.missed) or 1)


def detected_by_note():
    """note key -> (codes the practice is about, every code it names)."""
    result = {}
    for key, code, strength in CountryMention.objects.values_list("practice__note_key", "country__code", "strength"):
        about, named = result.setdefault(key, (set(), set()))
        named.add(str(code))
        if strength == Strength.ABOUT:
            about.add(str(code))
    return result


def score(truth, detected):
    about, named = Score(), Score()
    for key, expected in truth.items():
        left_out = set(expected.get("ambiguous") or ())
        found_about, found_named = detected.get(key, (set(), set()))
        about.add(found_about - left_out, set(expected["about"]) - left_out)
        named.add(found_named - left_out, (set(expected["about"]) | set(expected["mentions"])) - left_out)
    return about, named


def test_country_strength_meets_the_target_on_the_hand_checked_notes(shared_notes):
    truth = json.loads(TRUTH.read_text(encoding="utf-8"))["notes"]
    assert len(truth) >= 40
    assert all((shared_notes / f"{key}.md").is_file() for key in truth)
    result = import_notes([shared_notes])
    assert not result.failed
    about, named = score(truth, detected_by_note())
    print(f"\n{'level':<18} {'precision':>9} {'recall':>7}  (notes: {len(truth)})")
    print(f"{'about':<18} {about.precision:>9.3f} {about.recall:>7.3f}  {about}")
    print(f"{'about + mentions':<18} {named.precision:>9.3f} {named.recall:>7.3f}  {named}")
    assert min(about.precision, about.recall, named.precision, named.recall) >= TARGET
