"""Reading notes: front matter, the From line, wiki links, timestamps, callouts and headings.

Plain functions with no database: `parse_note(key, text)` returns a `Note` whose body is the note's
Markdown with every timestamp rewritten to the canonical `[HH:MM:SS]`, plus the `Problem`s found.
Only `NoteError` escapes, for damage that leaves no note to import. The importer's cheap looks at a
note before parsing it (`may_be_index`, `read_video_id`, `parse_links`) are the parser's own pieces.
"""

import functools
import re
import sys
import unicodedata
from dataclasses import dataclass, field

import yaml

from opsi_portal.lib.fences import code_fence_flags
from opsi_portal.lib.youtube import VIDEO_ID_PATTERN, VIDEO_ID_RE, format_timestamp

# libyaml's safe loader when PyYAML was built with it: the same result, several times faster.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Bump when what the parser or the renderer makes of a note changes, so every note is re-imported once.
PARSER_VERSION = "6"

MAX_NOTE_BYTES = 1_000_000

# YouTube does not take uploads longer than 12 hours: a timestamp past that cannot be H:M:S.
MAX_VIDEO_HOURS = 12

WIKI_LINK_RE = re.compile(r"\[\[([^\[\]\n|]*)(?:\|([^\[\]\n]*))?\]\]")
# Some machine-written notes wrap the anchor in a Markdown link that is never closed,
# `[00:51:56](<a class="yt-timestamp" ...>[00:51:56]</a>`: the wrapper is part of the one timestamp.
# `[^<>]` and the bounded inner text keep it linear on a note full of unclosed anchors. It starts
# with `<a`, so the engine skips from `<` to `<`; the wrapper is looked for behind each anchor found
# (`anchor_timestamps`): an optional group in front made the engine try it at every character.
ANCHOR_TIMESTAMP_RE = re.compile(
    r"<a\b[^<>]*\bclass=[\"'][^\"'<>]*\byt-timestamp\b[^\"'<>]*[\"'][^<>]*>(?P<inner>.{0,200}?)</a\s*>",
    re.IGNORECASE | re.DOTALL,
)
ANCHOR_WRAPPER_RE = re.compile(r"\[[\d:\s]*\]\(\s*\Z")
ANCHOR_WRAPPER_CLOSE_RE = re.compile(r"\s*\)?")
DATA_T_RE = re.compile(r"\bdata-t=[\"']([^\"']*)[\"']", re.IGNORECASE)
# Tags inside an anchor's visible text (`<b>[00:01:02]</b>`), dropped before it is read.
ANCHOR_TEXT_TAG_RE = re.compile(r"<[^>]*>")
# A bare timestamp needs a bracket on at least one side, so "at 10:30" in prose is left alone.
BARE_TIMESTAMP_RE = re.compile(
    r"\[\s*(?P<a>\d{1,3}(?::\d{1,3}){1,3})\s*\]+(?!\()|(?<![\w:\[])(?P<b>\d{1,2}:\d{1,2}:\d{1,2})\]+(?!\()"
)
# What any bare timestamp holds; most bodies have none left once their anchors are read.
TIME_DIGITS_RE = re.compile(r"\d:\d")
CANONICAL_TIMESTAMP_RE = re.compile(r"\[(\d{2,}):(\d{2}):(\d{2})\](?!\()")
# Matched against a stripped line: leading and trailing `\s*` around an optional <br> would backtrack
# quadratically on a long run of spaces.
FROM_LINE_RE = re.compile(r"^From:\s*\[\[([^\]|]+)(?:\|[^\]]*)?\]\](?:\s*<br\s*/?>)?$", re.IGNORECASE)
LIST_ITEM_RE = re.compile(r"^\s*(?:[-+*]|\d+[.)])\s+")
# The closing #s and spaces are stripped in `read_heading`: `(.*?)\s*#*\s*$` was cubic on a run of spaces.
HEADING_RE = re.compile(r"^(#{1,6})\s+(.*)$")
# `[!kind] Title`, Obsidian's callout marker; rendering finds it at the start of a paragraph.
CALLOUT_MARKER = r"\[!([A-Za-z][\w-]*)\][+-]?[ \t]*([^\n]*)"
CALLOUT_RE = re.compile(rf"^\s*(?:>\s*)?{CALLOUT_MARKER}$")
INDEX_VIDEO_RE = re.compile(
    r"^#{1,6}\s*\[(?P<title>[^\]]+)\]\(\s*https?://(?:www\.)?(?:youtube\.com/watch\?v=|youtu\.be/)"
    rf"(?P<id>{VIDEO_ID_PATTERN})[^)]*\)\s*$"
)


