"""What changed since the last import: note hashes, slugs for new notes, timestamp scale.

Plain functions and no database: the run gives them what it read from the database.
"""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass

from opsi_portal.lib.slugs import unique_slug
from opsi_portal.lib.youtube import format_timestamp

from ..rendering import RENDER_VERSION
from .candidates import VERSION as CANDIDATES_VERSION
from .channels import split_key
from .parser import PARSER_VERSION, NoteError, Problem, normalise_target, parse_note, read_video_id

# A note whose timestamps run this many times past the typical end of its video's other notes...
OUTLIER_FACTOR = 2
# ...among at least this many notes of the video, is read as MM:SS when that fits the video.
MIN_NOTES_FOR_VIDEO_LENGTH = 3


@dataclass(frozen=True)
class Imported:
    """An imported practice as the database has it: id, slug and the hash of what it was made from."""

    pk: int
    slug: str
    note_hash: str


def data_digest(data):
    """The hash of a note's bytes, to be completed by `note_hash`: the run keeps this, not the bytes."""
    digest = hashlib.sha256(PARSER_VERSION.encode())
    digest.update(data)
    return digest


def content_hash(digest, *context):
    """Hash of a note's bytes (their `data_digest`) and whatever else decides what the import writes."""
    digest = digest.copy()
    for part in context:
        digest.update(b"\0")
        digest.update(str(part).encode())
    return digest.hexdigest()


def note_hash(digest, status, video_id, linked_slugs, theme_slugs=()):
    """The hash of a note in its context: the same hash means the import would write the same.

    `digest` is the `data_digest` of the note's bytes. `theme_slugs` are the (spelling, theme slug)
    pairs of its themes: a merge or split re-imports it. Reference data is not part of it: a new
    toolkit, alias or country name is followed by `practices.redetection` for the practices naming
    it, so the next import need not read every note.
    """
    versions = [RENDER_VERSION, CANDIDATES_VERSION]
    context = [status or "", video_id, linked_slugs, *versions, list(theme_slugs)]
    return content_hash(digest, json.dumps(context))


def allocate_slugs(keys, imported, taken, max_length):
    """Slug by run key: the practice's own for imported notes, a free one for new notes (`taken` grows)."""
    slugs = {key: row.slug for key, row in imported.items()}
    for key in keys:
        if key not in slugs:
            slugs[key] = unique_slug(normalise_target(split_key(key)[1]), taken, max_length, fallback="practice")
    return slugs


def practice_links_of(key, links, targets):
    """The run keys of the notes a note links to (not itself), sorted; `targets` maps link keys to run keys."""
    return sorted({targets[link.key] for link in links if link.key in targets} - {key})


def video_ends(texts, videos):
    """Where the notes among `texts` ((key, text) pairs) that belong to one of `videos` end, by video id."""
    ends = defaultdict(list)
    for key, text in texts:
        # The front matter alone says whether the note matters; only those are parsed.
        if read_video_id(text) not in videos:
            continue
        try:
            note = parse_note(key, text)
        except NoteError:
            continue
        if note.video_id in videos:
            ends[note.video_id].append(max((t.seconds for t in note.timestamps), default=0))
    return ends


def _misscaling_message(end, typical):
    return (
        f"timestamps run to {format_timestamp(end)} but the video's other notes end near "
        f"{format_timestamp(typical)}; HH:MM:SS read as MM:SS (last field dropped)"
    )


def _rescaled(note, text, typical):
    """The note read as MM:SS when that brings it near the video's typical end, else None."""
    end = max(t.seconds for t in note.timestamps)
    if note.misscaled or end <= OUTLIER_FACTOR * typical:
        return None
    candidate = parse_note(note.key, text, file=note.file, scale="fields")
    if max(t.seconds for t in candidate.timestamps) > OUTLIER_FACTOR * typical:
        return None
    message = _misscaling_message(end, typical)
    candidate.problems = [
        Problem(p.file, p.line, p.kind, message) if p.kind == "timestamps-misscaled" else p for p in candidate.problems
    ]
    return candidate


def rescale_outliers(notes, texts, other_ends=None):
    """Correct notes whose timestamps run far past the other notes of the same video.

    `other_ends` gives, by video id, where the video's notes that were not parsed end.
    """
    other_ends = other_ends or {}
    by_video = defaultdict(list)
    for note in notes.values():
        if note.video_id and note.timestamps:
            by_video[note.video_id].append(note)
    for video_id, group in by_video.items():
        ends = sorted([max(t.seconds for t in note.timestamps) for note in group] + other_ends.get(video_id, []))
        if len(ends) < MIN_NOTES_FOR_VIDEO_LENGTH:
            continue
        typical = ends[len(ends) // 2]
        for note in group:
            candidate = _rescaled(note, texts[note.key], typical)
            if candidate is not None:
                notes[note.key] = candidate
