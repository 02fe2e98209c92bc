"""The library: practices, the themes and videos they come with, and why each is linked where."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import connection, models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import NaturalKeyManager, TagBase, TaggedItemBase

from incubator.models import YOUTUBE_ID_VALIDATOR, Country, Toolkit
from opsi_portal.lib.record_languages import EnglishOriginal, TranslatedQuerySet, translated, translated_html
from opsi_portal.lib.text import normalise_text
from opsi_portal.lib.urls import slug_address
from opsi_portal.lib.youtube import format_timestamp, watch_url

from .importing import country_strength
from .importing.channels import NoteTargets, run_key
from .rendering import LinkResolver, render_note


class Theme(EnglishOriginal, TagBase):
    """A subject practices share, from the notes' [[wiki links]]; curators rename and merge them."""

    description = models.TextField(blank=True)
    # The name the last import gave: a name that differs from it is a curator's, which the import keeps.
    imported_name = models.CharField(max_length=100, blank=True, editable=False)
    history = HistoricalRecords()
    # taggit's natural keys (backups refer to themes by name), lists in the page's language.
    objects = NaturalKeyManager.from_queryset(TranslatedQuerySet)()

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def get_absolute_url(self):
        return slug_address("practices:theme_detail", self.slug)

    def link_html(self):
        """A link to the theme named in the page's language, as cards show it (marked when not translated)."""
        return format_html('<a href="{}">{}</a>', self.get_absolute_url(), translated_html(translated(self, "name")))


class ThemeSpelling(models.Model):
    """One spelling of a theme as notes link to it (normalised), and who put it in that theme.

    The import joins spellings that differ only in case, accents, hyphens, articles, plurals or
    "in the"; a curator's split or merge is recorded here with origin "curator", and the import
    follows it before its own joining, so the decision outlives every re-import.
    """

    class Origin(models.TextChoices):
        IMPORT = "import", _("Joined by the import")
        CURATOR = "curator", _("Decided by a curator")

    key = models.CharField(max_length=300, unique=True, help_text=_("The link target, normalised."))
    # The key with articles, plurals and separators folded: spellings with one join key are one theme.
    join_key = models.CharField(max_length=300, editable=False)
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="spellings")
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.IMPORT)
    history = HistoricalRecords()

    class Meta:
        ordering = ["key"]
        verbose_name = _("theme spelling")
        verbose_name_plural = _("theme spellings")
        indexes = [
            # The import's joining: the spellings that fold to one key.
            models.Index(fields=["join_key"], name="theme_spelling_join_idx"),
        ]

    def __str__(self):
        return self.key


class ThemeRedirect(models.Model):
    """The address of a theme merged into another: it leads to the theme it was merged into."""

    old_slug = models.SlugField(max_length=100, unique=True)
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["old_slug"]
        verbose_name = _("theme redirect")
        verbose_name_plural = _("theme redirects")

    def __str__(self):
        return f"{self.old_slug} -> {self.theme.slug}"


class VideoManager(models.Manager):
    def get_by_natural_key(self, youtube_id):
        return self.get(youtube_id=youtube_id)


class Video(models.Model):
    """A YouTube video that notes were made from; every timestamp of those notes points into it."""

    youtube_id = models.CharField("YouTube id", max_length=11, unique=True, validators=[YOUTUBE_ID_VALIDATOR])
    title = models.CharField(max_length=300, blank=True)
    channel = models.CharField(max_length=200, blank=True, help_text=_("The channel's index note name."))
    published_on = models.DateField(
        "date of the video",
        null=True,
        blank=True,
        help_text=_(
            "When the video was published; the import fills it from the notes or the channel's index when "
            "they give it, and never overwrites a date set here."
        ),
    )
    history = HistoricalRecords()

    # Backups refer to videos by YouTube id (dumpdata --natural-foreign); loading needs the lookup.
    objects = VideoManager()

    class Meta:
        ordering = ["title", "youtube_id"]
        verbose_name = _("video")
        verbose_name_plural = _("videos")

    def __str__(self):
        return self.title or self.youtube_id

    def natural_key(self):
        return (self.youtube_id,)

    @property
    def url(self):
        return watch_url(self.youtube_id)

    def url_at(self, seconds):
        return watch_url(self.youtube_id, seconds)


