"""Helpers shared by the search tests."""

from datetime import timedelta

from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from practices.models import Practice
from practices.search import refresh_search_vector, search
from tests import factories

LIST = reverse("practices:practice_list")


def on_postgresql():
    return connection.vendor == "postgresql"


def found(text, queryset=None):
    queryset = Practice.objects.published() if queryset is None else queryset
    return list(search(queryset, text).values_list("title", flat=True))


def listed(client, **params):
    """Titles of every page of the list with `params`, in order, and the count the page shows."""
    titles, page = [], 1
    while True:
        cache.clear()
        response = client.get(LIST, {**params, "page": page})
        titles += [practice.title for practice in response.context["page"].object_list]
        if not response.context["page"].has_next():
            return titles, response.context["page"].paginator.count
        page += 1


def old_title_among_newer_text_matches(count, body):
    """ "Regulatory sandboxes", ten years old, and `count` newer practices whose text is `body` (with {n})."""
    now = timezone.now()
    old = factories.practice(title="Regulatory sandboxes", body_markdown="How a sandbox works.")
    Practice.objects.filter(pk=old.pk).update(published_at=now - timedelta(days=3650))
    newer = Practice.objects.bulk_create(
        Practice(
            title=f"Practice {n}",
            slug=f"newer-{n}",
            status=Practice.Status.PUBLISHED,
            published_at=now - timedelta(minutes=n),
            summary="Plain words.",
            body_html=body.format(n=n),
        )
        for n in range(count)
    )
    refresh_search_vector([p.pk for p in newer])
    return old
