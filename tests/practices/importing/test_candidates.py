"""Reference candidates: the phrases a note yields, how they group into candidates, and how imports keep them."""

import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks.dataset import write_vault
from practices.importing import candidates
from practices.importing.candidate_groups import Row, group_rows
from practices.importing.candidates import name_key, phrases_of
from practices.importing.parser import parse_note
from practices.importing.sentences import Sentence, sentences_of
from practices.models import CandidateEvidence, ReferenceCandidate


def phrases(text):
    return [(p.role, p.text, p.kind) for p in phrases_of([Sentence(text, 12, False)])]


def import_vault(folder):
    call_command("import_notes", str(folder), stdout=StringIO(), stderr=StringIO())


def note(body, title="A note", video="abcdefghijk"):
    return f"---\ntitle: {title}\nvideoId: {video}\n---\n\n{body}\n"


def test_named_phrases_with_a_kind_word_are_found_with_their_kind():
    found = phrases("Teams use the OPSI Toolkit Navigator and the Ministry of Finance runs a Policy Lab.")
    assert ("name", "OPSI Toolkit Navigator", "toolkit") in found
    assert ("name", "Ministry of Finance", "organisation") in found
    assert ("name", "Policy Lab", "organisation") in found


def test_an_acronym_defined_in_brackets_names_its_phrase():
    found = phrases("The Common Assessment Framework (CAF) helps. So does Code for America (CFA).")
    assert ("definition", "Common Assessment Framework", "toolkit") in found
    assert ("acronym", "CAF", "toolkit") in found
    assert ("definition", "Code for America", "") in found


def test_words_before_the_name_and_punctuation_do_not_join_it():
    found = phrases("Andrea Snook of UK Policy Lab said so. Portugal's Anticipatory Innovation Starter Kit, again.")
    names = [text for role, text, _ in found if role == "name"]
    assert names == ["UK Policy Lab", "Anticipatory Innovation Starter Kit"]


def test_headings_are_left_out_because_every_word_is_capitalised():
    assert phrases_of([Sentence("Characteristics of an Ideal Toolkit", 3, True)]) == []


@pytest.mark.parametrize(
    "text",
    [
        "The G20 met.",  # an acronym with a digit
        "The A&B merger.",  # an acronym with "&"
        "Austria's ÖVP agreed.",  # an acronym outside ASCII
        "OPSI said so.",  # an acronym alone
        "We followed the Common Assessment Framework (CAF).",  # a definition
        "They built the data carbon ladder.",  # a lowercase phrase
        "She praised the Navigator.",  # an anaphor
    ],
)
def test_the_quick_check_never_skips_a_sentence_with_a_phrase(text, monkeypatch):
    found = phrases(text)
    assert found
    monkeypatch.setattr(candidates, "may_have_phrases", lambda text: True)
    assert phrases(text) == found


def test_the_quick_check_skips_no_phrase_of_real_shaped_notes(tmp_path, monkeypatch):
    write_vault(tmp_path, 60, seed=5)
    notes = [parse_note(path.stem, path.read_text(), file=path.name) for path in sorted(tmp_path.glob("*.md"))]
    sentences = [sentence for note in notes for sentence in sentences_of(note.body)]
    quick = phrases_of(sentences)
    assert sum(not candidates.may_have_phrases(sentence.text) for sentence in sentences) > len(sentences) / 3
    monkeypatch.setattr(candidates, "may_have_phrases", lambda text: True)
    assert phrases_of(sentences) == quick


def test_keys_ignore_case_hyphens_possessives_and_a_generic_tail():
    assert name_key("The Innovation Incubator Program") == name_key("innovation incubator")
    assert name_key("CoGo Digital Toolkit") == name_key("Cogo digital toolkit")
    assert name_key("Step-by-Step Guide") == name_key("step by step guide")


def lines_run_to_read(text):
    """How many Python lines phrases_of runs on one sentence: a count of work that a busy machine cannot skew."""
    count = 0

    def count_lines(frame, event, arg):
        nonlocal count
        count += event == "line"
        return count_lines

    sys.settrace(count_lines)
    try:
        phrases_of([Sentence(text, None, False)])
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize(
    "unit",
    ["A", "Aa ", "Aa of ", "(ABC) ", "Ab-", "Aa Bb Lab (AB) the lab "],
)
def test_hostile_sentences_take_linear_work(unit):
    # Lines run, not seconds: a timed ratio failed on a loaded machine. The module's regular
    # expressions have no nested quantifiers, so the Python loops around them are where a
    # quadratic walk would show. Four times the text must cost about four times the lines.
    small = lines_run_to_read(unit * 500 + "Lab")
    large = lines_run_to_read(unit * 2_000 + "Lab")
    assert large <= 4.1 * small + 100


def rows(*items):
    """Rows from (practice, text, role, kind, defines) tuples."""
    return [
        Row(pk, practice, name_key(text), text, role, kind, name_key(defines) if defines else "", f"s{pk}")
        for pk, (practice, text, role, kind, defines) in enumerate(items, 1)
    ]


