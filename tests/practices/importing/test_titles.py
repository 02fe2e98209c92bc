"""Titles that lost their hyphens get them back from the notes' text; slugs and curators' titles stay."""

import json
from collections import Counter

import pytest

from practices.importing.titles import repaired_title
from practices.models import Practice
from tests.practices.importing.test_import_command import run


def note(title, body, video="abcdefghijk"):
    return f"---\ntitle: {title}\nvideoId: {video}\n---\n\nFrom: [[channel]] <br/>\n\n{body}\n"


def test_a_word_the_note_writes_with_hyphens_gets_them_keeping_the_titles_case():
    body = "Public-private partnerships grew [00:00:10]. COVID-19 sped them up. The public-private model spread."
    title, repairs = repaired_title("Publicprivate partnerships after COVID19", body)
    assert title == "Public-private partnerships after COVID-19"
    assert [(r.word, r.repaired, r.from_vault) for r in repairs] == [
        ("Publicprivate", "Public-private", False),
        ("COVID19", "COVID-19", False),
    ]


def test_a_word_the_note_mostly_writes_joined_is_left_alone():
    body = "Cooperation matters. Cooperation across borders, and co-operation at home. More cooperation."
    assert repaired_title("Cooperation in government", body) == ("Cooperation in government", [])


def test_words_in_wiki_link_targets_do_not_count_as_written_joined():
    body = "[[missionoriented_innovation | Missionoriented innovation]] is mission-oriented by design."
    assert repaired_title("Missionoriented projects", body)[0] == "Mission-oriented projects"


def test_other_notes_give_the_spelling_when_the_note_never_writes_the_word():
    vault = {"longterm": Counter({(4,): 3})}
    title, repairs = repaired_title("Dominant designs and their longterm effects", "Designs last.", vault)
    assert title == "Dominant designs and their long-term effects"
    assert repairs[0].from_vault
    # ...but not when the note itself writes the word joined.
    assert repaired_title("Longterm effects", "Longterm effects last.", vault)[0] == "Longterm effects"


def test_short_words_and_words_without_a_hyphenated_spelling_are_kept():
    body = "Send an e-mail to the cross-border team. Crossborder work."
    assert repaired_title("Email and online services", body)[0] == "Email and online services"


@pytest.fixture
def damaged_vault(tmp_path):
    folder = tmp_path / "vault"
    folder.mkdir()
    (folder / "publicprivate_partnerships.md").write_text(
        note("Publicprivate partnerships", "Public-private partnerships grew [00:00:10]. See [[postcrisis_recovery]]."),
        encoding="utf-8",
    )
    # A linked topic with its own note, whose title word only the other note spells.
    (folder / "postcrisis_recovery.md").write_text(
        note("Postcrisis recovery", "Recovery took years [00:00:20].", video="bcdefghijkl"), encoding="utf-8"
    )
    (folder / "crisis_lessons.md").write_text(
        note("Crisis lessons", "Post-crisis budgets shrank [00:00:30]. [[publicprivate_partnerships]].", "cdefghijklm"),
        encoding="utf-8",
    )
    return folder


@pytest.mark.django_db
def test_import_repairs_titles_reports_each_repair_and_keeps_slugs(damaged_vault, tmp_path):
    report = tmp_path / "report.json"
    run(damaged_vault, report=report)
    titles = dict(Practice.objects.values_list("note_key", "title"))
    assert titles["publicprivate_partnerships"] == "Public-private partnerships"
    assert titles["postcrisis_recovery"] == "Post-crisis recovery"
    assert titles["crisis_lessons"] == "Crisis lessons"
    assert Practice.objects.get(note_key="publicprivate_partnerships").slug == "publicprivate-partnerships"
    repairs = [p for p in json.loads(report.read_text()) if p["kind"] == "title-repaired"]
    assert sorted(p["file"].rsplit("/", 1)[-1] for p in repairs) == [
        "postcrisis_recovery.md",
        "publicprivate_partnerships.md",
    ]
    assert any("Postcrisis → Post-crisis, as other notes of the vault spell it" in p["message"] for p in repairs)


@pytest.mark.django_db
def test_what_a_note_says_of_its_title_is_found_once_where_it_is_parsed(damaged_vault, monkeypatch):
    from practices.importing import titles

    looked_at, evidence_of = [], titles.evidence_of

    def counted(title, body):
        looked_at.append(title)
        return evidence_of(title, body)

    monkeypatch.setattr(titles, "evidence_of", counted)
    run(damaged_vault)
    # Parsed in the run's own process here, as in a worker: the run repairs titles with it.
    assert sorted(looked_at) == ["Crisis lessons", "Postcrisis recovery", "Publicprivate partnerships"]
    assert Practice.objects.get(note_key="publicprivate_partnerships").title == "Public-private partnerships"


@pytest.mark.django_db
def test_a_title_imported_damaged_is_repaired_on_the_next_import_at_the_same_address(damaged_vault, client):
    run(damaged_vault, status="published")
    practice = Practice.objects.get(note_key="publicprivate_partnerships")
    # As an import before the repair existed left it: damaged title, in the snapshot too.
    snapshot = {**practice.import_snapshot, "title": "Publicprivate partnerships"}
    Practice.objects.filter(pk=practice.pk).update(
        title="Publicprivate partnerships", import_snapshot=snapshot, note_hash=""
    )
    run(damaged_vault)
    practice.refresh_from_db()
    assert practice.title == "Public-private partnerships"
    assert practice.slug == "publicprivate-partnerships"
    assert "Public-private partnerships" in client.get("/practices/publicprivate-partnerships/").content.decode()


@pytest.mark.django_db
def test_a_curators_title_is_never_repaired_over(damaged_vault):
    run(damaged_vault)
    Practice.objects.filter(note_key="publicprivate_partnerships").update(title="PPPs in practice", note_hash="")
    run(damaged_vault)
    assert Practice.objects.get(note_key="publicprivate_partnerships").title == "PPPs in practice"


@pytest.mark.django_db
def test_an_unchanged_vault_is_not_written_again(damaged_vault):
    run(damaged_vault)
    output = run(damaged_vault)
    assert "created 0, updated 0, unchanged 3, failed 0" in output
