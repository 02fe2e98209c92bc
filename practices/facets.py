"""How many practices each option of a facet gives: one GROUP BY over the practices that qualify.

The list without a search (its counts are cached per combination of filters): PostgreSQL reads the
option ids each practice keeps in its row (`theme_ids` and the others, kept by
`practices.search.refresh_search_vector`) and joins nothing; SQLite groups the link table by
option first and names the options afterwards, for the few hundred options instead of the
hundreds of thousands of links. A search's facets are counted from bitsets (`practices.facet_bits`).
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q
from django.db.models.expressions import RawSQL

from opsi_portal.caching import held_records

from .models import CountryMention, Practice, Strength, ThemedPractice, ToolkitMention


@dataclass(frozen=True)
class FacetLink:
    """Where a facet's options meet practices: the link table, and PostgreSQL's arrays of ids."""

    model: type
    practice: str  # the link's field naming the practice
    option: str  # the link's field naming the option
    ids_column: str  # PostgreSQL: the practice's array of option ids

    def columns(self):
        """The link table and its practice and option columns, for SQL written by hand."""
        meta = self.model._meta
        return meta.db_table, meta.get_field(self.practice).column, meta.get_field(self.option).column


LINKS = {
    "country": FacetLink(CountryMention, "practice", "country", "about_country_ids"),
    "theme": FacetLink(ThemedPractice, "content_object", "tag", "theme_ids"),
    "toolkit": FacetLink(ToolkitMention, "practice", "toolkit", "toolkit_ids"),
}
# `mentions=include`: the country facet counts every country a practice mentions.
ALL_COUNTRIES_COLUMN = "country_ids"


def options_with_counts(name, practices, shown=None, chosen_ids=(), include_mentions=False):
    """The options of facet `name` that `practices` have, most practices first, then by name.

    Each has `count` (practices with it) and `adds` (those of them not in `shown`, the list with
    the chosen options; all of them when `shown` is None). One query: the counts joined to the options.
    """
    if practices.query.is_empty():
        # A search with no word to look for (`"`, `*`, `or`) matches nothing: no SQL can say so.
        return []
    if connection.vendor == "postgresql":
        column = ALL_COUNTRIES_COLUMN if name == "country" and include_mentions else LINKS[name].ids_column
        counts_sql, params = _counts_from_arrays(practices, column, chosen_ids)
    else:
        counts_sql, params = _counts_from_links(name, practices, shown, include_mentions)
    return options_from(name, fetch_counts(counts_sql, params))


class FacetOption:
    """An option of a facet as one page counts it: the option's record and the page's figures.

    The record is shared by every page of the process (`held_records`) and never changed; what
    differs per page (`count`, `adds`, `in_list`, the `label`) is set here, with the `slug` every
    checkbox names. Anything else (`name`, `code`, `get_absolute_url`) is the record's.
    """

    def __init__(self, record, count, adds, in_list=None):
        self.record, self.pk, self.slug = record, record.pk, record.slug
        self.count, self.adds, self.in_list = count, adds, in_list

    def __getattr__(self, name):
        return getattr(self.record, name)

    def numbers(self):
        """What a cached facet keeps of the option: its id and figures, not the record."""
        return (self.pk, self.count, self.adds, self.in_list)


def option_model(name):
    return LINKS[name].model._meta.get_field(LINKS[name].option).related_model


def options_from(name, counts):
    """The options of facet `name` with `counts`, {option id: (count, adds)}, most practices first, then by name."""
    records = held_records(option_model(name), counts)
    options = [FacetOption(records[pk], *figures) for pk, figures in counts.items() if pk in records]
    # Names in the active language, in code point order like both databases' collations here.
    return sorted(options, key=lambda option: (-option.count, option.record.held_name))


def options_from_numbers(name, numbers):
    """FacetOptions of facet `name` from their `numbers()`, in the same order (a cached facet's)."""
    records = held_records(option_model(name), [pk for pk, *_ in numbers])
    return [FacetOption(records[pk], *figures) for pk, *figures in numbers if pk in records]


def link_counts_together(names, practices, include_mentions=False):
    """SQLite: {name: {option id: (count, count)}} of each facet of `names` over `practices`, in one query.

    For the facets with no option chosen, which all count the same practices: those are found once
    (a search's matching included), and one Django query is compiled instead of one per facet.
    """
    if practices.query.is_empty():
        return {name: {} for name in names}
    practices_sql, params = practices.order_by().values("pk").query.sql_with_params()
    parts = []
    for index, name in enumerate(names):
        table, practice, option = LINKS[name].columns()
        about = ""
        if _counts_only_about(name, include_mentions):
            about = " AND strength = %s"
            params = (*params, Strength.ABOUT)
        parts.append(
            f"SELECT {index}, {option}, count(*) FROM {table}"  # noqa: S608  (names from the models)
            f" WHERE {practice} IN (SELECT id FROM counted){about} GROUP BY {option}"
        )
    sql = f"WITH counted(id) AS MATERIALIZED ({practices_sql}) {' UNION ALL '.join(parts)}"
    counts = {name: {} for name in names}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for index, option_id, count in cursor.fetchall():
            counts[names[index]][option_id] = (count, count)
    return counts


def fetch_counts(sql, params):
    """{option id: (count, adds)} of a facet counts query."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {option_id: (count, adds) for option_id, count, adds in cursor.fetchall()}


def _counts_from_arrays(practices, column, chosen_ids):
    # A practice the list shows has one of the chosen options: the others are what an option adds.
    ids_of_row = RawSQL(f"{Practice._meta.db_table}.{column}", [])  # noqa: S611  (constant names only)
    ids = practices.order_by().annotate(option_ids=ids_of_row).values("option_ids")
    sql, params = ids.query.sql_with_params()
    counts_sql = (
        "SELECT option_id, count(*), count(*) FILTER (WHERE NOT matches.option_ids && %s::integer[])"  # noqa: S608
        f" FROM ({sql}) AS matches, unnest(matches.option_ids) AS option_id GROUP BY option_id"
    )
    return counts_sql, [list(chosen_ids), *params]


def _counts_from_links(name, practices, shown, include_mentions):
    link = LINKS[name]
    links = link.model.objects.filter(**{f"{link.practice}__in": practices.order_by().values("pk")})
    if _counts_only_about(name, include_mentions):
        links = links.filter(strength=Strength.ABOUT)
    adds = Count("pk") if shown is None else Count("pk", filter=~Q(**{f"{link.practice}__in": shown}))
    rows = links.order_by().values(link.option).annotate(count=Count("pk"), adds=adds)
    return rows.values_list(link.option, "count", "adds").query.sql_with_params()


def _counts_only_about(name, include_mentions):
    # The country facet counts the countries a practice is about, unless `mentions=include`.
    return name == "country" and not include_mentions