class PracticeManager(models.Manager):
    def published_ids(self):
        """The ids of every published practice, as a subquery: what counts over many practices filter by.

        The same practices as `published()`. On SQLite they come from the narrow search rows
        (`SearchRow`): SQLite stores a practice's status behind its note texts, so reading it for
        thousands of practices follows each row's overflow pages (a home page's theme counts at
        20,000 practices: 238 ms).
        """
        if connection.vendor == "sqlite":
            return SearchRow.objects.filter(published=True).values("pk")
        return self.get_queryset().published().values("pk")

    def published_through(self, path):
        """A filter on rows that point at a practice through `path`: those whose practice is published.

        On SQLite each row looks up its practice's narrow search row: `IN (published_ids())` made
        SQLite list every published practice and probe the rows with each (counting a country's 6,000
        mentions at 100,000 practices: 84 ms, against 6).
        """
        if connection.vendor == "sqlite":
            return Exists(SearchRow.objects.filter(pk=OuterRef(path), published=True))
        return Q(**{f"{path}__in": self.published_ids()})

    def newest_first(self, path):
        """How rows that point at a practice through `path` sort as lists of practices do: newest first, then by title.

        On SQLite the date comes from the narrow search row, as in `published_ids`: ordering the
        6,000 practices of a country by the date stored behind their texts took 175 ms at 100,000
        practices. Title and slug are stored before the texts.
        """
        if connection.vendor == "sqlite":
            published_at = Subquery(SearchRow.objects.filter(pk=OuterRef(path)).values("published_at"))
        else:
            published_at = F(f"{path}__published_at")
        return [published_at.desc(), f"{path}__title", f"{path}__slug"]


class PracticeQuerySet(TranslatedQuerySet):
    def published(self):
        """The one definition of what the public may see."""
        return self.filter(status=Practice.Status.PUBLISHED)

    def in_list_order(self):
        """The public list's default order (`Practice.Meta.ordering`); the list's `sort` filter may replace it."""
        return self.order_by(*self.model._meta.ordering)

    def for_cards(self):
        """The practices without the columns a card never shows, with their videos."""
        return self.defer(*self.model.CARD_DEFERRED).select_related("source_video")


class PracticeHistoricalRecords(HistoricalRecords):
    """simple-history for practices, without the links query of a practice's first record.

    A practice has no links when it is created (they need its id), so its first record's copy of
    them is empty whatever is asked; simple-history would still build the practice again from the
    record and query its links, 12% of an import's time.
    """

    def create_historical_record_m2ms(self, history_instance, instance):
        if history_instance.history_type != "+":
            super().create_historical_record_m2ms(history_instance, instance)


