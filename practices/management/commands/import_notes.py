"""`manage.py import_notes PATH [PATH ...]`: import a vault of notes as practices.

A thin shell over `practices.importing`: options, progress, summary, report file, exit status.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from practices.importing import import_notes
from practices.importing.runs import ImportBusy, execute
from practices.models import ImportRun, Practice

BAR_WIDTH = 30
# Missing practices named in the warning; the rest are counted.
MISSING_SHOWN = 10


class Command(BaseCommand):
    help = (
        "Import Markdown notes (files or folders, searched recursively) as practices. Re-importing is safe: "
        "unchanged notes write nothing and curators' edits are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="a note file or a folder of notes")
        parser.add_argument("--dry-run", action="store_true", help="parse and report what would change; write nothing")
        parser.add_argument(
            "--status",
            choices=Practice.Status.values,
            help=(
                "status of the imported practices (a curator's own change is kept); without it, new practices "
                "are drafts and existing ones keep their status"
            ),
        )
        parser.add_argument("--report", metavar="FILE", help="write every problem as JSON to FILE")

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        show_progress = self.stdout.isatty() and verbosity >= 1
        result = self.run_import(options, self.progress_bar if show_progress else None)
        progress = show_progress
        if progress:
            self.stdout.write("")
        self.write_problems(result, verbosity)
        if verbosity >= 2:
            self.write_keys(result)
        if result.missing and verbosity >= 1:
            self.write_missing(result.missing)
        if options["report"]:
            self.write_report(options["report"], result)
        if verbosity >= 1:
            self.write_summary(result)
        if result.failed:
            raise CommandError(f"{len(result.failed)} note(s) or path(s) failed; see the messages above")

    def run_import(self, options, progress):
        """A dry run writes nothing, not even a run record; a real run is recorded (see the admin's import runs)."""
        if options["dry_run"]:
            return import_notes(options["paths"], dry_run=True, progress=progress)
        paths = options["paths"]
        run = ImportRun.objects.create(
            command=" ".join(["manage.py import_notes", *paths])[:300], source="\n".join(paths)
        )
        try:
            result = execute(run, paths, status=options["status"], progress=progress)
        except ImportBusy as busy:
            run.delete()
            raise CommandError(str(busy)) from None
        if options["verbosity"] >= 1:
            self.stdout.write(f"Recorded as import run {run.pk}.")
        return result

    def write_problems(self, result, verbosity):
        for problem in result.problems:
            if problem.severity == "error" or verbosity >= 2:
                style = self.style.ERROR if problem.severity == "error" else self.style.WARNING
                self.stderr.write(style(f"{problem.file}:{problem.line}: {problem.kind}: {problem.message}"))

    def write_keys(self, result):
        for label, keys in (("created", result.created), ("updated", result.updated)):
            for key in keys:
                self.stdout.write(f"{label}: {key}")

    def write_missing(self, missing):
        shown = ", ".join(missing[:MISSING_SHOWN]) + (" ..." if len(missing) > MISSING_SHOWN else "")
        message = f"{len(missing)} imported practice(s) have no note in these paths; kept: {shown}"
        self.stdout.write(self.style.WARNING(message))

    def write_summary(self, result):
        prefix = "Dry run, nothing written. Would have: " if result.dry_run else ""
        summary = (
            f"{prefix}created {len(result.created)}, updated {len(result.updated)}, "
            f"unchanged {len(result.unchanged)}, failed {len(result.failed)}, warnings {len(result.warnings)}; "
            f"videos {result.videos}"
        )
        self.stdout.write(self.style.SUCCESS(summary) if not result.failed else summary)

    def write_report(self, path, result):
        try:
            with open(path, "w", encoding="utf-8") as report:
                json.dump([p.as_dict() for p in result.problems], report, indent=2, ensure_ascii=False)
        except OSError as error:
            raise CommandError(f"cannot write the report {path}: {error}") from None

    def progress_bar(self, done, total):
        filled = BAR_WIDTH * done // max(total, 1)
        self.stdout.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}", ending="")
        sys.stdout.flush()
