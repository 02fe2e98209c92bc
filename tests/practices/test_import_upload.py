"""Importing from the admin as a curator: upload, dry-run preview, confirm, the run's page and JSON."""

import io
import json
import subprocess
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from practices.models import ImportRun, Practice
from tests.html_safety import unsafe_markup
from tests.test_html_valid import vnu  # noqa: F401 (the checker's fixture)

NOTE = "---\ntitle: {title}\nvideoId: abcdefghijk\n---\n\nDenmark leads [00:00:10]. Portugal follows [00:01:00].\n"
UPLOAD = reverse("admin:practices_importrun_upload")


def vault_zip(*names, extra=()):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.writestr(f"vault/{name}.md", NOTE.format(title=name.title()))
        for name, data in extra:
            archive.writestr(name, data)
    return SimpleUploadedFile("vault.zip", buffer.getvalue(), content_type="application/zip")


@pytest.fixture(autouse=True)
def upload_root(settings, tmp_path):
    settings.IMPORT_UPLOAD_ROOT = tmp_path / "uploads"
    return settings.IMPORT_UPLOAD_ROOT


def upload(client, *files):
    return client.post(UPLOAD, {"notes": list(files)})


def run_page(client, run):
    return client.get(reverse("admin:practices_importrun_change", args=[run.pk])).content.decode()


@pytest.mark.django_db
def test_a_curator_uploads_previews_and_confirms_an_import(
    curator_client, curator, upload_root, django_capture_on_commit_callbacks
):
    response = upload(curator_client, vault_zip("alpha", "beta", extra=[("vault/photo.jpg", b"\xff\xd8")]))
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{run.pk}/change/")
    assert (run.status, run.user, run.created, run.updated) == (ImportRun.Status.PREVIEWED, curator, 2, 0)
    assert not Practice.objects.exists(), "the preview writes no practice"
    page = run_page(curator_client, run)
    assert "dry run: nothing written yet" in page and 'id="count-created">2<' in page
    assert "not-a-note (1)" in page and "vault/photo.jpg" in page
    assert "Import these notes" in page

    with django_capture_on_commit_callbacks(execute=True):  # the task is queued once the confirmation commits
        confirmed = curator_client.post(reverse("admin:practices_importrun_confirm", args=[run.pk]))
    assert confirmed.status_code == 302
    run.refresh_from_db()
    assert (run.status, run.created, run.preview["created"], run.active) == (ImportRun.Status.DONE, 2, 2, False)
    assert run.started_at and run.finished_at and run.duration is not None
    assert set(Practice.objects.values_list("status", flat=True)) == {Practice.Status.DRAFT}
    assert list(upload_root.iterdir()) == [], "the private folder is removed once the run is over"
    page = run_page(curator_client, run)
    assert "What the import did" in page and "Import these notes" not in page and "http-equiv" not in page