class Practice(EnglishOriginal, models.Model):
    """One practice of the library: an imported note or an entry a curator wrote."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(blank=True, help_text=_("One or two sentences shown in lists and search results."))
    body_markdown = models.TextField("text (Markdown)", blank=True)
    body_html = models.TextField(_("rendered text"), blank=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Set once, at the first publication; unpublishing, reverting and publishing again keep it.
    published_at = models.DateTimeField(
        "first published", null=True, blank=True, editable=False, help_text="When the practice was first published."
    )
    source_video = models.ForeignKey(Video, on_delete=models.SET_NULL, null=True, blank=True, related_name="practices")
    note_key = models.CharField(
        max_length=200,
        null=True,
        blank=True,
        editable=False,
        help_text=_("The file name of the note it was imported from; empty for curated entries."),
    )
    # Two channels of one vault may each have a note of the same file name: the pair is the key.
    note_channel = models.CharField(
        max_length=200,
        blank=True,
        default="",
        editable=False,
        help_text=_("The channel (index note) of the note it was imported from."),
    )
    note_hash = models.CharField(max_length=64, blank=True, editable=False)
    # What the last import wrote, so a re-import can tell a curator's edit from its own.
    import_snapshot = models.JSONField(default=dict, blank=True, editable=False)
    # Fields a curator and the note both changed: the curator's value stays; by field, what the note says.
    import_conflicts = models.JSONField(
        "changed by the note since a curator edited it",
        default=dict,
        blank=True,
        editable=False,
        help_text="Fields the note changed after a curator had edited them; the curator's values are kept.",
    )
    themes = TaggableManager(through="ThemedPractice", blank=True)
    countries = models.ManyToManyField(Country, through="CountryMention", related_name="practices", blank=True)
    toolkits = models.ManyToManyField(Toolkit, through="ToolkitMention", related_name="practices", blank=True)
    links_to = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="linked_from",
        blank=True,
        help_text=_("Practices this one's text links to."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Title (A), summary (B), themes, countries and toolkits (C), kept by practices.search: small
    # enough to stay in the row (migration 0005), so ranking every match reads no out-of-line data.
    # PostgreSQL only (SQLite has its FTS5 index). The full vector, with the text, is stored only in
    # the search row (`search/postgresql.py`), whose GIN index answers `@@`.
    search_rank_vector = SearchVectorField(null=True, editable=False)

    objects = PracticeManager.from_queryset(PracticeQuerySet)()
    # Every change a curator or the importer makes, to browse and revert in the admin.
    # The search vector is derived data: no history, and none of its weight in every historical row.
    # The import's snapshot and conflicts are the importer's memory of what it last wrote, not
    # content: a revert keeps the current ones (simple-history reads excluded fields from the row),
    # so a curator's revert to an older version reads as the curator's change at the next import.
    history = PracticeHistoricalRecords(
        m2m_fields=[links_to], excluded_fields=["search_rank_vector", "import_conflicts", "import_snapshot"]
    )

    # Texts curators edit in forms: stored as a browser's round trip leaves them (`normalise_text`).
    TEXT_FIELDS = ("title", "summary", "body_markdown")
    # Columns a card never shows: the texts and the search vector are kilobytes stored out of line,
    # and each JSON column is parsed for every row loaded.
    CARD_DEFERRED = (
        "body_markdown",
        "body_html",
        "search_rank_vector",
        "import_snapshot",
        "import_conflicts",
        "note_hash",
    )

    class Meta:
        # The public list's order, shared by the list page, downloads, feeds and the API: newest
        # first, then by title; the unique slug makes ties stable across pages and downloads.
        ordering = ["-published_at", "title", "slug"]
        verbose_name = _("practice")
        verbose_name_plural = _("practices")
        constraints = [
            models.UniqueConstraint(fields=["note_key", "note_channel"], name="practice_note_key_unique"),
        ]
        indexes = [
            # The public list: published practices, newest first.
            models.Index(fields=["status", "-published_at"], name="practice_status_published_idx"),
            # Sorting the list by title.
            models.Index(fields=["title"], name="practice_title_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return slug_address("practices:practice_detail", self.slug)

    # What a card shows: set together for a page of cards by `practices.views.with_card_facts`, else
    # read from what the page prefetched (`themes`, and `about_mentions` from `card_countries`), else
    # queried for this card alone.
    @property
    def card_themes(self):
        facts = self.__dict__.get("card_facts")
        return facts[0] if facts else list(self.themes.all())

    @property
    def card_countries(self):
        facts = self.__dict__.get("card_facts")
        if facts:
            return facts[1]
        mentions = getattr(self, "about_mentions", None)
        if mentions is None:
            mentions = self.countrymention_set.about().select_related("country")
        return [mention.country for mention in mentions]

    @property
    def video_date(self):
        """The date of the video the practice comes from, when the vault gave one (else None)."""
        return self.source_video.published_on if self.source_video_id and self.source_video else None

    @property
    def note_title(self):
        """The title of the note the practice was imported from (the import's, whatever a curator made of it)."""
        return (self.import_snapshot or {}).get("title", "") if self.note_key else ""

    @property
    def added_at(self):
        """When the practice joined the public library (or was created, while it is a draft)."""
        return self.published_at or self.created_at

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # The slug as stored, to tell on save whether the practice's address moved.
        instance._saved_slug = instance.__dict__.get("slug")
        instance._saved_published_at = instance.__dict__.get("published_at")
        return instance

    def set_rendered_body(self, html):
        """Store HTML the importer rendered from the current Markdown, so `save` need not render it again."""
        self.body_html = html
        self._rendered_markdown = self.body_markdown

    def prepare_row(self):
        """What every save does before writing the row; a bulk insert, which skips `save`, calls it too."""
        # A form sends CRLF line ends; stored as they are, a save would look like a curator's edit.
        for name in self.TEXT_FIELDS:
            setattr(self, name, normalise_text(getattr(self, name)))
        if getattr(self, "_rendered_markdown", None) != self.body_markdown or not self.body_html:
            # The importer's renderer, with links resolved against the practices that exist now.
            self.body_html = render_note(
                self.body_markdown,
                video_id=getattr(self.source_video, "youtube_id", None),
                resolve=practice_link_resolver(self.note_channel),
            )
        self._rendered_markdown = self.body_markdown
        self.published_at = self._first_publication()

    def _first_publication(self):
        """The date of the first publication: the stored one if any (a reverted version may lack it), else now."""
        if self.published_at is None and self.pk is not None:
            # Read only when this instance was not loaded from the row (a history revert builds one).
            if hasattr(self, "_saved_published_at"):
                self.published_at = self._saved_published_at
            else:
                self.published_at = Practice.objects.filter(pk=self.pk).values_list("published_at", flat=True).first()
        if self.published_at is None and self.status == self.Status.PUBLISHED:
            return timezone.now()
        return self.published_at

    def save(self, *args, **kwargs):
        self.prepare_row()
        super().save(*args, **kwargs)
        saved_slug = getattr(self, "_saved_slug", None)
        if saved_slug and saved_slug != self.slug:
            # Links and bookmarks to the old address keep working: it redirects here.
            FormerSlug.objects.filter(slug=self.slug).delete()
            FormerSlug.objects.update_or_create(slug=saved_slug, defaults={"practice": self})
        self._saved_slug = self.slug
        self._saved_published_at = self.published_at


class SearchRow(models.Model):
    """What the list's counts and ranking read of a practice: one narrow row each, read-only here.

    The table `practices_search_row` is written by database triggers on the practices table
    (migrations 0018 on PostgreSQL, which holds more columns there, and 0019 on SQLite), so it follows
    every writer. Reading it instead of the practice rows spares SQLite the note texts it stores
    before `status` and `published_at`.
    """

    id = models.BigIntegerField(primary_key=True)
    published = models.BooleanField()
    published_at = models.DateTimeField(null=True)

    class Meta:
        managed = False
        db_table = "practices_search_row"

    def __str__(self):
        return f"search row {self.pk}"


class FormerSlug(models.Model):
    """An address a practice had before a curator changed its slug; it redirects to the practice."""

    slug = models.SlugField(max_length=200, unique=True)
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="former_slugs")

    class Meta:
        ordering = ["slug"]
        verbose_name = _("former address of a practice")
        verbose_name_plural = _("former addresses of practices")

    def __str__(self):
        return f"{self.slug} → {self.practice.slug}"