class NoteError(Exception):
    """A note that cannot be imported at all; `problem` says where and why."""

    def __init__(self, problem):
        super().__init__(problem.message)
        self.problem = problem


@dataclass(frozen=True)
class Problem:
    """Something wrong in a note: its file, line (1-based, 0 for the whole file), kind and message."""

    file: str
    line: int
    kind: str
    message: str
    severity: str = "warning"

    def as_dict(self):
        return {
            "file": self.file,
            "line": self.line,
            "kind": self.kind,
            "message": self.message,
            "severity": self.severity,
        }


@dataclass(frozen=True, slots=True)
class WikiLink:
    target: str
    text: str
    key: str
    line: int


@dataclass(frozen=True)
class Timestamp:
    seconds: int
    line: int

    @property
    def text(self):
        return format_timestamp(self.seconds)


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    line: int


@dataclass(frozen=True)
class Callout:
    kind: str
    title: str
    line: int


@dataclass(frozen=True)
class IndexVideo:
    youtube_id: str
    title: str
    note_keys: tuple
    line: int


@dataclass
class Note:
    """A parsed note: what it says and where, ready for rendering and import."""

    key: str
    file: str
    title: str
    video_id: str
    channel: str
    body: str
    front_matter: dict
    links: list = field(default_factory=list)
    timestamps: list = field(default_factory=list)
    headings: list = field(default_factory=list)
    callouts: list = field(default_factory=list)
    index_videos: list = field(default_factory=list)
    misscaled: bool = False
    problems: list = field(default_factory=list)

    @property
    def is_index(self):
        """The channel's index note lists videos; it is not a practice."""
        return bool(self.index_videos) and not self.video_id


@functools.lru_cache(maxsize=65536)
def normalise_target(target):
    """One key per link target: case, accents, spaces, underscores, hyphens and punctuation folded."""
    text = unicodedata.normalize("NFKD", target).encode("ascii", "ignore").decode("ascii").lower()
    text = text.replace("'", "")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def note_key_for(filename):
    """The stable key of a note: its file name without `.md`."""
    return filename[:-3] if filename.lower().endswith(".md") else filename


def humanise(target):
    """A readable spelling of a link target: underscores become spaces."""
    return " ".join(target.replace("_", " ").split())


