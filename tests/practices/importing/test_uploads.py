"""Unpacking an uploaded vault: every hostile upload is refused with a message and leaves no folder."""

import io
import stat
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from practices.importing.uploads import Limits, UploadRefused, unpack

NOTE = "---\ntitle: A note\nvideoId: abcdefghijk\n---\n\nDenmark leads [00:00:10].\n"
LIMITS = Limits(total_bytes=2_000_000, files=10, file_bytes=100_000, ratio=100)


def zipped(*members, name="vault.zip"):
    """A zip of (ZipInfo or name, bytes) members, as an uploaded file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            archive.writestr(info, data)
    return SimpleUploadedFile(name, buffer.getvalue())


def refused(uploads, folder, limits=LIMITS):
    with pytest.raises(UploadRefused) as error:
        unpack(uploads, folder, limits)
    assert not folder.exists(), "a refused upload leaves nothing behind"
    return str(error.value)


def test_a_zip_is_unpacked_with_its_folders_and_other_files_left_out(tmp_path):
    upload = zipped(
        ("vault/channel/a.md", NOTE), ("vault/b.md", NOTE), ("vault/image.png", b"\x89PNG"), (".obsidian/x.md", "{}")
    )
    unpacked = unpack([upload], tmp_path / "run", LIMITS)
    assert sorted(unpacked.notes) == ["vault/b.md", "vault/channel/a.md"]
    assert sorted(unpacked.ignored) == [".obsidian/x.md", "vault/image.png"]
    assert (tmp_path / "run" / "vault" / "channel" / "a.md").read_text() == NOTE


def test_several_md_files_are_saved_side_by_side(tmp_path):
    uploads = [SimpleUploadedFile("a.md", NOTE.encode()), SimpleUploadedFile("b.md", NOTE.encode())]
    assert sorted(unpack(uploads, tmp_path / "run", LIMITS).notes) == ["a.md", "b.md"]


@pytest.mark.parametrize("name", ["../evil.md", "vault/../../evil.md", "/etc/evil.md", "C:/evil.md", "..\\evil.md"])
def test_a_path_outside_the_archive_is_refused(tmp_path, name):
    message = refused([zipped((name, NOTE))], tmp_path / "run")
    assert "outside the archive" in message
    assert not (tmp_path / "evil.md").exists()


def test_a_symbolic_link_is_refused(tmp_path):
    link = zipfile.ZipInfo("vault/passwd.md")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    message = refused([zipped((link, "/etc/passwd"))], tmp_path / "run")
    assert "symbolic link" in message


def test_a_name_that_is_not_utf8_is_refused(tmp_path):
    info = zipfile.ZipInfo("vault/x.md")
    upload = zipped((info, NOTE))
    # Latin-1 "é" where the name should be UTF-8, and no UTF-8 flag: rewrite the name's bytes in place.
    data = upload.read().replace(b"vault/x.md", b"vault/\xe9.md")
    message = refused([SimpleUploadedFile("vault.zip", data)], tmp_path / "run")
    assert "not UTF-8" in message


def test_a_zip_that_is_not_a_zip_is_refused(tmp_path):
    message = refused([SimpleUploadedFile("vault.zip", b"PK\x03\x04 but nothing else")], tmp_path / "run")
    assert "not a zip archive" in message


def test_a_zip_bomb_is_refused_by_its_ratio(tmp_path):
    bomb = zipped(("vault/bomb.md", b"a" * 90_000))  # deflates to about 100 bytes
    message = refused([bomb], tmp_path / "run")
    assert "zip bomb" in message


def test_a_member_whose_header_lies_about_its_size_is_stopped_by_the_bytes_written(tmp_path):
    info = zipfile.ZipInfo("vault/bomb.md")
    upload = zipped((info, b"a" * 300_000), name="bomb.zip")
    data = bytearray(upload.read())
    # Claim 10 bytes unpacked in the central directory entry, so only the bytes read can tell.
    central = data.rindex(b"PK\x01\x02")
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")
    limits = Limits(total_bytes=2_000_000, files=10, file_bytes=100_000, ratio=10_000)
    message = refused([SimpleUploadedFile("bomb.zip", bytes(data))], tmp_path / "run", limits)
    assert "over the limit" in message or "damaged" in message


def test_too_many_files_are_refused(tmp_path):
    upload = zipped(*[(f"vault/{n}.md", NOTE) for n in range(11)])
    assert "at most 10" in refused([upload], tmp_path / "run")


def test_a_note_over_the_size_cap_is_refused(tmp_path):
    upload = zipped(("vault/big.md", NOTE + "x" * 100_000))
    assert "over the limit" in refused([upload], tmp_path / "run", Limits(2_000_000, 10, 100_000, ratio=1_000_000))


def test_an_upload_over_the_total_cap_is_refused(tmp_path):
    uploads = [SimpleUploadedFile(f"{n}.md", (NOTE + "y" * 60_000).encode()) for n in range(3)]
    assert "the most one import takes" in refused(uploads, tmp_path / "run", Limits(150_000, 10, 100_000))


def test_notes_unpacking_past_the_total_cap_are_refused(tmp_path):
    upload = zipped(*[(f"vault/{n}.md", NOTE + "z" * 60_000) for n in range(3)])
    assert "unpack to over" in refused([upload], tmp_path / "run", Limits(150_000, 10, 100_000, ratio=1_000_000))


def test_a_member_twice_is_refused(tmp_path):
    with pytest.warns(UserWarning):  # zipfile warns about the duplicate name as it writes it
        upload = zipped(("vault/a.md", NOTE), ("vault/a.md", NOTE))
    assert "twice" in refused([upload], tmp_path / "run")


def test_a_file_that_is_neither_md_nor_zip_is_refused(tmp_path):
    uploads = [SimpleUploadedFile("a.md", NOTE.encode()), SimpleUploadedFile("run.sh", b"rm -rf /")]
    assert "only .md notes" in refused(uploads, tmp_path / "run")


def test_an_archive_without_notes_is_refused(tmp_path):
    assert "no .md note" in refused([zipped(("vault/readme.txt", "hello"))], tmp_path / "run")


def test_an_encrypted_member_is_refused(tmp_path):
    upload = zipped(("vault/a.md", NOTE))
    data = bytearray(upload.read())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.index(signature)
        data[at + offset] |= 0x1
    assert "encrypted" in refused([SimpleUploadedFile("vault.zip", bytes(data))], tmp_path / "run")