def practice_link_resolver(channel=""):
    """Wiki links resolved against the imported practices in the database (one query), `channel`'s first."""
    rows = Practice.objects.filter(note_key__isnull=False).values_list("note_channel", "note_key", "slug")
    return LinkResolver(NoteTargets.of((run_key(c, key), slug) for c, key, slug in rows).for_channel(channel))


class ThemedPractice(TaggedItemBase):
    """A practice's theme."""

    content_object = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="themed_items")
    tag = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="themed_items")
    is_topic = models.BooleanField(
        "the theme's own note", default=False, help_text=_("The practice's note is the note of this theme's topic.")
    )
    history = HistoricalRecords()
    # taggit gives tagged items a natural key but no fields for it; backups (dumpdata
    # --natural-primary) need one: the pair it links.
    natural_key_fields = ["content_object_id", "tag_id"]

    class Meta:
        verbose_name = _("theme of a practice")
        verbose_name_plural = _("themes of practices")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="themed_practice_unique"),
        ]
        indexes = [
            # Theme pages and "related practices": the newest practices of one theme.
            models.Index(fields=["tag", "-content_object"], name="themed_practice_tag_idx"),
        ]


class Origin(models.TextChoices):
    DETECTED = "detected", _("Detected in the note")
    CURATOR = "curator", _("Set by a curator")


