"""Importing a vault of notes: files to practices, themes, videos, links and mentions.

`import_notes(paths, ...)` reads the files, parses them (`notes`), and upserts one practice per
topic note by its key, each in its own transaction. What the last import wrote is kept in
`Practice.import_snapshot`; a field or link that differs from it was changed by a curator and is
left alone (a three-way merge). An unchanged note (same bytes, same resolved context) writes nothing.
"""

import hashlib
import json
import os
import re
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.utils.text import slugify

from incubator.models import Country, Toolkit
from opsi_portal.caching import bump_data_version

from . import detection
from .models import CountryMention, Origin, Practice, Theme, ThemedPractice, ToolkitMention, Video
from .notes import (
    MAX_NOTE_BYTES,
    WIKI_LINK_RE,
    NoteError,
    Problem,
    content_hash,
    decode_note,
    detect_misscaling,
    format_hms,
    humanise,
    normalise_target,
    note_key_for,
    parse_note,
    sentences_of,
    summary_of,
)
from .rendering import RENDER_VERSION, LinkResolver, render_note, theme_slug
from .search import deferred_search_refresh, refresh_search_vector

MAX_KEY_LENGTH = Practice._meta.get_field("note_key").max_length
SKIPPED_DIRECTORIES = {".git", ".obsidian", ".trash", "node_modules", "__pycache__"}


@dataclass
class ImportResult:
    """What a run did (or, in a dry run, would do), and every problem it met."""

    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    missing: list = field(default_factory=list)
    videos: int = 0
    dry_run: bool = False

    @property
    def warnings(self):
        return [p for p in self.problems if p.severity != "error"]


@dataclass
class Source:
    path: Path
    key: str
    data: bytes


def collect_files(paths):
    """Markdown files under `paths` (files or folders, recursive), and problems with the paths."""
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
        elif path.is_file():
            files.append(path)
        else:
            files.extend(_walk(path, problems))
    return files, problems


def _walk(folder, problems):
    seen = set()
    found = []

    def unreadable(error):
        problems.append(Problem(str(error.filename), 0, "path-unreadable", f"cannot read the folder: {error}", "error"))

    for root, dirs, names in os.walk(folder, followlinks=True, onerror=unreadable):
        stat = os.stat(root)
        if (stat.st_dev, stat.st_ino) in seen:
            problems.append(Problem(root, 0, "symlink-loop", "folder reached again through a symbolic link; skipped"))
            dirs[:] = []
            continue
        seen.add((stat.st_dev, stat.st_ino))
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRECTORIES and not d.startswith("."))
        found.extend(Path(root) / name for name in sorted(names) if name.lower().endswith(".md"))
    return found


def read_sources(files, result):
    """Each file's bytes under its key; unreadable files and repeated keys are reported and left out."""
    sources = {}
    for path in files:
        key = note_key_for(path.name)
        if len(key) > MAX_KEY_LENGTH:
            result.failed.append(key)
            message = f"the file name is longer than {MAX_KEY_LENGTH} characters, too long for a note key"
            result.problems.append(Problem(str(path), 0, "key-too-long", message, "error"))
            continue
        if key in sources:
            result.failed.append(key)
            result.problems.append(
                Problem(
                    str(path), 0, "duplicate-key", f"another note has the key {key!r}: {sources[key].path}", "error"
                )
            )
            continue
        try:
            size = path.stat().st_size
            if size > MAX_NOTE_BYTES:
                # Refused before reading: a huge file must not be loaded to be rejected.
                result.failed.append(key)
                message = f"{size} bytes, over the limit of {MAX_NOTE_BYTES}"
                result.problems.append(Problem(str(path), 0, "too-large", message, "error"))
                continue
            data = path.read_bytes()
        except OSError as error:
            result.failed.append(key)
            result.problems.append(Problem(str(path), 0, "unreadable", f"cannot read the file: {error}", "error"))
            continue
        sources[key] = Source(path, key, data)
    return sources


def decode_sources(sources, result):
    """Each note's text by key; files that are not text are reported and left out."""
    texts = {}
    for key, source in sources.items():
        try:
            texts[key] = decode_note(str(source.path), source.data)
        except NoteError as error:
            result.failed.append(key)
            result.problems.append(error.problem)
    return texts


def parse_texts(texts, keys, sources, result):
    """Parsed notes for `keys`, and the keys of those that could not be parsed (reported)."""
    notes, failed = {}, set()
    for key in keys:
        try:
            notes[key] = parse_note(key, texts[key], file=str(sources[key].path))
        except NoteError as error:
            failed.add(key)
            result.failed.append(key)
            result.problems.append(error.problem)
    return notes, failed


