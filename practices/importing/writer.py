"""Writing notes: a practice's fields, mentions and themes, in three-way merges with the curator.

A note of a practice that exists is written on its own (`NoteWriter.write`); the new practices of
a batch are written together (`NoteWriter.write_new`), with nothing to merge.

What the last import wrote is kept in `Practice.import_snapshot`. A field, mention or theme that
differs from it was changed by a curator and is left alone; the rest follows the note. Texts are
compared normalised (`same_text`): line ends a browser changed are not a curator's edit. A field the
curator and the note both changed keeps the curator's value and is recorded as a conflict
(`Practice.import_conflicts`), which the run reports.
"""

import dataclasses
from dataclasses import dataclass

from django.db import transaction

from opsi_portal.caching import bump_data_version
from opsi_portal.lib.text import normalise_text, same_text

from ..models import CountryMention, Origin, Practice, ThemedPractice, ToolkitMention
from ..rendering import render_note
from ..search import refresh_search_vector
from . import detection
from .channels import split_key
from .copying import copy_instances
from .parser import Problem
from .sentences import sentences_of
from .workers import derive

# Each kind of mention: its model, the field naming the record, the name of its reference data
# (`ReferenceData.countries`) and of its keys in the snapshot, and the fields the note gives it.
MENTIONS = (
    (CountryMention, "country", "countries", ("sentence", "seconds", "strength", "moments")),
    (ToolkitMention, "toolkit", "toolkits", ("sentence", "seconds")),
)
# Fields of a detected mention that a curator may change: a change outlives re-imports.
CURATED_MENTION_FIELDS = ("strength",)
# Fields the import sets and a curator may change; `source_video` is merged the same way.
FIELDS = ("title", "summary", "status", "body_markdown")
# A conflict's report quotes this much of the note's value.
QUOTED = 200


@dataclass
class NotePlan:
    """What the run decided for one changed note before writing it."""

    note: object  # parser.Note
    imported: object  # changes.Imported, None for a new practice
    slug: str
    video_id: str
    note_hash: str
    practice_links: list
    theme_keys: list  # its own topic's key first, then the link targets'
    channel: str = ""
    derived: object = None  # workers.Derived made in a worker process, when it was


@dataclass
class LinksToWrite:
    """A written practice's links to other practices, written once every practice of the run exists."""

    practice_pk: int
    links: list
    before: list
    created: bool
    # False when the last run stopped before this practice's links were written (it left no hash):
    # the links its snapshot lists may be missing, and are written again.
    sealed: bool = True
    # Whether writing the note changed anything a curator or a visitor sees (links may add to it).
    changed: bool = True
    # The fields the curator and the note both changed in this run, with the note's values (the
    # curator's values stayed).
    conflicts: dict = dataclasses.field(default_factory=dict)
    # Written with the note's batch, then dropped (`BatchRows`): the note's candidate phrases, and
    # the new practice whose first history record is still to write.
    phrases: list | None = None
    first_record: Practice | None = None


def imported_values(plan, status, reference, themes, derived):
    """What the note says the practice should be: fields, detected mentions, themes and links."""
    note = plan.note
    return {
        "title": normalise_text(note.title),
        "summary": normalise_text(derived.summary),
        "status": status or Practice.Status.DRAFT,
        "body_markdown": derived.body,
        "source_video": plan.video_id,
        **mentions_of(note, derived, reference),
        "themes": themes.slugs_of(plan.theme_keys),
        "theme_keys": plan.theme_keys,
        "topic": plan.theme_keys[0] if plan.theme_keys else "",
        "links": plan.practice_links,
        "phrases": derived.phrases,  # for the reference candidates; not kept in the snapshot
    }


def mentions_of(note, derived, reference):
    """The countries and toolkits the note names: as a worker found them with the same title, else found here."""
    if derived.title == note.title:
        return derived.mentions
    return detection.detected_mentions(note.title, sentences_of(derived.source), reference.gazetteers())