class Mention(models.Model):
    """Why a practice is linked to a record: found in a sentence of its note, or set by a curator."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.CURATOR)
    sentence = models.TextField(blank=True, help_text=_("The sentence of the note that names it."))
    seconds = models.PositiveIntegerField(
        "moment in the video (seconds)", null=True, blank=True, help_text=_("The nearest timestamp to that sentence.")
    )
    # A detected mention waits in the review queue until a curator approves it; the import clears
    # this again when the note changes the mention's sentence or moment.
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def timestamp(self):
        return "" if self.seconds is None else format_timestamp(self.seconds)

    @property
    def video_url(self):
        video = self.practice.source_video
        if video is None or self.seconds is None:
            return ""
        return video.url_at(self.seconds)


class Strength(models.TextChoices):
    """How strongly a practice is tied to a country it names (see `practices.importing.country_strength`)."""

    ABOUT = country_strength.ABOUT, "About the country"
    MENTIONS = country_strength.MENTIONS, "Mentions it in passing"


class CountryMentionQuerySet(models.QuerySet):
    def about(self):
        """Mentions that make a practice one of its country's: what filters, counts and pages use by default."""
        return self.filter(strength=Strength.ABOUT)

    def in_passing(self):
        return self.filter(strength=Strength.MENTIONS)


