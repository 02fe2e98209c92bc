"""The review queue: imported drafts and new or changed detected mentions, approved or rejected in bulk."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from incubator.models import Toolkit
from practices.models import CountryMention, Practice, ToolkitMention

REVIEW = reverse("admin:practices_importrun_review")
NOTE = (
    "---\ntitle: Alpha\nvideoId: abcdefghijk\n---\n\nDenmark leads [00:00:10]. Portugal follows [00:01:00]. {extra}\n"
)


def import_vault(folder, extra=""):
    (folder / "alpha.md").write_text(NOTE.format(extra=extra), encoding="utf-8")
    call_command("import_notes", str(folder), stdout=StringIO(), stderr=StringIO())


def mention(code):
    return CountryMention.objects.get(practice__note_key="alpha", country__code=code)


@pytest.mark.django_db
def test_the_queue_lists_drafts_and_detected_mentions_with_evidence_and_moment(curator_client, tmp_path):
    import_vault(tmp_path)
    page = curator_client.get(REVIEW).content.decode()
    assert "Imported practices not yet published (1)" in page and "Alpha" in page
    assert "Detected countries to review (2)" in page
    assert f"“{mention('PT').sentence}”" in page and mention("PT").sentence.startswith("Portugal follows")
    assert 'href="https://www.youtube.com/watch?v=abcdefghijk&amp;t=60"' in page


@pytest.mark.django_db
def test_approving_publishes_the_drafts_and_empties_the_queue(curator_client, tmp_path):
    import_vault(tmp_path)
    practice = Practice.objects.get(note_key="alpha")
    data = {"decision": "approve", "practice": [practice.pk], "country_mention": [mention("DK").pk, mention("PT").pk]}
    response = curator_client.post(REVIEW, data, follow=True)
    assert "2 mention(s) approved." in response.content.decode()
    practice.refresh_from_db()
    assert practice.status == Practice.Status.PUBLISHED and practice.published_at
    page = curator_client.get(REVIEW).content.decode()
    assert "Imported practices not yet published (0)" in page and "Detected countries to review (0)" in page


@pytest.mark.django_db
def test_a_rejected_mention_stays_rejected_on_reimport(curator_client, tmp_path):
    import_vault(tmp_path)
    curator_client.post(REVIEW, {"decision": "reject", "country_mention": [mention("PT").pk]})
    assert not CountryMention.objects.filter(country__code="PT").exists()
    import_vault(tmp_path, extra="A new sentence changes the note [00:02:00].")
    assert Practice.objects.get(note_key="alpha").body_markdown.count("A new sentence") == 1  # it was re-imported
    assert not CountryMention.objects.filter(country__code="PT").exists()
    assert CountryMention.objects.filter(country__code="DK").exists()


@pytest.mark.django_db
def test_a_mention_the_note_changes_comes_back_to_the_queue(curator_client, tmp_path):
    import_vault(tmp_path)
    curator_client.post(REVIEW, {"decision": "approve", "country_mention": [mention("DK").pk, mention("PT").pk]})
    assert mention("DK").reviewed_at is not None
    (tmp_path / "alpha.md").write_text(
        NOTE.format(extra="").replace("Denmark leads [00:00:10].", "Now Denmark leads it all [00:00:30]."),
        encoding="utf-8",
    )
    call_command("import_notes", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    assert mention("DK").reviewed_at is None and mention("DK").seconds == 30
    assert mention("PT").reviewed_at is not None


@pytest.mark.django_db
def test_mentions_a_curator_set_are_not_queued(curator_client, tmp_path, seed):
    import_vault(tmp_path)
    ToolkitMention.objects.create(practice=Practice.objects.get(note_key="alpha"), toolkit=Toolkit.objects.first())
    assert "Detected toolkits to review (0)" in curator_client.get(REVIEW).content.decode()


@pytest.mark.django_db
def test_the_queue_reads_a_fixed_number_of_queries(curator_client, tmp_path, django_assert_max_num_queries):
    import_vault(tmp_path)
    with django_assert_max_num_queries(14):
        curator_client.get(REVIEW)
    for n in range(5):
        (tmp_path / f"more_{n}.md").write_text(NOTE.format(extra="").replace("Alpha", f"More {n}"), encoding="utf-8")
    call_command("import_notes", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    with django_assert_max_num_queries(14):
        curator_client.get(REVIEW)


@pytest.mark.django_db
def test_staff_outside_curators_cannot_review(client, django_user_model):
    staff = django_user_model.objects.create_user("staff", password="a-long-staff-password", is_staff=True)
    client.force_login(staff)
    assert client.get(REVIEW).status_code == 403


@pytest.mark.django_db
def test_every_listed_row_is_chosen_with_one_box_and_no_script(curator_client, tmp_path):
    import_vault(tmp_path)
    page = curator_client.get(REVIEW).content.decode()
    assert 'name="all_country_mention"' in page
    listed = [mention("DK").pk, mention("PT").pk]
    curator_client.post(REVIEW, {"decision": "reject", "all_country_mention": "1", "listed_country_mention": listed})
    assert not CountryMention.objects.exists()
    assert Practice.objects.get(note_key="alpha").status == Practice.Status.DRAFT


@pytest.mark.django_db
def test_ticked_rows_that_are_not_numbers_are_ignored(curator_client, tmp_path):
    import_vault(tmp_path)
    ticked = ["²", "x", "99999999999999999999", mention("PT").pk]
    response = curator_client.post(REVIEW, {"decision": "reject", "country_mention": ticked})
    assert response.status_code == 302
    assert list(CountryMention.objects.values_list("country__code", flat=True)) == ["DK"]
