"""The filters of the public practice list, reused by downloads, feeds and the API."""

from functools import cached_property

import django_filters
from django import forms
from django.db.models import Case, Count, When

from incubator.models import Country, Toolkit

from .models import CountryMention, Practice, Strength, Theme, ThemedPractice, ToolkitMention
from .search import in_order_of, matching, ranked_ids

SEARCH_MAX_LENGTH = 200
# The search ranks a bounded set of matches, so it must see every other filter first; sort comes last.
APPLY_ORDER = ["mentions", "country", "theme", "toolkit", "q", "sort"]
# `mentions=include`: the country filter and its counts also take practices that only mention a country.
INCLUDE_MENTIONS = "include"


def _unknown(noun):
    return {"invalid_choice": f"There is no {noun} “%(value)s”; it was left out of the filters."}


def facet_filter(field_name, model, noun, label):
    """A facet chosen by slugs; several values match practices with any of them."""
    return django_filters.ModelMultipleChoiceFilter(
        field_name=field_name,
        to_field_name="slug",
        queryset=model.objects.all(),
        method=f"filter_{noun}",
        label=label,
        error_messages=_unknown(noun),
    )


class ListOrderingFilter(django_filters.OrderingFilter):
    """The list's sort choices; empty parts are ignored and the list order breaks ties."""

    def filter(self, qs, value):
        chosen = [self.get_ordering_value(part) for part in value or () if part]
        if not chosen:
            return qs
        named = {field.lstrip("-") for field in chosen}
        return qs.order_by(*chosen, *(field for field in Practice._meta.ordering if field.lstrip("-") not in named))


class PracticeFilter(django_filters.FilterSet):
    """Country, theme, toolkit and free text; the state lives in the query string.

    Several values of one facet match practices with any of them; different facets all apply.
    """

    q = django_filters.CharFilter(
        method="filter_text",
        label="Search",
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
        error_messages={"max_length": f"The search text is too long (at most {SEARCH_MAX_LENGTH} characters)."},
    )
    country = facet_filter("countries", Country, "country", "Countries")
    mentions = django_filters.ChoiceFilter(
        method="filter_mentions",
        choices=[(INCLUDE_MENTIONS, "Also practices that only mention the country")],
        empty_label="Only practices about the country",
        label="Countries",
        error_messages={
            "invalid_choice": "There is no option mentions=“%(value)s”; only practices about a country are shown."
        },
    )
    theme = facet_filter("themes", Theme, "theme", "Themes")
    toolkit = facet_filter("toolkits", Toolkit, "toolkit", "Toolkits")
    sort = ListOrderingFilter(
        fields=(("published_at", "published"), ("title", "title")),
        field_labels={"published": "Oldest first", "-published": "Newest first", "title": "Title A–Z"},
        label="Sort by",
        error_messages={"invalid_choice": "There is no sort order “%(value)s”; the default order is used."},
    )

    class Meta:
        model = Practice
        fields = ["q", "country", "mentions", "theme", "toolkit"]

    # Each facet filters through a subquery on its link table: no join on the practice rows, so no
    # duplicates and no DISTINCT however many values are chosen.
    def filter_text(self, queryset, name, value):
        ids = self.ranked_ids
        return queryset if ids is None else in_order_of(queryset, ids)

    @cached_property
    def ranked_ids(self):
        """Ids of the practices the search finds under the other filters, best first; None without a search.

        Searched once, on first use, whichever of the page, its count or the facets asks first.
        """
        return ranked_ids(self.queryset_without("q"), self.valid_values().get("q"))

    @property
    def match_count(self):
        """How many practices the list holds when it searches; None without a search (count the rows)."""
        ids = self.ranked_ids
        return None if ids is None else len(ids)

    @property
    def includes_mentions(self):
        """Whether a practice that only mentions a country counts for it (`mentions=include`)."""
        return self.valid_values().get("mentions") == INCLUDE_MENTIONS

    def country_mentions(self):
        """The mentions the country filter goes by: those about the country, unless mentions are included."""
        return CountryMention.objects.all() if self.includes_mentions else CountryMention.objects.about()

    def filter_country(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=self.country_mentions().filter(country__in=value).values("practice"))

    def filter_mentions(self, queryset, name, value):
        # Read by `filter_country` and the country facet; on its own it filters nothing.
        return queryset

    def filter_theme(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=ThemedPractice.objects.filter(tag__in=value).values("content_object"))

    def filter_toolkit(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=ToolkitMention.objects.filter(toolkit__in=value).values("practice"))

    def valid_values(self):
        """The values of the query string that passed validation; invalid ones are left out."""
        self.errors  # noqa: B018 (validates the form once)
        return getattr(self.form, "cleaned_data", {})

    def in_order(self):
        """The valid filters, free text after the facets: a search ranks what the facets leave."""
        return sorted(self.valid_values().items(), key=lambda item: APPLY_ORDER.index(item[0]))

    def filter_queryset(self, queryset):
        for name, value in self.in_order():
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    def queryset_without(self, excluded):
        """The queryset with every valid filter applied except `excluded` and the sort order."""
        queryset = self.queryset.all()
        for name, value in self.in_order():
            if name in (excluded, "sort"):
                continue
            # Counts need the same practices as the search, not their ranking: it stays a subquery.
            queryset = matching(queryset, value) if name == "q" else self.filters[name].filter(queryset, value)
        return queryset

    def selected(self, name):
        """The records chosen for facet `name` (already fetched while the form was validated)."""
        return list(self.valid_values().get(name) or [])

    def facet(self, name, limit):
        """Options of facet `name` with how many practices each gives under the other filters.

        One GROUP BY query. Returns the chosen options (so they can be unticked) and the `limit`
        other options with most practices; options that would give no practice are left out.
        """
        matching = self.queryset_without(name).values("pk")
        if name == "country":
            mentions = {} if self.includes_mentions else {"mentions__strength": Strength.ABOUT}
            options = Country.objects.filter(mentions__practice__in=matching, **mentions).annotate(
                count=Count("mentions")
            )
        elif name == "theme":
            options = Theme.objects.filter(themed_items__content_object__in=matching).annotate(
                count=Count("themed_items")
            )
        elif name == "toolkit":
            options = Toolkit.objects.filter(mentions__practice__in=matching).annotate(count=Count("mentions"))
        else:
            raise ValueError(f"{name} is not a facet")
        chosen = {record.pk: record for record in self.selected(name)}
        # Chosen options sort first so the slice never drops one; one extra row tells whether there are more.
        rows = list(
            options.annotate(is_chosen=Case(When(pk__in=list(chosen), then=1), default=0)).order_by(
                "-is_chosen", "-count", "name"
            )[: limit + len(chosen) + 1]
        )
        picked = [row for row in rows if row.is_chosen]
        rest = [row for row in rows if not row.is_chosen]
        missing = [record for pk, record in chosen.items() if pk not in {row.pk for row in picked}]
        for record in missing:
            record.count = 0
        return {"name": name, "chosen": picked + missing, "options": rest[:limit], "more": len(rest) > limit}
