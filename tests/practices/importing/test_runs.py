"""Import runs as records: the command's run, one import at a time, history rows naming the run."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from practices.importing import runs
from practices.models import ImportRun, Practice, Video

NOTE = "---\ntitle: {title}\nvideoId: abcdefghijk\n---\n\nDenmark leads [00:00:10].\n"


@pytest.fixture
def vault(tmp_path):
    for name in ("alpha", "beta"):
        (tmp_path / f"{name}.md").write_text(NOTE.format(title=name.title()), encoding="utf-8")
    return tmp_path


def command(*args):
    out = StringIO()
    call_command("import_notes", *map(str, args), stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_the_command_records_its_run(vault):
    output = command(vault)
    run = ImportRun.objects.get()
    assert f"Recorded as import run {run.pk}." in output
    assert (run.status, run.created, run.updated, run.unchanged, run.active) == ("done", 2, 0, 0, False)
    assert run.command == f"manage.py import_notes {vault}" and run.started_by == run.command
    assert run.progress_done == run.progress_total == 2 and run.duration is not None


@pytest.mark.django_db
def test_a_dry_run_of_the_command_records_nothing(vault):
    command(vault, "--dry-run")
    assert not ImportRun.objects.exists()


@pytest.mark.django_db
def test_history_rows_of_an_import_name_the_run_and_who_started_it(vault, curator):
    run = ImportRun.objects.create(user=curator, source="alpha.md")
    runs.execute(run, [vault])
    rows = Practice.history.filter(note_key="alpha")
    assert [(row.history_change_reason, row.history_user) for row in rows] == [(f"import run {run.pk}", curator)]
    # The notes' video, which no index lists, is created with their batch, and named the same way.
    videos = Video.history.filter(youtube_id="abcdefghijk")
    assert [(row.history_change_reason, row.history_user) for row in videos] == [(f"import run {run.pk}", curator)]


@pytest.mark.django_db
def test_a_curators_own_save_is_not_named_after_a_run(vault):
    command(vault)
    practice = Practice.objects.get(note_key="alpha")
    practice.title = "Curated"
    practice.save()
    assert practice.history.first().history_change_reason is None


@pytest.mark.django_db
def test_the_command_is_refused_while_another_import_runs(vault):
    ImportRun.objects.create(source="upload.zip", status="running", active=True, heartbeat_at=timezone.now())
    with pytest.raises(CommandError, match="is still running"):
        command(vault)
    assert not Practice.objects.exists()
    assert ImportRun.objects.count() == 1


@pytest.mark.django_db
def test_a_run_whose_worker_died_does_not_hold_the_lock_for_ever(vault):
    dead = ImportRun.objects.create(
        status="running", active=True, heartbeat_at=timezone.now() - runs.STALE_AFTER - timedelta(minutes=1)
    )
    command(vault)
    dead.refresh_from_db()
    assert (dead.status, dead.active) == ("failed", False)
    assert Practice.objects.count() == 2


@pytest.mark.django_db
def test_a_queued_upload_refused_by_the_lock_says_so_and_removes_its_folder(vault, tmp_path):
    folder = tmp_path / "upload"
    folder.mkdir()
    (folder / "gamma.md").write_text(NOTE.format(title="Gamma"), encoding="utf-8")
    ImportRun.objects.create(
        command="manage.py import_notes x", status="running", active=True, heartbeat_at=timezone.now()
    )
    queued = ImportRun.objects.create(status="queued", upload_dir=str(folder))
    runs.run_upload(queued.pk)
    queued.refresh_from_db()
    assert queued.status == "failed" and queued.problems[0]["kind"] == "import-busy"
    assert not folder.exists() and not Practice.objects.exists()


@pytest.mark.django_db
def test_a_preview_left_unconfirmed_is_dropped_when_the_next_upload_comes(tmp_path, settings):
    settings.IMPORT_UPLOAD_ROOT = tmp_path / "uploads"
    old_folder = tmp_path / "uploads" / "old"
    old_folder.mkdir(parents=True)
    old = ImportRun.objects.create(status="previewed", upload_dir=str(old_folder))
    ImportRun.objects.filter(pk=old.pk).update(created_at=timezone.now() - runs.PREVIEW_KEPT - timedelta(hours=1))
    fresh = runs.start_upload(None, [SimpleUploadedFile("a.md", NOTE.format(title="A").encode())])
    old.refresh_from_db()
    assert (old.status, old.upload_dir, old.problems[0]["kind"]) == ("failed", "", "preview-expired")
    assert not old_folder.exists() and fresh.status == "previewed"
    assert not runs.confirm(old)


@pytest.mark.django_db
def test_progress_is_written_at_most_twice_a_second_and_flushed_at_the_end(monkeypatch):
    clock = iter([0.0, 0.1, 0.7, 0.8])
    monkeypatch.setattr(runs.time, "monotonic", lambda: next(clock))
    run = ImportRun.objects.create(status=ImportRun.Status.RUNNING, active=True)
    seen = []
    progress = runs.RunProgress(run, lambda done, total: seen.append(done))

    def written():
        return ImportRun.objects.values_list("progress_done", "progress_total").get(pk=run.pk)

    progress(1, 5)
    assert written() == (1, 5)
    progress(2, 5)  # 0.1 s later
    assert written() == (1, 5)
    progress(3, 5)  # 0.7 s after the first
    assert written() == (3, 5)
    progress(4, 5)
    assert written() == (3, 5)
    progress.flush()
    assert written() == (4, 5)
    assert seen == [1, 2, 3, 4]


@pytest.mark.django_db
def test_a_run_with_a_failed_note_records_the_notes_it_wrote(vault):
    # The importer counts written notes only: with a note that fails, the last count is below the total.
    (vault / "gamma.md").write_text("---\ntitle: Gamma\nvideoId: abcdefghijk\n\nNever closed.\n", encoding="utf-8")
    with pytest.raises(CommandError, match="1 note"):
        command(vault)
    run = ImportRun.objects.get()
    assert run.failed == 1 and run.created == 2
    assert run.progress_done == run.progress_total == 2
