"""Reference candidates on the sample vault: its recurring tools are proposed with their variants."""

from io import StringIO

import pytest
from django.core.management import call_command

from benchmarks.candidates import measure
from practices import curation
from practices.models import ReferenceCandidate, ToolkitMention
from tests.conftest import PROJECT_ROOT

TRUTH = PROJECT_ROOT / "tests" / "data" / "reference_truth.json"


def test_the_sample_proposes_mostly_what_a_curator_would_accept(shared_notes):
    quality, _, _ = measure([shared_notes], TRUTH)
    assert quality.top_precision >= 0.8
    assert quality.truth_found >= 40


@pytest.mark.django_db
def test_the_sample_recurring_tools_are_listed_and_accepting_one_links_its_practices(
    shared_notes, django_capture_on_commit_callbacks
):
    call_command("import_notes", str(shared_notes), stdout=StringIO(), stderr=StringIO())
    candidates = {c.name: c for c in ReferenceCandidate.objects.all()}
    navigator = candidates["OPSI Toolkit Navigator"]
    assert navigator.kind == ReferenceCandidate.Kind.TOOLKIT
    assert {"Toolkit Navigator", "the Navigator"} <= set(navigator.variants)
    assert navigator.note_count >= 15
    assert candidates["Anticipatory Innovation Starter Kit"].note_count >= 5
    assert "multifaceted innovation model" in candidates["OPSI Multifaceted Innovation Model"].variants
    assert "PRA" in candidates["Paperwork Reduction Act"].variants
    assert "OPSI" in candidates["Observatory of Public Sector Innovation"].variants
    assert "GPAI" in candidates["Global Partnership on Artificial Intelligence"].variants
    ranked = list(ReferenceCandidate.objects.values_list("name", flat=True)[:3])
    assert ranked[:2] == ["Observatory of Public Sector Innovation", "OPSI Toolkit Navigator"]
    with django_capture_on_commit_callbacks(execute=True):
        toolkit = curation.accept(navigator)
    naming = set(navigator.evidence.values_list("practice_id", flat=True))
    assert set(ToolkitMention.objects.filter(toolkit=toolkit).values_list("practice_id", flat=True)) == naming
