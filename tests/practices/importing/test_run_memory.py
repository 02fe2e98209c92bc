"""What an import holds and does for a large vault: memory in bytes and notes parsed, never seconds."""

import os
import random
import subprocess
import sys
import tracemalloc
from pathlib import Path
from types import SimpleNamespace

import pytest

from benchmarks.dataset import write_vault
from practices.importing import changes, import_notes, run, workers
from practices.importing.candidate_store import refresh_candidates
from practices.models import CandidateEvidence, Practice, ReferenceCandidate
from tests import factories
from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.django_db


def peak_bytes(action):
    """The most memory Python held at once while `action` ran, above what it held before."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        action()
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


def vault(folder, count):
    """The benchmark's real-shaped notes (11 KB on average, nine a video); returns their run keys."""
    return [f"benchmark_channel/{key}" for key in write_vault(folder, count)]


def count_parses(monkeypatch):
    """A list that grows by the note key each time the run parses a note."""
    parsed = []
    for module in (run, changes, workers):
        original = module.parse_note

        def counting(key, *args, _original=original, **kwargs):
            parsed.append(key)
            return _original(key, *args, **kwargs)

        monkeypatch.setattr(module, "parse_note", counting)
    return parsed


# Set in the fresh process that `test_a_large_vault_is_measured_alone` starts.
ALONE = "OPSI_MEASURE_MEMORY_ALONE"


def test_a_large_vault_is_measured_alone():
    """Runs the dry-run measurement below in a fresh pytest process, on SQLite.

    tracemalloc counts every thread's allocations: inside the whole suite, what earlier tests leave
    running (live servers, workers) counted too and made the peak grow with the run's length.
    """
    if os.environ.get(ALONE):
        pytest.skip("this is the fresh process")
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"} | {ALONE: "1"}
    node = f"{Path(__file__).relative_to(PROJECT_ROOT)}::test_a_dry_run_of_four_times_the_notes_holds_about_as_much"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", node]
    finished = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600)  # noqa: S603
    assert finished.returncode == 0 and "2 passed" in finished.stdout, finished.stdout[-3000:]


@pytest.mark.skipif(not os.environ.get(ALONE), reason="measured alone by test_a_large_vault_is_measured_alone")
@pytest.mark.parametrize("workers_count", [1, 2])
def test_a_dry_run_of_four_times_the_notes_holds_about_as_much(tmp_path, monkeypatch, settings, workers_count):
    # Notes are read again and parsed a batch at a time: what a run holds grows with a batch, not
    # with the vault. The notes are the benchmark's real-shaped ones (11 KB on average). With worker
    # processes, the batch after the one being written is in the pool meanwhile.
    monkeypatch.setattr(run, "BATCH_NOTES", 20)
    monkeypatch.setattr(workers, "MIN_NOTES_FOR_POOL", 0)
    settings.IMPORT_WORKERS = workers_count
    small, large = tmp_path / "small", tmp_path / "large"
    small.mkdir()
    large.mkdir()
    vault(small, 60)
    vault(large, 240)
    import_notes([small], dry_run=True)  # caches that fill once (regular expressions, Markdown) are full
    small_peak = peak_bytes(lambda: import_notes([small], dry_run=True))
    large_peak = peak_bytes(lambda: import_notes([large], dry_run=True))
    # What stays of each note meanwhile (key, file, hash, links) is a fraction of its text;
    # holding every note's text and parse, as the import did before, took 3.5 times as much in all.
    assert (large_peak - small_peak) / 180 < 8_000, (small_peak, large_peak)
    assert large_peak < 2 * small_peak, (small_peak, large_peak)


def test_an_unchanged_reimport_parses_no_note(tmp_path, monkeypatch):
    vault(tmp_path, 12)
    assert len(import_notes([tmp_path]).created) == 12
    parsed = count_parses(monkeypatch)
    result = import_notes([tmp_path])
    assert len(result.unchanged) == 12 and not result.created and not result.updated
    assert parsed == []


def test_a_reimport_parses_the_changed_note_and_its_videos_other_notes_only(tmp_path, monkeypatch):
    keys = vault(tmp_path, 12)  # nine notes a video: notes 0-8 share one, 9-11 another
    import_notes([tmp_path])
    parsed = count_parses(monkeypatch)
    changed = tmp_path / f"{keys[10].rsplit('/', 1)[1]}.md"
    changed.write_text(changed.read_text() + "\nOne more sentence.\n")
    result = import_notes([tmp_path])
    assert result.updated == [keys[10]] and len(result.unchanged) == 11
    # The changed note, and the other notes of its video for where the video ends (timestamp scale).
    assert sorted(parsed) == sorted(keys[9:12])


