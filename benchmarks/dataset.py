"""The one builder of benchmark data: notes shaped like the real ones, and a library made of them.

A note is about 11 KB of Markdown in sections and subsections, with a timestamp every few
sentences, wiki links to themes and other notes, a bullet list and a callout, like the notes
curators import. The library's practices store that Markdown with the HTML `render_note` makes of
it, so the pages measured are the pages the site serves. The import benchmark writes the same notes
as files instead.
"""

import random
import re
import time
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from incubator.models import Country, Toolkit
from opsi_portal.caching import bump_data_version
from opsi_portal.lib.youtube import format_timestamp
from practices.models import CountryMention, Practice, Theme, ThemedPractice, ToolkitMention, Video
from practices.rendering import render_note
from practices.search import refresh_search_vector

from .guard import PREFIX, VIDEO_PREFIX, bench_practices

BATCH = 2000
NOTES_PER_VIDEO = 9
THEMES = 300
TOOLKITS = 60
NOTE_BYTES = (5_000, 15_000)  # the sample notes' spread: about 11 KB on average
# Rendering an 11 KB note takes tens of milliseconds, hours for a large library: its practices
# share this many distinct rendered texts (titles, summaries, themes and countries stay their own).
DISTINCT_TEXTS = 1000
VIDEO_PLACEHOLDER = "benchVIDEO0"  # eleven characters, like a YouTube id


def _words(text):
    return text.split()


# Words of the field, most frequent first; a Zipf law over them gives text that reads like notes'.
DOMAIN_WORDS = _words("""
innovation public sector government governments policy services service citizens users design
data digital future anticipatory foresight strategy systems change learning experiment experiments
programme countries country portfolio mission missions challenge challenges evidence impact
capacity capability teams team leaders leadership network networks collaboration partnership
partners stakeholders community communities transparency accountability trust participation
engagement open standards platform platforms infrastructure procurement regulation regulatory
sandbox sandboxes pilot pilots scale scaling adoption tools toolkit methods method approach
approaches framework frameworks practice practices lessons insights behavioural research
analysis measurement indicators outcomes value budget budgeting finance funding investment
risk risks uncertainty resilience crisis crises recovery climate environment sustainability
energy transport health education employment welfare housing cities local regional national
international cooperation oecd observatory opsi incubator accelerator lab labs unit units
civil servants managers officials ministry ministries agency agencies administration
administrative burden burdens simplification automation artificial intelligence algorithms
ethics privacy security identity interoperability cloud computing supercomputing models
scenarios horizon scanning signals trends futures literacy imagination creativity culture
mindset skills training mentorship youth women inclusion diversity equity accessibility
co-design codesign prototyping testing iteration feedback evaluation monitoring reporting
""")
CONNECTORS = _words("""the of and to in a for that is with on as by are this it from an be can which
their its at or has have more new how they these also into will through across about""")
SYLLABLES = _words("ka lo mi ne ru sa te vi po da fe gi hu ja ko le ma no pi re si tu va we xo yo za")
THEME_HEADS = _words("""innovation governance design policy services data government strategy foresight
participation regulation procurement leadership evaluation infrastructure""")
COUNTRY_FAVOURITES = _words("PT DK RO EE FI FR DE GB US CA NZ AU NL SE NO IE ES IT CL CO KR JP BR IN")
CALLOUT_KINDS = ("tip", "note", "important", "example")
# Words that end a name of a toolkit, organisation or programme ("... toolkit", "ministry of ...").
# Real notes use them a few times each, not in every sentence: the vocabulary ranks them past the
# other domain words, so a note has about as many candidate phrases as a real one (about 10 in
# the sample notes, `practices/importing/candidates.py`) instead of 77.
KIND_WORDS = frozenset(
    _words("government service strategy programme network partnership platform toolkit framework observatory")
    + _words("incubator accelerator lab unit ministry agency")
)
KIND_WORDS_RANK = 400
NAME_KINDS = _words("Toolkit Framework Lab Playbook Network Programme Guide Observatory")
NAMES = 40  # named tools and organisations the vault's sentences mention now and then
NAME_SHARE = 0.05  # of sentences
ACRONYM_SHARE = 0.03


class Vocabulary:
    """Weighted words: the field's words first, then made-up words for the long tail of real text."""

    def __init__(self, rng, size=6000):
        words = [word for word in dict.fromkeys(DOMAIN_WORDS) if word not in KIND_WORDS]
        while len(words) < size - len(KIND_WORDS):
            word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
            if word not in words and word not in KIND_WORDS:
                words.append(word)
        words[KIND_WORDS_RANK:KIND_WORDS_RANK] = sorted(KIND_WORDS)
        self.words = words
        self.names = [
            " ".join((rng.choice(words[200:]).capitalize(), rng.choice(DOMAIN_WORDS[:40]).capitalize(), kind))
            for kind in rng.choices(NAME_KINDS, k=NAMES)
        ]
        self.acronyms = ["".join(rng.choice("BCDFGHJKLMNPRSTVWXZ") for _ in range(3)) for _ in range(NAMES)]
        self.cum_weights = list(_cumulative(1 / (rank + 1) ** 1.05 for rank in range(len(words))))
        self.theme_names = _theme_names(rng)
        self.theme_weights = list(_cumulative(1 / (rank + 1) ** 0.8 for rank in range(len(self.theme_names))))

    def sample(self, rng, k):
        return rng.choices(self.words, cum_weights=self.cum_weights, k=k)

    def themes(self, rng, k):
        return sorted(set(rng.choices(self.theme_names, cum_weights=self.theme_weights, k=k)))


