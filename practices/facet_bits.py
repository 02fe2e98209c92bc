"""A search's count and facet counts from bitmaps: each option's practices as one set of ids.
A list filtered by facets without a search counts the same way, over the published practices.

Counting a search's facets in SQL groups every link of every match: at 100,000 practices, a word
in half of them took 530 to 780 ms for the three facets on SQLite and 150 to 200 ms on PostgreSQL.
Here each process holds, per data version, every option's practices as a compressed bitmap of their
ids (Roaring, `pyroaring`, written in C: 47,000 ids become one in 1 ms, where a Python int's bits
took 18). A search fetches once the ids its text matches; each count is then the size of what the
matches share with an option. The filters are the same bitmaps: a facet counts the matches the
other facets' choices keep. The matches the list shows come back too: the page is ranked from them.
"""

from collections import defaultdict
from dataclasses import dataclass
from functools import reduce

from django.db import connection
from pyroaring import BitMap64, FrozenBitMap64

from opsi_portal.caching import held_value

from .facets import LINKS
from .models import Practice, Strength

# The country facet's bits of the practices naming each country at all (`mentions=include`);
# "country" holds those about it.
ALL_COUNTRIES = "country:all"


@dataclass(frozen=True)
class SearchCounts:
    count: int  # the practices the list shows: the matches under every filter
    facets: dict  # {facet name: {option id: (count, adds)}}, as `practices.facets` counts them
    shown: BitMap64  # the ids of those practices


@dataclass(frozen=True)
class FacetBits:
    """Every option's practices as a bitmap of their ids, and the published practices' own."""

    options: dict  # {facet name: {option id: FrozenBitMap64 of its practices}}
    published: FrozenBitMap64


def build_facet_bits():
    """Every option's practices as `FacetBits`, drafts included (a search's matches are published)."""
    practices = defaultdict(lambda: defaultdict(list))
    for name, link in LINKS.items():
        table, practice, option = link.columns()
        strength = "strength" if name == "country" else "NULL"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {option}, {practice}, {strength} FROM {table}")  # noqa: S608  (names from the models)
            for option_id, practice_id, link_strength in cursor:
                if name == "country":
                    practices[ALL_COUNTRIES][option_id].append(practice_id)
                    if link_strength != Strength.ABOUT:
                        continue
                practices[name][option_id].append(practice_id)
    options = {
        name: {option: FrozenBitMap64(ids) for option, ids in by_option.items()}
        for name, by_option in practices.items()
    }
    return FacetBits(options, FrozenBitMap64(Practice.objects.published_ids().values_list("pk", flat=True)))


def leaving_one_out(filters):
    """Each group of all of `filters` but one: a match in any group is one some facet counts.

    A facet counts the matches under the other facets' choices, so a match that fails two choices
    counts nowhere and need not be fetched.
    """
    return [[kept for kept in filters if kept is not left_out] for left_out in filters]


def facet_bits():
    """The bits of every option's practices, built by this process once per data version."""
    return held_value("facet-bits", build_facet_bits)


def search_counts(matched_ids, chosen, include_mentions=False):
    """The list's count and facet counts of a search whose text matches the published practices `matched_ids`.

    Those that fail two facets' choices may be left out of `matched_ids`: they count nowhere.

    `chosen`: {facet name: ids of its chosen options}. A facet counts the matches the other facets'
    choices keep; once it has options chosen, what an option `adds` is its matches the list does not
    show yet (without a choice, its count).
    """
    return _counts(facet_bits(), BitMap64(matched_ids), chosen, include_mentions)


def filter_counts(chosen, include_mentions=False):
    """`search_counts` of the list without a search: every published practice matches.

    Used for a list with an option chosen; counts the same without one.
    """
    index = facet_bits()
    return _counts(index, index.published, chosen, include_mentions)


def _counts(index, matched, chosen, include_mentions):
    options = {
        name: index.options.get(ALL_COUNTRIES if name == "country" and include_mentions else name, {})
        for name in chosen
    }
    # What each facet's choice keeps: the practices with any of its chosen options.
    kept = {name: _union(options[name].get(pk) for pk in ids) for name, ids in chosen.items() if ids}
    facets = {}
    for name in chosen:
        under_others = reduce(lambda bits, other: bits & kept[other], (o for o in kept if o != name), matched)
        not_shown = under_others - kept[name] if name in kept else None
        facets[name] = _option_counts(options[name], under_others, not_shown)
    shown = reduce(lambda bits, other: bits & kept[other], kept, matched)
    return SearchCounts(len(shown), facets, shown)


def _union(bitmaps):
    return BitMap64.union(BitMap64(), *(bits for bits in bitmaps if bits is not None))


def _option_counts(options, practices, not_shown):
    # {option id: (count, adds)} of the options with any of `practices`; adds: those of `not_shown`.
    counts = {}
    for option_id, bits in options.items():
        count = practices.intersection_cardinality(bits)
        if count:
            counts[option_id] = (count, count if not_shown is None else not_shown.intersection_cardinality(bits))
    return counts
