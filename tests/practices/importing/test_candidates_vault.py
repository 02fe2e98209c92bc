"""Reference candidates in a generated vault where every linked topic has its own note, as in the full channel."""

import random
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from practices import curation
from practices.models import Practice, ReferenceCandidate, ToolkitMention

TOPICS = {
    "opsi_toolkit_navigator": "OPSI Toolkit Navigator",
    "innovation_playbook": "Innovation Playbook",
    "public_sector_innovation": "Public Sector Innovation",
}
FILLER = [
    "Teams test ideas with citizens",
    "Leaders fund small experiments",
    "Evidence guides the next step",
    "Budgets follow what works",
]


def topic_note(title, body):
    return f"---\ntitle: {title}\nvideoId: abcdefghijk\n---\n\nFrom: [[channel]] <br/>\n\n{body}\n"


def generated_vault(folder, count, seed=3):
    """`count` notes that link to the topics (each of which has its own note); returns who names the Navigator."""
    rng = random.Random(seed)
    naming = set()
    for key, name in TOPICS.items():
        body = f"The {name} is described here [00:00:05]. {rng.choice(FILLER)} [00:00:09]."
        (folder / f"{key}.md").write_text(topic_note(name, body))
        if key == "opsi_toolkit_navigator":
            naming.add(key)
    for number in range(count):
        key = f"practice_{number:03d}"
        sentences = [f"{rng.choice(FILLER)} [00:{number % 60:02d}:10]."]
        if number % 2 == 0:
            sentences.append("Staff used the [[opsi_toolkit_navigator|OPSI Toolkit Navigator]] [00:00:30].")
            naming.add(key)
        if number % 3 == 0:
            sentences.append("The [[innovation_playbook|Innovation Playbook]] sets steps [00:00:40].")
        sentences.append("It is about [[public_sector_innovation|Public Sector Innovation]] [00:00:50].")
        (folder / f"{key}.md").write_text(topic_note(f"Practice {number}", " ".join(sentences)))
    return naming


@pytest.mark.django_db
def test_topics_with_their_own_notes_are_counted_and_linked_once_accepted(tmp_path, django_capture_on_commit_callbacks):
    naming = generated_vault(tmp_path, 12)
    call_command("import_notes", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    navigator = ReferenceCandidate.objects.get(name="OPSI Toolkit Navigator")
    assert navigator.note_count == len(naming) == 7
    assert ReferenceCandidate.objects.get(name="Innovation Playbook").note_count == 5
    # A topic without a kind word is a theme, not a reference record.
    assert not ReferenceCandidate.objects.filter(name="Public Sector Innovation").exists()

    with django_capture_on_commit_callbacks(execute=True):
        toolkit = curation.accept(navigator)
    linked = set(ToolkitMention.objects.filter(toolkit=toolkit).values_list("practice__note_key", flat=True))
    assert linked == naming
    assert Practice.objects.get(note_key="practice_000").toolkits.get() == toolkit

    call_command("import_notes", str(tmp_path), stdout=StringIO(), stderr=StringIO())  # the new alias re-reads all
    with CaptureQueriesContext(connection) as queries:
        call_command("import_notes", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE", "COPY")]
    assert [sql for sql in writes if "practices_importrun" not in sql] == []  # but the run's own record
    assert set(ToolkitMention.objects.filter(toolkit=toolkit).values_list("practice__note_key", flat=True)) == naming
    assert ReferenceCandidate.objects.get(pk=navigator.pk).status == ReferenceCandidate.Status.ACCEPTED
