"""Template helpers shared by the public pages: links that keep the rest of the query string."""

from django import template

from opsi_portal.pagination import page_numbers

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """The current URL with `page` set to `number` (omitted for page 1)."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    if int(number) > 1:
        query["page"] = number
    return _with_query(context["request"].path, query)


@register.simple_tag(takes_context=True)
def url_without(context, key, value=None):
    """The current URL without `key` (or only its `value`) and without the page number."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    if value is None:
        query.pop(key, None)
    else:
        query.setlist(key, [item for item in query.getlist(key) if item != str(value)])
    return _with_query(context["request"].path, query)


def _with_query(path, query):
    encoded = query.urlencode()
    return f"{path}?{encoded}" if encoded else path


@register.simple_tag
def page_links(page):
    """Page numbers for the pagination bar; None marks a gap."""
    return page_numbers(page)
