"""`manage.py import_notes` through call_command: what it writes, keeps, reports and refuses."""

import json
import os
import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from incubator.models import Country
from practices.models import CountryMention, Origin, Practice, Theme, ThemedPractice, ToolkitMention, Video
from tests.conftest import FIXTURE_NOTES

SEED_KEY = "sharing_and_disseminating_innovative_practices"


def run(*args, **options):
    out, err = StringIO(), StringIO()
    call_command("import_notes", *[str(a) for a in args], stdout=out, stderr=err, **options)
    return out.getvalue() + err.getvalue()


def run_failing(*args, **options):
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_notes", *[str(a) for a in args], stdout=out, stderr=err, **options)
    return out.getvalue() + err.getvalue(), str(error.value)


def note(title="A note", video="abcdefghijk", body="Denmark leads [00:00:10]."):
    return f"---\ntitle: {title}\nvideoId: {video}\n---\n\nFrom: [[channel]] <br/>\n\n{body}\n"


@pytest.fixture
def vault(tmp_path):
    folder = tmp_path / "vault"
    folder.mkdir()
    shutil.copy(FIXTURE_NOTES / f"{SEED_KEY}.md", folder)
    return folder


def seed_practice():
    return Practice.objects.get(note_key=SEED_KEY)


def country_codes(practice):
    return sorted(str(code) for code in practice.countries.values_list("code", flat=True))


@pytest.mark.django_db
def test_seed_note_becomes_a_published_practice_with_everything_it_names(seed, vault):
    output = run(vault, status="published")
    assert "created 1, updated 0, unchanged 0, failed 0, warnings 0" in output
    practice = seed_practice()
    assert practice.title == "Sharing and Disseminating Innovative Practices"
    assert practice.slug == "sharing-and-disseminating-innovative-practices"
    assert practice.status == Practice.Status.PUBLISHED and practice.published_at
    assert practice.source_video.youtube_id == "_HySsiq_l6A"
    assert practice.summary.startswith("Public sector innovation is a driving force of change")
    assert country_codes(practice) == ["DK", "EE", "PT", "RO"]
    assert sorted(practice.toolkits.values_list("slug", flat=True)) == [
        "anticipatory-innovation-starter-kit",
        "tools-for-incubating-innovation-projects",
    ]
    assert practice.body_html.count('class="timestamp"') == 18
    assert "https://www.youtube.com/watch?v=_HySsiq_l6A&amp;t=96" in practice.body_html
    assert "[00:01:36]" in practice.body_markdown and "yt-timestamp" not in practice.body_markdown
    themes = set(practice.themes.values_list("slug", flat=True))
    assert "innovative-public-administration-practices" in themes
    assert 'href="/themes/innovative-public-administration-practices/"' in practice.body_html


@pytest.mark.django_db
def test_mentions_carry_the_sentence_and_the_moment(seed, vault):
    run(vault)
    practice = seed_practice()
    denmark = CountryMention.objects.get(practice=practice, country__code="DK")
    assert denmark.origin == Origin.DETECTED
    assert denmark.sentence == "Denmark, Romania, and Portugal participated in its pilot phase."
    assert denmark.seconds == 26
    kit = ToolkitMention.objects.get(practice=practice, toolkit__slug="anticipatory-innovation-starter-kit")
    assert kit.sentence == "Under the incubator's guidance, Portugal developed the Anticipatory Innovation Starter Kit."
    assert kit.seconds == 50
    tools = ToolkitMention.objects.get(practice=practice, toolkit__slug="tools-for-incubating-innovation-projects")
    assert tools.seconds == 96


@pytest.mark.django_db
def test_dry_run_writes_nothing(seed, vault):
    output = run(vault, dry_run=True)
    assert "Dry run, nothing written. Would have: created 1" in output
    assert Practice.objects.count() == 0
    assert Video.objects.count() == 0
    assert Theme.objects.count() == 0
    assert CountryMention.objects.count() == 0


