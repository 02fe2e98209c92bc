"""Curators decide on reference candidates: accept links every practice naming it, merge, reject."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from incubator.models import Organisation, Toolkit
from practices import curation
from practices.models import Origin, ReferenceCandidate, ToolkitMention
from tests import factories


def note(body, title):
    return f"---\ntitle: {title}\nvideoId: abcdefghijk\n---\n\n{body}\n"


NOTES = {
    "one": "The Common Assessment Framework (CAF) measures quality [00:00:10]. The World Bank agrees [00:00:12].",
    "two": "Teams apply CAF to services [00:01:40]. The World Bank funds it [00:01:50].",
    "three": "The common assessment framework is free [00:02:05].",
    "four": "Nothing to see here [00:00:05].",
}


@pytest.fixture
def imported(db, tmp_path):
    for key, body in NOTES.items():
        (tmp_path / f"{key}.md").write_text(note(body, key.title()))
    call_command("import_notes", str(tmp_path), "--status", "published", stdout=StringIO(), stderr=StringIO())


def candidate(name):
    return ReferenceCandidate.objects.get(name=name)


def accept(name, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return curation.accept(candidate(name))


def test_accepting_a_toolkit_links_every_practice_naming_it(imported, django_capture_on_commit_callbacks):
    caf = candidate("Common Assessment Framework")
    assert (caf.kind, caf.note_count, caf.variants) == ("toolkit", 3, ["CAF", "common assessment framework"])
    toolkit = accept("Common Assessment Framework", django_capture_on_commit_callbacks)
    assert toolkit.alias_list == ["CAF"]
    assert toolkit.source_note in {"one", "two", "three"} and toolkit.source_quote
    mentions = ToolkitMention.objects.filter(toolkit=toolkit).order_by("practice__note_key")
    assert [(m.practice.note_key, m.seconds, m.origin) for m in mentions] == [
        ("one", 10, Origin.DETECTED),
        ("three", 125, Origin.DETECTED),
        ("two", 100, Origin.DETECTED),
    ]
    assert mentions[2].sentence == "Teams apply CAF to services."
    assert candidate("Common Assessment Framework").status == ReferenceCandidate.Status.ACCEPTED


def test_a_reimport_after_accepting_keeps_the_links_and_the_decision(
    imported, tmp_path, django_capture_on_commit_callbacks
):
    toolkit = accept("Common Assessment Framework", django_capture_on_commit_callbacks)
    call_command("import_notes", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    assert ToolkitMention.objects.filter(toolkit=toolkit).count() == 3
    assert candidate("Common Assessment Framework").toolkit == toolkit


def test_accepting_an_organisation_records_its_source(imported, django_capture_on_commit_callbacks):
    bank = candidate("World Bank")
    bank.kind = ReferenceCandidate.Kind.ORGANISATION
    bank.save()
    organisation = accept("World Bank", django_capture_on_commit_callbacks)
    assert organisation.source_quote in {"The World Bank agrees.", "The World Bank funds it."}
    assert organisation.source_video_id == "abcdefghijk" and organisation.source_seconds in {12, 110}


def test_merging_into_a_toolkit_adds_the_variants_as_aliases(imported, django_capture_on_commit_callbacks):
    existing = factories.toolkit(name="CAF Toolkit", aliases="")
    with django_capture_on_commit_callbacks(execute=True):
        curation.merge(candidate("Common Assessment Framework"), existing)
    existing.refresh_from_db()
    assert existing.alias_list == ["Common Assessment Framework", "CAF"]
    assert ToolkitMention.objects.filter(toolkit=existing).count() == 3
    with pytest.raises(curation.CurationError, match="already merged"):
        curation.reject(candidate("Common Assessment Framework"))


def test_accepting_a_name_a_record_has_asks_for_a_merge(imported):
    factories.toolkit(name="Common Assessment Framework")
    with pytest.raises(curation.CurationError, match="merge into it"):
        curation.accept(candidate("Common Assessment Framework"))


def test_no_candidate_is_public_before_a_curator_accepts_it(imported, client):
    assert not Toolkit.objects.filter(name="Common Assessment Framework").exists()
    assert not Organisation.objects.filter(name="World Bank").exists()
    assert "Common Assessment Framework" not in client.get(reverse("incubator:toolkit_list")).text


def test_curators_see_ranked_candidates_with_evidence_and_accept_them(
    imported, curator_client, django_capture_on_commit_callbacks
):
    page = curator_client.get(reverse("admin:practices_referencecandidate_changelist"))
    assert page.status_code == 200
    text = page.text
    assert text.index("Common Assessment Framework") < text.index("World Bank")
    caf = candidate("Common Assessment Framework")
    detail = curator_client.get(reverse("admin:practices_referencecandidate_change", args=[caf.pk])).text
    assert "Teams apply CAF to services." in detail
    assert "https://www.youtube.com/watch?v=abcdefghijk&amp;t=100" in detail
    with django_capture_on_commit_callbacks(execute=True):
        response = curator_client.post(
            reverse("admin:practices_referencecandidate_changelist"),
            {"action": "accept_selected", "_selected_action": [caf.pk]},
            follow=True,
        )
    assert "1 candidate(s) accepted" in response.text
    assert ToolkitMention.objects.filter(toolkit__name="Common Assessment Framework").count() == 3


def test_curators_merge_through_a_form_and_reject(imported, curator_client):
    existing = factories.organisation(name="The World Bank Group")
    bank = candidate("World Bank")
    bank.kind = ReferenceCandidate.Kind.ORGANISATION
    bank.save()
    url = reverse("admin:practices_referencecandidate_changelist")
    form = curator_client.post(url, {"action": "merge_selected", "_selected_action": [bank.pk]})
    assert "Merge into this organisation" in form.text
    curator_client.post(url, {"action": "merge_selected", "_selected_action": [bank.pk], "record": existing.pk})
    bank.refresh_from_db()
    assert (bank.status, bank.organisation) == (ReferenceCandidate.Status.MERGED, existing)
    caf = candidate("Common Assessment Framework")
    curator_client.post(url, {"action": "reject_selected", "_selected_action": [caf.pk]})
    assert candidate("Common Assessment Framework").status == ReferenceCandidate.Status.REJECTED


# The worker closes its database connection when done: only a test outside a transaction survives that.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_the_database_backend_a_worker_does_the_linking(imported, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    toolkit = curation.accept(candidate("Common Assessment Framework"))
    assert not ToolkitMention.objects.filter(toolkit=toolkit).exists()  # queued, not run
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=StringIO(), stderr=StringIO())
    assert ToolkitMention.objects.filter(toolkit=toolkit).count() == 3
