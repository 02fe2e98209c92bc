"""Reference records: who and what the practices talk about.

Nothing here imports from `practices`; the library depends on these records, never the reverse.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from opsi_portal.lib.record_languages import EnglishOriginal, TranslatedQuerySet
from opsi_portal.lib.urls import slug_address
from opsi_portal.lib.youtube import VIDEO_ID_RE, format_timestamp, watch_url

YOUTUBE_ID_VALIDATOR = RegexValidator(VIDEO_ID_RE.pattern, "A YouTube video id has 11 letters, digits, - or _.")


class SlugManager(models.Manager.from_queryset(TranslatedQuerySet)):
    """Natural keys by slug, so fixtures can refer to records by a stable name; lists in the page's language."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Sourced(models.Model):
    """Where a curated fact comes from: the note, the sentence and the moment in the video."""

    source_note = models.CharField(
        "source note",
        max_length=200,
        blank=True,
        help_text=_("File name (without .md) of the note this record rests on."),
    )
    source_quote = models.TextField(
        "source sentence", blank=True, help_text=_("The sentence of the note that states this fact.")
    )
    source_video_id = models.CharField(
        "source video",
        max_length=11,
        blank=True,
        validators=[YOUTUBE_ID_VALIDATOR],
        help_text=_("YouTube id of the video the note was made from."),
    )
    source_seconds = models.PositiveIntegerField(
        "moment in the video (seconds)",
        null=True,
        blank=True,
        help_text=_("Where in the video the fact is said, in seconds (00:01:16 is 76)."),
    )

    class Meta:
        abstract = True

    @property
    def source_url(self):
        if not self.source_video_id:
            return ""
        return watch_url(self.source_video_id, self.source_seconds)

    @property
    def source_timestamp(self):
        return "" if self.source_seconds is None else format_timestamp(self.source_seconds)


class CountryManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Country(models.Model):
    """A country of ISO 3166-1; every one exists from the first migration, so nothing invents one."""

    code = CountryField(unique=True, help_text=_("ISO 3166-1 alpha-2 code."))
    name = models.CharField(max_length=100, help_text=_("Short English name, as people write it."))
    slug = models.SlugField(max_length=100, unique=True)

    objects = CountryManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        indexes = [
            # Country index page and facets sort by name.
            models.Index(fields=["name"], name="country_name_idx"),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code.code,)

    def get_absolute_url(self):
        return slug_address("incubator:country_detail", self.slug)

    def link_html(self):
        """A link to the country named in the page's language, as cards show it."""
        return format_html('<a href="{}">{}</a>', self.get_absolute_url(), self.display_name)

    @property
    def display_name(self):
        """Its name in the page's language: the curated English name, else django-countries' translation."""
        if translation.get_language() in (None, settings.LANGUAGE_CODE):
            return self.name
        return countries.name(self.code.code) or self.name

    @property
    def flag_path(self):
        """The static path of its flag image, shipped by django-countries (no emoji font needed)."""
        return f"flags/{self.code.code.lower()}.gif"


class Organisation(EnglishOriginal, Sourced):
    """An institution that takes part in programmes and partnerships: OPSI, a ministry, an agency."""

    class Kind(models.TextChoices):
        INTERGOVERNMENTAL = "intergovernmental", _("Intergovernmental organisation")
        GOVERNMENT = "government", _("Government body")
        PUBLIC_AGENCY = "agency", _("Public agency or programme")
        CIVIL_SOCIETY = "civil_society", _("Civil society")
        ACADEMIA = "academia", _("Academia")
        PRIVATE = "private", _("Private company")

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    short_name = models.CharField(max_length=50, blank=True, help_text=_("Acronym, such as OPSI."))
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.GOVERNMENT)
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        help_text=_("Where it is based; empty for international bodies."),
    )
    description = models.TextField(blank=True)
    url = models.URLField(_("website"), blank=True)

    objects = SlugManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("incubator:organisation_detail", args=[self.slug])