@pytest.mark.django_db
def test_reimporting_an_unchanged_note_writes_nothing(seed, vault, django_assert_max_num_queries):
    run(vault)
    before = seed_practice()
    # Eight to read and compare, six for the run's own record (created, claimed past stale locks in a
    # savepoint, closed); none of them writes a practice, as the checks below say.
    with django_assert_max_num_queries(8 + 6):
        output = run(vault)
    assert "created 0, updated 0, unchanged 1" in output
    after = seed_practice()
    assert after.updated_at == before.updated_at
    assert after.import_snapshot == before.import_snapshot


@pytest.mark.django_db
def test_reimport_keeps_curator_title_summary_removed_country_and_status(seed, vault):
    run(vault)
    practice = seed_practice()
    practice.title = "Curated title"
    practice.summary = "Curated summary."
    practice.status = Practice.Status.PUBLISHED
    practice.save()
    CountryMention.objects.filter(practice=practice, country__code="DK").delete()
    CountryMention.objects.create(practice=practice, country=Country.objects.get(code="FR"), origin=Origin.CURATOR)
    ToolkitMention.objects.filter(practice=practice, toolkit__slug="tools-for-incubating-innovation-projects").delete()
    # The note changes, so the import does write: it must still keep the curator's decisions.
    path = vault / f"{SEED_KEY}.md"
    path.write_text(path.read_text() + "\n\nCanada joined later [00:02:00].\n", encoding="utf-8")

    output = run(vault, status="draft")
    assert "updated 1" in output
    practice = seed_practice()
    assert practice.title == "Curated title"
    assert practice.summary == "Curated summary."
    assert practice.status == Practice.Status.PUBLISHED
    assert country_codes(practice) == ["CA", "EE", "FR", "PT", "RO"]
    assert list(practice.toolkits.values_list("slug", flat=True)) == ["anticipatory-innovation-starter-kit"]
    assert "Canada joined later" in practice.body_markdown
    assert "t=120" in practice.body_html


@pytest.mark.django_db
def test_a_changed_note_updates_what_the_curator_left_alone(tmp_path):
    (tmp_path / "n.md").write_text(note(title="First", body="Denmark leads [00:00:10]."))
    run(tmp_path)
    (tmp_path / "n.md").write_text(note(title="Second", body="Portugal leads [00:00:12]."))
    run(tmp_path)
    practice = Practice.objects.get(note_key="n")
    assert practice.title == "Second"
    assert practice.summary == "Portugal leads."
    assert country_codes(practice) == ["PT"]
    assert practice.slug == "n"


@pytest.mark.django_db
def test_a_curator_edit_of_the_text_survives_and_is_rendered(tmp_path):
    (tmp_path / "n.md").write_text(note(body="Original [00:00:10]."))
    run(tmp_path)
    practice = Practice.objects.get(note_key="n")
    practice.body_markdown = "Curated text [00:00:20]."
    practice.save()
    (tmp_path / "n.md").write_text(note(body="Changed upstream [00:00:30]."))
    run(tmp_path)
    practice.refresh_from_db()
    assert practice.body_markdown == "Curated text [00:00:20]."
    assert "t=20" in practice.body_html


@pytest.mark.django_db
def test_status_option_and_its_default(tmp_path):
    (tmp_path / "n.md").write_text(note())
    run(tmp_path)
    assert Practice.objects.get().status == Practice.Status.DRAFT
    run(tmp_path, status="published")
    assert Practice.objects.get().status == Practice.Status.PUBLISHED
    run(tmp_path)  # without --status an existing practice keeps its status
    assert Practice.objects.get().status == Practice.Status.PUBLISHED


