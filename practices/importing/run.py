"""One run of the import: the steps in order, from paths to written practices and a result.

The vault is read twice and no note's text is kept between the two. The first pass (`files`)
reads each file once and keeps what the other notes need: its key, the hash of its bytes and its
wiki links. Then the channel's index notes are parsed and their videos upserted, and notes whose
hash says nothing changed (`changes`) are skipped. The second pass reads the changed notes again,
a batch at a time (a video's notes together), parses them (`parser`), corrects timestamp scales
and writes them (`writer`): the batch's new practices together in one transaction, each other note
in its own, then the batch's search data. Last come the links between practices, the reference
candidates and the data version.
"""

import logging
import re
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from opsi_portal.caching import bump_data_version, data_version_once

from ..models import Practice, Video
from ..rendering import LinkResolver
from ..search import deferred_search_refresh, refreshing_alongside
from . import budget, changes, dates, titles
from .candidate_store import refresh_candidates, replace_evidence
from .channels import NoteTargets, run_key, split_key
from .files import collect_files, read_again, read_notes
from .first_records import write_first_records
from .parser import NoteError, Problem, humanise, may_be_index, normalise_target, parse_links, parse_note
from .reference import ReferenceData
from .statistics import PlannerStatistics
from .themes import Themes, ThemeStep, ThemeVotes, theme_keys_of
from .workers import Preparer, Task, failure
from .writer import NotePlan, NoteWriter, conflict_problems, write_links

logger = logging.getLogger(__name__)

MAX_KEY_LENGTH = Practice._meta.get_field("note_key").max_length
MAX_SLUG_LENGTH = Practice._meta.get_field("slug").max_length
# Changed notes read, parsed and written together: what the run holds of note text at once.
BATCH_NOTES = 256
# The first and last batches' size (see `batch_size`).
SMALLEST_BATCH = 32
# A note's videoId as its front matter usually writes it: enough to keep a video's notes in one batch.
VIDEO_HINT_RE = re.compile(r"^videoid:[ \t]*[\"']?([\w-]+)", re.IGNORECASE | re.MULTILINE)
FRONT_MATTER_HEAD = 2000


@dataclass
class ImportResult:
    """What a run did (or, in a dry run, would do), and every problem it met."""

    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    missing: list = field(default_factory=list)
    videos: int = 0
    dry_run: bool = False

    @property
    def warnings(self):
        return [p for p in self.problems if p.severity != "error"]

    def fail(self, key, problem):
        self.failed.append(key)
        self.problems.append(problem)


@dataclass(slots=True)
class Scanned:
    """What the first pass keeps of a note, never its text: the file, its bytes' hash and its links."""

    file: str  # the path, as text: a Path object weighs several times more
    digest: object  # `changes.data_digest` of the bytes, completed by the note's context
    links: tuple
    may_be_index: bool
    video_hint: str  # the videoId its front matter seems to give ("" when none), for batching


@dataclass
class Vault:
    """The notes of a run as the first pass found them, by note key; texts are read again when needed."""

    notes: dict  # run key -> Scanned

    def file(self, key):
        return self.notes[key].file

    def texts(self, keys, result=None):
        """(key, text) of `keys`, read again; a note that can no longer be read is left out.

        It is reported in `result` when given: without it, the note was only read for what it tells
        about the others (it is skipped as unchanged, or imported in another batch).
        """
        for key in keys:
            try:
                yield key, read_again(Path(self.notes[key].file))
            except NoteError as error:
                if result is not None:
                    result.fail(key, error.problem)


def scan(source, text):
    """A note's `Scanned`: what the other notes and the hash need of it."""
    file = str(source.path)
    links = tuple(parse_links(file, text, 1)[0])
    hint = VIDEO_HINT_RE.search(text, 0, FRONT_MATTER_HEAD)
    return Scanned(file, changes.data_digest(source.data), links, may_be_index(text), hint[1] if hint else "")