class CountryMention(Mention):
    """A practice concerns a country: it is about the country, or only mentions it in passing."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="mentions")
    strength = models.CharField(
        max_length=10,
        choices=Strength.choices,
        default=Strength.ABOUT,
        help_text=_(
            "About: the practice happens there or discusses it (title, heading, several moments). "
            "Mentions: one passing sentence, a speaker's affiliation, an item of a list. "
            "A change here outlives re-imports."
        ),
    )
    moments = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Every moment of the video (seconds) at which the note names the country."),
    )
    history = HistoricalRecords()

    objects = CountryMentionQuerySet.as_manager()

    class Meta:
        ordering = ["country__name"]
        verbose_name = _("country mention")
        verbose_name_plural = _("country mentions")
        constraints = [
            models.UniqueConstraint(fields=["practice", "country"], name="country_mention_unique"),
            models.CheckConstraint(
                condition=Q(origin__in=[o.value for o in Origin]), name="country_mention_origin_valid"
            ),
            models.CheckConstraint(
                condition=Q(strength__in=[s.value for s in Strength]), name="country_mention_strength_valid"
            ),
        ]
        indexes = [
            # Country pages, the country filter and its facet counts: practices about one country
            # (country and strength), or mentioning it at all (country alone).
            models.Index(fields=["country", "strength", "practice"], name="country_mention_strength_idx"),
        ]

    def __str__(self):
        return f"{self.practice} mentions {self.country}"

    @property
    def other_moments(self):
        """The other moments the note names the country at, as (timestamp, video URL) for the page."""
        video = self.practice.source_video
        if video is None:
            return []
        return [
            (format_timestamp(seconds), video.url_at(seconds))
            for seconds in self.moments or ()
            if isinstance(seconds, int) and seconds != self.seconds
        ]


class ToolkitMention(Mention):
    """A practice names a toolkit."""

    toolkit = models.ForeignKey(Toolkit, on_delete=models.PROTECT, related_name="mentions")
    history = HistoricalRecords()

    class Meta:
        ordering = ["toolkit__name"]
        verbose_name = _("toolkit mention")
        verbose_name_plural = _("toolkit mentions")
        constraints = [
            models.UniqueConstraint(fields=["practice", "toolkit"], name="toolkit_mention_unique"),
            models.CheckConstraint(
                condition=Q(origin__in=[o.value for o in Origin]), name="toolkit_mention_origin_valid"
            ),
        ]
        indexes = [
            # Toolkit pages and the toolkit filter: practices naming one toolkit.
            models.Index(fields=["toolkit", "practice"], name="toolkit_mention_toolkit_idx"),
        ]

    def __str__(self):
        return f"{self.practice} mentions {self.toolkit}"


class ReferenceCandidate(models.Model):
    """A toolkit, organisation, programme or partnership the notes name, proposed to curators.

    The importer finds and counts them; only a curator's accept or merge makes a record of one, and
    a rejected candidate stays rejected through every later import.
    """

    class Kind(models.TextChoices):
        TOOLKIT = "toolkit", _("Toolkit")
        ORGANISATION = "organisation", _("Organisation")
        PROGRAMME = "programme", _("Programme")
        PARTNERSHIP = "partnership", _("Partnership")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        MERGED = "merged", _("Merged into a record")
        REJECTED = "rejected", _("Rejected")

    key = models.CharField(max_length=200, unique=True, editable=False, help_text=_("The name, normalised."))
    name = models.CharField(max_length=200, help_text=_("The name the record gets when accepted."))
    # The name the import proposed last: while `name` equals it, later imports may improve it; a
    # curator's own spelling stays.
    found_name = models.CharField(max_length=200, editable=False, default="")
    kind = models.CharField(max_length=20, choices=Kind.choices, help_text=_("The kind of record it becomes."))
    variants = models.JSONField(default=list, blank=True, help_text=_("Other spellings the notes use."))
    keys = models.JSONField(default=list, editable=False, help_text=_("Normalised names of all its variants."))
    note_count = models.PositiveIntegerField(_("notes"), default=0, editable=False)
    sentence_count = models.PositiveIntegerField(_("sentences"), default=0, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED, editable=False)
    toolkit = models.ForeignKey(Toolkit, on_delete=models.SET_NULL, null=True, blank=True, editable=False)
    organisation = models.ForeignKey(
        "incubator.Organisation", on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )
    programme = models.ForeignKey(
        "incubator.Programme", on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )
    partnership = models.ForeignKey(
        "incubator.Partnership", on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Who accepted, merged or rejected it, and when; the import's recounts (bulk updates) add no rows.
    history = HistoricalRecords(excluded_fields=["keys"])

    class Meta:
        # Curators work down the list: the names most notes use first.
        ordering = ["-note_count", "-sentence_count", "name"]
        verbose_name = _("reference candidate")
        verbose_name_plural = _("reference candidates")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "accepted", "merged", "rejected"]), name="candidate_status_valid"
            ),
        ]
        indexes = [
            # The admin's list: candidates of one status, ranked.
            models.Index(fields=["status", "-note_count", "-sentence_count"], name="candidate_rank_idx"),
        ]

    def __str__(self):
        return self.name

    @property
    def record(self):
        """The record it became, if a curator accepted or merged it."""
        return self.toolkit or self.organisation or self.programme or self.partnership


class CandidateEvidence(models.Model):
    """A sentence of a practice's note that names a reference candidate, with the moment it was said."""

    class Role(models.TextChoices):
        NAME = "name", _("Name")
        DEFINITION = "definition", _("Name with its acronym")
        ACRONYM = "acronym", _("Acronym")
        LOWERCASE = "lowercase", _("Name in lower case")
        ANAPHOR = "anaphor", _("Short reference (the Navigator)")

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="candidate_evidence")
    candidate = models.ForeignKey(
        ReferenceCandidate, on_delete=models.SET_NULL, null=True, blank=True, related_name="evidence"
    )
    phrase = models.CharField(max_length=200, help_text=_("The name as the sentence writes it."))
    key = models.CharField(max_length=200, help_text=_("The phrase, normalised."))
    role = models.CharField(max_length=10, choices=Role.choices)
    kind = models.CharField(max_length=20, blank=True, help_text=_("The kind its words suggest."))
    defines = models.CharField(max_length=200, blank=True, help_text=_("For an acronym: the name it stands for."))
    sentence = models.TextField()
    seconds = models.PositiveIntegerField("moment in the video (seconds)", null=True, blank=True)

    class Meta:
        ordering = ["practice", "id"]
        verbose_name = _("candidate evidence")
        verbose_name_plural = _("candidate evidence")
        indexes = [
            # A candidate's evidence in the admin, and the practices that name it when it is accepted.
            models.Index(fields=["candidate", "practice"], name="candidate_evidence_idx"),
        ]

    def __str__(self):
        return f"{self.phrase} in {self.practice_id}"

    @property
    def timestamp(self):
        return "" if self.seconds is None else format_timestamp(self.seconds)


