"""History curators can read: field diffs (long text as a line diff), who changed what, revert with a diff, mentions."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from practices.models import CountryMention, Practice
from tests import factories
from tests.admin_forms import change_form

pytestmark = pytest.mark.django_db

OLD_TEXT = "\n".join(f"Paragraph {n} says what the team did in week {n}." for n in range(1, 9))


def history_page(client, practice):
    response = client.get(reverse("admin:practices_practice_history", args=[practice.pk]))
    assert response.status_code == 200
    return response.content.decode()


def edit(client, practice, **fields):
    url = reverse("admin:practices_practice_change", args=[practice.pk])
    data, _ = change_form(client.get(url))
    data.update({name: [value] for name, value in fields.items()})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""


def test_a_long_text_change_reads_as_a_line_diff(curator_client):
    practice = factories.practice(body_markdown=OLD_TEXT)
    new_text = OLD_TEXT.replace("week 5.", "week 5, with <script>alert(1)</script> in it.")
    edit(curator_client, practice, body_markdown=new_text)
    page = history_page(curator_client, practice)
    assert "chars]" not in page and "&lt;br&gt;" not in page
    assert "<del>-Paragraph 5 says what the team did in week 5.</del>" in page
    assert "<ins>+Paragraph 5 says what the team did in week 5, with &lt;script&gt;alert(1)&lt;/script&gt;" in page
    # Unchanged lines far from the change are left out.
    assert "Paragraph 1 says" not in page.split('class="history-diff"')[1]


def test_short_fields_read_old_then_new(curator_client):
    practice = factories.practice(title="Sharing what works")
    edit(curator_client, practice, title_en="Sharing what worked")
    assert "Sharing what works &rarr; Sharing what worked" in history_page(curator_client, practice)


def test_import_rows_read_import_and_the_curator_is_named_without_a_link(curator_client, curator, tmp_path):
    (tmp_path / "one.md").write_text("---\ntitle: One\nvideoId: abcdefghijk\n---\n\nDenmark leads [00:00:10].\n")
    call_command("import_notes", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    practice = Practice.objects.get(note_key="one")
    curator.first_name, curator.last_name = "Ana", "Curator"
    curator.save()
    edit(curator_client, practice, title_en="One, renamed")
    page = history_page(curator_client, practice)
    assert "<td>Import</td>" in page and "<td>Ana Curator</td>" in page
    assert "None" not in page
    # A curator may not open accounts: no link that would answer 403.
    assert reverse("admin:auth_user_change", args=[curator.pk]) not in page


def test_an_administrator_gets_the_link_to_the_account(client, curator):
    admin_user = User.objects.create_superuser("admin", password="a-long-admin-password")
    client.force_login(admin_user)
    practice = factories.practice(title="Sharing what works")
    edit(client, practice, title_en="Sharing what worked")
    assert reverse("admin:auth_user_change", args=[admin_user.pk]) in history_page(client, practice)


def test_the_revert_page_shows_what_reverting_changes(curator_client):
    practice = factories.practice(title="Sharing what works", body_markdown=OLD_TEXT)
    edit(curator_client, practice, title_en="A careless rename", body_markdown=OLD_TEXT.replace("week 3", "week three"))
    original = practice.history.order_by("history_date", "history_id").first()
    page = curator_client.get(
        reverse("admin:practices_practice_simple_history", args=[practice.pk, original.history_id])
    ).content.decode()
    assert "Reverting to this version changes" in page
    assert "A careless rename &rarr; Sharing what works" in page
    assert "<del>-Paragraph 3 says what the team did in week three.</del>" in page


def test_a_practices_history_lists_its_mentions_and_restores_a_deleted_one(curator_client, curator):
    practice = factories.practice()
    mention = factories.country_mention(practice, factories.country("DK"), sentence="Denmark led the pilot.")
    url = reverse("admin:practices_countrymention_delete", args=[mention.pk])
    assert curator_client.post(url, {"post": "yes"}).status_code == 302
    practice.themes.add(factories.theme(name="Open data"))

    page = history_page(curator_client, practice)
    related = page.split('id="related-history"')[1]
    assert "Denmark" in related and "Denmark led the pilot." in related and "Open data" in related
    assert "Restore country “Denmark”" in related

    deleted = CountryMention.history.get(id=mention.pk, history_type="-")
    restore = reverse("admin:practices_restore", args=[practice.pk, "country", deleted.history_id])
    assert curator_client.get(restore).status_code == 405
    assert curator_client.post(restore).status_code == 302
    restored = CountryMention.objects.get(practice=practice)
    assert (restored.country.code, restored.sentence) == ("DK", "Denmark led the pilot.")
    assert restored.history.latest().history_user == curator
    assert "Restore country" not in history_page(curator_client, practice).split('id="related-history"')[1]
    # Restoring twice says so and adds nothing.
    curator_client.post(restore)
    assert CountryMention.objects.filter(practice=practice).count() == 1


def test_restoring_another_practices_row_is_refused(curator_client):
    practice, other = factories.practice(), factories.practice()
    mention = factories.country_mention(other, factories.country("DK"))
    mention_pk = mention.pk
    mention.delete()
    deleted = CountryMention.history.get(id=mention_pk, history_type="-")
    restore = reverse("admin:practices_restore", args=[practice.pk, "country", deleted.history_id])
    response = curator_client.post(restore, follow=True)
    assert "not a deletion of this practice" in response.content.decode()
    assert not CountryMention.objects.exists()
    bad_kind = reverse("admin:practices_restore", args=[practice.pk, "video", deleted.history_id])
    assert curator_client.post(bad_kind).status_code == 404
