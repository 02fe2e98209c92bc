"""An import that breaks half way leaves what was there, and every note it finished, whole."""

import pytest
from django.db import DatabaseError

from practices.importing import import_notes
from practices.importing.writer import NoteWriter
from practices.models import CountryMention, Practice, ThemedPractice

pytestmark = pytest.mark.django_db

NOTES = 5
BROKEN = "note_3"
# In a run, a note's key names its channel (the index note of its From line).
BROKEN_IN_RUN = f"oecdobservatoryofpublicsec3116/{BROKEN}"


def write_vault(folder):
    folder.mkdir()
    for n in range(1, NOTES + 1):
        (folder / f"note_{n}.md").write_text(
            f"---\ntitle: Note {n}\nvideoId: abcdefghijk\n---\n\n"
            f"From: [[oecdobservatoryofpublicsec3116]] <br/>\n\n"
            f"Portugal tried [[anticipatory_innovation | anticipation]] here [00:00:{n:02d}].\n",
            encoding="utf-8",
        )
    return folder


@pytest.fixture
def earlier(seed):
    """A curator's own entry from before the import."""
    return Practice.objects.create(title="Curated before", slug="curated-before", body_markdown="**Kept**")


def break_on(monkeypatch, key, error):
    """Raise `error` once the note `key` is written, alone (`write`) or with its batch of new notes (`write_new`)."""
    original, original_batch = NoteWriter.write, NoteWriter.write_new
    broken = f"oecdobservatoryofpublicsec3116/{key}"

    def write(self, plan):
        written = original(self, plan)
        if plan.note.key == broken:
            raise error  # after the practice, its mentions and themes are written: all must roll back
        return written

    def write_new(self, plans):
        written = original_batch(self, plans)
        if any(plan.note.key == broken for plan in plans):
            raise error  # after the batch's practices, mentions and themes are written
        return written

    monkeypatch.setattr(NoteWriter, "write", write)
    monkeypatch.setattr(NoteWriter, "write_new", write_new)


def assert_whole(key):
    practice = Practice.objects.get(note_key=key)
    assert practice.body_html
    assert CountryMention.objects.filter(practice=practice, country__code="PT").exists()
    assert ThemedPractice.objects.filter(content_object=practice).exists()


def assert_untouched(earlier):
    kept = Practice.objects.get(pk=earlier.pk)
    assert (kept.title, kept.body_markdown, kept.body_html) == (earlier.title, earlier.body_markdown, earlier.body_html)


def test_a_database_error_on_one_note_keeps_the_others_and_earlier_data(tmp_path, monkeypatch, earlier):
    break_on(monkeypatch, BROKEN, DatabaseError("could not extend file: no space left on device"))
    result = import_notes([write_vault(tmp_path / "vault")], status="published")
    assert result.failed == [BROKEN_IN_RUN]
    assert not Practice.objects.filter(note_key=BROKEN).exists()
    assert not CountryMention.objects.filter(practice__note_key=BROKEN).exists()
    for n in (1, 2, 4, 5):
        assert_whole(f"note_{n}")
    assert_untouched(earlier)


def test_an_import_killed_half_way_leaves_finished_notes_whole_and_a_rerun_completes(tmp_path, monkeypatch, earlier):
    vault = write_vault(tmp_path / "vault")
    break_on(monkeypatch, BROKEN, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        import_notes([vault], status="published")
    written = set(Practice.objects.filter(note_key__isnull=False).values_list("note_key", flat=True))
    # The new notes of a batch are written together: killed in it, the run leaves none of them.
    assert BROKEN not in written
    assert not CountryMention.objects.filter(practice__note_key=BROKEN).exists()
    for key in written:
        assert_whole(key)
    assert_untouched(earlier)

    monkeypatch.undo()
    result = import_notes([vault], status="published")
    assert result.failed == []
    for n in range(1, NOTES + 1):
        assert_whole(f"note_{n}")
    assert_untouched(earlier)


def test_an_update_killed_half_way_leaves_each_note_whole_old_or_new(tmp_path, monkeypatch, earlier):
    vault = write_vault(tmp_path / "vault")
    import_notes([vault], status="published")
    for path in vault.glob("*.md"):
        path.write_text(path.read_text(encoding="utf-8").replace("tried", "tried again"), encoding="utf-8")
    break_on(monkeypatch, BROKEN, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        import_notes([vault], status="published")
    texts = dict(Practice.objects.filter(note_key__isnull=False).values_list("note_key", "body_markdown"))
    assert "tried again" in texts["note_1"]  # written before the break, whole
    assert "tried again" not in texts[BROKEN]  # rolled back, as it was
    for key in texts:
        assert_whole(key)
    assert_untouched(earlier)
