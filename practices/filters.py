"""The filters of the public practice list, reused by downloads, feeds and the API."""

from functools import cached_property, reduce
from operator import and_, or_

import django_filters
from django import forms
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from incubator.forms import CountryChoiceField
from incubator.models import Country, Toolkit
from opsi_portal.caching import cached

from .facet_bits import facet_bits, filter_counts, leaving_one_out, search_counts
from .facets import (
    ALL_COUNTRIES_COLUMN,
    LINKS,
    FacetOption,
    link_counts_together,
    options_from,
    options_from_numbers,
    options_with_counts,
)
from .models import CountryMention, Practice, SearchRow, Theme, ThemedPractice, ToolkitMention
from .search import matching, search
from .search.index import is_postgresql
from .search.postgresql import SearchRows
from .search.query import MAX_LENGTH as SEARCH_MAX_LENGTH
from .search.query import parse, validate_query
from .search.ranking import sqlite_matched_ids
from .search.sqlite import SqliteSearchRows

# The search ranks what the facets leave, so it comes after them; sort comes last and replaces its order.
APPLY_ORDER = ["mentions", "country", "theme", "toolkit", "q", "sort"]
FACETS = ["country", "theme", "toolkit"]
# `mentions=include`: the country filter and its counts also take practices that only mention a country.
INCLUDE_MENTIONS = "include"


# What the page says of a value in the address that names no record, per facet.
UNKNOWN = {
    "country": _("There is no country “%(value)s”; it was left out of the filters."),
    "theme": _("There is no theme “%(value)s”; it was left out of the filters."),
    "toolkit": _("There is no toolkit “%(value)s”; it was left out of the filters."),
}


class CountryFilter(django_filters.ModelMultipleChoiceFilter):
    """Countries by slug or ISO code (`?country=portugal` or `?country=PT`)."""

    field_class = CountryChoiceField


def facet_filter(field_name, model, noun, label, filter_class=django_filters.ModelMultipleChoiceFilter):
    """A facet chosen by slugs; several values match practices with any of them."""
    return filter_class(
        field_name=field_name,
        to_field_name="slug",
        queryset=model.objects.all(),
        method=f"filter_{noun}",
        label=label,
        error_messages={"invalid_choice": UNKNOWN[noun]},
    )


# Practices without a dated video sort after the dated ones, whichever way the dates run.
UNDATED_LAST = {"source_video__published_on"}


def ordering_term(field):
    name = field.lstrip("-")
    if name not in UNDATED_LAST:
        return field
    return F(name).desc(nulls_last=True) if field.startswith("-") else F(name).asc(nulls_last=True)


class ListOrderingFilter(django_filters.OrderingFilter):
    """The list's sort choices; empty parts are ignored and the list order breaks ties."""

    def filter(self, qs, value):
        chosen = [self.get_ordering_value(part) for part in value or () if part]
        if not chosen:
            return qs
        named = {field.lstrip("-") for field in chosen}
        rest = (field for field in Practice._meta.ordering if field.lstrip("-") not in named)
        return qs.order_by(*(ordering_term(field) for field in chosen), *rest)


