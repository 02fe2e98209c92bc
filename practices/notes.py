"""Reading notes: front matter, the From line, wiki links, timestamps, callouts and headings.

Plain functions with no database: `parse_note(key, text)` returns a `Note` whose body is the note's
Markdown with every timestamp rewritten to the canonical `[HH:MM:SS]`, plus the `Problem`s found.
Only `NoteError` escapes, for damage that leaves no note to import.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

import yaml

# Bump when the parser's output changes, so an unchanged file is re-imported once.
PARSER_VERSION = "3"

MAX_NOTE_BYTES = 1_000_000
YOUTUBE_ID_RE = re.compile(r"^[A-Za-z0-9_-]{11}$")

# YouTube does not take uploads longer than 12 hours: a timestamp past that cannot be H:M:S.
MAX_VIDEO_HOURS = 12

WIKI_LINK_RE = re.compile(r"\[\[([^\[\]\n|]*)(?:\|([^\[\]\n]*))?\]\]")
ANCHOR_TIMESTAMP_RE = re.compile(
    r"<a\b[^>]*\bclass=[\"'][^\"']*\byt-timestamp\b[^\"']*[\"'][^>]*>(?P<inner>.*?)</a\s*>",
    re.IGNORECASE | re.DOTALL,
)
DATA_T_RE = re.compile(r"\bdata-t=[\"']([^\"']*)[\"']", re.IGNORECASE)
# A bare timestamp needs a bracket on at least one side, so "at 10:30" in prose is left alone.
BARE_TIMESTAMP_RE = re.compile(
    r"\[\s*(?P<a>\d{1,3}(?::\d{1,3}){1,3})\s*\]+(?!\()|(?<![\w:\[])(?P<b>\d{1,2}:\d{1,2}:\d{1,2})\]+(?!\()"
)
CANONICAL_TIMESTAMP_RE = re.compile(r"\[(\d{2,}):(\d{2}):(\d{2})\](?!\()")
FROM_LINE_RE = re.compile(r"^\s*From:\s*\[\[([^\]|]+)(?:\|[^\]]*)?\]\]\s*(?:<br\s*/?>)?\s*$", re.IGNORECASE)
HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
CALLOUT_RE = re.compile(r"^\s*(?:>\s*)?\[!([A-Za-z][\w-]*)\][+-]?\s*(.*)$")
INDEX_VIDEO_RE = re.compile(
    r"^#{1,6}\s*\[(?P<title>[^\]]+)\]\(\s*https?://(?:www\.)?(?:youtube\.com/watch\?v=|youtu\.be/)"
    r"(?P<id>[A-Za-z0-9_-]{11})[^)]*\)\s*$"
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


@dataclass(frozen=True)
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
        return format_hms(self.seconds)


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


def format_hms(seconds):
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


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


def content_hash(data, *context):
    """Hash of a note's bytes and whatever else decides what the import writes."""
    digest = hashlib.sha256(PARSER_VERSION.encode())
    digest.update(data)
    for part in context:
        digest.update(b"\0")
        digest.update(str(part).encode())
    return digest.hexdigest()


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
        data = yaml.safe_load(raw) if raw.strip() else {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        reason = getattr(error, "problem", None) or str(error).splitlines()[0]
        problems.append(Problem(file, line, "front-matter-invalid", f"front matter is not valid YAML: {reason}"))
        return {}, body, end + 2, problems
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.append(Problem(file, 2, "front-matter-invalid", "front matter is not a list of key: value pairs"))
        data = {}
    return data, body, end + 2, problems


def parse_time_fields(text):
    """Seconds of a timestamp's text (H:M:S, M:S, or H:M:S with extra fields), with a note on what was off."""
    parts = text.strip().strip("[]").strip().split(":")
    if not all(p.isdigit() for p in parts) or not 2 <= len(parts) <= 4:
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


def read_timestamps(file, body, first_line):
    """Find every timestamp: returns (body with placeholders, [(fields, line)] in order, problems)."""
    problems = []
    found = []

    def anchor(match):
        data_t = DATA_T_RE.search(match.group(0))
        inner = re.sub(r"<[^>]*>", "", match.group("inner"))
        source = data_t.group(1) if data_t else inner
        found.append((source, inner.strip(), _line_of(body, match.start(), first_line)))
        return f"\x00TS{len(found) - 1}\x00"

    body = ANCHOR_TIMESTAMP_RE.sub(anchor, body)

    def bare(match):
        source = match.group("a") or match.group("b")
        if match.group("b") or match.group(0).count("]") > 1:
            problems.append(
                Problem(file, _line_of(body, match.start(), first_line), "timestamp-bracket", "stray ] after timestamp")
            )
        found.append((source, source, _line_of(body, match.start(), first_line)))
        return f"\x00TS{len(found) - 1}\x00"

    body = BARE_TIMESTAMP_RE.sub(bare, body)
    return body, found, problems


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


def parse_timestamps(file, body, first_line, scale=None):
    """Rewrite every timestamp of `body` as canonical [HH:MM:SS]; report what could not be read.

    `scale` forces a reading ("minutes" or "fields", see `detect_misscaling`); None detects it.
    """
    body, found, problems = read_timestamps(file, body, first_line)
    values = []
    for source, inner, line in found:
        # The visible text is what the reader sees and checks; data-t is the fallback.
        seconds, remark = parse_time_fields(inner) if inner else (None, "")
        if seconds is None:
            seconds, remark = parse_time_fields(source)
        elif source != inner:
            data_seconds, _ = parse_time_fields(source)
            if data_seconds is not None and data_seconds != seconds:
                message = f"data-t {source!r} and text {inner!r} differ; the text is used"
                problems.append(Problem(file, line, "timestamp-mismatch", message))
        if seconds is None:
            problems.append(Problem(file, line, "timestamp-invalid", f"cannot read timestamp {source!r}: {remark}"))
            values.append(None)
            continue
        if remark:
            problems.append(Problem(file, line, "timestamp-extra-field", f"timestamp {source!r}: {remark}"))
        values.append((seconds // 3600, seconds % 3600 // 60, seconds % 60))
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
        texts.append(f"[{format_hms(total)}]")
    body = re.sub(r"\x00TS(\d+)\x00", lambda m: texts[int(m.group(1))], body)
    return body, timestamps, bool(scale), problems


def parse_links(file, body, first_line):
    links = []
    problems = []
    for match in WIKI_LINK_RE.finditer(body):
        target = match.group(1).strip()
        line = _line_of(body, match.start(), first_line)
        text = (match.group(2) or "").strip() or humanise(target)
        key = normalise_target(target)
        if not key:
            problems.append(Problem(file, line, "link-empty", f"wiki link {match.group(0)!r} has no target"))
            continue
        links.append(WikiLink(target, text, key, line))
    return links, problems


def parse_structure(body, first_line):
    """Headings, callouts and (for the index note) videos, line by line outside code fences."""
    headings, callouts, videos = [], [], []
    current = None
    in_fence = False
    for offset, line in enumerate(body.split("\n")):
        number = first_line + offset
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        video = INDEX_VIDEO_RE.match(line)
        if video:
            current = [video.group("id"), video.group("title").strip(), [], number]
            videos.append(current)
            continue
        heading = HEADING_RE.match(line)
        if heading:
            current = None
            text = WIKI_LINK_RE.sub(lambda m: (m.group(2) or humanise(m.group(1))).strip(), heading.group(2))
            headings.append(Heading(len(heading.group(1)), text, number))
            continue
        callout = CALLOUT_RE.match(line)
        if callout:
            callouts.append(Callout(callout.group(1).lower(), callout.group(2).strip(), number))
        if current is not None:
            for match in WIKI_LINK_RE.finditer(line):
                current[2].append(note_key_for(match.group(1).strip()))
    index = [IndexVideo(vid, title, tuple(keys), line) for vid, title, keys, line in videos]
    return headings, callouts, index


def parse_note(key, text, file=None, scale=None):
    """Parse a note's text; raises `NoteError` only when nothing of it can be imported."""
    file = file or f"{key}.md"
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise NoteError(Problem(file, 0, "empty", "the note is empty", "error"))
    front, body, first_line, problems = split_front_matter(file, text)
    title = front.get("title")
    if not isinstance(title, str) or not title.strip():
        if title is not None:
            problems.append(Problem(file, 2, "title-invalid", "title is not text; the file name is used"))
        title = humanise(key)
    title = " ".join(title.split())
    video_id = front.get("videoId") or front.get("videoid") or ""
    video_id = str(video_id).strip()
    if video_id and not YOUTUBE_ID_RE.match(video_id):
        problems.append(Problem(file, 2, "video-id-invalid", f"videoId {video_id!r} is not a YouTube id"))
        video_id = ""

    channel = ""
    lines = body.split("\n")
    for index, line in enumerate(lines[:5]):
        match = FROM_LINE_RE.match(line)
        if match:
            # Blanked, not deleted, so the lines below keep their numbers in problems.
            channel = match.group(1).strip()
            lines[index] = ""
            body = "\n".join(lines)
            break
        if line.strip():
            break
    body, timestamps, misscaled, timestamp_problems = parse_timestamps(file, body, first_line, scale)
    links, link_problems = parse_links(file, body, first_line)
    headings, callouts, index_videos = parse_structure(body, first_line)
    body = body.strip("\n") + "\n"
    return Note(
        key=key,
        file=file,
        title=title[:300],
        video_id=video_id,
        channel=channel,
        body=body,
        front_matter=front,
        links=links,
        timestamps=timestamps,
        headings=headings,
        callouts=callouts,
        index_videos=index_videos,
        misscaled=misscaled,
        problems=problems + timestamp_problems + link_problems,
    )


def plain_text(markdown_text):
    """Markdown of a note as plain text: links as their words, timestamps, tags and markup removed."""
    text = WIKI_LINK_RE.sub(lambda m: (m.group(2) or humanise(m.group(1))).strip(), markdown_text)
    text = CANONICAL_TIMESTAMP_RE.sub("", text)
    text = re.sub(r"<[^>]*>", " ", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[![\w-]+\][+-]?", "", text)
    text = re.sub(r"(\*\*|__|\*|`|~~|==)", "", text)
    text = re.sub(r"^\s*(?:#{1,6}|>|[-+*]|\d+[.)])\s+", "", text, flags=re.MULTILINE)
    return text


def tidy(text):
    """Plain text with the gaps removed timestamps leave: no space before punctuation, no ",." runs."""
    text = " ".join(text.split())
    text = re.sub(r"\s+([.,;:!?])", r"\1", text)
    text = re.sub(r"(?:,\s*)+(?=[.!?;:]|$)", "", text)
    return re.sub(r"(?:,\s*){2,}", ", ", text)


def summary_of(body, limit=300):
    """The first paragraph of a note as plain text, cut at a word near `limit` characters."""
    for block in re.split(r"\n\s*\n", body):
        stripped = block.strip()
        if not stripped or stripped.startswith(("#", "<", "```", "---", "|")):
            continue
        text = tidy(plain_text(stripped))
        if not text:
            continue
        if len(text) <= limit:
            return text
        cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:")
        return cut + "…"
    return ""


SENTENCE_END_RE = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[*]*[A-Z0-9])")


@dataclass(frozen=True)
class Sentence:
    text: str
    seconds: int | None
    heading: bool


def sentences_of(body):
    """Every sentence of a note's body with its nearest timestamp, in order, headings marked."""
    result = []
    in_fence = False
    blocks = []
    current = []
    for line in body.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if HEADING_RE.match(line) or not line.strip() or re.match(r"^\s*(?:[-+*]|\d+[.)])\s+", line):
            if current:
                blocks.append((" ".join(current), False))
                current = []
            if HEADING_RE.match(line):
                blocks.append((line, True))
            elif line.strip():
                current.append(line)
            continue
        current.append(line)
    if current:
        blocks.append((" ".join(current), False))

    previous = None
    for block, heading in blocks:
        pieces = [block] if heading else SENTENCE_END_RE.split(block)
        pending = []
        for piece in pieces:
            stamps = [int(h) * 3600 + int(m) * 60 + int(s) for h, m, s in CANONICAL_TIMESTAMP_RE.findall(piece)]
            text = tidy(plain_text(piece))
            if not text:
                continue
            if stamps:
                previous = stamps[0]
                for index in pending:
                    result[index] = Sentence(result[index].text, stamps[0], result[index].heading)
                pending = []
                result.append(Sentence(text, stamps[0], heading))
            else:
                pending.append(len(result))
                result.append(Sentence(text, previous, heading))
    # A heading or untimed sentence takes the next timestamp when none came before it.
    following = None
    for index in range(len(result) - 1, -1, -1):
        sentence = result[index]
        if sentence.seconds is None and following is not None:
            result[index] = Sentence(sentence.text, following, sentence.heading)
        elif sentence.seconds is not None:
            following = sentence.seconds
    return result
