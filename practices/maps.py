"""The world map of the practice list: where the practices it shows come from, one count per country."""

from urllib.parse import quote_plus

from incubator.world_map import world_map


def list_map(country_facet, request):
    """The map of the list as filtered now (search included), from the country facet with all its options.

    No query of its own: the facet's one GROUP BY already counts, for every country, the practices
    of the list that are about it. Each country links to the list narrowed to it.
    """

    kept = request.GET.copy()
    kept.pop("page", None)
    kept.pop("country", None)
    # Encoded once: some two hundred countries each add only their own slug to it.
    start = f"{request.path}?{kept.urlencode()}&country=" if kept else f"{request.path}?country="

    def narrowed_to(country):
        return start + quote_plus(country.slug)

    rows = country_facet["chosen"] + country_facet["options"]
    return world_map([(row, row.in_list) for row in rows], narrowed_to)