class ImportRun(models.Model):
    """One import of notes, from the admin (an upload) or from `manage.py import_notes`: who, what, what it did."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Previewed (dry run), waiting for confirmation"
        QUEUED = "queued", "Queued for the worker"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="import_runs"
    )
    command = models.CharField(max_length=300, blank=True, help_text="The command line, for a run from a shell.")
    source = models.TextField(blank=True, help_text="The uploaded file names, or the paths given to the command.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEWED)
    # Where an upload was unpacked (private, never served); emptied once the run is over.
    upload_dir = models.CharField(max_length=500, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    conflicts = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    problem_count = models.PositiveIntegerField("problems", default=0)
    problems = models.JSONField(default=list, blank=True, help_text="Every problem: kind, file, line, message.")
    # The dry run's counts, kept once the real run has replaced the figures above.
    preview = models.JSONField(default=dict, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    # The lock that keeps imports one at a time on every machine: at most one run is active (the
    # unique condition below), and a run whose heartbeat stopped is taken for dead.
    active = models.BooleanField(default=False, editable=False)
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "import run"
        verbose_name_plural = "import runs"
        constraints = [
            models.UniqueConstraint(fields=["active"], condition=Q(active=True), name="import_run_one_active"),
            models.CheckConstraint(
                condition=Q(status__in=["previewed", "queued", "running", "done", "failed"]),
                name="import_run_status_valid",
            ),
        ]

    def __str__(self):
        return f"import run {self.pk}"

    @property
    def duration(self):
        if self.started_at is None or self.finished_at is None:
            return None
        return self.finished_at - self.started_at

    @property
    def duration_text(self):
        """The duration as a curator reads it: "12.2 s"."""
        return "" if self.duration is None else f"{self.duration.total_seconds():.1f} s"

    @property
    def in_progress(self):
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}

    @property
    def started_by(self):
        return str(self.user) if self.user else (self.command or "unknown")

    def problems_by_kind(self, shown=200):
        """The problems grouped by kind, most frequent first: [(kind, count, the first `shown` problems)]."""
        groups = {}
        for problem in self.problems:
            groups.setdefault(problem.get("kind", ""), []).append(problem)
        ordered = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
        return [(kind, len(problems), problems[:shown]) for kind, problems in ordered]

    def as_json(self):
        """The record as the admin's JSON download gives it."""
        return {
            "id": self.pk,
            "started_by": self.started_by,
            "source": self.source,
            "status": self.status,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "duration_seconds": self.duration.total_seconds() if self.duration else None,
            "counts": {
                "created": self.created,
                "updated": self.updated,
                "unchanged": self.unchanged,
                "conflicts": self.conflicts,
                "failed": self.failed,
                "problems": self.problem_count,
            },
            "preview": self.preview,
            "progress": {"done": self.progress_done, "total": self.progress_total},
            "problems": self.problems,
        }