class Programme(EnglishOriginal, Sourced):
    """A programme that supports countries in innovating, such as OPSI's Innovation Incubator."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(blank=True, help_text=_("One or two sentences for lists and search results."))
    description = models.TextField(blank=True)
    support_offered = models.TextField(
        blank=True, help_text=_("What participants receive, one item per line (expert advice, peer support...).")
    )
    organisers = models.ManyToManyField(Organisation, related_name="programmes_organised", blank=True)
    url = models.URLField(_("website"), blank=True)

    objects = SlugManager()
    history = HistoricalRecords(m2m_fields=[organisers])

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("incubator:programme_detail", args=[self.slug])

    @property
    def support_list(self):
        return [line.strip() for line in self.support_offered.splitlines() if line.strip()]


class ParticipationManager(models.Manager):
    def get_by_natural_key(self, programme_slug, country_code, phase):
        return self.get(programme__slug=programme_slug, country__code=country_code, phase=phase)


class Participation(Sourced):
    """A country taking part in a programme, in one phase, with the years and what came of it."""

    class Phase(models.TextChoices):
        PILOT = "pilot", _("Pilot")
        MAIN = "main", _("Main programme")
        FOLLOW_UP = "follow_up", _("Follow-up")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="participations")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="participations")
    phase = models.CharField(max_length=20, choices=Phase.choices, default=Phase.PILOT)
    start_year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1950), MaxValueValidator(2100)]
    )
    end_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1950), MaxValueValidator(2100)],
        help_text=_("Leave empty while it goes on or when the source does not say."),
    )
    outcome = models.TextField(blank=True, help_text=_("What the country produced or learnt."))

    objects = ParticipationManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme__name", "phase", "country__name"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "country", "phase"], name="participation_unique_country_phase"
            ),
            models.CheckConstraint(
                condition=Q(end_year__isnull=True) | Q(start_year__isnull=True) | Q(end_year__gte=F("start_year")),
                name="participation_years_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.country} in {self.programme} ({self.get_phase_display().lower()})"

    def natural_key(self):
        return (*self.programme.natural_key(), *self.country.natural_key(), self.phase)

    natural_key.dependencies = ["incubator.programme", "incubator.country"]

    @property
    def years(self):
        if self.start_year and self.end_year and self.start_year != self.end_year:
            return f"{self.start_year}–{self.end_year}"
        if self.start_year:
            return f"{self.start_year}" if self.end_year else f"since {self.start_year}"
        return ""


class Partnership(EnglishOriginal, Sourced):
    """Organisations working together for a purpose, often to spread what a programme learnt."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    purpose = models.TextField(help_text=_("What the partners set out to do together."))
    programme = models.ForeignKey(
        Programme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partnerships",
        help_text=_("The programme whose work the partnership carries on, if any."),
    )
    partners = models.ManyToManyField(Organisation, through="PartnershipMember", related_name="partnerships")

    objects = SlugManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("incubator:partnership_detail", args=[self.slug])


class PartnershipMemberManager(models.Manager):
    def get_by_natural_key(self, partnership_slug, organisation_slug):
        return self.get(partnership__slug=partnership_slug, organisation__slug=organisation_slug)


class PartnershipMember(models.Model):
    """One partner in a partnership, with the role it plays."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=200, blank=True, help_text=_("For example: lead, co-developer."))

    objects = PartnershipMemberManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership__name", "organisation__name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.UniqueConstraint(fields=["partnership", "organisation"], name="partnership_member_unique"),
        ]

    def __str__(self):
        return f"{self.organisation} in {self.partnership}"

    def natural_key(self):
        return (*self.partnership.natural_key(), *self.organisation.natural_key())

    natural_key.dependencies = ["incubator.partnership", "incubator.organisation"]


class Toolkit(EnglishOriginal, Sourced):
    """A set of tools or methods public servants can use, as listed by the OPSI Toolkit Navigator."""

    class Badge(models.TextChoices):
        # The OPSI Toolkit Navigator's adaptability badges, from least to most adaptable.
        NONE = "", _("No badge")
        OPEN_SOURCE_BASIC = "basic", _("Open-source basic")
        OPEN_SOURCE_CHAMPION = "champion", _("Open-source champion")
        OPEN_SOURCE_HERO = "hero", _("Open-source hero")

    class Type(models.TextChoices):
        STARTER_KIT = "starter_kit", _("Starter kit")
        GUIDE = "guide", _("Guide or handbook")
        METHOD_CARDS = "method_cards", _("Method cards")
        FRAMEWORK = "framework", _("Framework")
        TOOL_COLLECTION = "collection", _("Collection of tools")
        ONLINE_TOOL = "online_tool", _("Online tool")

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    audience = models.CharField(max_length=300, blank=True, help_text=_("Who it is for."))
    toolkit_type = models.CharField(_("type"), max_length=20, choices=Type.choices, default=Type.TOOL_COLLECTION)
    licence = models.CharField(max_length=100, blank=True, help_text=_("For example CC BY 4.0; empty if unknown."))
    badge = models.CharField(
        _("adaptability badge"), max_length=10, choices=Badge.choices, blank=True, default=Badge.NONE
    )
    url = models.URLField(_("website"), blank=True)
    aliases = models.TextField(
        blank=True,
        help_text=_("Other names that identify this toolkit in notes, one per line. Used by the importer."),
    )
    country = models.ForeignKey(
        Country,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="toolkits",
        help_text=_("The country that developed it, if one did."),
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="toolkits",
        help_text=_("The programme it was developed within, if any."),
    )
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="toolkits",
        help_text=_("The partnership that developed it, if any."),
    )
    developers = models.ManyToManyField(Organisation, related_name="toolkits", blank=True)

    objects = SlugManager()
    history = HistoricalRecords(m2m_fields=[developers])

    class Meta:
        ordering = ["name"]
        verbose_name = _("toolkit")
        verbose_name_plural = _("toolkits")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return slug_address("incubator:toolkit_detail", self.slug)

    @property
    def alias_list(self):
        """The aliases, one a line, without blank lines or surrounding spaces."""
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    def names(self):
        """Every name that identifies the toolkit in text: its own and its aliases."""
        return [self.name, *self.alias_list]