def _cumulative(values):
    total = 0.0
    for value in values:
        total += value
        yield total


def _theme_names(rng):
    names = set()
    while len(names) < THEMES:
        names.add(f"{rng.choice(DOMAIN_WORDS[:120])} {rng.choice(THEME_HEADS)}".capitalize())
    return sorted(names)


@dataclass
class Note:
    """One synthetic note: what the importer would read from a file, or a practice would store."""

    number: int
    title: str
    summary: str
    video_id: str
    themes: list
    markdown: str = field(repr=False)
    prefix: str = PREFIX

    @property
    def key(self):
        return f"{self.prefix}{self.number:07d}"

    def file_text(self):
        """The note as a file of the vault: front matter, channel line, timestamps as the notes write them."""
        body = re.sub(r"\[(\d\d:\d\d:\d\d)\]", r'<a class="yt-timestamp" data-t="\1">[\1]</a>', self.markdown)
        front_matter = f"---\ntitle: {self.title}\nvideoId: {self.video_id}\n---\n"
        return f"{front_matter}\nFrom: [[benchmark_channel]] <br/>\n\n{body}\n"


class NoteWriter:
    """Writes one note's Markdown: sections of paragraphs whose sentences carry timestamps and links."""

    def __init__(self, rng, vocabulary, themes, neighbours):
        self.rng, self.vocabulary = rng, vocabulary
        self.link_targets = [name.lower().replace(" ", "_") for name in themes] + neighbours
        self.seconds = 0
        self.parts = []
        self.size = 0

    def sentence(self):
        rng = self.rng
        words = []
        for word in self.vocabulary.sample(rng, rng.randint(8, 22)):
            words.append(word)
            if rng.random() < 0.45:
                words.append(rng.choice(CONNECTORS))
        if rng.random() < 0.3:  # a wiki link in about a third of the sentences, as in the notes
            at = rng.randrange(len(words))
            words[at] = f"[[{rng.choice(self.link_targets)} | {words[at]}]]"
        if rng.random() < NAME_SHARE:
            words[rng.randrange(len(words))] += f" with the {rng.choice(self.vocabulary.names)}"
        if rng.random() < ACRONYM_SHARE:
            words[rng.randrange(len(words))] += f" of {rng.choice(self.vocabulary.acronyms)}"
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def paragraph(self):
        sentences = []
        for _ in range(self.rng.randint(2, 6)):
            sentences.append(self.sentence())
            if self.rng.random() < 0.5:  # a timestamp every two sentences or so
                self.seconds += self.rng.randint(3, 40)
                sentences[-1] += f" [{format_timestamp(self.seconds)}]"
        return " ".join(sentences)

    def add(self, text):
        self.parts.append(text)
        self.size += len(text.encode()) + 2

    def section(self):
        rng = self.rng
        self.add(f"## {' '.join(self.vocabulary.sample(rng, 3)).capitalize()}")
        for _ in range(rng.randint(1, 3)):
            if rng.random() < 0.4:
                self.add(f"### {' '.join(self.vocabulary.sample(rng, 4)).capitalize()}")
            self.add(self.paragraph())
        if rng.random() < 0.4:
            self.add("\n".join(f"* {self.sentence()}" for _ in range(rng.randint(2, 5))))
        if rng.random() < 0.3:
            kind = rng.choice(CALLOUT_KINDS)
            self.add(f"> [!{kind}] {' '.join(self.vocabulary.sample(rng, 3)).capitalize()}\n> {self.sentence()}")

    def write(self, target_bytes):
        self.add(self.paragraph())
        while self.size < target_bytes:
            self.section()
        return "\n\n".join(self.parts)


def make_note(number, vocabulary, seed=1, count=None, with_text=True, prefix=PREFIX):
    """Note `number` of a library of `count`: the same note every time for the same seed."""
    rng = random.Random(f"{seed}-{number}")  # noqa: S311  (repeatable synthetic data, not secrets)
    themes = vocabulary.themes(rng, rng.randint(5, 10))
    neighbours = [f"{prefix}{(number + 1) % count:07d}"] if count else []
    markdown = NoteWriter(rng, vocabulary, themes, neighbours).write(rng.randint(*NOTE_BYTES)) if with_text else ""
    return Note(
        number=number,
        title=f"{' '.join(vocabulary.sample(rng, rng.randint(3, 7))).capitalize()} ({number})",
        summary=NoteWriter(rng, vocabulary, themes, neighbours).sentence(),
        video_id=f"{VIDEO_PREFIX}{number // NOTES_PER_VIDEO:06d}",
        themes=themes,
        markdown=markdown,
        prefix=prefix,
    )