def test_variants_tied_by_the_text_join_one_candidate():
    groups = group_rows(
        rows(
            (1, "OPSI Toolkit Navigator", "name", "toolkit", ""),
            (1, "Toolkit Navigator", "name", "toolkit", ""),
            (1, "Navigator", "anaphor", "toolkit", ""),
            (2, "OPSI Toolkit Navigator", "name", "toolkit", ""),
            (2, "opsi toolkit navigator", "lowercase", "toolkit", ""),
            (3, "Common Assessment Framework", "definition", "toolkit", ""),
            (3, "CAF", "acronym", "toolkit", "Common Assessment Framework"),
            (4, "CAF", "acronym", "", ""),
        )
    )
    assert [(g.name, g.notes, g.sentences) for g in groups] == [
        ("OPSI Toolkit Navigator", 2, 5),
        ("Common Assessment Framework", 2, 3),
    ]
    assert set(groups[0].variants) == {"Toolkit Navigator", "the Navigator", "opsi toolkit navigator"}
    assert groups[1].variants == ["CAF"]


def test_a_bare_acronym_needs_two_notes_and_a_lowercase_phrase_a_name():
    groups = group_rows(
        rows(
            (1, "NASA", "acronym", "", ""),
            (2, "NASA", "acronym", "", ""),
            (3, "GIZ", "acronym", "", ""),
            (3, "ideal toolkit", "lowercase", "toolkit", ""),
        )
    )
    assert [g.name for g in groups] == ["NASA"]


NAVIGATOR_NOTE = note(
    "The OPSI Toolkit Navigator lists tools [00:00:10]. The Navigator is free [00:00:20]. "
    "OPSI and the European Commission run the Innovation Incubator Program [00:00:30]."
)


@pytest.fixture
def candidate_vault(tmp_path):
    folder = tmp_path / "vault"
    folder.mkdir()
    (folder / "navigator.md").write_text(NAVIGATOR_NOTE)
    (folder / "incubator.md").write_text(
        note("The Innovation Incubator helps countries [00:01:00]. Use the Toolkit Navigator [00:01:05].", "Two")
    )
    return folder


def candidate(name):
    return ReferenceCandidate.objects.get(name=name)


@pytest.mark.django_db
def test_import_proposes_candidates_with_counts_variants_and_moments(candidate_vault):
    import_vault(candidate_vault)
    navigator = candidate("OPSI Toolkit Navigator")
    assert (navigator.kind, navigator.note_count, navigator.sentence_count) == ("toolkit", 2, 3)
    assert navigator.status == ReferenceCandidate.Status.PROPOSED
    assert set(navigator.variants) == {"Toolkit Navigator", "the Navigator"}
    assert sorted(navigator.evidence.values_list("seconds", flat=True)) == [10, 20, 65]
    assert candidate("Innovation Incubator Program").note_count == 2


@pytest.mark.django_db
def test_an_unchanged_reimport_writes_no_candidate_or_evidence(candidate_vault):
    import_vault(candidate_vault)
    with CaptureQueriesContext(connection) as queries:
        import_vault(candidate_vault)
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE", "COPY")]
    # The run's own record is all it writes.
    assert [sql for sql in writes if "practices_importrun" not in sql] == []


@pytest.mark.django_db
def test_a_changed_note_replaces_its_evidence_and_counts(candidate_vault):
    import_vault(candidate_vault)
    (candidate_vault / "incubator.md").write_text(note("The Innovation Incubator helps [00:01:00].", "Two"))
    import_vault(candidate_vault)
    navigator = candidate("OPSI Toolkit Navigator")
    assert (navigator.note_count, navigator.sentence_count) == (1, 2)
    assert not CandidateEvidence.objects.filter(phrase="Toolkit Navigator").exists()


@pytest.mark.django_db
def test_a_rejected_candidate_is_never_proposed_again(candidate_vault):
    import_vault(candidate_vault)
    rejected = candidate("Innovation Incubator Program")
    rejected.status = ReferenceCandidate.Status.REJECTED
    rejected.save()
    (candidate_vault / "third.md").write_text(note("The innovation incubator program grew [00:02:00].", "Three"))
    (candidate_vault / "fourth.md").write_text(note("Its Innovation Incubator ended [00:02:00].", "Four"))
    import_vault(candidate_vault)
    statuses = {c.status for c in ReferenceCandidate.objects.all() if "innovation incubator" in c.keys}
    assert statuses == {ReferenceCandidate.Status.REJECTED}
    assert candidate("Innovation Incubator Program").note_count == 4


@pytest.mark.django_db
def test_sentences_of_a_note_and_its_stored_evidence_agree(candidate_vault):
    import_vault(candidate_vault)
    sentences = {s.text for s in sentences_of(NAVIGATOR_NOTE.split("---\n", 2)[2])}
    stored = set(CandidateEvidence.objects.filter(practice__note_key="navigator").values_list("sentence", flat=True))
    assert stored <= sentences


@pytest.mark.django_db
def test_a_curator_spelling_and_kind_survive_a_reimport(candidate_vault):
    import_vault(candidate_vault)
    incubator = candidate("Innovation Incubator Program")
    incubator.name, incubator.kind = "OPSI Innovation Incubator", ReferenceCandidate.Kind.PARTNERSHIP
    incubator.save()
    (candidate_vault / "third.md").write_text(note("The Innovation Incubator Program grew [00:02:00].", "Three"))
    import_vault(candidate_vault)
    incubator.refresh_from_db()
    assert (incubator.name, incubator.kind, incubator.note_count) == ("OPSI Innovation Incubator", "partnership", 3)


@pytest.mark.django_db
def test_a_run_on_sentence_stores_bounded_evidence(tmp_path):
    (tmp_path / "long.md").write_text(note("Words and more words " * 5000 + "near the Policy Lab " + "x " * 5000))
    import_vault(tmp_path)
    evidence = CandidateEvidence.objects.get(phrase="Policy Lab")
    assert "Policy Lab" in evidence.sentence and len(evidence.sentence) <= 1002