def batches(keys, vault):
    """`keys` in batches of about `BATCH_NOTES`, a video's notes in one batch, each in the order of `keys`.

    The first and the last batches are smaller (`batch_size`), so that neither the writer waits
    long for the workers' first batch nor the workers, done, for the writer's last ones.
    """
    by_video = defaultdict(list)
    for at, key in enumerate(keys):
        by_video[vault.notes[key].video_hint or f"note {at}"].append(at)
    batch, previous, written = [], 0, 0
    for positions in by_video.values():
        if batch and len(batch) + len(positions) > batch_size(previous, len(keys) - written):
            yield [keys[at] for at in sorted(batch)]
            previous, written, batch = len(batch), written + len(batch), []
        batch.extend(positions)
    if batch:
        yield [keys[at] for at in sorted(batch)]


def batch_size(previous, remaining):
    """The next batch's notes: from `SMALLEST_BATCH`, doubling, up to `BATCH_NOTES`, halving towards the end.

    `previous`: the last batch's notes (0 before the first), `remaining`: the notes not in a batch yet.
    """
    return min(BATCH_NOTES, max(SMALLEST_BATCH, min(2 * previous, remaining // 2)))


@dataclass
class Context:
    """What every topic note is imported against: slugs, link targets, videos and themes."""

    imported: dict  # run key -> changes.Imported
    slugs: dict  # run key -> practice slug
    targets: NoteTargets  # what links name: run keys, channel first
    practice_slugs: NoteTargets  # the same, as practice slugs
    videos: dict  # run key -> video id named by the index
    links: dict  # run key -> its wiki links
    not_themes: set  # link keys that are no theme: the index notes (channels)
    themes: Themes | None = None

    def theme_keys(self, key):
        channel, name = split_key(key)
        return theme_keys_of(name, self.links[key], self.not_themes | {normalise_target(channel)})


class Importer:
    """One run of the import; see `import_notes`."""

    def __init__(self, status=None, dry_run=False, progress=None):
        self.status = status
        self.dry_run = dry_run
        self.progress = progress or (lambda done, total: None)
        self.result = ImportResult(dry_run=dry_run)
        self.reference = ReferenceData()
        self.statistics = PlannerStatistics()
        self.video_dates = []
        # Hashes of the practices written, by id, stored by `seal` once all they derive is written.
        self.written_hashes = {}
        # What every written note's links need once all the practices exist; see `finish`.
        self.pending, self.pending_keys = [], {}
        self.done = 0
        self.vault_spellings = None
        self.unchanged_ends = {}  # video id -> where the video's unchanged notes end

    def run(self, paths):
        vault = self.read(paths)
        index_keys, videos = self.read_index(vault)
        topic_keys = [key for key in vault.notes if key not in index_keys]
        context = self.context(vault, topic_keys, videos, index_keys)
        # The workers find countries and toolkits too, with the gazetteers the writer would use.
        practice_slugs = None if self.dry_run else context.practice_slugs
        gazetteers_of = (lambda: None) if self.dry_run else self.reference.gazetteers
        with Preparer(practice_slugs, gazetteers_of) as preparer, refreshing_alongside() as search_refresh:
            # New notes are to be prepared whatever their hashes: their pool starts now.
            preparer.expect(sum(1 for key in topic_keys if key not in context.imported))
            context.themes = self.themes(vault, topic_keys, context)
            hashes = self.hashes(vault, topic_keys, context)
            unchanged = set(self.result.unchanged)
            changed = [key for key in topic_keys if key not in unchanged]
            preparer.expect(len(changed))
            task_batches = (self.tasks(vault, batch, context) for batch in batches(changed, vault))
            for tasks, outcomes in preparer.outcomes(task_batches):
                notes, derived = self.parse_changed(vault, tasks, outcomes, videos, len(changed) < len(topic_keys))
                if self.dry_run:
                    for note in notes.values():
                        (self.result.updated if note.key in context.imported else self.result.created).append(note.key)
                else:
                    self.write(notes, hashes, context, len(changed), derived, search_refresh)
        if not self.dry_run:
            self.finish()
        return self.result

    def read(self, paths):
        """The first pass: every note file read once, and only its `Scanned` kept."""
        files, problems = collect_files(paths)
        for problem in problems:
            self.result.problems.append(problem)
            if problem.severity == "error":
                self.result.failed.append(problem.file)
        notes = read_notes(files, self.result, MAX_KEY_LENGTH)
        return Vault({source.key: scan(source, text) for source, text in notes})

    def parse(self, vault, keys):
        """Parsed notes for `keys`, read again; those that cannot be parsed are reported and left out."""
        return self.parse_texts(vault, dict(vault.texts(keys, self.result)))

    def parse_texts(self, vault, texts):
        notes = {}
        for key, text in texts.items():
            try:
                with budget.time_budget():
                    notes[key] = parse_note(key, text, file=vault.file(key))
            except NoteError as error:
                self.result.fail(key, error.problem)
            except Exception as error:  # noqa: BLE001 (too slow, too deep, out of memory: this note only)
                self.result.fail(key, Problem(vault.file(key), 0, "parse-failed", failure(error), "error"))
        return notes

    def read_index(self, vault):
        """The index notes first (they name videos and which note came from which): keys, note -> video."""
        candidates = [key for key, scanned in vault.notes.items() if scanned.may_be_index]
        parsed = self.parse(vault, candidates)
        index_notes = [note for note in parsed.values() if note.is_index]
        for note in index_notes:
            self.result.problems.extend(note.problems)
        # A candidate that failed to parse is neither an index nor a topic note.
        done = {note.key for note in index_notes} | {key for key in candidates if key not in parsed}
        return done, self.upsert_videos(index_notes)

    def context(self, vault, topic_keys, videos, index_keys):
        rows = Practice.objects.filter(note_key__isnull=False).values_list(
            "note_channel", "note_key", "id", "slug", "note_hash"
        )
        imported = {run_key(c, name): changes.Imported(pk, slug, h) for c, name, pk, slug, h in rows}
        self.adopt_unchannelled(topic_keys, imported)
        taken = set(Practice.objects.values_list("slug", flat=True))
        slugs = changes.allocate_slugs(topic_keys, imported, taken, MAX_SLUG_LENGTH)
        links = {key: vault.notes[key].links for key in topic_keys}
        self.result.missing = sorted(
            key for key in imported if key not in vault.notes and key not in self.result.failed
        )
        ordered = [(key, key) for key in topic_keys]
        return Context(
            imported,
            slugs,
            NoteTargets.of(ordered),
            NoteTargets.of((key, slugs[key]) for key in topic_keys),
            {key: videos.get(key) or videos.get(split_key(key)[1], "") for key in topic_keys},
            links,
            {normalise_target(key) for key in index_keys},
        )

    def adopt_unchannelled(self, topic_keys, imported):
        """Practices imported before notes had channels (key = file name) take their note's channel key.

        So a database imported from one channel gets no duplicates; the first note of a name in
        path order adopts the practice, and the key is written at once (not in a dry run).
        """
        for key in topic_keys:
            channel, name = split_key(key)
            if not channel or key in imported or name not in imported or name in topic_keys:
                continue
            imported[key] = imported.pop(name)
            if not self.dry_run:
                Practice.objects.filter(pk=imported[key].pk).update(note_channel=channel)

    def themes(self, vault, topic_keys, context):
        """Every theme of the run (link targets and own topics), spellings joined; joins are reported."""
        keys = {theme_key for key in topic_keys for theme_key in context.theme_keys(key)}

        def collect_votes(wanted):
            votes = ThemeVotes()
            for key in topic_keys:
                file = vault.file(key)
                for theme_key in context.theme_keys(key)[:1]:
                    if theme_key in wanted:
                        votes.add(theme_key, humanise(split_key(key)[1]), file, 1)
                for link in context.links[key]:
                    if link.key in wanted and link.key not in context.not_themes:
                        votes.add_link(link, file)
            return votes

        step = ThemeStep(dry_run=self.dry_run)
        themes = step.run(keys, collect_votes)
        self.result.problems.extend(step.problems)
        return themes

    def hashes(self, vault, topic_keys, context):
        """Each topic note's hash; an unchanged note (same bytes, same context) is skipped before parsing."""
        hashes = {}
        for key in topic_keys:
            targets = context.targets.for_channel(split_key(key)[0])
            practice_links = changes.practice_links_of(key, context.links[key], targets)
            theme_keys = context.theme_keys(key)
            hashes[key] = changes.note_hash(
                vault.notes[key].digest,
                self.status,
                context.videos.get(key, ""),
                [(k, context.slugs[k]) for k in practice_links],
                [(k, context.themes.slugs.get(k, "")) for k in theme_keys],
            )
            imported = context.imported.get(key)
            if imported and imported.note_hash == hashes[key]:
                self.result.unchanged.append(key)
        return hashes

    def tasks(self, vault, keys, context):
        """One batch of changed notes, read again, as tasks to parse and render."""
        return [
            Task(key, text, vault.file(key), context.videos.get(key, ""), split_key(key)[0])
            for key, text in vault.texts(keys, self.result)
        ]

    def parse_changed(self, vault, tasks, outcomes, videos, some_unchanged):
        """One batch of changed notes as parsed, rescaled and with their titles repaired; and what derives from them.

        Returns the notes and, by key, the `workers.Derived` of each note whose parse gave one.
        """
        texts = {task.key: task.text for task in tasks}
        notes, derived = {}, {}
        for outcome in outcomes:
            if outcome.problem is not None:
                self.result.fail(outcome.key, outcome.problem)
            else:
                notes[outcome.key], derived[outcome.key] = outcome.note, outcome.derived
        changed_videos = {note.video_id for note in notes.values() if note.video_id}
        if some_unchanged:
            self.read_unchanged_ends(vault, changed_videos)
        changes.rescale_outliers(notes, texts, self.unchanged_ends)
        # What a worker found of a title's words holds for its note, not for one rescaled since.
        found = {o.key: o.title_evidence for o in outcomes if o.problem is None and notes[o.key] is o.note}
        titles.repair_titles(notes, lambda: self.read_vault_spellings(vault), found)
        self.video_dates.extend(dates.note_dates(notes.values(), videos))
        for note in notes.values():
            self.result.problems.extend(note.problems)
            self.check_video(note, videos)
        return notes, derived

    def read_unchanged_ends(self, vault, videos):
        """Where the unchanged notes of `videos` end (for `changes.rescale_outliers`), read once per video."""
        missing = videos - self.unchanged_ends.keys()
        if not missing:
            return
        # The front matter hint picks the notes worth reading; a note without one may still name a video.
        keys = [key for key in self.result.unchanged if vault.notes[key].video_hint in missing | {""}]
        ends = changes.video_ends(vault.texts(keys), missing)
        self.unchanged_ends.update({video_id: ends.get(video_id, []) for video_id in missing})

    def read_vault_spellings(self, vault):
        """The hyphenated spellings of every note of the run, read once, when a title first needs them."""
        if self.vault_spellings is None:
            self.vault_spellings = titles.all_spellings(text for _, text in vault.texts(vault.notes))
        return self.vault_spellings

    def check_video(self, note, videos):
        listed = videos.get(note.key)
        if note.video_id and listed and listed != note.video_id:
            message = f"videoId {note.video_id} but the index lists the note under {listed}; videoId is used"
            self.result.problems.append(Problem(note.file, 2, "video-conflict", message))

    def write(self, notes, hashes, context, total, derived, search_refresh):
        """One batch of parsed notes: new ones together, others each in its own transaction; links wait for `finish`."""
        writer = NoteWriter(
            self.reference,
            self.status,
            context.themes,
            lambda channel: LinkResolver(context.practice_slugs.for_channel(channel)),
        )
        found, first_records = [], []
        plans = {
            key: replace(self.plan(note, hashes[key], context), derived=derived.get(key)) for key, note in notes.items()
        }
        # One new data version per batch: a version per note was one UPDATE of a hot row per commit.
        with data_version_once():
            new_written = self.write_new_notes(writer, [plan for plan in plans.values() if plan.imported is None])
            for key, plan in plans.items():
                note = plan.note
                self.done += 1
                self.progress(self.done, total)
                written = new_written[key] if key in new_written else self.write_note(writer, plan)
                if written is not None:
                    found.append((written.practice_pk, written.phrases, written.created))
                    if written.first_record is not None:
                        first_records.append(written.first_record)
                    written.phrases = written.first_record = None  # `pending` lasts the run: keep it small
                    self.pending.append(written)
                    self.pending_keys[written.practice_pk] = note.key
                    self.written_hashes[written.practice_pk] = plan.note_hash
                    self.result.problems.extend(conflict_problems(note.file, written.conflicts))
            self.statistics.add(sum(1 for _, _, created in found if created))
            self.write_batch_rows(found, first_records, notes)
        # Themes and mentions are written in bulk, past the signals: refresh what derives from them
        # now (while the workers prepare the next batches and, on PostgreSQL, while this process
        # writes the next one), not all at the run's end.
        search_refresh.refresh(pk for pk, _, _ in found)

    def write_batch_rows(self, found, first_records, notes):
        """The batch's candidate phrases and new practices' first history records, each kind in one insert.

        Written after the notes' own transactions: a run stopped in between leaves those practices
        without a hash (`seal`), so the next run writes them again.
        """
        try:
            with transaction.atomic():
                replace_evidence(found)
                write_first_records(Practice, first_records)
        except Exception as error:  # noqa: BLE001 (reported; the notes are written again next run)
            files = {key: note.file for key, note in notes.items()}
            for pk, _, _ in found:
                self.written_hashes.pop(pk, None)
                key = self.pending_keys[pk]
                message = f"candidate phrases and history not written: {error}"
                self.result.problems.append(Problem(files[key], 0, "batch-failed", message, "error"))

    def finish(self):
        """Once every note is written: the links between practices, and what derives from the notes."""
        pending = self.pending
        dates.record(self.video_dates, self.result.problems)
        if pending:
            rows = Practice.objects.filter(note_key__isnull=False).values_list("note_channel", "note_key", "id")
            practice_pks = {run_key(channel, name): pk for channel, name, pk in rows}
            for pk in write_links(pending, practice_pks, self.result):
                self.written_hashes.pop(pk, None)
            refresh_candidates()
            bump_data_version()
        self.count(pending, self.pending_keys)

    def count(self, pending, keys):
        """Each written note as created, updated, or unchanged when the write changed nothing anyone sees."""
        for item in pending:
            kind = "created" if item.created else "updated" if item.changed else "unchanged"
            getattr(self.result, kind).append(keys[item.practice_pk])

    def seal(self):
        """Store the hashes of the notes written, now that their links and search vectors are written.

        Run after the search refresh: a run stopped before this leaves those practices without a
        hash, and the next run imports them again instead of skipping them as unchanged.
        """
        if not self.written_hashes:
            return
        # One statement run per row: `bulk_update` would build a CASE over every row of a batch.
        table = Practice._meta.db_table
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET note_hash = %s WHERE id = %s",  # noqa: S608 (the model's own table)
                [(note_hash, pk) for pk, note_hash in self.written_hashes.items()],
            )

    def plan(self, note, note_hash, context):
        channel = split_key(note.key)[0]
        practice_links = changes.practice_links_of(note.key, note.links, context.targets.for_channel(channel))
        video_id = note.video_id or context.videos.get(note.key, "")
        imported = context.imported.get(note.key)
        slug = context.slugs[note.key]
        theme_keys = context.theme_keys(note.key)
        return NotePlan(note, imported, slug, video_id, note_hash, practice_links, theme_keys, channel)

    def write_new_notes(self, writer, plans):
        """The batch's new practices in one transaction (`NoteWriter.write_new`): their `LinksToWrite` by note key.

        When that fails (a note the writer cannot take, a practice another import created
        meanwhile), nothing of it stays and {} says so: each note is then written on its own, where
        a failure stops that note only and is reported with its file.
        """
        if not plans:
            return {}
        self.reference.begin_note()
        try:
            with budget.time_budget(), transaction.atomic():
                return {plan.note.key: written for plan, written in zip(plans, writer.write_new(plans), strict=True)}
        except Exception:  # noqa: BLE001 (the notes are written again one by one, which reports what fails)
            self.reference.rollback_note()
            logger.warning("a batch of %s new notes is written note by note", len(plans), exc_info=True)
            return {}

    def write_note(self, writer, plan):
        """One note in its own transaction; a failure is reported and leaves nothing of the note."""
        self.reference.begin_note()
        try:
            try:
                with budget.time_budget(), transaction.atomic():
                    return writer.write(plan)
            except IntegrityError:
                # Another import created this practice since the run looked: update it instead.
                self.reference.rollback_note()
                plan = self.replan(plan)
                if plan is None:
                    raise
                with budget.time_budget(), transaction.atomic():
                    return writer.write(plan)
        except Exception as error:  # noqa: BLE001 (one bad note must not stop the others)
            self.reference.rollback_note()
            self.result.fail(plan.note.key, Problem(plan.note.file, 0, "write-failed", failure(error), "error"))
            return None

    def replan(self, plan):
        """`plan` against the practice a concurrent import created meanwhile, or None when there is none."""
        channel, name = split_key(plan.note.key)
        rows = Practice.objects.filter(note_channel=channel, note_key=name)
        row = rows.values_list("id", "slug", "note_hash").first()
        if row is None or plan.imported is not None:
            return None
        return replace(plan, imported=changes.Imported(*row), slug=row[1])

    def upsert_videos(self, index_notes):
        """Videos of the index notes, with titles; returns note key -> video id."""
        titles, channels, by_note = {}, {}, {}
        for index in index_notes:
            for video in index.index_videos:
                titles[video.youtube_id] = video.title[: Video._meta.get_field("title").max_length]
                channels[video.youtube_id] = index.key
                for key in video.note_keys:
                    # Notes name their channel (index note) in their key; bare for notes without one.
                    by_note.setdefault(run_key(index.key, key), video.youtube_id)
                    by_note.setdefault(key, video.youtube_id)
        self.result.videos = len(titles)
        if not self.dry_run and titles:
            self.reference.video_pks.update(save_videos(titles, channels))
            if dates.record([d for index in index_notes for d in dates.index_dates(index)], self.result.problems):
                bump_data_version()
        return by_note


def save_videos(titles, channels):
    """Create or update the videos by id with their titles and channels; returns their ids by YouTube id."""
    existing = {v.youtube_id: v for v in Video.objects.filter(youtube_id__in=list(titles))}
    changed = []
    for youtube_id, title in titles.items():
        video = existing.get(youtube_id)
        channel = channels.get(youtube_id, "")
        if video is None:
            existing[youtube_id] = Video(youtube_id=youtube_id, title=title, channel=channel)
        elif (title and video.title != title) or (channel and video.channel != channel):
            video.title = title or video.title
            video.channel = channel or video.channel
            changed.append(video)
    Video.objects.bulk_create([v for v in existing.values() if v.pk is None], ignore_conflicts=True)
    Video.objects.bulk_update(changed, ["title", "channel"])
    return dict(Video.objects.filter(youtube_id__in=list(titles)).values_list("youtube_id", "id"))


@contextmanager
def relaxed_commits():
    """On PostgreSQL, commits that do not wait for the disk, for this connection and this run only.

    Each note (or batch of new notes) is still an all-or-nothing transaction; a crash may lose the
    last moments of commits, which the next (idempotent) import writes again. It makes one commit
    per note cheap.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def import_notes(paths, status=None, dry_run=False, progress=None):
    """Import the notes under `paths`; returns an `ImportResult`. See the package docstring.

    `status` is what imported practices should be; None makes new ones drafts and leaves others be.
    """
    importer = Importer(status=status, dry_run=dry_run, progress=progress)
    # Notes are English: titles, summaries and theme names go to the English fields, and the
    # three-way merge compares with them, whatever language the caller had active.
    with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE), relaxed_commits():
        with deferred_search_refresh():
            result = importer.run(paths)
        importer.seal()
    return result
