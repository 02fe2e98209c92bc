"""A practice's address outlives a change of slug: the old one redirects, re-imports keep the new one."""

import pytest

from practices.models import Practice
from tests.practices.importing.test_import_command import note, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(tmp_path):
    (tmp_path / "publicprivate_partnerships.md").write_text(
        note(title="Publicprivate partnerships", body="Public-private partnerships grew [00:00:10]."), encoding="utf-8"
    )
    run(tmp_path, status="published")
    return tmp_path, Practice.objects.get(note_key="publicprivate_partnerships")


def test_a_changed_slug_leaves_a_permanent_redirect(client, imported):
    _, practice = imported
    practice.slug = "public-private-partnerships"
    practice.save()
    response = client.get("/practices/publicprivate-partnerships/")
    assert response.status_code == 301
    assert response["Location"] == "/practices/public-private-partnerships/"
    assert client.get(response["Location"]).status_code == 200


def test_a_reimport_keeps_the_curators_slug_and_the_redirect(client, imported):
    vault, practice = imported
    practice.slug = "public-private-partnerships"
    practice.save()
    (vault / "publicprivate_partnerships.md").write_text(
        note(title="Publicprivate partnerships", body="Public-private partnerships grew again [00:00:12]."),
        encoding="utf-8",
    )
    assert "updated 1" in run(vault)
    practice.refresh_from_db()
    assert practice.slug == "public-private-partnerships"
    assert practice.title == "Public-private partnerships"
    assert client.get("/practices/publicprivate-partnerships/").status_code == 301


def test_moving_back_to_a_former_slug_serves_the_page_there(client, imported):
    _, practice = imported
    practice.slug = "ppp"
    practice.save()
    practice.slug = "publicprivate-partnerships"
    practice.save()
    assert client.get("/practices/publicprivate-partnerships/").status_code == 200
    assert client.get("/practices/ppp/")["Location"] == "/practices/publicprivate-partnerships/"


def test_no_redirect_to_a_practice_the_public_may_not_see(client, imported):
    _, practice = imported
    practice.slug = "renamed"
    practice.status = Practice.Status.DRAFT
    practice.save()
    assert client.get("/practices/publicprivate-partnerships/").status_code == 404
    assert client.get("/practices/never-was/").status_code == 404
