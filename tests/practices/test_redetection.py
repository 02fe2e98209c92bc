"""New reference data links the practices naming it, in the background, touching nothing else."""

import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from incubator.models import Country, Toolkit
from practices import redetection
from practices.importing import import_notes
from practices.models import CountryMention, Origin, Practice, ToolkitMention
from tests import factories
from tests.admin_forms import change_form

pytestmark = pytest.mark.django_db

NOTES = {
    "one": "The team ran a Policy Sprint Kit session [00:00:10]. It worked well [00:00:20].",
    "two": "No kits here [00:01:00].\n\nLater they adopted the policy-sprint\nkit for every unit [00:01:40].",
    "three": "A note about something else entirely [00:02:05].",
    "four": "The ministry in East Timor ran the pilot [00:03:00]. They called it the PSK [00:03:10].",
}


def note(body, title):
    return f"---\ntitle: {title}\nvideoId: abcdefghijk\n---\n\n{body}\n"


@pytest.fixture
def vault(tmp_path):
    for key, body in NOTES.items():
        (tmp_path / f"{key}.md").write_text(note(body, key.title()))
    call_command("import_notes", str(tmp_path), "--status", "published", stdout=StringIO(), stderr=StringIO())
    return tmp_path


def practice(key):
    return Practice.objects.get(note_key=key)


def add_toolkit_in_admin(client, capture, **fields):
    url = reverse("admin:incubator_toolkit_add")
    data, _ = change_form(client.get(url))
    data.update({name: [value] for name, value in fields.items()})
    with capture(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    return Toolkit.objects.get(name=fields["name_en"])  # the admin shows the English and French names


def edit_in_admin(client, capture, record, **fields):
    url = reverse(f"admin:incubator_{record._meta.model_name}_change", args=[record.pk])
    data, _ = change_form(client.get(url))
    data.update({name: [value] for name, value in fields.items()})
    with capture(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""


def test_a_toolkit_added_in_the_admin_links_the_practices_naming_it(
    vault, curator_client, django_capture_on_commit_callbacks
):
    untouched = practice("three")
    history_before = untouched.history.count()
    toolkit = add_toolkit_in_admin(
        curator_client, django_capture_on_commit_callbacks, name_en="Policy Sprint Kit", slug="policy-sprint-kit"
    )
    mentions = {m.practice.note_key: m for m in ToolkitMention.objects.filter(toolkit=toolkit)}
    assert set(mentions) == {"one", "two"}
    assert mentions["one"].sentence == "The team ran a Policy Sprint Kit session."
    assert (mentions["one"].seconds, mentions["one"].origin) == (10, Origin.DETECTED)
    assert mentions["two"].seconds == 100 and "policy-sprint kit" in mentions["two"].sentence
    # Practices that do not name it are not touched, not even as "updated".
    after = practice("three")
    assert (after.updated_at, after.history.count()) == (untouched.updated_at, history_before)
    # The practice's history shows the new mention, with why it came.
    assert "Policy Sprint Kit" in mentions["one"].history.latest().history_change_reason


def test_the_next_import_of_the_unchanged_vault_writes_nothing(
    vault, curator_client, django_capture_on_commit_callbacks
):
    add_toolkit_in_admin(
        curator_client, django_capture_on_commit_callbacks, name_en="Policy Sprint Kit", slug="policy-sprint-kit"
    )
    result = import_notes([vault], status="published")
    assert (result.created, result.updated, result.failed) == ([], [], [])
    assert sorted(result.unchanged) == ["four", "one", "three", "two"]
    assert result.warnings == []
    assert ToolkitMention.objects.filter(toolkit__slug="policy-sprint-kit").count() == 2


def test_a_new_alias_links_the_practices_using_it(vault, curator_client, django_capture_on_commit_callbacks):
    toolkit = factories.toolkit(name="Policy Sprint Kit", slug="policy-sprint-kit")
    assert not ToolkitMention.objects.filter(practice__note_key="four").exists()
    edit_in_admin(curator_client, django_capture_on_commit_callbacks, toolkit, aliases="PSK")
    mention = ToolkitMention.objects.get(practice__note_key="four", toolkit=toolkit)
    assert (mention.sentence, mention.seconds) == ("They called it the PSK.", 190)


def test_a_mention_a_curator_removed_stays_removed(vault, curator_client, django_capture_on_commit_callbacks):
    toolkit = add_toolkit_in_admin(
        curator_client, django_capture_on_commit_callbacks, name_en="Policy Sprint Kit", slug="policy-sprint-kit"
    )
    ToolkitMention.objects.get(practice__note_key="one", toolkit=toolkit).delete()
    edit_in_admin(curator_client, django_capture_on_commit_callbacks, toolkit, aliases="PSK")
    assert set(ToolkitMention.objects.filter(toolkit=toolkit).values_list("practice__note_key", flat=True)) == {
        "two",
        "four",
    }
    import_notes([vault], status="published")
    assert not ToolkitMention.objects.filter(practice__note_key="one", toolkit=toolkit).exists()


def test_a_renamed_toolkit_loses_the_mentions_of_its_old_name(
    vault, curator_client, django_capture_on_commit_callbacks
):
    toolkit = add_toolkit_in_admin(
        curator_client, django_capture_on_commit_callbacks, name_en="Policy Sprint Kit", slug="policy-sprint-kit"
    )
    curated = ToolkitMention.objects.get(practice__note_key="two", toolkit=toolkit)
    curated.origin = Origin.CURATOR
    curated.save()
    edit_in_admin(curator_client, django_capture_on_commit_callbacks, toolkit, name_en="Sprint Handbook")
    # The detected mention goes with the old name; the curator's own stays.
    assert list(ToolkitMention.objects.filter(toolkit=toolkit).values_list("practice__note_key", flat=True)) == ["two"]


def test_a_renamed_country_links_the_practices_using_its_new_name(
    vault, curator_client, django_capture_on_commit_callbacks
):
    timor = Country.objects.get(code="TL")
    assert not CountryMention.objects.filter(country=timor).exists()
    edit_in_admin(curator_client, django_capture_on_commit_callbacks, timor, name="East Timor")
    mention = CountryMention.objects.get(country=timor)
    assert (mention.practice.note_key, mention.seconds, mention.strength) == ("four", 180, "about")
    assert import_notes([vault], status="published").updated == []


def test_on_the_sample_vault_only_the_practices_naming_a_new_toolkit_are_read(shared_notes):
    """Figures for the README: run with -s to print them."""
    import_notes([shared_notes], status="published")
    toolkit = Toolkit.objects.create(name="OPSI Toolkit Navigator", slug="navigator", aliases="Toolkit Navigator")
    read = redetection.candidates(redetection.KINDS["toolkits"], toolkit, toolkit.names()).count()
    start = time.perf_counter()
    linked = redetection.redetect("toolkits", toolkit.pk)
    took = time.perf_counter() - start
    again = import_notes([shared_notes], status="published")
    print(
        f"\n{Practice.objects.count()} practices, {read} read, {linked} linked in {took:.2f} s; "
        f"next import: {len(again.updated)} updated, {len(again.unchanged)} unchanged"
    )
    assert 0 < linked <= read < Practice.objects.count() / 2
    assert again.updated == [] and again.created == []
