"""Every option of a facet on a page of its own, keeping the list's other filters: the no-JavaScript "more".

The page can narrow its options by typing: the find field filters on the server (so it works without
JavaScript) and `static/js/filters.js` filters the same list while typing, with the same folding.
"""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from opsi_portal.lib.collation import folded

from .filters import labelled
from .views import FIND_MAX_LENGTH, filtered_practices

# The facets whose options get a page here; themes have their own index and facet.
FACET_NAMES = {"country": _("Countries"), "toolkit": _("Toolkits")}

# Parameters of this page that the list does not take (the list ignores them, but links stay clean).
OWN_PARAMETERS = ("page", "find")


def kept_filters(query, name):
    """The query string's other parameters, as hidden fields, so choosing options keeps them."""
    return [(key, value) for key, values in query.lists() if key not in (name, *OWN_PARAMETERS) for value in values]


def option_words(option):
    """What typing may match: the option's name (a country's in the page's language too) and a country's ISO code."""
    names = dict.fromkeys([option.name, getattr(option, "display_name", option.name)])
    code = getattr(option, "code", "")
    return folded(" ".join([*names, str(code)]).strip())


def narrowed(facet, find):
    """The facet with only the unchosen options whose name (or code) holds `find`; chosen ones stay."""
    for option in facet["options"]:
        option.words = option_words(option)  # the page's script filters by the same words while typing
    wanted = folded(find)
    options = [option for option in facet["options"] if wanted in option.words]
    return labelled({**facet, "options": options, "with_words": True})


def facet_options(request, name):
    if name not in FACET_NAMES:
        raise Http404("There is no such facet.")
    filterset, errors = filtered_practices(request.GET)
    find = request.GET.get("find", "").strip()[:FIND_MAX_LENGTH]
    facet = filterset.facet(name)
    context = {
        "facet": narrowed(facet, find),
        "find": find,
        "option_total": len(facet["options"]),
        "legend": FACET_NAMES[name],
        "kept": kept_filters(request.GET, name),
        "query_errors": errors,
    }
    return render(request, "practices/facet_options.html", context, status=400 if errors else 200)