class PracticeFilter(django_filters.FilterSet):
    """Country, theme, toolkit and free text; the state lives in the query string.

    Several values of one facet match practices with any of them; different facets all apply.
    """

    q = django_filters.CharFilter(
        method="filter_text",
        label=_("Search"),
        max_length=SEARCH_MAX_LENGTH,
        validators=[validate_query],
        widget=forms.TextInput(attrs={"type": "search"}),
        error_messages={
            "max_length": format_lazy(
                _("The search text is too long (at most {count} characters)."), count=SEARCH_MAX_LENGTH
            )
        },
    )
    country = facet_filter("countries", Country, "country", _("Countries"), CountryFilter)
    mentions = django_filters.ChoiceFilter(
        method="filter_mentions",
        choices=[(INCLUDE_MENTIONS, _("Also practices that only mention the country"))],
        empty_label=_("Only practices about the country"),
        label=_("Countries"),
        error_messages={
            "invalid_choice": _("There is no option mentions=“%(value)s”; only practices about a country are shown.")
        },
    )
    theme = facet_filter("themes", Theme, "theme", _("Themes"))
    toolkit = facet_filter("toolkits", Toolkit, "toolkit", _("Toolkits"))
    sort = ListOrderingFilter(
        fields=(("published_at", "published"), ("title", "title"), ("source_video__published_on", "video")),
        field_labels={
            "published": _("First added first"),
            "-published": _("Recently added first"),
            "video": _("Oldest video first"),
            "-video": _("Newest video first"),
            "title": _("Title A–Z"),
            "-title": _("Title Z–A"),
        },
        label=_("Sort by"),
        error_messages={"invalid_choice": _("There is no sort order “%(value)s”; the default order is used.")},
    )

    class Meta:
        model = Practice
        fields = ["q", "country", "mentions", "theme", "toolkit"]

    # The public list (published practices) sets it: on PostgreSQL its searches then count, count
    # facets and rank from the narrow search rows (`practices.search.postgresql`).
    reads_search_rows = False

    def ids_column(self, name):
        """PostgreSQL: the array of option ids facet `name` counts and filters by."""
        return ALL_COUNTRIES_COLUMN if name == "country" and self.includes_mentions else LINKS[name].ids_column

    @cached_property
    def search_rows(self):
        """The list's search as `SearchRows` (PostgreSQL, with a query that can match); None otherwise."""
        text = self.valid_values().get("q")
        if not (self.reads_search_rows and text and is_postgresql()):
            return None
        parsed = parse(text)
        if not parsed.alternatives:
            return None
        filters = {self.ids_column(name): [r.pk for r in self.selected(name)] for name in FACETS if self.selected(name)}
        return SearchRows(parsed.websearch(), filters)

    @cached_property
    def ranked_rows(self):
        """Where the list's search ranks its page from ids alone (`ranked_ids`); None where the queryset ranks.

        PostgreSQL: the search rows. SQLite: the FTS5 scores of titles, summaries and topics over the
        matches the list counts (`sqlite.SqliteSearchRows`), when the query has words to score.
        """
        if self.search_rows or not (self.reads_search_rows and connection.vendor == "sqlite"):
            return self.search_rows
        text = self.valid_values().get("q")
        if not text:
            return None
        # The matches under every filter: those the list counts (`bit_counts`).
        rows = SqliteSearchRows(parse(text), lambda: self.bit_counts.shown)
        return rows if rows.ranks else None

    @property
    def counts_by_bits(self):
        """Whether the list's facets come from bitsets (`practices.facet_bits`): a search of the list, or
        the list with an option of some facet chosen (its count too when it is a search)."""
        if not self.reads_search_rows:
            return False
        return bool(self.valid_values().get("q")) or any(self.selected(name) for name in FACETS)

    @cached_property
    def bit_counts(self):
        """The list's count and facet counts (`facet_bits.SearchCounts`): a search's from the ids its text
        matches, a filtered list's from the bits of the published practices."""
        chosen = {name: [record.pk for record in self.selected(name)] for name in FACETS}
        if not self.valid_values().get("q"):
            return filter_counts(chosen, self.includes_mentions)
        return search_counts(self.text_matched_ids(), chosen, self.includes_mentions)

    def text_matched_ids(self):
        """The ids of the published practices the search's text matches; those that fail two facets'
        choices may be left out (a facet counts the matches under the other facets' choices).
        """
        text = self.valid_values().get("q")
        if is_postgresql():
            # The list's search rows keep the ids for ranking a phrase (`SearchRows.ranked_ids`).
            return self.search_rows.matching_ids() if self.search_rows else []
        parsed = parse(text)
        if parsed.fts5_positive() and not parsed.fts5_exclusions_only():
            # Straight from the FTS5 indexes; what fails two choices is left to the counts.
            return sqlite_matched_ids(parsed) & facet_bits().published
        return self.rows_matching(text)

    def rows_matching(self, text):
        """SQLite: the ids of the published practices matching `text` that pass every facet's choice but one,
        from the narrow rows (`SearchRow`); for a query the FTS5 indexes cannot answer alone ("-tax")."""
        matched = matching(SearchRow.objects.filter(published=True), text)
        filtered = [Q(pk__in=self.practices_with(name, records)) for name in FACETS if (records := self.selected(name))]
        if len(filtered) >= 2:
            matched = matched.filter(reduce(or_, [reduce(and_, group) for group in leaving_one_out(filtered)]))
        matched = matched.values_list("pk")
        if matched.query.is_empty():
            return []
        # By the cursor: the ORM took 130 ms to yield 100,000 ids, the cursor 50.
        with connection.cursor() as cursor:
            cursor.execute(*matched.query.sql_with_params())
            return [row[0] for row in cursor.fetchall()]

    @cached_property
    def unchosen_link_counts(self):
        """SQLite: {facet name: counts} of every facet with no option chosen, all from one query.

        Such facets all count the practices every filter leaves, and what each option adds is its count.
        """
        names = [name for name in FACETS if not self.selected(name)]
        return link_counts_together(names, self.queryset_without(), self.includes_mentions)

    @property
    def sorted_by_choice(self):
        """Whether `sort` replaces the list's order (a search's rank, by default)."""
        return any(self.valid_values().get("sort") or ())

    # Each facet filters through a subquery on its link table: no join on the practice rows, so no
    # duplicates and no DISTINCT however many values are chosen.
    def filter_text(self, queryset, name, value):
        return search(queryset, value)

    @cached_property
    def match_count(self):
        """How many practices the search finds under the other filters, or the filtered list holds
        (from the bits of its facets' counts); None for a list the paginator counts.

        The list's size: counted on the matches alone, without ranking them.
        """
        text = self.valid_values().get("q")
        if not text:
            return self.bit_counts.count if self.counts_by_bits else None

        # Cached like the facets (until the data changes): the next pages of a search count nothing.
        def count():
            if self.counts_by_bits:
                return self.bit_counts.count
            return matching(self.queryset_without("q"), text).count()

        return cached("search-count", count, self.cache_params())

    @property
    def includes_mentions(self):
        """Whether a practice that only mentions a country counts for it (`mentions=include`)."""
        return self.valid_values().get("mentions") == INCLUDE_MENTIONS

    def country_mentions(self):
        """The mentions the country filter goes by: those about the country, unless mentions are included."""
        return CountryMention.objects.all() if self.includes_mentions else CountryMention.objects.about()

    def practices_with(self, name, records):
        """The ids of the practices with any of `records`, options of facet `name`: a subquery on its link table."""
        if name == "country":
            return self.country_mentions().filter(country__in=records).values("practice")
        if name == "theme":
            return ThemedPractice.objects.filter(tag__in=records).values("content_object")
        return ToolkitMention.objects.filter(toolkit__in=records).values("practice")

    def filter_country(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=self.practices_with("country", value))

    def filter_mentions(self, queryset, name, value):
        # Read by `filter_country` and the country facet; on its own it filters nothing.
        return queryset

    def filter_theme(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=self.practices_with("theme", value))

    def filter_toolkit(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=self.practices_with("toolkit", value))

    def valid_values(self):
        """The values of the query string that passed validation; invalid ones, and facets with nothing
        chosen, are left out."""
        self.errors  # noqa: B018 (validates the form once)
        return self._valid_values

    @cached_property
    def _valid_values(self):
        # A facet with nothing chosen holds its field's empty queryset (`none()`): each test of it
        # would compile a query that is never sent, three facets a page, a tenth of a search's time.
        values = getattr(self.form, "cleaned_data", {})
        return {
            name: value
            for name, value in values.items()
            if not (isinstance(value, QuerySet) and value.query.is_empty())
        }

    def cache_params(self):
        """What the filters will use (validated), as a cache key: `?q=a&q=b` searches "b" and is cached so."""
        values = self.valid_values()
        return (
            values.get("q", ""),
            values.get("mentions", ""),
            *(tuple(sorted(r.slug for r in values.get(name) or ())) for name in FACETS),
        )

    def in_order(self):
        """The valid filters, free text after the facets: a search ranks what the facets leave."""
        return sorted(self.valid_values().items(), key=lambda item: APPLY_ORDER.index(item[0]))

    def filter_queryset(self, queryset):
        for name, value in self.in_order():
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    def queryset_without(self, *excluded):
        """The queryset with every valid filter applied except those named in `excluded` and the sort order.

        What counts and facets count: on SQLite the public list counts the narrow search rows of
        its published practices (`SearchRow`), not the practice rows, whose texts SQLite stores
        before their status.
        """
        if self.reads_search_rows and connection.vendor == "sqlite":
            queryset = SearchRow.objects.filter(published=True)
        else:
            queryset = self.queryset.all()
        for name, value in self.in_order():
            if name in (*excluded, "sort"):
                continue
            # Counts need the same practices as the search, not their ranking: it stays a subquery.
            queryset = matching(queryset, value) if name == "q" else self.filters[name].filter(queryset, value)
        return queryset

    def selected(self, name):
        """The records chosen for facet `name` (already fetched while the form was validated)."""
        return list(self.valid_values().get(name) or [])

    def facet(self, name, limit=None):
        """Options of facet `name` with how many practices each gives under the other filters.

        Options of one facet are "any of": once one is chosen, ticking another adds the practices
        it has that the list does not show yet; `adds` says how many (without a choice, `count`).
        A search's counts, and a list's with an option chosen, come from bitsets (`practices.facet_bits`),
        the others from one GROUP BY query (`practices.facets`). Returns the chosen options (so they can be unticked)
        and the `limit` other options with most practices (all with None); options without
        practices are left out.
        """
        if name not in FACETS:
            raise ValueError(f"{name} is not a facet")
        chosen = {record.pk: record for record in self.selected(name)}
        if self.counts_by_bits:
            rows = options_from(name, self.bit_counts.facets[name])
        elif not chosen and connection.vendor == "sqlite":
            rows = options_from(name, self.unchosen_link_counts[name])
        else:
            under_others = self.queryset_without(name)
            shown = self.filters[name].filter(under_others, list(chosen.values())).values("pk") if chosen else None
            rows = options_with_counts(name, under_others, shown, list(chosen), self.includes_mentions)
        # Chosen options first, so the limit never drops one; each part keeps the counts' order.
        picked = [row for row in rows if row.pk in chosen]
        rest = [row for row in rows if row.pk not in chosen]
        counted = {row.pk for row in picked}
        missing = [FacetOption(record, 0, 0, 0) for pk, record in chosen.items() if pk not in counted]
        for row in picked + rest:
            # How many of the practices the list shows now have this option (the map shades by it).
            row.in_list = row.count - row.adds if chosen else row.count
        more = limit is not None and len(rest) > limit
        return {"name": name, "chosen": picked + missing, "options": rest[:limit], "more": more}


def facet_numbers(facet):
    """`facet` as a cache keeps it: option ids and figures, no records (`facet_from_numbers` undoes it)."""
    return {
        **facet,
        "chosen": [option.numbers() for option in facet["chosen"]],
        "options": [option.numbers() for option in facet["options"]],
    }


def facet_from_numbers(numbers):
    """The facet `facet_numbers` kept, its options' records fetched (by this process once per data version)."""
    name = numbers["name"]
    return {
        **numbers,
        "chosen": options_from_numbers(name, numbers["chosen"]),
        "options": options_from_numbers(name, numbers["options"]),
    }


def labelled(facet):
    """`facet` with each option's `label`: its name in the page's language, as `includes/facet.html` shows it.

    Set for each page, not stored with the cached counts, which every language shares. (The template
    asking a theme for a `display_name` it lacks made Django list the theme's attributes each time.)
    """
    for option in (*facet["chosen"], *facet["options"]):
        option.label = getattr(option, "display_name", option.name)
    return facet
