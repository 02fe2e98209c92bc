"""A batch's new practices are written together, and give exactly what writing them one by one gives."""

import shutil

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from benchmarks.dataset import write_vault
from practices.importing import import_notes, workers, writer
from practices.importing.parser import parse_note
from practices.importing.reference import ReferenceData
from practices.importing.writer import NoteWriter
from practices.models import CountryMention, Practice, ThemedPractice, ToolkitMention, Video
from practices.rendering import LinkResolver
from practices.search import search
from tests.conftest import FIXTURE_NOTES

pytestmark = pytest.mark.django_db

SEED_NAME = "sharing_and_disseminating_innovative_practices"
# Written per run: they differ between two imports of the same notes.
MOMENTS = {"id", "created_at", "updated_at", "published_at", "source_video_id"}
NAMED_NOTE = """---
title: Estonia and Denmark try the starter kit
---
## Where

Estonia tried the Anticipatory Innovation Starter Kit with its ministries [00:01:05](https://www.youtube.com/watch?v=abcdefghijk&t=65s).
Denmark followed a year later, in a quinquennial review, with the Anticipatory Innovation Starter Kit again [00:02:10](https://www.youtube.com/watch?v=abcdefghijk&t=130s).

See [[Anticipatory innovation]] and [[Public sector innovation]].
"""


@pytest.fixture
def vault(tmp_path, seed):
    folder = tmp_path / "vault"
    folder.mkdir()
    write_vault(folder, 12)
    shutil.copy(FIXTURE_NOTES / f"{SEED_NAME}.md", folder)
    (folder / "estonia_and_denmark.md").write_text(NAMED_NOTE, encoding="utf-8")
    return folder


@pytest.fixture
def batches(monkeypatch):
    """The notes of each batch `NoteWriter.write_new` wrote, and (`.one_by_one`) of each note `write` wrote."""
    calls = Calls()
    write_new, write = NoteWriter.write_new, NoteWriter.write

    def counted_batch(self, plans):
        written = write_new(self, plans)
        calls.append([plan.note.key for plan in plans])
        return written

    def counted_note(self, plan):
        written = write(self, plan)
        calls.one_by_one.append(plan.note.key)
        return written

    monkeypatch.setattr(NoteWriter, "write_new", counted_batch)
    monkeypatch.setattr(NoteWriter, "write", counted_note)
    return calls


class Calls(list):
    def __init__(self):
        super().__init__()
        self.one_by_one = []


def one_by_one(monkeypatch):
    """Make every batch fall back to writing its notes one by one."""

    def refuse(self, plans):
        raise RuntimeError("no batch")

    monkeypatch.setattr(NoteWriter, "write_new", refuse)


def written():
    """Every row the import wrote, by note key and without what differs between two runs."""
    columns = [field.attname for field in Practice._meta.concrete_fields if field.attname not in MOMENTS]
    practices = Practice.objects.order_by("note_key").annotate(unpublished=Q(published_at=None))
    history = Practice.history.model.objects.order_by("note_key", "history_id")
    return {
        "practices": list(practices.values_list(*columns, "source_video__youtube_id", "unpublished")),
        "countries": sorted(
            CountryMention.objects.values_list(
                "practice__note_key", "country__code", "origin", "strength", "sentence", "seconds", "moments"
            )
        ),
        "toolkits": sorted(
            ToolkitMention.objects.values_list("practice__note_key", "toolkit__slug", "origin", "sentence", "seconds")
        ),
        "themes": sorted(ThemedPractice.objects.values_list("content_object__note_key", "tag__slug", "is_topic")),
        "links": sorted(Practice.links_to.through.objects.values_list("from_practice__slug", "to_practice__slug")),
        "history": list(history.values_list("note_key", "history_type", "title", "status", "history_change_reason")),
        "videos": sorted(Video.objects.values_list("youtube_id", "title")),
        "video history": sorted(
            Video.history.model.objects.values_list(
                "youtube_id", "history_type", "title", "history_change_reason", "history_user_id"
            )
        ),
    }