def snapshot_of(new):
    """What `import_snapshot` keeps of the imported values: enough to tell a curator's change later."""
    snapshot = {name: new[name] for name in (*FIELDS, "source_video")}
    snapshot.update(
        countries=sorted(new["countries"]),
        # The strength the import gave each country: one that differs later is a curator's choice.
        country_strengths={key: value["strength"] for key, value in new["countries"].items()},
        toolkits=sorted(new["toolkits"]),
        themes=new["themes"],
        theme_keys=new["theme_keys"],
        topic=new["topic"],
        links=new["links"],
    )
    return snapshot


class NoteWriter:
    """Writes the practices of one run: a note per `write`, new ones per `write_new`, in the caller's transaction."""

    def __init__(self, reference, status, themes, resolver_for):
        self.reference = reference
        self.status = status
        self.themes = themes  # themes.Themes of the run
        self.resolver_for = resolver_for  # channel -> LinkResolver

    def write(self, plan):
        """Create or update the practice of `plan.note`; returns its links, for `write_links`."""
        # Rendered before the practice is read and locked: the lock is held only for the merge.
        derived = self._derived(plan)
        new = imported_values(plan, self.status, self.reference, self.themes, derived)
        rendered = derived.html
        created = plan.imported is None
        practice, previous = self._practice(plan, new)
        before = None if created else visible_fields(practice)
        conflicts = merge_fields(practice, previous, new, created, self.reference.video_pk(plan.video_id))
        if practice.body_markdown != new["body_markdown"]:
            rendered = self._render(practice.body_markdown, plan.video_id, plan.channel)  # the curator's own text
        practice.set_rendered_body(rendered)
        changed = created or visible_fields(practice) != before
        self._save(practice, new, conflicts, changed)
        for model, name, kind, _ in MENTIONS:
            pks = getattr(self.reference, kind).pks
            written = previous.get("country_strengths", {}) if kind == "countries" else {}
            detected = Written(previous.get(kind, []), written)
            changed |= merge_mentions(practice, model, name, pks, new[kind], detected, created)
        topic = self._topic(plan)
        changed |= self._merge_themes(practice, new["themes"], previous.get("themes", []), created, topic)
        if not created:
            changed |= self._mark_topic(practice, topic)
        return self._links(plan, practice, new, previous, changed, conflicts)

    def write_new(self, plans):
        """Create the practices of new notes together: one insert each for practices, mentions and themes.

        A practice that does not exist yet holds no curator's work, so there is nothing to read,
        lock or merge, and the notes need not be committed one by one. The same fields, rows and
        links as `write` gives each of them; the caller runs this in one transaction and writes the
        notes one by one when it fails. Returns the `LinksToWrite` of each plan, in order.
        """
        self.reference.add_videos(plan.video_id for plan in plans)
        made = [(plan, *self._new_practice(plan)) for plan in plans]
        copy_instances(Practice, [practice for _, practice, _ in made], with_ids=True)
        rows = {model: [] for model, *_ in MENTIONS} | {ThemedPractice: []}
        for plan, practice, new in made:
            for model, name, kind, _ in MENTIONS:
                rows[model] += new_mentions(practice, model, name, getattr(self.reference, kind).pks, new[kind])
            rows[ThemedPractice] += self._theme_rows(practice, new["themes"], self._topic(plan))
        for model, objects in rows.items():
            model.objects.bulk_create(objects)
        # Bulk inserts send no signals: what a save's receivers would do. Inside the run's deferred
        # refresh the ids are only collected, so a run stopped before the batch's refresh still
        # refreshes them at its end.
        refresh_search_vector([practice.pk for _, practice, _ in made])
        bump_data_version()
        return [self._links(plan, practice, new, {}, True, []) for plan, practice, new in made]

    def _new_practice(self, plan):
        """The practice of a new note, ready to insert as `save` would write it, and the note's values."""
        derived = self._derived(plan)
        new = imported_values(plan, self.status, self.reference, self.themes, derived)
        practice, _ = self._practice(plan, new)
        merge_fields(practice, {}, new, True, self.reference.video_pk(plan.video_id))
        practice.set_rendered_body(derived.html)
        self._keep_import_values(practice, new, [])
        practice.prepare_row()
        practice.fill_english_texts()
        return practice, new

    def _derived(self, plan):
        """What the note's body gives: made by a worker when it fits the note, else here."""
        derived = plan.derived
        if derived is None or not derived.fits(plan.note, plan.video_id):
            derived = derive(plan.note, plan.video_id, self.resolver_for(plan.channel), self.reference.gazetteers())
        return derived

    def _topic(self, plan):
        """The slug of the note's own topic's theme (a list of one), or an empty list."""
        return self.themes.slugs_of(plan.theme_keys[:1])

    @staticmethod
    def _links(plan, practice, new, previous, changed, conflicts):
        """The written note's `LinksToWrite`, with its phrases and, when new, its first history record to write."""
        created = plan.imported is None
        sealed = created or bool(plan.imported.note_hash)
        before_links, note_values = previous.get("links", []), {name: new[name] for name in conflicts}
        written = LinksToWrite(practice.pk, new["links"], before_links, created, sealed, changed, note_values)
        written.phrases, written.first_record = new["phrases"], practice if created else None
        return written

    @staticmethod
    def _keep_import_values(practice, new, conflicts):
        """What the practice keeps of this import, for the three-way merges of the next one."""
        # The hash says "nothing to do for this note": it is sealed by the run only once the links
        # and search vector derived from the note are written too (`Importer.seal`).
        practice.note_hash = ""
        practice.import_snapshot = snapshot_of(new)
        practice.import_conflicts = open_conflicts(practice, new, conflicts)

    @classmethod
    def _save(cls, practice, new, conflicts, changed):
        """Save the practice, or, when the note changes nothing visible, only what the import keeps."""
        cls._keep_import_values(practice, new, conflicts)
        if changed:
            if practice.pk is None:
                # A new practice's first history record is written with its batch's (`BatchRows`).
                practice.skip_history_when_saving = True
                practice.save()
                del practice.skip_history_when_saving
            else:
                practice.save()
            return
        # No history row and no new data version for a write nobody can see.
        kept = ("note_hash", "import_snapshot", "import_conflicts")
        Practice.objects.filter(pk=practice.pk).update(**{name: getattr(practice, name) for name in kept})

    def _render(self, markdown, video_id, channel):
        return render_note(markdown, video_id=video_id or None, resolve=self.resolver_for(channel))

    def _practice(self, plan, new):
        """The practice to write, locked, and what the last import wrote into it ({} for a new one).

        The row is read under a lock (PostgreSQL) in the note's transaction, so the merge sees a
        curator's latest save, and a save made meanwhile waits for the import instead of being lost.
        """
        if plan.imported is None:
            return Practice(slug=plan.slug, note_key=split_key(plan.note.key)[1], note_channel=plan.channel), {}
        locked = Practice.objects.select_for_update(of=("self",)).select_related("source_video")
        practice = locked.get(pk=plan.imported.pk)
        previous = practice.import_snapshot or {}
        if self.status is None:
            # No --status: an existing practice's status is not the import's business.
            new["status"] = previous.get("status", practice.status)
        return practice, previous

    def _merge_themes(self, practice, themes, before, created, topic):
        current = set()
        if not created:
            current = set(ThemedPractice.objects.filter(content_object=practice).values_list("tag__slug", flat=True))
        # A theme merged since the last import is the theme it was merged into, not a curator's change.
        before = self.themes.current(before)
        add = [slug for slug in themes if slug not in current and slug not in before and slug in self.themes.pks]
        remove = [slug for slug in before if slug not in themes and slug in current]
        if remove:
            ThemedPractice.objects.filter(content_object=practice, tag__slug__in=remove).delete()
        if add:
            ThemedPractice.objects.bulk_create(self._theme_rows(practice, add, topic))
        return bool(add or remove)

    def _theme_rows(self, practice, slugs, topic):
        """The practice's new rows for the themes `slugs` (those the run has), `topic` marked as its own."""
        return [
            ThemedPractice(content_object=practice, tag_id=self.themes.pks[slug], is_topic=slug in topic)
            for slug in slugs
            if slug in self.themes.pks
        ]

    @staticmethod
    def _mark_topic(practice, topic):
        """Flag the practice as the note of its own topic's theme, so the theme page can show it."""
        rows = ThemedPractice.objects.filter(content_object=practice)
        unmarked = rows.filter(is_topic=True).exclude(tag__slug__in=topic).update(is_topic=False)
        marked = rows.filter(tag__slug__in=topic, is_topic=False).update(is_topic=True)
        return bool(unmarked or marked)