@pytest.mark.django_db
def test_a_bad_file_is_reported_and_the_others_import(tmp_path):
    (tmp_path / "good.md").write_text(note(title="Good"))
    (tmp_path / "binary.md").write_bytes(b"\x00\x01\x02 binary")
    (tmp_path / "latin.md").write_bytes(note(title="Café").encode("latin-1"))
    (tmp_path / "empty.md").write_text("")
    (tmp_path / "open.md").write_text("---\ntitle: never closed\n\nBody\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "good.md").write_text(note(title="Same key"))
    (tmp_path / "notes.txt").write_text("not a note")
    report = tmp_path / "report.json"

    output, error = run_failing(tmp_path, tmp_path / "absent", report=report)
    assert "6 note(s) or path(s) failed" in error
    assert list(Practice.objects.values_list("title", flat=True)) == ["Good"]
    for message in ("binary", "not-utf8", "empty", "front-matter-unclosed", "duplicate-key", "no such file"):
        assert message in output
    problems = json.loads(report.read_text())
    by_kind = {p["kind"]: p for p in problems}
    assert set(by_kind) >= {"binary", "not-utf8", "empty", "front-matter-unclosed", "duplicate-key", "path-missing"}
    assert by_kind["front-matter-unclosed"]["file"].endswith("open.md")
    assert by_kind["front-matter-unclosed"]["line"] == 1
    assert set(by_kind["binary"]) == {"file", "line", "kind", "message", "severity"}


@pytest.mark.django_db
def test_a_failing_write_leaves_no_half_written_practice(tmp_path, monkeypatch):
    (tmp_path / "a.md").write_text(note(title="A"))
    (tmp_path / "b.md").write_text(note(title="B"))

    original = ThemedPractice.objects.bulk_create

    def explode(objs, *args, **kwargs):
        if any(o.content_object.note_key == "a" for o in objs):
            raise ValueError("disk on fire")
        return original(objs, *args, **kwargs)

    (tmp_path / "a.md").write_text(note(title="A", body="About [[some theme]] [00:00:01]."))
    monkeypatch.setattr(ThemedPractice.objects, "bulk_create", explode)
    output, _ = run_failing(tmp_path)
    assert "disk on fire" in output
    assert list(Practice.objects.values_list("note_key", flat=True)) == ["b"]
    assert not CountryMention.objects.filter(practice__note_key="a").exists()


@pytest.mark.django_db
def test_symlink_loop_is_reported_and_the_run_goes_on(tmp_path):
    (tmp_path / "n.md").write_text(note())
    os.symlink(tmp_path, tmp_path / "loop")
    output = run(tmp_path, verbosity=2)
    assert "symlink-loop" in output
    assert Practice.objects.count() == 1


@pytest.mark.django_db
def test_practices_whose_notes_are_gone_are_kept_and_reported(tmp_path):
    (tmp_path / "a.md").write_text(note(title="A"))
    (tmp_path / "b.md").write_text(note(title="B"))
    run(tmp_path)
    (tmp_path / "b.md").unlink()
    output = run(tmp_path)
    assert "1 imported practice(s) have no note in these paths; kept: channel/b" in output
    assert Practice.objects.count() == 2


@pytest.mark.django_db
def test_detected_countries_follow_the_note_but_curator_rows_stay(tmp_path):
    (tmp_path / "n.md").write_text(note(body="Denmark and Portugal [00:00:10]."))
    run(tmp_path)
    practice = Practice.objects.get()
    CountryMention.objects.filter(practice=practice, country__code="PT").update(origin=Origin.CURATOR)
    (tmp_path / "n.md").write_text(note(body="Estonia only [00:00:10]."))
    run(tmp_path)
    assert country_codes(practice) == ["EE", "PT"]


@pytest.mark.django_db
def test_index_note_names_videos_and_groups_notes(tmp_path):
    (tmp_path / "channel.md").write_text(
        "---\ntitle: channel\n---\n### [Innovation Incubator Programme](https://www.youtube.com/watch?v=_HySsiq_l6A)\n"
        "- [[listed_note | Listed note]]\n\n### [Another video](https://www.youtube.com/watch?v=MymoO7zOk24)\n- [[x]]\n"
    )
    (tmp_path / "listed_note.md").write_text("---\ntitle: Listed\n---\n\nSaid [00:00:05].\n")
    output = run(tmp_path)
    assert "created 1" in output and "videos 2" in output
    assert dict(Video.objects.values_list("youtube_id", "title")) == {
        "_HySsiq_l6A": "Innovation Incubator Programme",
        "MymoO7zOk24": "Another video",
    }
    practice = Practice.objects.get()
    assert practice.note_key == "listed_note"
    assert practice.source_video.youtube_id == "_HySsiq_l6A"
    assert "watch?v=_HySsiq_l6A&amp;t=5" in practice.body_html
    assert Video.objects.get(youtube_id="_HySsiq_l6A").channel == "channel"


@pytest.mark.django_db
def test_links_to_imported_notes_become_practice_links_and_spellings_one_theme(tmp_path):
    (tmp_path / "a_note.md").write_text(
        note(title="A", body="See [[b_note | B]], [[innovation in government]] [00:00:01].")
    )
    (tmp_path / "b_note.md").write_text(
        note(title="B", body="[[Innovation_in_Government]] and [[innovation in government | gov]] [00:00:02].")
    )
    run(tmp_path)
    a = Practice.objects.get(note_key="a_note")
    b = Practice.objects.get(note_key="b_note")
    assert list(a.links_to.all()) == [b]
    assert 'href="/practices/b-note/"' in a.body_html
    theme = Theme.objects.get(spellings__key="innovation in government")
    assert theme.slug == "innovation-in-government"
    assert theme.name == "Innovation in government"
    assert set(theme.themed_items.values_list("content_object__note_key", flat=True)) == {"a_note", "b_note"}


@pytest.mark.django_db
def test_a_curator_removed_theme_stays_removed(tmp_path):
    (tmp_path / "n.md").write_text(note(body="About [[open data]] and [[ai]] [00:00:01]."))
    run(tmp_path)
    practice = Practice.objects.get()
    ThemedPractice.objects.filter(content_object=practice, tag__slug="ai").delete()
    (tmp_path / "n.md").write_text(note(body="About [[open data]] and [[ai]] and more [00:00:02]."))
    run(tmp_path)
    # "n" is the note's own topic.
    assert sorted(practice.themes.values_list("slug", flat=True)) == ["n", "open-data"]


@pytest.mark.django_db
def test_output_without_a_terminal_has_no_progress_bar(tmp_path):
    (tmp_path / "n.md").write_text(note())
    output = run(tmp_path, verbosity=2)
    assert "\r" not in output
    assert "created: channel/n" in output


@pytest.mark.django_db
def test_a_file_name_too_long_for_a_key_is_refused_clearly(tmp_path):
    (tmp_path / ("k" * 201 + ".md")).write_text(note())
    (tmp_path / "fine.md").write_text(note())
    output, _ = run_failing(tmp_path)
    assert "key-too-long" in output
    assert list(Practice.objects.values_list("note_key", flat=True)) == ["fine"]


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused_without_reading_it(tmp_path, monkeypatch):
    monkeypatch.setattr("practices.importing.files.MAX_NOTE_BYTES", 100)
    (tmp_path / "big.md").write_text(note(body="x" * 200))
    (tmp_path / "small.md").write_text("---\ntitle: S\n---\nHi.\n")
    output, _ = run_failing(tmp_path)
    assert "too-large" in output
    assert list(Practice.objects.values_list("note_key", flat=True)) == ["small"]


class Terminal(StringIO):
    def isatty(self):
        return True


@pytest.mark.django_db
def test_a_terminal_gets_a_progress_bar(tmp_path):
    for number in range(3):
        (tmp_path / f"n{number}.md").write_text(note(title=f"N{number}"))
    out = Terminal()
    call_command("import_notes", str(tmp_path), stdout=out, stderr=StringIO())
    assert "\r[" in out.getvalue()
    assert "3/3" in out.getvalue()


@pytest.mark.django_db
def test_dry_run_of_a_changed_note_reports_the_update_and_writes_nothing(tmp_path):
    (tmp_path / "n.md").write_text(note(title="First"))
    run(tmp_path)
    before = Practice.objects.values().get()
    (tmp_path / "n.md").write_text(note(title="Second"))
    output = run(tmp_path, dry_run=True)
    assert "Would have: created 0, updated 1" in output
    assert Practice.objects.values().get() == before
