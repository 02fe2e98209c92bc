"""The library: practices, the themes and videos they come with, and why each is linked where."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

from incubator.models import YOUTUBE_ID_VALIDATOR, Country, Toolkit
from opsi_portal.lib.youtube import format_timestamp, watch_url

from .importing.channels import NoteTargets, run_key
from .rendering import LinkResolver, render_note


class Theme(TagBase):
    """A subject practices share, from the notes' [[wiki links]]; curators rename and merge them."""

    description = models.TextField(blank=True)
    # The name the last import gave: a name that differs from it is a curator's, which the import keeps.
    imported_name = models.CharField(max_length=100, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "theme"
        verbose_name_plural = "themes"

    def get_absolute_url(self):
        return reverse("practices:theme_detail", args=[self.slug])


class ThemeSpelling(models.Model):
    """One spelling of a theme as notes link to it (normalised), and who put it in that theme.

    The import joins spellings that differ only in case, accents, hyphens, articles, plurals or
    "in the"; a curator's split or merge is recorded here with origin "curator", and the import
    follows it before its own joining, so the decision outlives every re-import.
    """

    class Origin(models.TextChoices):
        IMPORT = "import", "Joined by the import"
        CURATOR = "curator", "Decided by a curator"

    key = models.CharField(max_length=300, unique=True, help_text="The link target, normalised.")
    # The key with articles, plurals and separators folded: spellings with one join key are one theme.
    join_key = models.CharField(max_length=300, editable=False)
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="spellings")
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.IMPORT)
    history = HistoricalRecords()

    class Meta:
        ordering = ["key"]
        verbose_name = "theme spelling"
        verbose_name_plural = "theme spellings"
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
        verbose_name = "theme redirect"
        verbose_name_plural = "theme redirects"

    def __str__(self):
        return f"{self.old_slug} -> {self.theme.slug}"


class VideoManager(models.Manager):
    def get_by_natural_key(self, youtube_id):
        return self.get(youtube_id=youtube_id)


class Video(models.Model):
    """A YouTube video that notes were made from; every timestamp of those notes points into it."""

    youtube_id = models.CharField("YouTube id", max_length=11, unique=True, validators=[YOUTUBE_ID_VALIDATOR])
    title = models.CharField(max_length=300, blank=True)
    channel = models.CharField(max_length=200, blank=True, help_text="The channel's index note name.")
    history = HistoricalRecords()

    # Backups refer to videos by YouTube id (dumpdata --natural-foreign); loading needs the lookup.
    objects = VideoManager()

    class Meta:
        ordering = ["title", "youtube_id"]
        verbose_name = "video"
        verbose_name_plural = "videos"

    def __str__(self):
        return self.title or self.youtube_id

    def natural_key(self):
        return (self.youtube_id,)

    @property
    def url(self):
        return watch_url(self.youtube_id)

    def url_at(self, seconds):
        return watch_url(self.youtube_id, seconds)


class PracticeQuerySet(models.QuerySet):
    def published(self):
        """The one definition of what the public may see."""
        return self.filter(status=Practice.Status.PUBLISHED)

    def in_list_order(self):
        """The public list's default order (`Practice.Meta.ordering`); the list's `sort` filter may replace it."""
        return self.order_by(*self.model._meta.ordering)


