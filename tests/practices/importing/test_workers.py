"""Notes parsed and rendered in worker processes give the same practices as in the importer's own process."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.dataset import write_vault
from practices.importing import import_notes, workers
from practices.models import CandidateEvidence, CountryMention, Practice, ReferenceCandidate, Theme, Video
from tests.conftest import FIXTURE_NOTES, PROJECT_ROOT

pytestmark = pytest.mark.django_db

SEED_NAME = "sharing_and_disseminating_innovative_practices"


@pytest.fixture
def vault(tmp_path, seed):
    folder = tmp_path / "vault"
    folder.mkdir()
    write_vault(folder, 12)
    shutil.copy(FIXTURE_NOTES / f"{SEED_NAME}.md", folder)
    # A note that cannot be parsed: reported the same way from a worker.
    (folder / "broken.md").write_text("---\ntitle: never closed\nText.\n", encoding="utf-8")
    return folder


@pytest.fixture
def pools(monkeypatch):
    """Every ProcessPoolExecutor the run starts, and a pool even for a vault this small."""
    started = []

    class Counted(workers.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            started.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(workers, "ProcessPoolExecutor", Counted)
    monkeypatch.setattr(workers, "MIN_NOTES_FOR_POOL", 0)
    return started


def imported():
    """What the import wrote, without database ids."""
    practices = Practice.objects.order_by("note_key")
    return {
        "practices": list(practices.values_list("note_key", "slug", "title", "summary", "body_markdown", "body_html")),
        "themes": sorted(Theme.objects.values_list("slug", "themed_items__content_object__note_key")),
        "countries": sorted(
            CountryMention.objects.values_list("practice__note_key", "country__code", "strength", "sentence", "moments")
        ),
        "evidence": sorted(
            CandidateEvidence.objects.values_list("practice__note_key", "phrase", "role", "sentence", "seconds")
        ),
        "links": sorted(Practice.links_to.through.objects.values_list("from_practice__slug", "to_practice__slug")),
        "candidates": sorted(ReferenceCandidate.objects.values_list("key", "note_count", "sentence_count")),
    }


def forget_everything():
    Practice.objects.all().delete()
    Theme.objects.all().delete()
    ReferenceCandidate.objects.all().delete()
    Video.objects.all().delete()


def outcome(result):
    return sorted(result.created), sorted(result.failed), sorted((p.file, p.kind) for p in result.problems)


def test_two_workers_import_what_one_process_imports(vault, settings, pools):
    settings.IMPORT_WORKERS = 1
    alone = import_notes([vault])
    written_alone = imported()
    assert not pools
    forget_everything()

    settings.IMPORT_WORKERS = 2
    pooled = import_notes([vault])
    assert len(pools) == 1
    assert imported() == written_alone
    assert outcome(pooled) == outcome(alone)
    assert len(alone.created) == 13
    assert alone.failed == ["broken"]
    assert any('href="/practices/' in html for *_, html in written_alone["practices"])


def test_a_reimport_after_a_pooled_import_writes_nothing(vault, settings, pools):
    settings.IMPORT_WORKERS = 2
    import_notes([vault])
    before = imported()
    result = import_notes([vault])
    assert len(result.unchanged) == 13
    assert not result.created and not result.updated
    assert imported() == before


def test_a_small_vault_is_imported_without_a_pool(vault, settings, monkeypatch):
    started = []
    monkeypatch.setattr(workers, "ProcessPoolExecutor", lambda *args, **kwargs: started.append(args))
    settings.IMPORT_WORKERS = 2
    result = import_notes([vault])
    assert len(result.created) == 13
    assert not started


def test_workers_are_none_by_default_and_one_per_cpu_on_request(settings, monkeypatch):
    monkeypatch.setattr(workers.os, "cpu_count", lambda: 6)
    del settings.IMPORT_WORKERS
    assert workers.worker_count() == 1
    settings.IMPORT_WORKERS = 0
    assert workers.worker_count() == 6
    settings.IMPORT_WORKERS = 1
    assert workers.worker_count() == 1


def test_workers_never_start_as_a_fork_of_the_importer():
    # The importer may be a threaded web process; a fork would copy locks other threads hold.
    assert workers._context().get_start_method() == "spawn"


def inserts_into(queries, table):
    """The statements of `queries` that insert into `table`: INSERTs, and PostgreSQL's COPYs."""
    writes = ("INSERT", "COPY")
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(writes) and f'"{table}"' in q["sql"]]


