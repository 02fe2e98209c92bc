"""Reading a vault: which files are notes, and their bytes and text, each checked for size and encoding."""

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .channels import channel_of, run_key, split_key
from .parser import MAX_NOTE_BYTES, NoteError, Problem, decode_note, note_key_for

# Tools' own folders in a vault: never notes.
SKIPPED_DIRECTORIES = {".git", ".obsidian", ".trash", "node_modules", "__pycache__"}


@dataclass
class Source:
    """A note file as read: where it is, its key and its bytes."""

    path: Path
    key: str
    data: bytes


def collect_files(paths):
    """Markdown files under `paths` (files or folders, recursive), and problems with the paths.

    Only regular files whose real path lies inside the folder given (for a file: its own folder) are
    notes; a symbolic link out of it, a device or a pipe is reported and skipped, never read.
    """
    files, problems = [], []
    for raw in paths:
        path = Path(raw)
        try:
            if path.is_symlink():
                path.resolve(strict=True)
            exists = path.exists()
        except (OSError, RuntimeError) as error:
            problems.append(Problem(str(path), 0, "path-unreadable", f"cannot follow the path: {error}", "error"))
            continue
        if not exists:
            problems.append(Problem(str(path), 0, "path-missing", "no such file or folder", "error"))
        elif path.is_dir():
            files.extend(_walk(path, problems))
        elif _is_note_file(path, path.absolute().parent.resolve(), problems):
            files.append(path)
    return files, problems


def _inside(real, root):
    return real == root or root in real.parents


def _is_note_file(path, root, problems):
    """True for a regular file whose real path lies inside `root`; anything else is reported."""
    try:
        real = path.resolve(strict=True)
        mode = real.stat().st_mode
    except (OSError, RuntimeError) as error:
        problems.append(Problem(str(path), 0, "path-unreadable", f"cannot follow the path: {error}", "error"))
        return False
    if not _inside(real, root):
        message = f"a link to {real}, outside the folder imported; skipped"
        problems.append(Problem(str(path), 0, "outside-folder", message, "error"))
        return False
    if not stat.S_ISREG(mode):
        problems.append(Problem(str(path), 0, "not-a-file", "not a regular file; skipped", "error"))
        return False
    return True


def _is_plain_file(path):
    """True for a regular file that is no symbolic link: in a folder inside the vault, it is inside too."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False  # `_is_note_file` says why


def _walk(folder, problems):
    root = folder.resolve()
    seen = set()
    found = []

    def unreadable(error):
        problems.append(Problem(str(error.filename), 0, "path-unreadable", f"cannot read the folder: {error}", "error"))

    for current, dirs, names in os.walk(folder, followlinks=True, onerror=unreadable):
        real = Path(current).resolve()
        if not _inside(real, root):
            message = f"a link to {real}, outside the folder imported; skipped"
            problems.append(Problem(current, 0, "outside-folder", message, "error"))
            dirs[:] = []
            continue
        info = os.stat(current)
        if (info.st_dev, info.st_ino) in seen:
            message = "folder reached again through a symbolic link; skipped"
            problems.append(Problem(current, 0, "symlink-loop", message))
            dirs[:] = []
            continue
        seen.add((info.st_dev, info.st_ino))
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRECTORIES and not d.startswith("."))
        candidates = (Path(current) / name for name in sorted(names) if name.lower().endswith(".md"))
        found.extend(path for path in candidates if _is_plain_file(path) or _is_note_file(path, root, problems))
    return found


def _refusal(path, key, max_key_length, seen):
    """Why the file at `path` cannot be a note under `key`, as a Problem, or None."""
    if len(split_key(key)[1]) > max_key_length:
        message = f"the file name is longer than {max_key_length} characters, too long for a note key"
        return Problem(str(path), 0, "key-too-long", message, "error")
    if key in seen:
        message = f"another note has the key {key!r}: {seen[key]}"
        return Problem(str(path), 0, "duplicate-key", message, "error")
    return None


def _read(path):
    """The file's bytes; refused (NoteError) by size before reading: a huge file must not be loaded."""
    try:
        size = path.stat().st_size
        if size > MAX_NOTE_BYTES:
            raise NoteError(
                Problem(str(path), 0, "too-large", f"{size} bytes, over the limit of {MAX_NOTE_BYTES}", "error")
            )
        return path.read_bytes()
    except OSError as error:
        raise NoteError(Problem(str(path), 0, "unreadable", f"cannot read the file: {error}", "error")) from None


def read_notes(files, result, max_key_length):
    """Each note file in turn as (`Source`, text); files that cannot be notes are reported and skipped.

    A generator that keeps only the keys and paths seen: a vault of any size is read one file at a
    time, and the caller keeps what it needs of each. The key is the file name within its channel
    (`channels.run_key`), so two channels' notes of one name are two notes; a second file of one
    key is refused, even when the first is not text.
    """
    seen = {}
    for path in files:
        key = note_key_for(path.name)
        try:
            data = _read(path)
        except NoteError as error:
            result.fail(key, error.problem)
            continue
        key = run_key(channel_of(data), key)
        problem = _refusal(path, key, max_key_length, seen)
        if problem is not None:
            result.fail(key, problem)
            continue
        seen[key] = path
        try:
            text = decode_note(str(path), data)
        except NoteError as error:
            result.fail(key, error.problem)
            continue
        yield Source(path, key, data), text


def read_again(path):
    """The text of a note file read earlier in the run; `NoteError` when it can no longer be read."""
    return decode_note(str(path), _read(path))