class Practice(models.Model):
    """One practice of the library: an imported note or an entry a curator wrote."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(blank=True, help_text="One or two sentences shown in lists and search results.")
    body_markdown = models.TextField("text (Markdown)", blank=True)
    body_html = models.TextField("rendered text", blank=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    source_video = models.ForeignKey(Video, on_delete=models.SET_NULL, null=True, blank=True, related_name="practices")
    note_key = models.CharField(
        max_length=200,
        null=True,
        blank=True,
        editable=False,
        help_text="The file name of the note it was imported from; empty for curated entries.",
    )
    # Two channels of one vault may each have a note of the same file name: the pair is the key.
    note_channel = models.CharField(
        max_length=200,
        blank=True,
        default="",
        editable=False,
        help_text="The channel (index note) of the note it was imported from.",
    )
    note_hash = models.CharField(max_length=64, blank=True, editable=False)
    # What the last import wrote, so a re-import can tell a curator's edit from its own.
    import_snapshot = models.JSONField(default=dict, blank=True, editable=False)
    themes = TaggableManager(through="ThemedPractice", blank=True)
    countries = models.ManyToManyField(Country, through="CountryMention", related_name="practices", blank=True)
    toolkits = models.ManyToManyField(Toolkit, through="ToolkitMention", related_name="practices", blank=True)
    links_to = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="linked_from",
        blank=True,
        help_text="Practices this one's text links to.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Title (A), summary (B), themes and countries (C), text (D), kept by practices.search.
    # PostgreSQL only; its GIN index is made by migration 0004 there and nowhere else.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = PracticeQuerySet.as_manager()
    # Every change a curator or the importer makes, to browse and revert in the admin.
    # The search vector is derived data: no history, and none of its weight in every historical row.
    history = HistoricalRecords(m2m_fields=[links_to], excluded_fields=["search_vector"])

    class Meta:
        # The public list's order, shared by the list page, downloads, feeds and the API: newest
        # first, then by title; the unique slug makes ties stable across pages and downloads.
        ordering = ["-published_at", "title", "slug"]
        verbose_name = "practice"
        verbose_name_plural = "practices"
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
        return reverse("practices:practice_detail", args=[self.slug])

    def set_rendered_body(self, html):
        """Store HTML the importer rendered from the current Markdown, so `save` need not render it again."""
        self.body_html = html
        self._rendered_markdown = self.body_markdown

    def save(self, *args, **kwargs):
        if getattr(self, "_rendered_markdown", None) != self.body_markdown or not self.body_html:
            # The importer's renderer, with links resolved against the practices that exist now.
            self.body_html = render_note(
                self.body_markdown,
                video_id=getattr(self.source_video, "youtube_id", None),
                resolve=practice_link_resolver(self.note_channel),
            )
        self._rendered_markdown = self.body_markdown
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)


def practice_link_resolver(channel=""):
    """Wiki links resolved against the imported practices in the database (one query), `channel`'s first."""
    rows = Practice.objects.filter(note_key__isnull=False).values_list("note_channel", "note_key", "slug")
    return LinkResolver(NoteTargets.of((run_key(c, key), slug) for c, key, slug in rows).for_channel(channel))


class ThemedPractice(TaggedItemBase):
    """A practice's theme."""

    content_object = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="themed_items")
    tag = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="themed_items")
    is_topic = models.BooleanField(
        "the theme's own note", default=False, help_text="The practice's note is the note of this theme's topic."
    )
    history = HistoricalRecords()
    # taggit gives tagged items a natural key but no fields for it; backups (dumpdata
    # --natural-primary) need one: the pair it links.
    natural_key_fields = ["content_object_id", "tag_id"]

    class Meta:
        verbose_name = "theme of a practice"
        verbose_name_plural = "themes of practices"
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="themed_practice_unique"),
        ]
        indexes = [
            # Theme pages and "related practices": the newest practices of one theme.
            models.Index(fields=["tag", "-content_object"], name="themed_practice_tag_idx"),
        ]


class Origin(models.TextChoices):
    DETECTED = "detected", "Detected in the note"
    CURATOR = "curator", "Set by a curator"


class Mention(models.Model):
    """Why a practice is linked to a record: found in a sentence of its note, or set by a curator."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.CURATOR)
    sentence = models.TextField(blank=True, help_text="The sentence of the note that names it.")
    seconds = models.PositiveIntegerField(
        "moment in the video (seconds)", null=True, blank=True, help_text="The nearest timestamp to that sentence."
    )

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


class CountryMention(Mention):
    """A practice concerns a country."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="mentions")
    history = HistoricalRecords()

    class Meta:
        ordering = ["country__name"]
        verbose_name = "country mention"
        verbose_name_plural = "country mentions"
        constraints = [
            models.UniqueConstraint(fields=["practice", "country"], name="country_mention_unique"),
            models.CheckConstraint(
                condition=Q(origin__in=[o.value for o in Origin]), name="country_mention_origin_valid"
            ),
        ]
        indexes = [
            # Country pages and the country filter: practices of one country.
            models.Index(fields=["country", "practice"], name="country_mention_country_idx"),
        ]

    def __str__(self):
        return f"{self.practice} mentions {self.country}"


class ToolkitMention(Mention):
    """A practice names a toolkit."""

    toolkit = models.ForeignKey(Toolkit, on_delete=models.CASCADE, related_name="mentions")
    history = HistoricalRecords()

    class Meta:
        ordering = ["toolkit__name"]
        verbose_name = "toolkit mention"
        verbose_name_plural = "toolkit mentions"
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