@pytest.mark.django_db
def test_the_run_downloads_as_json_with_every_problem(curator_client):
    upload(curator_client, vault_zip("alpha", extra=[("vault/notes.txt", b"x")]))
    run = ImportRun.objects.get()
    response = curator_client.get(reverse("admin:practices_importrun_json", args=[run.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="import-run-{run.pk}.json"'
    data = json.loads(response.content)
    assert data["started_by"] == "curator" and data["counts"]["created"] == 1
    assert {"file": "vault/notes.txt", "line": 0, "kind": "not-a-note"}.items() <= data["problems"][-1].items()


@pytest.mark.django_db
def test_problems_name_the_file_inside_the_upload_and_its_line(curator_client):
    bad = SimpleUploadedFile("broken.md", b"---\ntitle: never closed\n\nText.\n")
    upload(curator_client, bad, SimpleUploadedFile("good.md", NOTE.format(title="Good").encode()))
    run = ImportRun.objects.get()
    assert run.failed == 1
    assert [p["file"] for p in run.problems if p["severity"] == "error"] == ["broken.md"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([SimpleUploadedFile("vault.zip", b"not a zip at all")], "is not a zip archive"),
        ([SimpleUploadedFile("notes.exe", b"MZ")], "only .md notes"),
    ],
)
def test_a_refused_upload_says_why_and_writes_nothing(curator_client, upload_root, files, message):
    response = upload(curator_client, *files)
    assert response.status_code == 400
    assert message in response.content.decode() and "Refused, nothing was imported" in response.content.decode()
    assert not ImportRun.objects.exists() and not Practice.objects.exists()
    assert not upload_root.exists() or list(upload_root.iterdir()) == []


@pytest.mark.django_db
def test_an_upload_over_the_size_cap_is_stopped_while_it_is_read(curator_client, settings):
    settings.IMPORT_UPLOAD_MAX_BYTES = 1000
    response = upload(curator_client, SimpleUploadedFile("big.md", b"x" * 5000))
    assert response.status_code == 400 and "over 1,000 bytes" in response.content.decode()
    assert not ImportRun.objects.exists()


@pytest.mark.django_db
def test_the_upload_page_needs_no_script_and_names_its_limits(curator_client):
    page = curator_client.get(UPLOAD).content.decode()
    assert 'enctype="multipart/form-data"' in page and "multiple" in page and "<script" not in page.split("<body")[1]
    assert "At most 5000 notes" in page


@pytest.mark.django_db
def test_confirming_while_another_import_runs_is_refused_with_a_message(curator_client):
    upload(curator_client, vault_zip("alpha"))
    run = ImportRun.objects.get()
    ImportRun.objects.create(command="manage.py import_notes vault", status=ImportRun.Status.RUNNING, active=True)
    response = curator_client.post(reverse("admin:practices_importrun_confirm", args=[run.pk]), follow=True)
    assert "is still running" in response.content.decode()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PREVIEWED and not Practice.objects.exists()


@pytest.mark.django_db
def test_a_running_import_shows_progress_and_reloads_without_script(curator_client):
    run = ImportRun.objects.create(status=ImportRun.Status.RUNNING, progress_done=3, progress_total=8, active=True)
    page = run_page(curator_client, run)
    assert '<progress id="run-progress" max="8" value="3">' in page
    assert '<meta http-equiv="refresh" content="2">' in page and 'role="status"' in page
    stopped = curator_client.get(reverse("admin:practices_importrun_change", args=[run.pk]), {"refresh": "off"})
    assert "http-equiv" not in stopped.content.decode()


@pytest.mark.django_db
def test_people_outside_curators_cannot_upload(client, django_user_model):
    staff = django_user_model.objects.create_user("staff", password="a-long-staff-password", is_staff=True)
    client.force_login(staff)
    assert client.get(UPLOAD).status_code == 403
    assert client.get(reverse("admin:practices_importrun_changelist")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["abc", "²", "99999999999999999999"])
def test_a_run_address_that_is_not_a_number_is_not_found(curator_client, address):
    assert curator_client.get(f"/admin/practices/importrun/{address}/change/").status_code == 404


@pytest.mark.django_db
def test_names_and_messages_from_an_upload_never_run_as_markup(curator_client):
    payload = '<img src=x onerror="alert(1)">'
    upload(curator_client, vault_zip("alpha", extra=[(f"vault/{payload}.txt", b"x")]))
    run = ImportRun.objects.get()
    run.problems = [*run.problems, {"file": payload, "line": 1, "kind": payload, "message": f"<script>{payload}"}]
    run.save()
    for url in (
        reverse("admin:practices_importrun_change", args=[run.pk]),
        reverse("admin:practices_importrun_changelist"),
    ):
        page = curator_client.get(url).content.decode()
        assert unsafe_markup(page) == [], url
        assert "&lt;img src=x" in page or url.endswith("importrun/")


@pytest.mark.django_db
def test_the_import_pages_are_valid_html(curator_client, vnu, tmp_path):  # noqa: F811 (the fixture)
    upload(curator_client, vault_zip("alpha", extra=[("vault/photo.jpg", b"\xff\xd8")]))
    run = ImportRun.objects.get()
    running = ImportRun.objects.create(status=ImportRun.Status.RUNNING, progress_done=1, progress_total=4)
    pages = {
        "upload": UPLOAD,
        "preview": reverse("admin:practices_importrun_change", args=[run.pk]),
        "running": reverse("admin:practices_importrun_change", args=[running.pk]),
        "review": reverse("admin:practices_importrun_review"),
        "runs": reverse("admin:practices_importrun_changelist"),
    }
    files = []
    for name, url in pages.items():
        path = tmp_path / f"{name}.html"
        path.write_bytes(curator_client.get(url).content)
        files.append(str(path))
    result = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
        [*vnu, "--format", "json", "--stdout", *files], capture_output=True, text=True, timeout=300, check=False
    )
    messages = json.loads(result.stdout)["messages"]
    errors = [
        f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}" for m in messages if m["type"] == "error"
    ]
    assert errors == [], "\n".join(errors)