def decode_note(file, data, max_bytes=MAX_NOTE_BYTES):
    """Bytes of a note file as text, or `NoteError` for empty, too large, binary or non-UTF-8 files."""
    if len(data) > max_bytes:
        raise NoteError(Problem(file, 0, "too-large", f"{len(data)} bytes, over the limit of {max_bytes}", "error"))
    if b"\0" in data:
        raise NoteError(Problem(file, 0, "binary", "binary file (it contains NUL bytes), not a note", "error"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise NoteError(Problem(file, line, "not-utf8", f"not UTF-8 text: {error.reason}", "error")) from None
    if not text.strip():
        raise NoteError(Problem(file, 0, "empty", "the note is empty", "error"))
    return text


def load_yaml(raw):
    """YAML with the safe loader, refusing aliases: `*a` repeated in nested lists grows exponentially."""
    for event in yaml.parse(raw, Loader=SAFE_LOADER):
        if isinstance(event, yaml.AliasEvent):
            raise yaml.YAMLError(f"line {event.start_mark.line + 1}: aliases (*name) are not allowed")
    return yaml.load(raw, Loader=SAFE_LOADER)  # noqa: S506 (a safe loader)


def split_front_matter(file, text):
    """(front matter dict, body, body's first line number, problems) of a note's text."""
    problems = []
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        problems.append(Problem(file, 1, "front-matter-missing", "no front matter (--- ... ---) at the top"))
        return {}, text, 1, problems
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        raise NoteError(
            Problem(file, 1, "front-matter-unclosed", "the front matter opened on line 1 is never closed", "error")
        )
    raw = "\n".join(lines[1:end])
    body = "\n".join(lines[end + 1 :])
    try:
        data = load_yaml(raw) if raw.strip() else {}
    except (yaml.YAMLError, RecursionError) as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        reason = getattr(error, "problem", None) or (str(error).splitlines() or ["nested too deeply"])[0]
        problems.append(Problem(file, line, "front-matter-invalid", f"front matter is not valid YAML: {reason}"))
        return {}, body, end + 2, problems
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.append(Problem(file, 2, "front-matter-invalid", "front matter is not a list of key: value pairs"))
        data = {}
    return data, body, end + 2, problems


def time_fields_text(text):
    """A timestamp's text without its brackets and spaces: "[00:01:02] " gives "00:01:02"."""
    return text.strip().strip("[]").strip()


def parse_time_fields(text):
    """Seconds of a timestamp's text (H:M:S, M:S, or H:M:S with extra fields), with a note on what was off."""
    parts = time_fields_text(text).split(":")
    # Decimal digits only: "²" is a digit to `isdigit` but not to `int`.
    if not 2 <= len(parts) <= 4 or not all(p.isdecimal() for p in parts):
        return None, "not a timestamp"
    numbers = [int(p) for p in parts]
    remark = ""
    if len(numbers) == 4:
        remark = f"extra field {parts[3]!r} ignored"
        numbers = numbers[:3]
    if len(numbers) == 2:
        numbers = [0, *numbers]
    hours, minutes, seconds = numbers
    if minutes > 59 or seconds > 59:
        return None, f"{text.strip()} has minutes or seconds over 59"
    return hours * 3600 + minutes * 60 + seconds, remark


def _line_of(text, offset, first_line):
    return first_line + text.count("\n", 0, offset)


class LineNumbers:
    """Line numbers of offsets in `text` asked in increasing order: each newline is counted once.

    Counting from the start for every match made a note with many links or timestamps quadratic.
    """

    def __init__(self, text, first_line):
        self.text, self.first_line = text, first_line
        self.offset, self.line = 0, first_line

    def of(self, offset):
        if offset < self.offset:  # asked out of order: count again from the start
            self.offset, self.line = 0, self.first_line
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line


def read_timestamps(file, body, first_line):
    """Find every timestamp: returns (body with placeholders, [(fields, line)] in order, problems)."""
    problems = []
    found = []
    anchor_lines = LineNumbers(body, first_line)

    pieces, position = [], 0
    for start, end, match in anchor_timestamps(body):
        data_t = DATA_T_RE.search(match.group(0))
        inner = match.group("inner")
        if "<" in inner:
            inner = ANCHOR_TEXT_TAG_RE.sub("", inner)
        source = data_t.group(1) if data_t else inner
        found.append((source, inner.strip(), anchor_lines.of(start)))
        pieces += [body[position:start], f"\x00TS{len(found) - 1}\x00"]
        position = end
    body = "".join(pieces) + body[position:]
    if not TIME_DIGITS_RE.search(body):
        return body, found, problems
    bare_lines = LineNumbers(body, first_line)

    def bare(match):
        line = bare_lines.of(match.start())
        source = match.group("a") or match.group("b")
        if match.group("b") or match.group(0).count("]") > 1:
            problems.append(Problem(file, line, "timestamp-bracket", "stray ] after timestamp"))
        found.append((source, source, line))
        return f"\x00TS{len(found) - 1}\x00"

    body = BARE_TIMESTAMP_RE.sub(bare, body)
    return body, found, problems


def anchor_timestamps(body):
    """(start, end, match) of each timestamp anchor, in order, with the Markdown link some notes wrap it in.

    `[00:51:56](<a class="yt-timestamp" ...>[00:51:56]</a>)`: the wrapper, written just before the
    anchor (never inside the previous one), and its closing bracket belong to the one timestamp.
    """
    previous_end = 0
    for match in ANCHOR_TIMESTAMP_RE.finditer(body):
        start, end = match.start(), match.end()
        wrapper = ANCHOR_WRAPPER_RE.search(body, previous_end, start)
        if wrapper:
            start, end = wrapper.start(), ANCHOR_WRAPPER_CLOSE_RE.match(body, end).end()
        yield start, end, match
        previous_end = end


def detect_misscaling(values):
    """How a note's timestamps are scaled: "" (as written), "minutes" (HH:MM:00 meant MM:SS) or "fields"."""
    if not values:
        return ""
    hours = [h for h, _, _ in values]
    if len(values) >= 2 and all(s == 0 for _, _, s in values) and max(hours) >= 1:
        return "minutes"
    if max(hours) >= MAX_VIDEO_HOURS:
        return "fields"
    return ""


def _read_value(file, source, inner, line, problems):
    """(hours, minutes, seconds) of one timestamp found in the text, or None (reported)."""
    # The visible text is what the reader sees and checks; data-t is the fallback.
    seconds, remark = parse_time_fields(inner) if inner else (None, "")
    if seconds is None:
        seconds, remark = parse_time_fields(source)
    elif time_fields_text(source) != time_fields_text(inner):  # the same text reads the same
        data_seconds, _ = parse_time_fields(source)
        if data_seconds is not None and data_seconds != seconds:
            message = f"data-t {source!r} and text {inner!r} differ; the text is used"
            problems.append(Problem(file, line, "timestamp-mismatch", message))
    if seconds is None:
        problems.append(Problem(file, line, "timestamp-invalid", f"cannot read timestamp {source!r}: {remark}"))
        return None
    if remark:
        problems.append(Problem(file, line, "timestamp-extra-field", f"timestamp {source!r}: {remark}"))
    return seconds // 3600, seconds % 3600 // 60, seconds % 60


def parse_timestamps(file, body, first_line, scale=None):
    """Rewrite every timestamp of `body` as canonical [HH:MM:SS]; report what could not be read.

    `scale` forces a reading ("minutes" or "fields", see `detect_misscaling`); None detects it.
    """
    body, found, problems = read_timestamps(file, body, first_line)
    values = [_read_value(file, source, inner, line, problems) for source, inner, line in found]
    if scale is None:
        scale = detect_misscaling([v for v in values if v is not None])
    if scale and any(v is not None for v in values):
        first = next(line for (_, _, line), v in zip(found, values, strict=True) if v is not None)
        how = "HH:MM:00 read as MM:SS" if scale == "minutes" else "HH:MM:SS read as MM:SS (last field dropped)"
        problems.append(Problem(file, first, "timestamps-misscaled", f"timestamps would run past the video; {how}"))
    timestamps = []
    texts = []
    for (source, inner, line), value in zip(found, values, strict=True):
        if value is None:
            # Kept as written, without brackets, so it is neither lost nor mistaken for a timestamp.
            texts.append((inner or source).strip("[] "))
            continue
        hours, minutes, seconds = value
        total = hours * 60 + minutes if scale else hours * 3600 + minutes * 60 + seconds
        timestamps.append(Timestamp(total, line))
        texts.append(f"[{format_timestamp(total)}]")
    body = re.sub(r"\x00TS(\d+)\x00", lambda m: texts[int(m.group(1))], body)
    return body, timestamps, bool(scale), problems


def parse_links(file, body, first_line):
    links = []
    problems = []
    lines = LineNumbers(body, first_line)
    for match in WIKI_LINK_RE.finditer(body):
        # Interned: a vault repeats its link targets, and an import keeps every note's links a while.
        target = sys.intern(match.group(1).strip())
        line = lines.of(match.start())
        text = sys.intern((match.group(2) or "").strip() or humanise(target))
        key = sys.intern(normalise_target(target))
        if not key:
            problems.append(Problem(file, line, "link-empty", f"wiki link {match.group(0)!r} has no target"))
            continue
        links.append(WikiLink(target, text, key, line))
    return links, problems


def read_heading(line):
    """(level, text) of an ATX heading line without its closing #s, or None."""
    match = HEADING_RE.match(line)
    if not match:
        return None
    return len(match.group(1)), match.group(2).rstrip().rstrip("#").rstrip()


# Elements whose content HTML reads as raw text: unclosed, one swallows the rest of the note.
RAW_TEXT_TAGS = "style|script|textarea|title|xmp|noscript|noembed|noframes|iframe|plaintext"
RAW_TEXT_TAG_RE = re.compile(rf"<({RAW_TEXT_TAGS})\b[^<>]*>|</({RAW_TEXT_TAGS})\s*>", re.IGNORECASE)


@dataclass(frozen=True)
class RawText:
    """A raw-text element of a note (`<style>...</style>`), or a lone tag of one: removed with its content."""

    start: int
    end: int
    tag: str
    closed: bool


def raw_text_elements(text):
    """Every raw-text element of `text`, in order; an unclosed one covers its opening tag only."""
    found, position, lowered = [], 0, text.lower()
    unclosed = set()  # tags with no closing tag after some point: not searched for again (linear time)
    while match := RAW_TEXT_TAG_RE.search(text, position):
        tag = (match.group(1) or match.group(2)).lower()
        end = -1 if match.group(2) or tag in unclosed else lowered.find(f"</{tag}", match.end())
        if end < 0:
            if match.group(1):
                unclosed.add(tag)
            found.append(RawText(match.start(), match.end(), tag, False))
            position = match.end()
            continue
        close = text.find(">", end)
        close = len(text) if close < 0 else close + 1
        found.append(RawText(match.start(), close, tag, True))
        position = close
    return found


def without_raw_text(text):
    """`text` without its raw-text elements (see `raw_text_elements`)."""
    pieces, position = [], 0
    for element in raw_text_elements(text):
        pieces.append(text[position : element.start])
        position = element.end
    pieces.append(text[position:])
    return "".join(pieces)


def raw_text_problems(file, body, first_line):
    problems = []
    for element in raw_text_elements(body):
        what = f"<{element.tag}> and its content" if element.closed else f"an unclosed <{element.tag}> tag"
        line = _line_of(body, element.start, first_line)
        problems.append(Problem(file, line, "raw-text-removed", f"{what} removed: notes cannot carry it"))
    return problems


def link_words(text):
    """Text with each wiki link replaced by the words a reader sees."""
    return WIKI_LINK_RE.sub(lambda m: (m.group(2) or humanise(m.group(1))).strip(), text)


@dataclass
class _Structure:
    headings: list = field(default_factory=list)
    callouts: list = field(default_factory=list)
    videos: list = field(default_factory=list)
    # The index video whose lines are being read: its wiki links name the notes made from it.
    current: list | None = None

    def read(self, line, number):
        video = INDEX_VIDEO_RE.match(line)
        if video:
            self.current = [video.group("id"), video.group("title").strip(), [], number]
            self.videos.append(self.current)
            return
        heading = read_heading(line)
        if heading:
            self.current = None
            self.headings.append(Heading(heading[0], link_words(heading[1]), number))
            return
        callout = CALLOUT_RE.match(line)
        if callout:
            self.callouts.append(Callout(callout.group(1).lower(), callout.group(2).strip(), number))
        if self.current is not None:
            self.current[2].extend(note_key_for(m.group(1).strip()) for m in WIKI_LINK_RE.finditer(line))


def parse_structure(body, first_line):
    """Headings, callouts and (for the index note) videos, line by line outside code fences."""
    structure = _Structure()
    for offset, (line, in_code) in enumerate(code_fence_flags(body.split("\n"))):
        if not in_code:
            structure.read(line, first_line + offset)
    index = [IndexVideo(vid, title, tuple(keys), line) for vid, title, keys, line in structure.videos]
    return structure.headings, structure.callouts, index


def title_of(file, key, front, problems):
    """The front matter's title on one line, or the file name's words when it has none."""
    title = front.get("title")
    if not isinstance(title, str) or not title.strip():
        if title is not None:
            problems.append(Problem(file, 2, "title-invalid", "title is not text; the file name is used"))
        title = humanise(key.rpartition("/")[2])  # a run key names its channel first
    return " ".join(without_bidi_controls(title).split())[:300]


# Right-to-left overrides and other bidi controls make a title read differently from what it is
# ("txt.exe" shown as "exe.txt"); titles and theme names are shown without them.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def without_bidi_controls(text):
    return text.translate(BIDI_CONTROLS)


def video_id_of(file, front, problems):
    """The front matter's YouTube id, or "" (reported) when it is not one."""
    video_id = str(front.get("videoId") or front.get("videoid") or "").strip()
    if video_id and not VIDEO_ID_RE.match(video_id):
        problems.append(Problem(file, 2, "video-id-invalid", f"videoId {video_id!r} is not a YouTube id"))
        return ""
    return video_id


def read_video_id(text):
    """A note's videoId from its front matter alone, without parsing the rest ("" when none)."""
    try:
        front = split_front_matter("", normalise_newlines(text))[0]
    except NoteError:
        return ""
    return video_id_of("", front, [])


def may_be_index(text):
    """Cheap test for the channel's index note (video headings, no videoId); parsing confirms it."""
    return "youtube.com/watch" in text and "videoId" not in text[:1000]


def split_from_line(body):
    """(channel named by the `From: [[channel]]` line among the first lines, body with it blanked)."""
    lines = body.split("\n")
    for index, line in enumerate(lines[:5]):
        match = FROM_LINE_RE.match(line.strip())
        if match:
            # Blanked, not deleted, so the lines below keep their numbers in problems.
            lines[index] = ""
            return match.group(1).strip(), "\n".join(lines)
        if line.strip():
            break
    return "", body


def normalise_newlines(text):
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def parse_note(key, text, file=None, scale=None):
    """Parse a note's text; raises `NoteError` only when nothing of it can be imported."""
    file = file or f"{key}.md"
    text = normalise_newlines(text)
    if not text.strip():
        raise NoteError(Problem(file, 0, "empty", "the note is empty", "error"))
    front, body, first_line, problems = split_front_matter(file, text)
    title = title_of(file, key, front, problems)
    video_id = video_id_of(file, front, problems)
    channel, body = split_from_line(body)
    body, timestamps, misscaled, timestamp_problems = parse_timestamps(file, body, first_line, scale)
    links, link_problems = parse_links(file, body, first_line)
    headings, callouts, index_videos = parse_structure(body, first_line)
    problems += raw_text_problems(file, body, first_line)
    return Note(
        key=key,
        file=file,
        title=title,
        video_id=video_id,
        channel=channel,
        body=body.strip("\n") + "\n",
        front_matter=front,
        links=links,
        timestamps=timestamps,
        headings=headings,
        callouts=callouts,
        index_videos=index_videos,
        misscaled=misscaled,
        problems=problems + timestamp_problems + link_problems,
    )
