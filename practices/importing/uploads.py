"""A vault uploaded from the admin, unpacked into a private folder, trusting nothing in it.

An upload is one .zip or several .md files. Every cap is checked on the bytes actually written,
never on what a zip's headers claim: a member that inflates past its share, or the archive past the
compression ratio, stops the unpacking. Any refusal removes the folder, so a refused upload leaves
nothing behind and the import never sees it.
"""

import re
import shutil
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings

from .parser import MAX_NOTE_BYTES

CHUNK = 64 * 1024
# Flag bit 11 of a zip entry: its name is UTF-8 (otherwise it is whatever the zipping tool used).
UTF8_NAME = 0x800
ENCRYPTED = 0x1
# Small members compress poorly or very well by chance; the ratio is judged past this size.
RATIO_FLOOR = 64 * 1024
DRIVE = re.compile(r"^[A-Za-z]:")


class UploadRefused(Exception):
    """The upload is refused as a whole; the message tells the curator why."""


@dataclass(frozen=True)
class Limits:
    """The caps of one upload (settings IMPORT_UPLOAD_*)."""

    total_bytes: int
    files: int
    file_bytes: int = MAX_NOTE_BYTES
    ratio: int = 100

    @classmethod
    def from_settings(cls):
        return cls(
            total_bytes=settings.IMPORT_UPLOAD_MAX_BYTES,
            files=settings.IMPORT_UPLOAD_MAX_FILES,
            ratio=settings.IMPORT_UPLOAD_MAX_RATIO,
        )


@dataclass
class Unpacked:
    """The notes written into `folder`, and the members that were not notes (left out, reported)."""

    folder: Path
    notes: list = field(default_factory=list)
    ignored: list = field(default_factory=list)
    written_bytes: int = 0


def unpack(uploads, folder, limits):
    """Write `uploads` (Django uploaded files: one .zip or .md files) as notes under `folder`.

    Returns `Unpacked`; raises UploadRefused, with `folder` removed, when anything is wrong.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=False)
    try:
        return _unpack(uploads, folder, limits)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _unpack(uploads, folder, limits):
    if not uploads:
        raise UploadRefused("Choose a .zip of notes or one or more .md files.")
    if sum(upload.size for upload in uploads) > limits.total_bytes:
        raise UploadRefused(f"The upload is over {limits.total_bytes:,} bytes, the most one import takes.")
    zips = [upload for upload in uploads if upload.name.lower().endswith(".zip")]
    if zips and len(uploads) > 1:
        raise UploadRefused("Upload one .zip, or .md files, not both or several archives.")
    unpacked = Unpacked(folder)
    if zips:
        _unpack_zip(zips[0], unpacked, limits)
    else:
        _save_notes(uploads, unpacked, limits)
    if not unpacked.notes:
        raise UploadRefused("The upload holds no .md note.")
    return unpacked


def _save_notes(uploads, unpacked, limits):
    if len(uploads) > limits.files:
        raise UploadRefused(f"{len(uploads)} files: one import takes at most {limits.files}.")
    for upload in uploads:
        name = upload.name
        if not name.lower().endswith(".md"):
            raise UploadRefused(f"{name}: only .md notes or one .zip of them can be imported.")
        parts = _safe_parts(name)
        _write(unpacked, parts, upload.chunks(CHUNK), limits, name)


def _unpack_zip(upload, unpacked, limits):
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, UnicodeDecodeError, ValueError, OSError):
        raise UploadRefused(f"{upload.name} is not a zip archive that can be read.") from None
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        if len(members) > limits.files:
            raise UploadRefused(f"{upload.name} holds {len(members)} files: one import takes at most {limits.files}.")
        for info in members:
            name = _member_name(info)
            _check_member(info, name, limits)
            parts = _safe_parts(name)
            if not parts[-1].lower().endswith(".md") or any(part.startswith(".") for part in parts):
                unpacked.ignored.append(name)
                continue
            written = _extract(archive, info, unpacked, parts, limits, name)
            if written > RATIO_FLOOR and written > limits.ratio * max(info.compress_size, 1):
                raise UploadRefused(f"{name} inflates more than {limits.ratio} times: refused as a zip bomb.")
    if unpacked.written_bytes > RATIO_FLOOR and unpacked.written_bytes > limits.ratio * max(upload.size, 1):
        raise UploadRefused(f"{upload.name} inflates more than {limits.ratio} times: refused as a zip bomb.")


def _extract(archive, info, unpacked, parts, limits, name):
    try:
        with archive.open(info) as member:
            return _write(unpacked, parts, iter(lambda: member.read(CHUNK), b""), limits, name)
    except (zipfile.BadZipFile, NotImplementedError, EOFError, zlib.error, OSError) as error:
        raise UploadRefused(f"{name} cannot be read from the archive ({error}); it may be damaged.") from None


def _member_name(info):
    """The member's name, which must be UTF-8 whatever the archive's flag says."""
    if info.flag_bits & UTF8_NAME:
        return info.filename
    raw = info.orig_filename.encode("cp437")  # how zipfile decoded a name without the flag
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        shown = raw.decode("utf-8", errors="replace")
        raise UploadRefused(f"A file name in the archive is not UTF-8 ({shown}); rename it and zip again.") from None


def _check_member(info, name, limits):
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise UploadRefused(f"{name} is a symbolic link: links are refused, zip the notes themselves.")
    if info.flag_bits & ENCRYPTED:
        raise UploadRefused(f"{name} is encrypted: zip the notes without a password.")
    # The headers may lie (the bytes written are counted too), but an honest bomb is stopped here at once.
    if info.file_size > limits.file_bytes:
        raise UploadRefused(f"{name} is {info.file_size:,} bytes, over the limit of {limits.file_bytes:,} for a note.")
    if info.file_size > RATIO_FLOOR and info.file_size > limits.ratio * max(info.compress_size, 1):
        raise UploadRefused(f"{name} inflates more than {limits.ratio} times: refused as a zip bomb.")


def _safe_parts(name):
    """The path components of `name` as written under the upload's folder; anything leading out is refused."""
    if "\x00" in name or DRIVE.match(name) or name.startswith(("/", "\\")):
        raise UploadRefused(f"{name}: a path outside the archive is refused.")
    parts = [part for part in PurePosixPath(name.replace("\\", "/")).parts if part not in ("", ".")]
    if not parts or ".." in parts:
        raise UploadRefused(f"{name}: a path outside the archive is refused.")
    return parts


def _write(unpacked, parts, chunks, limits, name):
    """Copy `chunks` to the file `parts` under the folder, counting every byte against the caps."""
    target = unpacked.folder.joinpath(*parts)
    if not target.resolve().is_relative_to(unpacked.folder.resolve()):
        raise UploadRefused(f"{name}: a path outside the archive is refused.")
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    try:
        # "x": never over a file of the same name (written earlier, or a link planted by an earlier member).
        with open(target, "xb") as out:
            for chunk in chunks:
                written += len(chunk)
                if written > limits.file_bytes:
                    raise UploadRefused(f"{name} is over the limit of {limits.file_bytes:,} bytes for a note.")
                if unpacked.written_bytes + written > limits.total_bytes:
                    raise UploadRefused(
                        f"The notes unpack to over {limits.total_bytes:,} bytes, the most one import takes."
                    )
                out.write(chunk)
    except FileExistsError:
        raise UploadRefused(f"{name} appears twice in the upload.") from None
    unpacked.written_bytes += written
    unpacked.notes.append("/".join(parts))
    return written