def test_notes_are_written_in_batches_in_the_order_of_the_vault(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "BATCH_NOTES", 4)
    batches = []
    write = run.Importer.write

    def recording(self, notes, *args):
        batches.append(list(notes))
        return write(self, notes, *args)

    monkeypatch.setattr(run.Importer, "write", recording)
    keys = vault(tmp_path, 12)
    result = import_notes([tmp_path])
    # A video's nine notes stay together, past the batch size; every note is written once, in order.
    assert batches == [keys[:9], keys[9:]]
    assert result.created == keys and Practice.objects.count() == 12


def test_the_first_and_last_batches_are_small_so_neither_end_of_the_pipeline_waits_long():
    # 2,000 notes of a video each, and one video of 300 notes (more than a batch) in the middle.
    hints = [f"video {n}" for n in range(1000)] + ["long video"] * 300 + [f"video {n}" for n in range(1000, 1700)]
    keys = [f"note {n}" for n in range(len(hints))]
    vault = SimpleNamespace(
        notes={key: SimpleNamespace(video_hint=hint) for key, hint in zip(keys, hints, strict=True)}
    )

    found = list(run.batches(keys, vault))

    sizes = [len(batch) for batch in found]
    assert sizes[:4] == [32, 64, 128, 256], sizes
    assert sizes[-3] <= run.BATCH_NOTES // 4 and max(sizes[-2:]) <= run.SMALLEST_BATCH, sizes
    assert 300 in sizes and max(size for size in sizes if size != 300) == run.BATCH_NOTES
    assert [key for batch in found for key in batch] == keys  # each note once, in order
    assert any(set(batch) == set(keys[1000:1300]) for batch in found)  # the long video whole


def evidence(practice, count, seed):
    rng = random.Random(seed)
    names = [f"Name{n} Toolkit" for n in range(50)]
    for n in range(count):
        name = rng.choice(names)
        sentence = f"Sentence {seed}-{n} names the {name}. " + "Words of a long sentence. " * 38
        yield CandidateEvidence(
            practice=practice, phrase=name, key=name.lower(), role="name", kind="toolkit", sentence=sentence
        )


def regrouping_peak(phrases):
    CandidateEvidence.objects.all().delete()
    ReferenceCandidate.objects.all().delete()
    practices = list(Practice.objects.all())
    rows = [row for n, practice in enumerate(practices) for row in evidence(practice, phrases // len(practices), n)]
    CandidateEvidence.objects.bulk_create(rows)
    peak = peak_bytes(refresh_candidates)
    assert ReferenceCandidate.objects.count() == 50
    assert not CandidateEvidence.objects.filter(candidate__isnull=True).exists()
    return peak


def test_regrouping_candidates_holds_no_sentence_text():
    for n in range(40):
        factories.practice(slug=f"p{n}")
    small, large = regrouping_peak(1_000), regrouping_peak(4_000)
    # Each phrase's sentence is 1 KB: holding them would take 1 KB more for each phrase more.
    assert large - small < 3_000 * 400, (small, large)


def test_lowercase_phrases_count_only_where_they_spell_a_name():
    practice = factories.practice(slug="p")
    sentence = "The Data Ladder Toolkit and the data ladder toolkit and a kamilo toolkit."
    phrases = [("Data Ladder Toolkit", "name"), ("data ladder toolkit", "lowercase"), ("kamilo toolkit", "lowercase")]
    CandidateEvidence.objects.bulk_create(
        CandidateEvidence(practice=practice, phrase=p, key=p.lower(), role=role, kind="toolkit", sentence=sentence)
        for p, role in phrases
    )
    refresh_candidates()
    candidate = ReferenceCandidate.objects.get()
    counted = dict(CandidateEvidence.objects.values_list("phrase", "candidate"))
    assert counted == {"Data Ladder Toolkit": candidate.pk, "data ladder toolkit": candidate.pk, "kamilo toolkit": None}
    # Once the name is gone, its lowercase spelling counts for nothing either.
    CandidateEvidence.objects.filter(role="name").delete()
    refresh_candidates()
    assert not CandidateEvidence.objects.filter(candidate__isnull=False).exists()


def test_equally_used_spellings_name_a_candidate_as_the_newest_practice_spells_it():
    """Ties go to the phrase read first: the rows are read unordered, then put in the list's order."""
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    # The older practice and its phrase come first by id: only the list's order puts the newer first.
    older = factories.practice(slug="older", published_at=now - timedelta(days=30))
    newer = factories.practice(slug="newer", published_at=now)
    for practice, spelling in ((older, "Data Ladder toolkit"), (newer, "Data Ladder Toolkit")):
        CandidateEvidence.objects.create(
            practice=practice, phrase=spelling, key="data ladder toolkit", role="name", kind="toolkit", sentence="S."
        )
    refresh_candidates()
    assert ReferenceCandidate.objects.get().name == "Data Ladder Toolkit"
