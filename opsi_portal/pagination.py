"""Pagination of public lists, with a clear message instead of an error for a bad page number."""

from django.core.paginator import Paginator
from django.utils.translation import gettext

PER_PAGE = 20


def paginate(request, queryset, per_page=PER_PAGE, count=None):
    """The requested page of `queryset` and a message when the page number had to be corrected.

    `count`, when the caller already knows it (a search does), spares the COUNT query.
    """
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count
    raw = request.GET.get("page", "1")
    try:
        number = int(raw)
    except ValueError:
        return paginator.page(1), gettext("“{value}” is not a page number; showing the first page.").format(
            value=raw[:40]
        )
    if number < 1:
        return paginator.page(1), gettext("There is no page {number}; showing the first page.").format(number=number)
    if number > paginator.num_pages:
        return (
            paginator.page(paginator.num_pages),
            gettext("There is no page {number}; showing the last page, {last}.").format(
                number=number, last=paginator.num_pages
            ),
        )
    return paginator.page(number), None


def page_numbers(page, around=2):
    """Page numbers to link to: the first, the last and a few around the current one; None marks a gap."""
    last = page.paginator.num_pages
    wanted = {1, last, *range(page.number - around, page.number + around + 1)}
    numbers, previous = [], 0
    for number in sorted(n for n in wanted if 1 <= n <= last):
        if number > previous + 1:
            numbers.append(None)
        numbers.append(number)
        previous = number
    return numbers