def visible_fields(practice):
    """What a curator or a visitor sees of the practice's own fields, to tell whether a write changed it."""
    return [getattr(practice, name) for name in (*FIELDS, "source_video_id", "body_html")]


def _current(practice, name):
    if name == "source_video":
        return practice.source_video.youtube_id if practice.source_video_id else ""
    return getattr(practice, name)


def merge_fields(practice, previous, new, created, video_pk):
    """Three-way merge of the practice's fields; returns those the curator and the note both changed.

    A field still as the last import wrote it follows the note; one a curator changed keeps the
    curator's value, and is a conflict when the note changed it too (to something else).
    """
    conflicts = []
    for name in (*FIELDS, "source_video"):
        current, written, wanted = _current(practice, name), previous.get(name), new[name]
        if created or same_text(current, written):
            if name == "source_video":
                practice.source_video_id = video_pk
            else:
                setattr(practice, name, wanted)
        elif not same_text(wanted, written) and not same_text(current, wanted):
            conflicts.append(name)
    return conflicts


def open_conflicts(practice, new, conflicts):
    """The practice's conflicts after a write: this run's, and earlier ones the curator has not resolved.

    By field, what the note says. A field whose value now equals the note's is no conflict any more.
    """
    names = set(practice.import_conflicts or {}) | set(conflicts)
    return {
        name: new[name] for name in sorted(names) if name in new and not same_text(_current(practice, name), new[name])
    }


