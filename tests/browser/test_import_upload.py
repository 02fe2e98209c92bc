"""A curator imports a vault from the admin in a real browser, with JavaScript off: upload, preview, confirm, report."""

import shutil
import zipfile

import pytest
from django.contrib.auth.models import Group, User

from practices.models import ImportRun, Practice
from tests.chromium import CHROMIUM
from tests.conftest import FIXTURE_NOTES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-curator-password"
SEED_NOTE = "sharing_and_disseminating_innovative_practices.md"
OTHER_NOTE = "---\ntitle: Estonia's lab\nvideoId: abcdefghijk\n---\n\nEstonia tried it [00:00:10].\n"


@pytest.fixture
def vault_zip(tmp_path):
    shutil.copy(FIXTURE_NOTES / SEED_NOTE, tmp_path / SEED_NOTE)
    path = tmp_path / "vault.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(tmp_path / SEED_NOTE, f"vault/{SEED_NOTE}")
        archive.writestr("vault/estonias_lab.md", OTHER_NOTE)
        archive.writestr("vault/cover.png", b"\x89PNG")
    return path


@pytest.fixture
def no_script_page(browser, live_server):
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed")
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def test_a_curator_uploads_previews_confirms_and_reads_the_report(site, no_script_page, vault_zip, settings, tmp_path):
    settings.IMPORT_UPLOAD_ROOT = tmp_path / "uploads"
    base, _ = site
    user = User.objects.create_user("curator", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Curators"))
    page = no_script_page
    before = Practice.objects.count()  # the sample site's own

    page.goto(base + "/admin/login/?next=/admin/practices/importrun/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Import notes").click()

    page.get_by_label("Notes").set_input_files(str(vault_zip))
    page.get_by_role("button", name="Upload and preview").click()
    assert "dry run: nothing written yet" in page.locator("#content").inner_text()
    assert page.locator("#count-created").inner_text() == "2"
    assert page.get_by_text("not-a-note (1)").is_visible()
    assert Practice.objects.count() == before

    page.get_by_role("button", name="Import these notes").click()
    # Tasks run in the request under the default backend: the page shows the finished run.
    assert page.locator("#run-status").inner_text().startswith("Done")
    assert page.locator("#count-created").inner_text() == "2"
    run = ImportRun.objects.get()
    assert (run.status, run.user, run.created) == ("done", user, 2)
    assert Practice.objects.count() == before + 2

    page.get_by_role("link", name="Review queue: new practices and mentions").click()
    assert "Imported practices not yet published (2)" in page.locator("#content").inner_text()
    page.get_by_label("Estonia's lab").check()
    page.get_by_role("button", name="Approve the selected (publish, mark reviewed)").first.click()
    assert "Imported practices not yet published (1)" in page.locator("#content").inner_text()
    assert Practice.objects.get(note_key="estonias_lab").status == Practice.Status.PUBLISHED