def quick_links(text):
    """(target, text, key) of every wiki link, without parsing the note: enough to tell if it changed."""
    links = []
    for match in WIKI_LINK_RE.finditer(text):
        target = match.group(1).strip()
        key = normalise_target(target)
        if key:
            links.append((target, (match.group(2) or "").strip() or humanise(target), key))
    return links


def looks_like_index(text):
    """Cheap test for the channel's index note (video headings, no videoId), parsed before the rest."""
    return "youtube.com/watch" in text and "videoId" not in text[:1000]


def quick_end(text):
    """The last moment a note's bracketed timestamps reach, read as the parser would scale them."""
    values = [tuple(int(x) for x in found) for found in QUICK_TIMESTAMP_RE.findall(text)]
    values = [v for v in values if v[1] < 60 and v[2] < 60]
    if not values:
        return 0
    scaled = detect_misscaling(values)
    return max(h * 60 + m if scaled else h * 3600 + m * 60 + s for h, m, s in values)


QUICK_TIMESTAMP_RE = re.compile(r"\[(\d{1,3}):(\d{1,2}):(\d{1,2})\]")


# A note whose timestamps run this many times past the typical end of its video's other notes...
OUTLIER_FACTOR = 2
# ...among at least this many notes of the video, is read as MM:SS when that fits the video.
MIN_NOTES_FOR_VIDEO_LENGTH = 3


def rescale_outliers(notes, sources, other_ends=None):
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
            end = max(t.seconds for t in note.timestamps)
            if note.misscaled or end <= OUTLIER_FACTOR * typical:
                continue
            text = sources[note.key].data.decode("utf-8-sig")
            candidate = parse_note(note.key, text, file=note.file, scale="fields")
            if max(t.seconds for t in candidate.timestamps) <= OUTLIER_FACTOR * typical:
                message = (
                    f"timestamps run to {format_hms(end)} but the video's other notes end near "
                    f"{format_hms(typical)}; HH:MM:SS read as MM:SS (last field dropped)"
                )
                candidate.problems = [
                    Problem(p.file, p.line, p.kind, message) if p.kind == "timestamps-misscaled" else p
                    for p in candidate.problems
                ]
                notes[note.key] = candidate


def theme_names(links_by_note):
    """For each theme slug, the spelling the notes use most for it (link targets and matching link texts)."""
    counts = defaultdict(Counter)
    for links in links_by_note:
        for target, text, key in links:
            slug = theme_slug(key)
            counts[slug][humanise(target)] += 1
            if normalise_target(text) == key:
                counts[slug][text] += 1
    names = {}
    for slug, spellings in counts.items():
        best = spellings.most_common(1)[0][0]
        names[slug] = best[:1].upper() + best[1:]
    return names


def _allocate_slug(key, taken):
    base = slugify(normalise_target(key))[:190].strip("-") or "practice"
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    taken.add(slug)
    return slug


