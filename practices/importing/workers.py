"""Parsing and rendering changed notes in worker processes, while the run writes the batch before.

`IMPORT_WORKERS` processes (1: none, all in the run's own process) each take a note's text and give
back plain data (`Outcome`): the parsed note, and what the writer derives from its body (rendered
HTML, summary, candidate phrases, the countries and toolkits it names; not the sentences they come
from, which would double what is sent back). Batches go to the pool two ahead of the batch being
written (`BATCHES_AHEAD`), so the run holds at most three batches of notes. Without a pool the
same function runs in process, so one worker or many give the same practices.
"""

import multiprocessing
import os
import threading
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import django
from django.apps import apps
from django.conf import settings
from django.utils import translation

from opsi_portal.lib.text import normalise_text

from ..rendering import LinkResolver, link_addresses, render_note
from . import budget, titles
from .candidates import phrases_of
from .detection import detected_mentions
from .parser import NoteError, Problem, parse_note
from .sentences import sentences_of, summary_of

# Below this many changed notes, starting processes costs more than it saves.
MIN_NOTES_FOR_POOL = 64
# Notes sent to a worker at once: fewer round trips, and still every worker busy on a batch of 256.
CHUNK = 8
# Batches prepared ahead of the one being written: with two, the workers still have one queued when
# they finish a batch before the writer does, and the writer rarely waits for them.
BATCHES_AHEAD = 2
# How often a worker checks that the importer is still there.
ORPHAN_CHECK_SECONDS = 1


def worker_count():
    """The processes the run parses and renders in: `IMPORT_WORKERS` (0: one per CPU; 1, the default: none)."""
    configured = getattr(settings, "IMPORT_WORKERS", 1)
    return max(1, configured or os.cpu_count() or 1)


@dataclass(slots=True)
class Task:
    """A changed note to parse and render: its key and text, and what rendering needs of the run."""

    key: str
    text: str
    file: str
    video_id: str  # the index's video for the note, used when its front matter names none
    channel: str


@dataclass(slots=True)
class Derived:
    """What the writer needs of a note's body, made from `source`; stale once the body changes."""

    source: str  # the note's body these were made from
    video_id: str
    html: str
    summary: str
    phrases: list
    title: str  # the title `mentions` were found with (the run may repair it)
    mentions: dict  # the countries and toolkits found (`detection.detected_mentions`)

    @property
    def body(self):
        """The body as stored, normalised: made here, not sent back from a worker beside `source`."""
        return normalise_text(self.source)

    def fits(self, note, video_id):
        """True when made from this note's body for this video (a rescaled note is parsed again)."""
        return self.video_id == video_id and self.source == note.body


@dataclass(slots=True)
class Outcome:
    """A task's result: the parsed note and what derives from it, or the problem that stopped it."""

    key: str
    note: object = None
    derived: Derived | None = None
    problem: Problem | None = None
    title_evidence: titles.Evidence | None = None  # what the note's text says of its title's words


def failure(error):
    """What to tell the curator about an error that stopped one note."""
    if isinstance(error, MemoryError):
        return "not imported: it needs more memory than a note may take"
    if isinstance(error, RecursionError):
        return "not imported: it is nested too deeply"
    return f"not imported: {error}"


class _State:
    """What every task of a run renders against: link targets as practice slugs, and the language."""

    practice_slugs = None  # channels.NoteTargets; None in a dry run, which renders nothing
    language = None
    addresses = None  # `rendering.link_addresses()` in the run's language
    resolvers = {}
    gazetteers = None  # detection.Gazetteers of the run; None when it has no note to prepare


def start(practice_slugs, language, gazetteers=None, addresses=None, importer=None):
    """Set up a worker (`importer`: the importer's process id) or the run's own process for the run's tasks."""
    if importer is not None:
        # Watched from the start: an importer killed while its workers set Django up leaves them
        # with another parent already, and the importer's id is what they compare it with.
        threading.Thread(target=_exit_when_orphaned, args=(importer,), daemon=True).start()
    if not apps.ready:  # a spawned process starts without Django
        django.setup()
    _State.practice_slugs, _State.language, _State.resolvers = practice_slugs, language, {}
    _State.gazetteers, _State.addresses = gazetteers, addresses


def _exit_when_orphaned(importer):
    """End this worker once its parent, the importer, is gone: killed (SIGKILL), it cannot shut its pool down."""
    while os.getppid() == importer:
        time.sleep(ORPHAN_CHECK_SECONDS)
    os._exit(1)


