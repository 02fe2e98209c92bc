"""Hostile vaults: each builds the attack in tmp_path, imports it, and checks nothing leaks or stalls."""

import os

import pytest
from django.core.management import CommandError, call_command

from practices.models import Practice

pytestmark = pytest.mark.django_db


def note(title="A note", body="Denmark leads [00:00:10].", front=""):
    return f"---\ntitle: {title}\nvideoId: abcdefghijk\n{front}---\n\n{body}\n"


def run_import(*paths):
    """The command's errors (stderr) and whether it failed."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("import_notes", *[str(p) for p in paths], stdout=out, stderr=err)
    except CommandError:
        return err.getvalue(), True
    return err.getvalue(), False


def test_links_out_of_the_vault_are_reported_and_never_read(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(note(title="Secret"))
    secret_file = tmp_path / "passwd"
    secret_file.write_text("root:x:0:0:root:/root:/bin/bash\n")
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "good.md").write_text(note(title="Good"))
    os.symlink(secret_file, vault / "passwd.md")
    os.symlink(outside, vault / "linked")
    errors, failed = run_import(vault)
    assert failed
    assert "passwd.md:0: outside-folder" in errors
    assert "linked:0: outside-folder" in errors
    assert list(Practice.objects.values_list("title", flat=True)) == ["Good"]


def test_a_link_given_as_a_file_is_refused_too(tmp_path):
    secret_file = tmp_path / "passwd"
    secret_file.write_text("root:x:0:0:root:/root:/bin/bash\n")
    vault = tmp_path / "vault"
    vault.mkdir()
    os.symlink(secret_file, vault / "passwd.md")
    errors, failed = run_import(vault / "passwd.md")
    assert failed and "outside-folder" in errors
    assert not Practice.objects.exists()


def test_a_link_inside_the_vault_and_a_pipe(tmp_path):
    vault = tmp_path / "vault"
    (vault / "sub").mkdir(parents=True)
    (vault / "sub" / "real.md").write_text(note(title="Real"))
    os.symlink(vault / "sub", vault / "alias")  # inside the vault: read once, not twice
    os.mkfifo(vault / "pipe.md")  # reading it would block the import for good
    errors, failed = run_import(vault)
    assert "pipe.md:0: not-a-file" in errors
    assert list(Practice.objects.values_list("title", flat=True)) == ["Real"]