def conflict_problems(file, conflicts):
    """Report each field a curator and the note both changed: the curator's value was kept."""
    problems = []
    for name, value in conflicts.items():
        label = Practice._meta.get_field(name).verbose_name
        quoted = value if len(value) <= QUOTED else value[:QUOTED].rstrip() + "…"
        message = (
            f"{label}: changed by a curator and by the note; the curator's value is kept. The note now says: {quoted}"
        )
        problems.append(Problem(file, 0, "curator-conflict", message))
    return problems


@dataclass(frozen=True)
class Written:
    """What the last import wrote of one kind of mention: its keys, and each key's strength (countries)."""

    keys: list
    strengths: dict


def merge_mentions(practice, model, name, pks, detected, written, created):
    """Three-way merge of detected mentions; a curator's rows, deletions and strengths are left as they are.

    `name` is the mentioned model's field; `detected` what the note says (key -> field values);
    `written` what the last import wrote. Returns whether any row was added, changed or removed.
    """
    fields = next(fields for kind_model, _, _, fields in MENTIONS if kind_model is model)
    rows = {} if created else _mention_rows(practice, model, name, pks, fields)
    remove, updated = [], 0
    for key, row in rows.items():
        if row["origin"] != Origin.DETECTED:
            continue
        if key not in detected:
            remove.append(row["id"])
            continue
        changes = changed_mention_fields(row, detected[key], {"strength": written.strengths.get(key)})
        if changes:
            # The note now says something else: the mention goes back to the review queue.
            updated += model.objects.filter(pk=row["id"]).update(**changes, reviewed_at=None)
    create = new_mentions(practice, model, name, pks, detected, skip=rows.keys() | set(written.keys))
    if remove:
        model.objects.filter(pk__in=remove).delete()
    if create:
        model.objects.bulk_create(create)
    return bool(remove or create or updated)