@pytest.mark.parametrize("status", [None, "published"])
def test_new_practices_written_together_equal_those_written_one_by_one(vault, monkeypatch, batches, status):
    videos_before = set(Video.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as queries:
        together = import_notes([vault], status=status)
    video_inserts = [
        q for q in queries.captured_queries if q["sql"].startswith(f'INSERT INTO "{Video._meta.db_table}"')
    ]
    assert len(video_inserts) == 1, "the batch's videos are created together"
    rows_together = written()
    assert sum(map(len, batches)) == len(together.created) == 14
    assert batches.one_by_one == []
    assert rows_together["countries"] and rows_together["toolkits"] and rows_together["themes"]
    assert len(rows_together["history"]) == 14
    # The notes' videos (no index lists them) are created with the batch, each with its first record.
    created_videos = Video.objects.exclude(pk__in=videos_before)
    assert created_videos.count() == 3
    assert Video.history.model.objects.filter(id__in=created_videos.values("pk"), history_type="+").count() == 3
    # Their search data is written too: found by a word of the text, a country and a theme.
    everything = Practice.objects.all()
    assert {p.note_key for p in search(everything, "quinquennial")} == {"estonia_and_denmark"}
    assert "estonia_and_denmark" in {p.note_key for p in search(everything, "Denmark")}
    assert "estonia_and_denmark" in {p.note_key for p in search(everything, "anticipatory")}

    Practice.objects.all().delete()
    Practice.history.model.objects.all().delete()
    Video.objects.exclude(pk__in=videos_before).delete()
    Video.history.model.objects.exclude(id__in=videos_before).delete()
    one_by_one(monkeypatch)
    alone = import_notes([vault], status=status)

    assert sorted(alone.created) == sorted(together.created)
    assert not together.failed and not alone.failed
    assert written() == rows_together


def failing_for_the_named_note(function, note_of):
    """`function`, raising for the note `estonia_and_denmark` (`note_of` finds the note key in its arguments)."""

    def failing(*args, **kwargs):
        if note_of(*args).endswith("estonia_and_denmark"):
            raise ValueError("this note cannot be written")
        return function(*args, **kwargs)

    return failing


@pytest.mark.parametrize(
    "step, note_of",
    [
        # Before anything of the batch is inserted, and once its practices are.
        ("imported_values", lambda plan, *args: plan.note.key),
        ("new_mentions", lambda practice, *args: practice.note_key),
    ],
)
def test_a_note_that_fails_in_a_batch_fails_alone(vault, monkeypatch, batches, step, note_of):
    monkeypatch.setattr(writer, step, failing_for_the_named_note(getattr(writer, step), note_of))
    result = import_notes([vault])

    assert batches == [], "the batch was rolled back"
    assert len(batches.one_by_one) == 13, "and its notes written one by one"
    assert [key.rsplit("/", 1)[-1] for key in result.failed] == ["estonia_and_denmark"]
    assert len(result.created) == 13 == Practice.objects.count()
    assert [p.kind for p in result.problems if p.severity == "error"] == ["write-failed"]
    assert not Practice.objects.filter(note_key__endswith="estonia_and_denmark").exists()
    # The videos the rolled-back batch created are created again, not pointed at as they were.
    assert not Practice.objects.exclude(source_video=None).filter(source_video__youtube_id=None).exists()
    assert Practice.objects.exclude(source_video=None).count() == 13


def test_an_update_is_never_written_in_a_batch(vault, batches):
    import_notes([vault])
    note = vault / "estonia_and_denmark.md"
    note.write_text(NAMED_NOTE.replace("a year later", "two years later"), encoding="utf-8")
    batches.clear()

    result = import_notes([vault])

    assert [key.rsplit("/", 1)[-1] for key in result.updated] == ["estonia_and_denmark"]
    assert batches == []
    assert batches.one_by_one == ["estonia_and_denmark"]


def test_mentions_found_by_a_worker_are_found_again_for_a_repaired_title(seed):
    note = parse_note("estonia_and_denmark", NAMED_NOTE, file="estonia_and_denmark.md")
    reference = ReferenceData()
    derived = workers.derive(note, "", LinkResolver({}), reference.gazetteers())
    assert sorted(derived.mentions["countries"]) == ["DK", "EE"]
    assert writer.mentions_of(note, derived, reference) is derived.mentions

    note.title = "France tries the starter kit"  # the run repaired the title after the worker's work
    found = writer.mentions_of(note, derived, reference)

    assert sorted(found["countries"]) == ["DK", "EE", "FR"]
    assert found["toolkits"] == derived.mentions["toolkits"] != {}
