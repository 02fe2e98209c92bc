"""Themes through the import: every link target, joined spellings, curators' splits and merges kept."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from practices.importing import import_notes
from practices.models import Practice, Theme, ThemedPractice, ThemeRedirect, ThemeSpelling
from practices.themes import merge_themes, split_spelling

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE", "COPY")  # COPY: PostgreSQL's bulk writes (`importing.copying`)


def note(title, body, channel="channel"):
    return f"---\ntitle: {title}\nvideoId: abcdefghijk\n---\n\nFrom: [[{channel}]] <br/>\n\n{body} [00:00:05].\n"


def write(folder, name, title, body):
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.md").write_text(note(title, body), encoding="utf-8")


def themes_of(name):
    return set(Practice.objects.get(note_key=name).themes.values_list("name", flat=True))


def theme_named(spelling):
    return ThemeSpelling.objects.select_related("theme").get(key=spelling).theme


def test_a_practice_has_the_topics_it_links_to_and_its_own(tmp_path):
    write(tmp_path, "open_data", "Open data", "Publishing [[government_data | data]] and [[Transparency]]")
    import_notes([tmp_path])
    assert themes_of("open_data") == {"Open data", "Government data", "Transparency"}
    practice = Practice.objects.get()
    assert ThemedPractice.objects.get(content_object=practice, is_topic=True).tag.name == "Open data"


def test_themes_stay_when_the_note_of_a_linked_topic_is_imported(tmp_path):
    write(tmp_path, "a", "A", "About [[public_sector_innovation | public sector innovation]]")
    write(tmp_path, "b", "B", "Also [[Public Sector Innovation]]")
    import_notes([tmp_path])
    assert "Public Sector Innovation" in themes_of("a") and "Public Sector Innovation" in themes_of("b")

    write(tmp_path, "public_sector_innovation", "Public Sector Innovation", "What it is")
    result = import_notes([tmp_path])
    assert not result.failed
    topic = Practice.objects.get(note_key="public_sector_innovation")
    for name in ("a", "b"):
        assert "Public Sector Innovation" in themes_of(name)
        # The link still also joins the two practices.
        assert list(Practice.objects.get(note_key=name).links_to.all()) == [topic]
    theme = theme_named("public sector innovation")
    assert theme.themed_items.count() == 3
    assert theme.themed_items.get(is_topic=True).content_object == topic


def test_spelling_variants_are_one_theme_and_the_join_is_reported(tmp_path):
    write(tmp_path, "a", "A", "On [[Innovation ecosystem]] and [[Missionoriented innovation]]")
    write(tmp_path, "b", "B", "On [[Innovation ecosystems]] and [[mission-oriented innovation]]")
    write(
        tmp_path, "c", "C", "On [[innovation_ecosystems | innovation ecosystems]] and [[Mission oriented innovation]]"
    )
    result = import_notes([tmp_path])
    assert theme_named("innovation ecosystem") == theme_named("innovation ecosystems")
    assert theme_named("innovation ecosystem").themed_items.count() == 3
    mission = theme_named("missionoriented innovation")
    assert mission == theme_named("mission oriented innovation")
    assert mission.name == "Mission-oriented innovation"
    joins = [p.message for p in result.problems if p.kind == "theme-joined"]
    assert any("“Innovation ecosystem”" in m and "“Innovation ecosystems”" in m for m in joins), joins
    assert any("“Missionoriented innovation”" in m and "“mission-oriented innovation”" in m for m in joins), joins


def test_joins_are_in_the_report_file(tmp_path):
    from io import StringIO

    from django.core.management import call_command

    write(tmp_path, "a", "A", "[[Innovation in public sector]] and [[Innovation in the public sector]]")
    report = tmp_path.parent / "report.json"
    call_command("import_notes", str(tmp_path), report=str(report), stdout=StringIO(), stderr=StringIO())
    kinds = [problem["kind"] for problem in json.loads(report.read_text())]
    assert "theme-joined" in kinds


def test_reimporting_an_unchanged_vault_writes_nothing(tmp_path):
    write(tmp_path, "a", "A", "On [[Innovation ecosystem]] and [[b]]")
    write(tmp_path, "b", "B", "On [[Innovation ecosystems]]")
    import_notes([tmp_path])
    with CaptureQueriesContext(connection) as queries:
        result = import_notes([tmp_path])
    assert len(result.unchanged) == 2
    written = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert written == []


def test_a_curators_split_outlives_reimports(tmp_path):
    write(tmp_path, "a", "A", "On [[Innovation ecosystem]]")
    write(tmp_path, "b", "B", "On [[Innovation ecosystems]] and [[Innovation ecosystem]]")
    write(tmp_path, "c", "C", "On [[Innovation ecosystems]]")
    import_notes([tmp_path])
    joined = theme_named("innovation ecosystem")
    split_off = split_spelling(ThemeSpelling.objects.get(key="innovation ecosystems"), "Innovation ecosystems")
    # c used only the split spelling: it moves; b used both: it keeps both.
    assert themes_of("c") == {"C", "Innovation ecosystems"}
    assert themes_of("b") >= {joined.name, "Innovation ecosystems"}
    assert themes_of("a") == {"A", joined.name}

    import_notes([tmp_path])
    write(tmp_path, "c", "C", "Still on [[Innovation ecosystems]], now with [[the innovation ecosystems]]")
    result = import_notes([tmp_path])
    assert not result.failed
    assert theme_named("innovation ecosystems") == split_off
    assert theme_named("innovation ecosystem") == joined
    assert themes_of("c") == {"C", "Innovation ecosystems"}
    assert themes_of("a") == {"A", joined.name}


def test_a_curators_merge_outlives_reimports_and_the_old_address_redirects(tmp_path, client):
    write(tmp_path, "a", "A", "On [[Open data]]")
    write(tmp_path, "b", "B", "On [[Open government data]]")
    import_notes([tmp_path])
    kept, merged = theme_named("open data"), theme_named("open government data")
    old_slug = merged.slug
    merge_themes(kept, [merged], by_curator=True)
    assert themes_of("b") == {"B", "Open data"}
    assert ThemeRedirect.objects.get(old_slug=old_slug).theme == kept
    assert kept.history.first().history_change_reason.startswith("merged into it")
    response = client.get(f"/themes/{old_slug}/")
    assert response.status_code == 301 and response["Location"] == kept.get_absolute_url()

    write(tmp_path, "b", "B", "Again on [[Open government data]], and [[open-government-data]]")
    import_notes([tmp_path])
    assert themes_of("b") == {"B", "Open data"}
    assert not Theme.objects.filter(name="Open government data").exists()


def test_a_theme_a_curator_removed_stays_removed_after_a_merge(tmp_path):
    write(tmp_path, "a", "A", "On [[Open data]] and [[Open government data]]")
    import_notes([tmp_path])
    kept, merged = theme_named("open data"), theme_named("open government data")
    practice = Practice.objects.get(note_key="a")
    ThemedPractice.objects.filter(content_object=practice, tag__in=[kept, merged]).delete()
    merge_themes(kept, [merged], by_curator=True)
    write(tmp_path, "a", "A", "On [[Open data]] and [[Open government data]], changed")
    import_notes([tmp_path])
    assert themes_of("a") == {"A"}


def test_themes_of_an_older_import_are_joined_without_duplicates(tmp_path):
    """A database imported before spellings were joined: one theme per spelling, spellings not joined yet."""
    write(tmp_path, "a", "A", "On [[Missionoriented innovation]]")
    write(tmp_path, "b", "B", "On [[Mission oriented innovation]]")
    import_notes([tmp_path])
    # What migration 0006 leaves of an older import: each spelling its own theme, no join key.
    theme = theme_named("mission oriented innovation")
    older = Theme.objects.create(name="Missionoriented innovation", slug="missionoriented-innovation")
    ThemeSpelling.objects.filter(key="missionoriented innovation").update(theme=older, join_key="")
    ThemedPractice.objects.filter(content_object__note_key="a", tag=theme).update(tag=older)
    Practice.objects.update(note_hash="")

    import_notes([tmp_path])
    assert theme_named("missionoriented innovation") == theme_named("mission oriented innovation")
    assert themes_of("a") == themes_of("b") - {"B"} | {"A"}
    assert ThemeRedirect.objects.filter(old_slug="missionoriented-innovation").exists()


def test_a_vault_where_every_linked_topic_has_its_note(tmp_path):
    """Like the complete channel: every link names a note, and the themes stay."""
    topics = [f"topic_{n}" for n in range(8)]
    for n, name in enumerate(topics):
        links = " and ".join(f"[[{topics[(n + step) % len(topics)]}]]" for step in (1, 2, 3))
        write(tmp_path, name, f"Topic {n}", f"Linked to {links}")
    result = import_notes([tmp_path])
    assert len(result.created) == len(topics)
    for n, name in enumerate(topics):
        practice = Practice.objects.get(note_key=name)
        assert practice.links_to.count() == 3
        linked = {f"Topic {(n + step) % len(topics)}" for step in (1, 2, 3)}
        assert themes_of(name) == linked | {f"Topic {n}"}
    # Each topic's theme is shared by its note and the three notes that link to it.
    assert all(theme.themed_items.count() == 4 for theme in Theme.objects.all())


def test_a_dry_run_writes_no_theme(tmp_path):
    write(tmp_path, "a", "A", "On [[Innovation ecosystem]] and [[Innovation ecosystems]]")
    result = import_notes([tmp_path], dry_run=True)
    assert not Theme.objects.exists() and not ThemeSpelling.objects.exists()
    assert [p.kind for p in result.problems if p.kind == "theme-joined"] == ["theme-joined"]


def test_a_spelling_of_an_older_import_alone_is_no_join(tmp_path):
    write(tmp_path, "a", "A", "On [[Open data]]")
    import_notes([tmp_path])
    ThemeSpelling.objects.update(join_key="")
    Practice.objects.update(note_hash="")
    result = import_notes([tmp_path])
    assert [p for p in result.problems if p.kind == "theme-joined"] == []
    assert themes_of("a") == {"A", "Open data"}