def resolver(channel):
    if channel not in _State.resolvers:
        _State.resolvers[channel] = LinkResolver(_State.practice_slugs.for_channel(channel), _State.addresses)
    return _State.resolvers[channel]


def prepare(task):
    """Parse one note and derive what the writer needs of its body; errors come back as problems."""
    with translation.override(_State.language):
        try:
            with budget.time_budget():
                note = parse_note(task.key, task.text, file=task.file)
        except NoteError as error:
            return Outcome(task.key, problem=error.problem)
        except Exception as error:  # noqa: BLE001 (too slow, too deep, out of memory: this note only)
            return Outcome(task.key, problem=Problem(task.file, 0, "parse-failed", failure(error), "error"))
        evidence = titles.evidence_of(note.title, note.body)
        if _State.practice_slugs is None:
            return Outcome(task.key, note, title_evidence=evidence)
        try:
            with budget.time_budget():
                derived = derive(note, note.video_id or task.video_id, resolver(task.channel), _State.gazetteers)
                return Outcome(task.key, note, derived, title_evidence=evidence)
        except Exception:  # noqa: BLE001 (the writer derives it again and reports what stops it)
            return Outcome(task.key, note, title_evidence=evidence)


def derive(note, video_id, resolve, gazetteers):
    """The note's rendered HTML, summary, candidate phrases, and the countries and toolkits it names."""
    html = render_note(normalise_text(note.body), video_id=video_id or None, resolve=resolve)
    sentences = sentences_of(note.body)
    mentions = detected_mentions(note.title, sentences, gazetteers)
    summary, phrases = summary_of(note.body), phrases_of(sentences)
    return Derived(note.body, video_id, html, summary, phrases, note.title, mentions)


class Preparer:
    """Prepares batches of tasks, in a pool of processes when there are enough notes for it.

    The pool starts as soon as the run knows it will have enough notes to prepare (`expect`): for
    new notes that is before the run joins theme spellings and hashes notes, so the workers start
    Django meanwhile instead of making the first batch wait for them.
    """

    def __init__(self, practice_slugs, gazetteers_of=lambda: None, workers=None):
        self.workers = workers or worker_count()
        self.practice_slugs = practice_slugs
        self.gazetteers_of = gazetteers_of  # asked once, when the first note is expected
        self.gazetteers = self.addresses = None
        self.ready = False
        self.language = None
        self.executor = None

    def __enter__(self):
        self.language = translation.get_language()
        return self

    def expect(self, notes):
        """At least `notes` notes will be prepared: get the run's state ready, and the pool when worth it."""
        if notes < 1:
            return
        if not self.ready:
            if self.practice_slugs is not None:  # a dry run renders nothing
                with translation.override(self.language):
                    self.addresses = link_addresses()
            self.gazetteers, self.ready = self.gazetteers_of(), True
            start(self.practice_slugs, self.language, self.gazetteers, self.addresses)
        if self.executor is None and self.workers > 1 and notes >= MIN_NOTES_FOR_POOL:
            self.executor = ProcessPoolExecutor(
                self.workers,
                mp_context=_context(),
                initializer=start,
                initargs=(self.practice_slugs, self.language, self.gazetteers, self.addresses, os.getpid()),
            )
            # Spawned workers start as work comes: a no-op task each starts them all now.
            for _ in range(self.workers):
                self.executor.submit(int)

    def __exit__(self, error_type, *exc):
        if self.executor is not None:
            # A run that failed says so at once, not once workers still starting Django are ready.
            self.executor.shutdown(wait=error_type is None, cancel_futures=True)
        start(None, None)

    def outcomes(self, task_batches):
        """(tasks, outcomes) of each batch in order; with a pool, the next batch is prepared meanwhile."""
        if self.executor is None:
            for tasks in task_batches:
                yield tasks, [prepare(task) for task in tasks]
            return
        ahead = deque()
        for tasks in task_batches:
            ahead.append((tasks, self.executor.map(prepare, tasks, chunksize=CHUNK)))
            if len(ahead) > BATCHES_AHEAD:
                tasks_written, outcomes = ahead.popleft()
                yield tasks_written, list(outcomes)
        while ahead:
            tasks_written, outcomes = ahead.popleft()
            yield tasks_written, list(outcomes)


def _context():
    """Workers are spawned, never forked from the importer, and set Django up in `start`.

    An import may run in a threaded process (a task run in the web server's request, `runserver`),
    and a fork copies only the forking thread, with the locks the others held at that moment. A
    fork server was tried: killed with the importer, it left its workers running.
    """
    return multiprocessing.get_context("spawn")