def write_vault(folder, count, seed=1):
    """`count` notes as Markdown files in `folder`, each linking to the next; returns their keys.

    Their keys (and so the practices' slugs) differ from the page benchmark's library, so both can
    share a database.
    """
    vocabulary = Vocabulary(random.Random(seed))  # noqa: S311
    keys = []
    for number in range(count):
        note = make_note(number, vocabulary, seed, count, prefix=f"{PREFIX}note-")
        (folder / f"{note.key}.md").write_text(note.file_text(), encoding="utf-8")
        keys.append(note.key)
    return keys


@dataclass
class Library:
    """The reference records every batch of benchmark practices draws from."""

    vocabulary: Vocabulary
    themes: dict  # name -> Theme
    countries: list
    favourites: list
    toolkits: list
    texts: dict = field(default_factory=dict)  # variant -> (Markdown, HTML rendered for VIDEO_PLACEHOLDER)

    def text(self, note, seed):
        """The Markdown and rendered HTML of `note`, one of DISTINCT_TEXTS texts, its timestamps on its own video."""
        variant = note.number % DISTINCT_TEXTS
        if variant not in self.texts:
            markdown = make_note(variant, self.vocabulary, seed).markdown
            self.texts[variant] = (markdown, render_note(markdown, video_id=VIDEO_PLACEHOLDER))
        markdown, html = self.texts[variant]
        return markdown, html.replace(VIDEO_PLACEHOLDER, note.video_id)


def _library(seed):
    vocabulary = Vocabulary(random.Random(seed))  # noqa: S311
    existing = {theme.name: theme for theme in Theme.objects.filter(slug__startswith=PREFIX)}
    missing = [
        Theme(name=name, slug=f"{PREFIX}{i}") for i, name in enumerate(vocabulary.theme_names) if name not in existing
    ]
    existing.update({theme.name: theme for theme in Theme.objects.bulk_create(missing)})
    toolkits = [
        Toolkit.objects.get_or_create(slug=f"{PREFIX}toolkit-{i}", defaults={"name": f"Benchmark toolkit {i}"})[0]
        for i in range(TOOLKITS)
    ]
    countries = list(Country.objects.all())
    favourites = [country for country in countries if country.code in COUNTRY_FAVOURITES]
    return Library(vocabulary, existing, countries, favourites, toolkits)


def build_dataset(n, seed=1, log=print):
    """Make the benchmark's published practices exactly `n`, adding or removing the last ones."""
    existing = bench_practices().count()
    if existing > n:
        bench_practices().filter(slug__gte=f"{PREFIX}{n:07d}").delete()
        bump_data_version()
        return
    library = _library(seed)
    started = time.monotonic()
    for start in range(existing, n, BATCH):
        end = min(start + BATCH, n)
        with transaction.atomic():
            _write_batch(library, range(start, end), n, seed)
        log(f"  {end}/{n} practices ({(end - existing) / max(time.monotonic() - started, 0.001):.0f}/s)")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    bump_data_version()


def _write_batch(library, numbers, count, seed):
    notes = [make_note(number, library.vocabulary, seed, count, with_text=False) for number in numbers]
    texts = [library.text(note, seed) for note in notes]
    videos = _videos(notes)
    now = timezone.now()
    practices = Practice.objects.bulk_create(
        Practice(
            title=note.title,
            slug=note.key,
            summary=note.summary,
            body_markdown=markdown,
            body_html=html,
            status=Practice.Status.PUBLISHED,
            published_at=now - timezone.timedelta(minutes=note.number),
            source_video=videos[note.video_id],
            note_key=note.key,
        )
        for note, (markdown, html) in zip(notes, texts, strict=True)
    )
    _write_links(library, notes, practices)
    refresh_search_vector([practice.pk for practice in practices])


def _videos(notes):
    ids = sorted({note.video_id for note in notes})
    Video.objects.bulk_create(
        [Video(youtube_id=video_id, title=f"Benchmark video {video_id}") for video_id in ids], ignore_conflicts=True
    )
    return {video.youtube_id: video for video in Video.objects.filter(youtube_id__in=ids)}


def _write_links(library, notes, practices):
    """Themes, countries and toolkits of a batch, in bulk: mostly a few OECD countries, a toolkit for a third."""
    themed, mentioned, named = [], [], []
    for note, practice in zip(notes, practices, strict=True):
        rng = random.Random(f"links-{note.number}")  # noqa: S311
        themed += [ThemedPractice(content_object=practice, tag=library.themes[name]) for name in note.themes]
        pool = library.favourites if rng.random() < 0.7 else library.countries
        for country in rng.sample(pool, rng.choices([1, 2, 3, 4], weights=[45, 27, 16, 12])[0]):
            mentioned.append(
                CountryMention(practice=practice, country=country, origin="detected", sentence=note.title, seconds=5)
            )
        if rng.random() < 0.35:
            named.append(
                ToolkitMention(practice=practice, toolkit=rng.choice(library.toolkits), origin="detected", seconds=9)
            )
    ThemedPractice.objects.bulk_create(themed)
    CountryMention.objects.bulk_create(mentioned)
    ToolkitMention.objects.bulk_create(named)
