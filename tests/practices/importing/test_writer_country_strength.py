"""Imported country mentions carry their strength and moments; a curator's strength outlives re-imports."""

import shutil

import pytest

from benchmarks.dataset import write_vault
from practices.importing import import_notes
from practices.importing.parser import WIKI_LINK_RE
from practices.models import CountryMention, Practice, Strength
from tests.conftest import FIXTURE_NOTES

pytestmark = pytest.mark.django_db

SEED_NAME = "sharing_and_disseminating_innovative_practices"
# A run key names the channel (the index note of the From: line) first.
SEED_KEY = f"oecdobservatoryofpublicsec3116/{SEED_NAME}"


@pytest.fixture
def note(tmp_path, seed):
    path = tmp_path / "vault" / f"{SEED_NAME}.md"
    path.parent.mkdir()
    shutil.copy(FIXTURE_NOTES / path.name, path)
    return path


def strengths():
    return dict(CountryMention.objects.values_list("country__code", "strength"))


def test_the_seed_note_is_about_portugal_and_estonia_and_mentions_denmark_and_romania(note):
    import_notes([note])
    assert strengths() == {"PT": "about", "EE": "about", "DK": "mentions", "RO": "mentions"}
    portugal = CountryMention.objects.get(country__code="PT")
    assert portugal.moments == [26, 36, 50]
    # The strongest evidence: the heading naming Portugal, not the list of pilot countries.
    assert portugal.sentence == "Anticipatory Innovation Starter Kit (Portugal)"


def test_a_curators_strength_outlives_a_reimport_of_the_changed_note(note):
    import_notes([note])
    CountryMention.objects.filter(country__code="DK").update(strength=Strength.ABOUT)
    CountryMention.objects.filter(country__code="PT").update(strength=Strength.MENTIONS)
    note.write_text(note.read_text(encoding="utf-8") + "\nRomania's ministry tested it [00:02:10].\n", encoding="utf-8")
    result = import_notes([note])
    assert result.updated == [SEED_KEY]
    # Romania gained a second moment ("Romania's ministry"): the import may change what a curator left alone.
    assert strengths() == {"PT": "mentions", "EE": "about", "DK": "about", "RO": "about"}
    assert CountryMention.objects.get(country__code="RO").moments == [26, 130]


def test_an_unchanged_reimport_writes_nothing(note):
    import_notes([note])
    practice = Practice.objects.get()
    before = list(CountryMention.objects.values_list("id", "strength", "moments", "sentence"))
    result = import_notes([note])
    assert result.unchanged == [SEED_KEY]
    assert list(CountryMention.objects.values_list("id", "strength", "moments", "sentence")) == before
    assert Practice.objects.get().updated_at == practice.updated_at


TOPIC_NOTE = (
    "---\ntitle: {title}\nvideoId: topicvideo1\n---\n\n"
    "Teams compared notes with a Danish colleague [00:00:10].\n\n"
    "## Finland's youth councils\n\nThe councils meet every month [00:00:40].\n"
)


def test_strengths_in_a_generated_vault_where_every_linked_topic_has_its_note(tmp_path, seed):
    folder = tmp_path / "vault"
    folder.mkdir()
    keys = write_vault(folder, 4)
    first = folder / f"{keys[0]}.md"
    first.write_text(first.read_text(encoding="utf-8") + "\nIn Portugal, the ministry ran the pilot [03:00:00].\n")
    targets = {
        link.group(1).strip() for path in folder.glob("*.md") for link in WIKI_LINK_RE.finditer(path.read_text())
    }
    topics = sorted(target for target in targets if not (folder / f"{target}.md").exists())
    assert topics
    for topic in topics:
        (folder / f"{topic}.md").write_text(TOPIC_NOTE.format(title=topic.replace("_", " ")), encoding="utf-8")

    result = import_notes([folder])
    assert not result.failed and len(result.created) == len(keys) + len(topics)
    by_note = {}
    for key, code, strength in CountryMention.objects.values_list("practice__note_key", "country__code", "strength"):
        by_note.setdefault(key, {})[str(code)] = strength
    assert by_note[keys[0]] == {"PT": "about"}
    assert all(by_note[topic] == {"DK": "mentions", "FI": "about"} for topic in topics)
    # The generated prose names no country: nothing else is found.
    assert set(by_note) == {keys[0], *topics}

    again = import_notes([folder])
    assert (again.created, again.updated, len(again.unchanged)) == ([], [], len(keys) + len(topics))