def test_a_batch_writes_its_first_history_records_and_candidate_phrases_together(vault, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.IMPORT_WORKERS = 1
    with CaptureQueriesContext(connection) as queries:
        result = import_notes([vault])
    assert len(result.created) == 13
    history = Practice.history.model._meta.db_table
    assert len(inserts_into(queries.captured_queries, history)) == 1
    # Phrases of 13 notes: one insert on PostgreSQL, a few on SQLite (999 values a statement).
    assert len(inserts_into(queries.captured_queries, CandidateEvidence._meta.db_table)) <= 3
    # Each new practice has its one first record, as simple-history writes it on a save.
    assert sorted(Practice.history.values_list("note_key", "history_type")) == sorted(
        (key, "+") for key in Practice.objects.values_list("note_key", flat=True)
    )
    record = Practice.history.get(note_key=SEED_NAME)
    practice = Practice.objects.get(note_key=SEED_NAME)
    assert (record.title, record.body_html, record.slug) == (practice.title, practice.body_html, practice.slug)
    assert CandidateEvidence.objects.filter(practice=practice).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_batch_raises_the_data_version_once_not_once_per_note(vault, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from opsi_portal.models import DataVersion

    settings.IMPORT_WORKERS = 1
    with CaptureQueriesContext(connection) as queries:
        result = import_notes([vault])
    assert len(result.created) == 13
    table = DataVersion._meta.db_table
    raised = [q for q in queries.captured_queries if q["sql"].startswith("UPDATE") and table in q["sql"]]
    # The videos of the index, the batch's 13 notes, the links and search vectors at the end.
    assert 1 <= len(raised) <= 3


# Starts a pool, prints its workers' ids, then dies the way a killed importer does: once the workers
# have work ("busy"), or at once, while they still set Django up ("starting").
KILLED_IMPORTER = """
import os, signal, sys, time
import django
django.setup()
from practices.importing import workers
from practices.importing.channels import NoteTargets
with workers.Preparer(NoteTargets.of([]), workers=2) as preparer:
    preparer.expect(1000)
    if sys.argv[1] == "busy":
        for done in [preparer.executor.submit(time.sleep, 1) for _ in range(2)]:
            done.result()
    print(" ".join(str(pid) for pid in preparer.executor._processes), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
"""


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A worker that ended but is not reaped yet (its parent died too) counts as gone.
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
@pytest.mark.parametrize("moment", ["busy", "starting"])
def test_workers_end_when_the_importer_is_killed(moment):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DJANGO_SETTINGS_MODULE="opsi_portal.settings", DEBUG="true")
    command = [sys.executable, "-c", KILLED_IMPORTER, moment]
    finished = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120)  # noqa: S603
    pids = [int(pid) for pid in finished.stdout.split()]
    assert len(pids) == 2, finished.stderr[-2000:]
    deadline = time.monotonic() + 30  # a worker looks for its importer every second
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(alive(pid) for pid in pids)


class NoPool:
    """A stand-in for the process pool: records what it is given, starts nothing."""

    def __init__(self, *args, **kwargs):
        self.submitted = []

    def submit(self, function, *args):
        self.submitted.append(function)

    def shutdown(self, **kwargs):
        pass


def test_a_preparer_starts_its_pool_once_it_expects_enough_notes(monkeypatch):
    from practices.importing.channels import NoteTargets

    monkeypatch.setattr(workers, "ProcessPoolExecutor", NoPool)
    asked = []
    with workers.Preparer(NoteTargets.of([]), lambda: asked.append("gazetteers"), workers=2) as preparer:
        preparer.expect(0)
        assert preparer.executor is None and asked == []
        preparer.expect(workers.MIN_NOTES_FOR_POOL - 1)  # the run's own process prepares them
        assert preparer.executor is None and asked == ["gazetteers"]
        preparer.expect(workers.MIN_NOTES_FOR_POOL)
        pool = preparer.executor
        # Each worker is handed a task at once, so all of them start Django now.
        assert isinstance(pool, NoPool) and len(pool.submitted) == 2
        preparer.expect(1000)
        assert preparer.executor is pool and asked == ["gazetteers"]


def test_the_pool_for_new_notes_starts_before_the_run_joins_theme_spellings(vault, monkeypatch, settings):
    from practices.importing.themes import ThemeStep

    settings.IMPORT_WORKERS = 2
    monkeypatch.setattr(workers, "ProcessPoolExecutor", NoPool)
    monkeypatch.setattr(workers, "MIN_NOTES_FOR_POOL", 5)
    steps = []
    expect, themes = workers.Preparer.expect, ThemeStep.run

    def recorded_expect(self, notes):
        expect(self, notes)
        steps.append(("expect", notes, self.executor is not None))  # whether a pool started
        self.executor = None  # the stand-in pool prepares nothing: the run's own process does

    def recorded_themes(self, *args):
        steps.append(("themes",))
        return themes(self, *args)

    monkeypatch.setattr(workers.Preparer, "expect", recorded_expect)
    monkeypatch.setattr(ThemeStep, "run", recorded_themes)
    assert len(import_notes([vault]).created) == 13
    assert steps[:2] == [("expect", 14, True), ("themes",)]  # the broken note too: it is new

    steps.clear()
    import_notes([vault])  # only the broken note is new (again): too few for a pool
    assert steps == [("expect", 1, False), ("themes",), ("expect", 1, False)]


def test_workers_link_with_the_addresses_they_are_handed(monkeypatch):
    from practices import rendering
    from practices.importing.channels import NoteTargets

    def no_reverse(*args, **kwargs):
        raise AssertionError("a worker's first reverse would load every view of the site")

    monkeypatch.setattr(rendering, "reverse", no_reverse)
    targets = NoteTargets.of([("sharing practices", "sharing-practices")])
    workers.start(targets, "en", addresses=("/p/SLUG/", "/t/SLUG/"))
    try:
        resolve = workers.resolver("")
        assert resolve("sharing practices") == "/p/sharing-practices/"
        assert resolve("anticipatory innovation") == "/t/anticipatory-innovation/"
    finally:
        workers.start(None, None)
