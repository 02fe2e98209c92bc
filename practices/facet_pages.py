"""Every option of a facet on a page of its own, keeping the list's other filters: the no-JavaScript "more"."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from .views import filtered_practices

# The facets whose options get a page here; themes have their own index and facet.
FACET_NAMES = {"country": _("Countries"), "toolkit": _("Toolkits")}


def kept_filters(query, name):
    """The query string's other parameters, as hidden fields, so choosing options keeps them."""
    return [(key, value) for key, values in query.lists() if key not in (name, "page") for value in values]


def facet_options(request, name):
    if name not in FACET_NAMES:
        raise Http404("There is no such facet.")
    filterset, errors = filtered_practices(request.GET)
    context = {
        "facet": filterset.facet(name),
        "legend": FACET_NAMES[name],
        "kept": kept_filters(request.GET, name),
        "query_errors": errors,
    }
    return render(request, "practices/facet_options.html", context, status=400 if errors else 200)
