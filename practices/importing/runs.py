"""Import runs as records: one import at a time, its progress, its figures and problems, its history rows.

The command and the admin's upload (through its background task) both run `execute`, so every run
is kept (`practices.ImportRun`) whoever started it, holds the one import lock while it writes, and
the history rows it writes say "import run N". An upload is first unpacked and previewed
(`start_upload`), then confirmed (`confirm`), which queues the task that calls `run_upload`.
"""

import shutil
import time
import uuid
from contextvars import ContextVar
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import ImportRun
from .run import import_notes
from .uploads import Limits, unpack

# A running import beats its heart with its progress: with the first note it writes once
# PROGRESS_INTERVAL_SECONDS have passed since the last beat (a note takes at most 20 s, see
# `budget`). One silent this long died with its process, and its lock is taken over.
STALE_AFTER = timedelta(minutes=30)
# The run's record takes its progress at most this often (and once more when the run ends): the
# admin's page refreshes every 2 s, and an UPDATE per note was 2,000 statements for 2,000 notes.
PROGRESS_INTERVAL_SECONDS = 0.5
# A preview not confirmed within this long is dropped, with its unpacked folder, when the next upload comes.
PREVIEW_KEPT = timedelta(days=1)
# The run whose writes are being recorded in history, if any (see `change_reason`).
current_run = ContextVar("current_import_run", default=None)


class ImportBusy(Exception):
    """Another import is running; this one is refused so the two cannot interleave."""

    def __init__(self, holder):
        self.holder = holder
        when = timezone.localtime(holder.started_at or holder.created_at).strftime("%H:%M")
        super().__init__(
            f"Import run {holder.pk} (started by {holder.started_by} at {when}) is still running; "
            "start this one when it has finished."
        )


def change_reason(run_pk):
    """How history names a change an import made: the one home of the wording."""
    return f"import run {run_pk}"


def claim(run):
    """Make `run` the one running import, or raise ImportBusy naming the run that holds the lock."""
    now = timezone.now()
    ImportRun.objects.filter(active=True, heartbeat_at__lt=now - STALE_AFTER).update(
        active=False, status=ImportRun.Status.FAILED, finished_at=now
    )
    taken = {"active": True, "status": ImportRun.Status.RUNNING, "started_at": now, "heartbeat_at": now}
    try:
        with transaction.atomic():
            ImportRun.objects.filter(pk=run.pk).update(**taken)
    except IntegrityError:
        holder = busy_with()
        if holder is None:  # it finished meanwhile
            return claim(run)
        raise ImportBusy(holder) from None
    for name, value in taken.items():
        setattr(run, name, value)
    return run


class RunProgress:
    """The callback the importer calls after each note: the run's progress and heartbeat (then `also`'s).

    Written at most every PROGRESS_INTERVAL_SECONDS; `flush` writes what the last call said, and
    `latest` holds it for a record written otherwise (a failed run's).
    """

    def __init__(self, run, also=None):
        self.run, self.also = run, also
        self.latest = self.written = None  # (done, total)
        self.written_at = None

    def __call__(self, done, total):
        self.latest = (done, total)
        now = time.monotonic()
        if self.written_at is None or now - self.written_at >= PROGRESS_INTERVAL_SECONDS:
            self.flush()
            self.written_at = now
        if self.also is not None:
            self.also(done, total)

    def flush(self):
        if self.latest is None or self.latest == self.written:
            return
        done, total = self.latest
        ImportRun.objects.filter(pk=self.run.pk).update(
            progress_done=done, progress_total=total, heartbeat_at=timezone.now()
        )
        self.written = self.latest

    def values(self):
        """The progress to write with a record made without `flush`: {} when there was none."""
        return {} if self.latest is None else dict(zip(("progress_done", "progress_total"), self.latest, strict=True))


def figures(result, base=None):
    """The counts and problems of an `ImportResult`, as the run record keeps them.

    Files under `base` (an upload's private folder) are named from it, as the curator's archive names them.
    """
    problems = [problem.as_dict() for problem in result.problems]
    if base:
        prefix = str(base).rstrip("/") + "/"
        for problem in problems:
            problem["file"] = problem["file"].removeprefix(prefix)
    return {
        "created": len(result.created),
        "updated": len(result.updated),
        "unchanged": len(result.unchanged),
        # Kinds ending in "conflict": the note and a curator (or the index) disagree, and one side was kept.
        "conflicts": sum(1 for problem in result.problems if problem.kind.endswith("conflict")),
        "failed": len(result.failed),
        "problem_count": len(problems),
        "problems": problems,
    }


def failure_problem(error):
    message = str(error) or type(error).__name__
    return {"file": "", "line": 0, "kind": "run-failed", "message": message, "severity": "error"}


