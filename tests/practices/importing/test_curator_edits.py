"""Curators' saves in the admin and later imports: what a browser sends is not a curator's change,
and when a curator and the note both changed a field, the curator's value stays and the conflict
is reported in the import and shown in the admin."""

import json
import shutil
from io import StringIO

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command
from django.urls import reverse

from practices.models import Practice
from tests.admin_forms import change_form
from tests.conftest import FIXTURE_NOTES

pytestmark = pytest.mark.django_db

SEED_KEY = "sharing_and_disseminating_innovative_practices"
NOTE_SENTENCE = "Sharing experiences among innovators is crucial for mutual learning"
NOTE_EDIT = "Sharing experiences among innovators is essential for mutual learning"


@pytest.fixture
def vault(tmp_path, seed):
    folder = tmp_path / "vault"
    folder.mkdir()
    shutil.copy(FIXTURE_NOTES / f"{SEED_KEY}.md", folder)
    return folder


def run(vault, tmp_path):
    out, err = StringIO(), StringIO()
    report = tmp_path / "report.json"
    options = {"status": "published", "report": str(report), "verbosity": 2}
    call_command("import_notes", str(vault), stdout=out, stderr=err, **options)
    return out.getvalue() + err.getvalue(), json.loads(report.read_text())


def edit_note(vault, old, new):
    path = vault / f"{SEED_KEY}.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def practice():
    return Practice.objects.get(note_key=SEED_KEY)


def save_as_a_browser(curator_client, edit=None):
    """Open the practice's change form and submit it back as a browser does: textareas with CRLF line ends."""
    url = reverse("admin:practices_practice_change", args=[practice().pk])
    data, _ = change_form(curator_client.get(url))
    for name, values in data.items():
        data[name] = [value.replace("\n", "\r\n") if "\n" in value else value for value in values]
    if edit:
        edit(data)
    response = curator_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]


def delete_first_country_mention(data):
    data["countrymention_set-0-DELETE"] = ["on"]


def test_a_save_that_changes_only_line_ends_leaves_the_text_to_the_note(curator_client, vault, tmp_path):
    run(vault, tmp_path)
    save_as_a_browser(curator_client, delete_first_country_mention)
    assert "\r" not in practice().body_markdown
    change = LogEntry.objects.filter(object_id=str(practice().pk)).latest("action_time").get_change_message()
    assert "Deleted country mention" in change and "Text" not in change and "Summary" not in change
    edit_note(vault, NOTE_SENTENCE, NOTE_EDIT)
    output, problems = run(vault, tmp_path)
    assert NOTE_EDIT in practice().body_markdown
    assert NOTE_EDIT in practice().body_html
    assert "updated 1" in output
    assert not [p for p in problems if p["kind"] == "curator-conflict"]


def test_a_field_both_changed_keeps_the_curators_value_and_reports_the_conflict(curator_client, vault, tmp_path):
    run(vault, tmp_path)

    def edit_text(data):
        data["body_markdown"] = [data["body_markdown"][0].replace("crucial", "vital")]

    save_as_a_browser(curator_client, edit_text)
    edit_note(vault, NOTE_SENTENCE, NOTE_EDIT)
    output, problems = run(vault, tmp_path)
    assert "Sharing experiences among innovators is vital" in practice().body_markdown
    conflicts = [p for p in problems if p["kind"] == "curator-conflict"]
    assert len(conflicts) == 1
    assert conflicts[0]["file"].endswith(f"{SEED_KEY}.md") and "text (Markdown)" in conflicts[0]["message"]
    assert f"{SEED_KEY}.md:0: curator-conflict: text (Markdown): changed by a curator and by the note" in output
    form = curator_client.get(reverse("admin:practices_practice_change", args=[practice().pk])).content.decode()
    assert "The note changed this field since a curator edited it" in form
    assert "essential for mutual learning" in form
    changelist = reverse("admin:practices_practice_changelist")
    assert practice().title in curator_client.get(changelist, {"conflicts": "yes"}).content.decode()
    assert practice().title not in curator_client.get(changelist, {"conflicts": "no"}).content.decode()


def test_saving_the_form_again_keeps_the_curators_text_and_clears_the_notice(curator_client, vault, tmp_path):
    run(vault, tmp_path)

    def edit_text(data):
        data["body_markdown"] = [data["body_markdown"][0].replace("crucial", "vital")]

    save_as_a_browser(curator_client, edit_text)
    edit_note(vault, NOTE_SENTENCE, NOTE_EDIT)
    run(vault, tmp_path)
    assert practice().import_conflicts
    save_as_a_browser(curator_client)
    assert not practice().import_conflicts
    assert "vital" in practice().body_markdown


def test_a_reimport_that_writes_nothing_reports_unchanged(vault, tmp_path):
    run(vault, tmp_path)
    path = vault / f"{SEED_KEY}.md"
    # New bytes (so a new hash) that normalise to the same text: nothing to write.
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n") + b"\r\n\r\n")
    output, _ = run(vault, tmp_path)
    assert "created 0, updated 0, unchanged 1" in output


def test_curators_title_conflict_is_reported_and_nothing_else_counts_as_updated(vault, tmp_path):
    run(vault, tmp_path)
    Practice.objects.filter(pk=practice().pk).update(title="A curator's title")
    edit_note(vault, "title: Sharing and Disseminating Innovative Practices", "title: Sharing Innovative Practices")
    output, problems = run(vault, tmp_path)
    assert practice().title == "A curator's title"
    assert "updated 0, unchanged 1" in output
    (conflict,) = [p for p in problems if p["kind"] == "curator-conflict"]
    assert "title" in conflict["message"] and "Sharing Innovative Practices" in conflict["message"]


def test_a_revert_to_an_earlier_imported_version_is_the_curators_and_survives_a_changed_note(vault, tmp_path):
    run(vault, tmp_path)
    first = practice().history.earliest()
    edit_note(vault, NOTE_SENTENCE, NOTE_EDIT)
    run(vault, tmp_path)
    assert NOTE_EDIT in practice().body_markdown
    # The revert simple-history's admin makes: the historical version saved as the practice.
    first.instance.save()
    assert NOTE_SENTENCE in practice().body_markdown

    edit_note(vault, NOTE_EDIT, NOTE_EDIT + " today")
    _, problems = run(vault, tmp_path)
    assert NOTE_SENTENCE in practice().body_markdown
    assert [p for p in problems if p["kind"] == "curator-conflict"]