def new_mentions(practice, model, name, pks, detected, skip=()):
    """Rows of `model` for the detected mentions (key -> field values) of records the run knows, but `skip`."""
    return [
        model(practice=practice, origin=Origin.DETECTED, **values, **{f"{name}_id": pks[key]})
        for key, values in detected.items()
        if key not in skip and key in pks
    ]


def changed_mention_fields(row, wanted, written):
    """The fields of a detected row the note changes; a field a curator changed since the last import stays."""
    changes = {}
    for field, value in wanted.items():
        curated = field in CURATED_MENTION_FIELDS and written.get(field) not in (None, row[field])
        if row[field] != value and not curated:
            changes[field] = value
    return changes


def _mention_rows(practice, model, name, pks, fields):
    """The practice's mentions by the key (code or slug) of what they mention."""
    by_pk = {pk: key for key, pk in pks.items()}
    columns = ("id", f"{name}_id", "origin", *fields)
    rows = model.objects.filter(practice=practice).values(*columns)
    # A record made after the run read its reference data is not the run's to judge.
    return {by_pk[row[f"{name}_id"]]: row for row in rows if row[f"{name}_id"] in by_pk}


def write_links(pending, practice_pks, result):
    """Links between practices, once every practice of the run exists; three-way like mentions.

    `practice_pks` maps normalised note keys to practice ids. A practice whose links fail is
    reported and keeps no hash, so the next run imports it again; returns the ids of those.
    """
    failed = set()
    through = Practice.links_to.through
    # New practices have no links a curator could have touched: one insert for all of them.
    created = [item for item in pending if item.created]
    rows = [
        through(from_practice_id=item.practice_pk, to_practice_id=practice_pks[key])
        for item in created
        for key in item.links
        if key in practice_pks
    ]
    try:
        with transaction.atomic():
            through.objects.bulk_create(rows, ignore_conflicts=True)
    except Exception as error:  # noqa: BLE001 (reported; the practices stay, their links come next run)
        failed.update(links_failed([item.practice_pk for item in created], error, result))
    for item in pending:
        if item.created:
            continue
        try:
            with transaction.atomic():
                item.changed |= _merge_links(through, item, practice_pks)
        except Exception as error:  # noqa: BLE001 (one bad note must not stop the others)
            failed.update(links_failed([item.practice_pk], error, result))
    return failed


def _merge_links(through, item, practice_pks):
    """Three-way merge of one practice's links; returns whether any link was added or removed."""
    current = set(through.objects.filter(from_practice_id=item.practice_pk).values_list("to_practice_id", flat=True))
    # Links the last import wrote and are gone were removed by a curator, unless it never wrote them.
    added_before = set(item.before) if item.sealed else set()
    wanted = {practice_pks[key] for key in item.links if key in practice_pks and key not in added_before}
    dropped = {practice_pks[key] for key in item.before if key not in item.links and key in practice_pks}
    through.objects.filter(from_practice_id=item.practice_pk, to_practice_id__in=dropped & current).delete()
    through.objects.bulk_create(
        [through(from_practice_id=item.practice_pk, to_practice_id=pk) for pk in wanted - current]
    )
    return bool(dropped & current or wanted - current)


def links_failed(practice_pks, error, result):
    """Report practices whose links could not be written and make the next run import them again."""
    for key in Practice.objects.filter(pk__in=practice_pks).values_list("note_key", flat=True):
        result.fail(key, Problem(key, 0, "links-failed", f"links not written: {error}", "error"))
    return practice_pks