class Importer:
    """One run of the import; see `import_notes`."""

    def __init__(self, status=None, dry_run=False, progress=None):
        self.status = status
        self.dry_run = dry_run
        self.progress = progress or (lambda done, total: None)
        self.result = ImportResult(dry_run=dry_run)
        self._countries = None
        self._toolkits = None
        self._themes = None
        self.video_pks = {}
        # Cache entries made inside the current note's transaction, dropped if it rolls back.
        self._undo = []

    # Reference data, loaded once per run and only when a note needs it.
    @property
    def countries(self):
        if self._countries is None:
            rows = list(Country.objects.values_list("code", "name", "id"))
            self._countries = (
                detection.country_gazetteer((code, name) for code, name, _ in rows),
                {str(code): pk for code, _, pk in rows},
            )
        return self._countries

    @property
    def toolkits(self):
        if self._toolkits is None:
            rows = list(Toolkit.objects.values_list("slug", "name", "aliases", "id"))
            names = [
                (slug, [name, *[a.strip() for a in aliases.splitlines() if a.strip()]])
                for slug, name, aliases, _ in rows
            ]
            signature = hashlib.sha256(json.dumps(sorted(names)).encode()).hexdigest()
            self._toolkits = (detection.toolkit_gazetteer(names), {slug: pk for slug, _, _, pk in rows}, signature)
        return self._toolkits

    def run(self, paths):
        result = self.result
        files, problems = collect_files(paths)
        result.problems.extend(problems)
        result.failed.extend(p.file for p in problems if p.severity == "error")
        sources = read_sources(files, result)
        texts = decode_sources(sources, result)

        # The index note first: it names videos and says which note came from which.
        candidates = [key for key, text in texts.items() if looks_like_index(text)]
        index_notes, failed_candidates = parse_texts(texts, candidates, sources, result)
        for key, note in list(index_notes.items()):
            if not note.is_index:
                del index_notes[key]
            else:
                result.problems.extend(note.problems)
        topic_keys = [key for key in texts if key not in index_notes and key not in failed_candidates]
        videos = self.upsert_videos(index_notes.values())

        existing = {
            key: (pk, slug, note_hash)
            for key, pk, slug, note_hash in Practice.objects.filter(note_key__isnull=False).values_list(
                "note_key", "id", "slug", "note_hash"
            )
        }
        taken = set(Practice.objects.values_list("slug", flat=True))
        slugs = {key: row[1] for key, row in existing.items()}
        for key in topic_keys:
            if key not in slugs:
                slugs[key] = _allocate_slug(key, taken)
        practice_slugs = {}
        for key, slug in slugs.items():
            practice_slugs.setdefault(normalise_target(key), slug)
        resolver = LinkResolver(practice_slugs)
        links = {key: quick_links(texts[key]) for key in topic_keys}
        names = theme_names(links.values())
        result.missing = sorted(key for key in existing if key not in texts and key not in result.failed)

        # An unchanged note (same bytes, same context) is skipped before it is even parsed.
        hashes, changed = {}, []
        for key in topic_keys:
            own = normalise_target(key)
            practice_links = sorted({k for _, _, k in links[key] if k in practice_slugs and k != own})
            context = [
                self.status or "",
                videos.get(key, ""),
                [(k, practice_slugs[k]) for k in practice_links],
                self.toolkits[2],
                RENDER_VERSION,
            ]
            hashes[key] = content_hash(sources[key].data, json.dumps(context))
            row = existing.get(key)
            if row and row[2] == hashes[key]:
                result.unchanged.append(key)
            else:
                changed.append(key)
        notes, _ = parse_texts(texts, changed, sources, result)
        unparsed_ends = defaultdict(list)
        changed_videos = {note.video_id for note in notes.values()}
        for key in result.unchanged:
            match = re.search(r"^videoId:\s*(\S+)", texts[key][:1000], re.MULTILINE)
            if match and match.group(1).strip("'\"") in changed_videos:
                unparsed_ends[match.group(1).strip("'\"")].append(quick_end(texts[key]))
        rescale_outliers(notes, sources, unparsed_ends)
        for note in notes.values():
            result.problems.extend(note.problems)
            self.check_video(note, videos)

        pending_links = []
        for done, note in enumerate(notes.values(), 1):
            self.progress(done, len(notes))
            row = existing.get(note.key)
            if self.dry_run:
                (result.updated if row else result.created).append(note.key)
                continue
            video_id = note.video_id or videos.get(note.key, "")
            own = normalise_target(note.key)
            practice_links = sorted({link.key for link in note.links if link.key in practice_slugs and link.key != own})
            self._undo = []
            try:
                with transaction.atomic():
                    written = self.write(
                        note, row, slugs[note.key], video_id, hashes[note.key], practice_links, names, resolver
                    )
            except Exception as error:  # noqa: BLE001 (one bad note must not stop the others)
                for cache, key in self._undo:  # rolled back with the note
                    cache.pop(key, None)
                result.failed.append(note.key)
                result.problems.append(Problem(note.file, 0, "write-failed", f"not imported: {error}", "error"))
                continue
            (result.updated if row else result.created).append(note.key)
            pending_links.append(written)
        if not self.dry_run:
            self.write_links(pending_links, practice_slugs)
            if pending_links:
                # Themes and mentions are written in bulk, past the signals: refresh what derives from them.
                refresh_search_vector([practice_pk for practice_pk, *_ in pending_links])
                bump_data_version()
        return result

    def check_video(self, note, videos):
        listed = videos.get(note.key)
        if note.video_id and listed and listed != note.video_id:
            message = f"videoId {note.video_id} but the index lists the note under {listed}; videoId is used"
            self.result.problems.append(Problem(note.file, 2, "video-conflict", message))

    def upsert_videos(self, index_notes):
        """Videos of the index notes, with titles; returns note key -> video id."""
        titles, channels, by_note = {}, {}, {}
        for index in index_notes:
            for video in index.index_videos:
                titles[video.youtube_id] = video.title[: Video._meta.get_field("title").max_length]
                channels[video.youtube_id] = index.key
                for key in video.note_keys:
                    by_note.setdefault(key, video.youtube_id)
        self.result.videos = len(titles)
        if self.dry_run or not titles:
            return by_note
        existing = {v.youtube_id: v for v in Video.objects.filter(youtube_id__in=list(titles))}
        changed = []
        for youtube_id, title in titles.items():
            video = existing.get(youtube_id)
            channel = channels.get(youtube_id, "")
            if video is None:
                existing[youtube_id] = Video(youtube_id=youtube_id, title=title, channel=channel)
            elif (title and video.title != title) or (channel and video.channel != channel):
                video.title = title or video.title
                video.channel = channel or video.channel
                changed.append(video)
        Video.objects.bulk_create([v for v in existing.values() if v.pk is None], ignore_conflicts=True)
        Video.objects.bulk_update(changed, ["title", "channel"])
        self.video_pks.update(Video.objects.filter(youtube_id__in=list(titles)).values_list("youtube_id", "id"))
        return by_note

    def imported_values(self, note, video_id, practice_links):
        """What the note says the practice should be: fields, detected mentions, themes and links."""
        sentences = sentences_of(note.body)
        gazetteer, _ = self.countries
        toolkit_gazetteer = self.toolkits[0]
        themes = []
        for link in note.links:
            if link.key in practice_links or link.key == normalise_target(note.channel or "\0"):
                continue
            slug = theme_slug(link.key)
            if slug not in themes:
                themes.append(slug)
        return {
            "title": note.title,
            "summary": summary_of(note.body),
            "status": self.status or Practice.Status.DRAFT,
            "body_markdown": note.body,
            "source_video": video_id,
            "countries": {f.key: [f.sentence, f.seconds] for f in detection.find(sentences, gazetteer)},
            "toolkits": {f.key: [f.sentence, f.seconds] for f in detection.find(sentences, toolkit_gazetteer)},
            "themes": themes,
            "links": practice_links,
        }

    def write(self, note, row, slug, video_id, note_hash, practice_links, names, resolver):
        """Create or update one practice; returns what its links should become, for `write_links`."""
        new = self.imported_values(note, video_id, practice_links)
        video_pk = self.video_pks.get(video_id) if video_id else None
        if video_id and video_pk is None:
            video_pk = Video.objects.get_or_create(youtube_id=video_id)[0].pk
            self.video_pks[video_id] = video_pk
            self._undo.append((self.video_pks, video_id))
        if row is None:
            practice = Practice(slug=slug, note_key=note.key)
            previous = {}
        else:
            practice = Practice.objects.select_related("source_video").get(pk=row[0])
            previous = practice.import_snapshot or {}
            if self.status is None:
                # No --status: an existing practice's status is not the import's business.
                new["status"] = previous.get("status", practice.status)

        current = {
            "title": practice.title,
            "summary": practice.summary,
            "status": practice.status,
            "body_markdown": practice.body_markdown,
            "source_video": practice.source_video.youtube_id if practice.source_video_id else "",
        }
        for name in ("title", "summary", "status", "body_markdown"):
            if row is None or current[name] == previous.get(name):
                setattr(practice, name, new[name])
        if row is None or current["source_video"] == previous.get("source_video"):
            practice.source_video_id = video_pk
        snapshot = {name: new[name] for name in ("title", "summary", "status", "body_markdown", "source_video")}
        snapshot.update(
            countries=sorted(new["countries"]),
            toolkits=sorted(new["toolkits"]),
            themes=new["themes"],
            links=new["links"],
        )
        practice.note_hash = note_hash
        practice.import_snapshot = snapshot
        practice.set_rendered_body(render_note(practice.body_markdown, video_id=video_id or None, resolve=resolver))
        practice.save()

        _, country_pks = self.countries
        _, toolkit_pks, _ = self.toolkits
        self.merge_mentions(
            practice, CountryMention, "country", country_pks, new["countries"], previous.get("countries", []), row
        )
        self.merge_mentions(
            practice, ToolkitMention, "toolkit", toolkit_pks, new["toolkits"], previous.get("toolkits", []), row
        )
        self.merge_themes(practice, new["themes"], previous.get("themes", []), names, row)
        return practice.pk, new["links"], previous.get("links", []), row is None

    def merge_mentions(self, practice, model, name, pks, detected, before, row):
        """Three-way merge of detected mentions; a curator's rows and deletions are left as they are."""
        by_pk = {pk: key for key, pk in pks.items()}
        rows = (
            {}
            if row is None
            else {
                by_pk.get(r[f"{name}_id"]): r
                for r in model.objects.filter(practice=practice).values(
                    "id", f"{name}_id", "origin", "sentence", "seconds"
                )
            }
        )
        remove, create = [], []
        for key, existing in rows.items():
            if existing["origin"] != Origin.DETECTED:
                continue
            if key not in detected:
                remove.append(existing["id"])
            elif [existing["sentence"], existing["seconds"]] != detected[key]:
                model.objects.filter(pk=existing["id"]).update(sentence=detected[key][0], seconds=detected[key][1])
        for key, (sentence, seconds) in detected.items():
            if key in rows or key in before or key not in pks:
                continue
            create.append(
                model(
                    practice=practice,
                    origin=Origin.DETECTED,
                    sentence=sentence,
                    seconds=seconds,
                    **{f"{name}_id": pks[key]},
                )
            )
        if remove:
            model.objects.filter(pk__in=remove).delete()
        if create:
            model.objects.bulk_create(create)

    def merge_themes(self, practice, themes, before, names, row):
        current = set()
        if row is not None:
            current = set(ThemedPractice.objects.filter(content_object=practice).values_list("tag__slug", flat=True))
        add = [slug for slug in themes if slug not in current and slug not in before]
        remove = [slug for slug in before if slug not in themes and slug in current]
        if remove:
            ThemedPractice.objects.filter(content_object=practice, tag__slug__in=remove).delete()
        if add:
            theme_pks = self.theme_pks(add, names)
            ThemedPractice.objects.bulk_create(
                [ThemedPractice(content_object=practice, tag_id=theme_pks[slug]) for slug in add]
            )

    def theme_pks(self, slugs, names):
        """Theme ids by slug, creating the missing themes under the spelling the notes use most."""
        if self._themes is None:
            rows = Theme.objects.values_list("slug", "id", "name")
            self._themes = {slug: pk for slug, pk, _ in rows}
            self._theme_names = {name.casefold() for _, _, name in rows}
        for slug in slugs:
            if slug not in self._themes:
                name = (names.get(slug) or slug.replace("-", " ").capitalize())[:90]
                if name.casefold() in self._theme_names:
                    name = f"{name} ({slug})"[:100]
                self._themes[slug] = Theme.objects.create(name=name, slug=slug).pk
                self._theme_names.add(name.casefold())
                self._undo.append((self._themes, slug))
        return self._themes

    def write_links(self, pending, practice_slugs):
        """Links between practices, once every practice of the run exists; three-way like mentions."""
        if not pending:
            return
        pks = {
            normalise_target(key): pk
            for key, pk in Practice.objects.filter(note_key__isnull=False).values_list("note_key", "id")
        }
        through = Practice.links_to.through
        # New practices have no links a curator could have touched: one insert for all of them.
        rows = [
            through(from_practice_id=practice_pk, to_practice_id=pks[key])
            for practice_pk, links, _, created in pending
            if created
            for key in links
            if key in pks
        ]
        try:
            with transaction.atomic():
                through.objects.bulk_create(rows, ignore_conflicts=True)
        except Exception as error:  # noqa: BLE001 (reported; the practices stay, their links come next run)
            self.links_failed([pk for pk, _, _, created in pending if created], error)
        for practice_pk, links, before, created in pending:
            if created:
                continue
            try:
                with transaction.atomic():
                    current = set(
                        through.objects.filter(from_practice_id=practice_pk).values_list("to_practice_id", flat=True)
                    )
                    wanted = {pks[key] for key in links if key in pks and key not in before}
                    dropped = {pks[key] for key in before if key not in links and key in pks}
                    through.objects.filter(from_practice_id=practice_pk, to_practice_id__in=dropped & current).delete()
                    through.objects.bulk_create(
                        [through(from_practice_id=practice_pk, to_practice_id=pk) for pk in wanted - current]
                    )
            except Exception as error:  # noqa: BLE001 (one bad note must not stop the others)
                self.links_failed([practice_pk], error)

    def links_failed(self, practice_pks, error):
        """Report practices whose links could not be written and make the next run import them again."""
        Practice.objects.filter(pk__in=practice_pks).update(note_hash="")
        for key in Practice.objects.filter(pk__in=practice_pks).values_list("note_key", flat=True):
            self.result.failed.append(key)
            self.result.problems.append(Problem(key, 0, "links-failed", f"links not written: {error}", "error"))


@contextmanager
def relaxed_commits():
    """On PostgreSQL, commits that do not wait for the disk, for this connection and this run only.

    Each note is still its own all-or-nothing transaction; a crash may lose the last moments of
    commits, which the next (idempotent) import writes again. It makes one commit per note cheap.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def import_notes(paths, status=None, dry_run=False, progress=None):
    """Import the notes under `paths`; returns an `ImportResult`. See the module docstring.

    `status` is what imported practices should be; None makes new ones drafts and leaves others be.
    """
    with relaxed_commits(), deferred_search_refresh():
        return Importer(status=status, dry_run=dry_run, progress=progress).run(paths)