def record(run, result, status):
    """Keep the outcome of a run; an update, not a save: a run record is no content of the site."""
    values = figures(result, run.upload_dir)
    values.update(status=status, finished_at=timezone.now(), active=False)
    done = ImportRun.objects.filter(pk=run.pk).values_list("progress_done", flat=True).first() or 0
    values["progress_done"] = values["progress_total"] = done
    ImportRun.objects.filter(pk=run.pk).update(**values)
    for name, value in values.items():
        setattr(run, name, value)


def preview(run, paths):
    """Dry-run the import of `paths` and keep its figures on `run` (status previewed); writes no practice."""
    result = import_notes(paths, dry_run=True)
    values = figures(result, run.upload_dir)
    values["preview"] = {name: value for name, value in values.items() if name != "problems"}
    values["status"] = ImportRun.Status.PREVIEWED
    ImportRun.objects.filter(pk=run.pk).update(**values)
    for name, value in values.items():
        setattr(run, name, value)
    return result


def execute(run, paths, status=None, progress=None):
    """Run the real import of `paths` as `run`: claims the lock (ImportBusy if taken), records the outcome."""
    claim(run)
    token = current_run.set(run)
    run_progress = RunProgress(run, progress)
    try:
        result = import_notes(paths, status=status, progress=run_progress)
    except BaseException as error:
        problems = [failure_problem(error)]
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.FAILED,
            active=False,
            finished_at=timezone.now(),
            problems=problems,
            problem_count=1,
            **run_progress.values(),
        )
        raise
    finally:
        current_run.reset(token)
    # Notes that failed are counted and listed; the run itself went to its end.
    run_progress.flush()
    record(run, result, ImportRun.Status.DONE)
    return result


def name_history_row(sender, history_instance, **kwargs):
    """`pre_create_historical_record` receiver: a row written during a run says which run, and for whom."""
    run = current_run.get()
    if run is None:
        return
    if not history_instance.history_change_reason:
        history_instance.history_change_reason = change_reason(run.pk)
    if history_instance.history_user_id is None and run.user_id is not None:
        history_instance.history_user_id = run.user_id


def start_upload(user, uploads, limits=None):
    """Unpack an upload into its private folder and dry-run it: a previewed run, or UploadRefused (no run)."""
    expire_previews()
    folder = Path(settings.IMPORT_UPLOAD_ROOT) / uuid.uuid4().hex
    unpacked = unpack(uploads, folder, limits or Limits.from_settings())
    run = ImportRun.objects.create(
        user=user, source="\n".join(upload.name for upload in uploads), upload_dir=str(folder)
    )
    try:
        preview(run, [folder])
    except BaseException:
        discard_upload(run)
        raise
    if unpacked.ignored:
        left_out = {"line": 0, "kind": "not-a-note", "message": "not a .md note: left out", "severity": "warning"}
        ignored = [{"file": name, **left_out} for name in unpacked.ignored]
        run.problems = [*run.problems, *ignored]
        run.problem_count = len(run.problems)
        run.preview["problem_count"] = run.problem_count
        ImportRun.objects.filter(pk=run.pk).update(
            problems=run.problems, problem_count=run.problem_count, preview=run.preview
        )
    return run


def busy_with():
    """The run holding the import lock, or None."""
    return ImportRun.objects.filter(active=True).select_related("user").first()


def confirm(run):
    """Queue the real import of a previewed upload; ImportBusy while another import runs."""
    from ..tasks import import_upload  # the task module imports this one

    holder = busy_with()
    if holder is not None:
        raise ImportBusy(holder)
    queued = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.PREVIEWED).update(
        status=ImportRun.Status.QUEUED
    )
    if queued:
        transaction.on_commit(lambda: import_upload.enqueue(run.pk))
    return bool(queued)


def run_upload(run_pk):
    """The background task's work: import the upload of run `run_pk`, then remove its folder."""
    run = ImportRun.objects.filter(pk=run_pk, status=ImportRun.Status.QUEUED).first()
    if run is None:
        return None
    try:
        result = execute(run, [Path(run.upload_dir)])
    except ImportBusy as busy:
        problem = {"file": "", "line": 0, "kind": "import-busy", "message": str(busy), "severity": "error"}
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.FAILED, finished_at=timezone.now(), problems=[problem], problem_count=1
        )
        return None
    finally:
        discard_upload(run)
    return len(result.created) + len(result.updated)


def expire_previews():
    """Drop the folders of previews nobody confirmed in time; their runs say so."""
    expired = ImportRun.objects.filter(
        status=ImportRun.Status.PREVIEWED, created_at__lt=timezone.now() - PREVIEW_KEPT
    ).exclude(upload_dir="")
    for run in expired:
        discard_upload(run)
    message = "the preview was not confirmed within a day; upload the notes again"
    problem = {"file": "", "line": 0, "kind": "preview-expired", "message": message, "severity": "error"}
    expired.update(status=ImportRun.Status.FAILED, upload_dir="", problems=[problem], problem_count=1)


def discard_upload(run):
    """Remove the private folder of an upload (after its run, or when it is refused)."""
    if run.upload_dir:
        shutil.rmtree(run.upload_dir, ignore_errors=True)
