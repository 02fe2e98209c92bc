"""Finding and ranking the practices that match a query, on PostgreSQL and on SQLite.

It ranks the newest `LIMIT` matches, so a word nearly every practice contains costs no more than a
rare one. On PostgreSQL it uses the stored `search_vector` (title A, summary B, themes and
countries C, text D) and its GIN index; on SQLite it matches words at word starts and ranks title
matches first.
"""

import threading
from contextlib import contextmanager

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    Case,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)

from incubator.models import Country

from ..models import ThemedPractice
from .index import is_postgresql
from .query import parse

CONFIG = "english"
# How many of the newest matches a search ranks; more is rarer than it looks, as users add words or filters.
LIMIT = getattr(settings, "SEARCH_RANK_LIMIT", 500)


def _term_q(term):
    pattern = term.pattern()
    in_theme = ThemedPractice.objects.filter(content_object=OuterRef("pk"), tag__name__iregex=pattern)
    in_country = Country.objects.filter(mentions__practice=OuterRef("pk"), name__iregex=pattern)
    return (
        Q(title__iregex=pattern)
        | Q(summary__iregex=pattern)
        | Q(body_markdown__iregex=pattern)
        | Exists(in_theme)
        | Exists(in_country)
    )


def _simple_matches(queryset, parsed):
    condition = Q(pk__in=[])
    for alternative in parsed.alternatives:
        clause = Q()
        for term in alternative:
            term_q = _term_q(term)
            clause &= ~term_q if term.negated else term_q
        condition |= clause
    positives = parsed.positive_terms()
    if not positives:
        # Only exclusions, as "-tax": everything else matches, as on PostgreSQL.
        return queryset.filter(condition).annotate(rank=Value(0.0, output_field=FloatField()))
    in_title = Q()
    for term in positives:
        in_title &= Q(title__iregex=term.pattern())
    rank = Case(
        When(in_title, then=Value(1.0)),
        When(Q(summary__iregex=positives[0].pattern()), then=Value(0.5)),
        default=Value(0.1),
        output_field=FloatField(),
    )
    return queryset.filter(condition).annotate(rank=rank)


def candidates(queryset, text):
    """The newest `LIMIT` practices of `queryset` matching `text`, as a queryset of ids; None for no text.

    Newest first lets PostgreSQL walk the date index and stop early for words most practices
    contain, and use the GIN index for rarer ones; either way the work stays bounded.
    """
    text = (text or "").strip()
    if not text:
        return None
    if is_postgresql():
        matches = queryset.filter(search_vector=SearchQuery(text, search_type="websearch", config=CONFIG))
    else:
        parsed = parse(text)
        if not parsed.alternatives:
            return queryset.none().values("pk")
        matches = _simple_matches(queryset, parsed)
    return matches.order_by("-published_at", "-pk").values("pk")[:LIMIT]


_hint = threading.local()


@contextmanager
def planner_hint():
    """Plan the queries inside without sequential scans of practices (PostgreSQL; nothing elsewhere).

    The planner thinks `@@` on each row is cheap, but every row read that way has its vector fetched
    from TOAST; without sequential scans it takes the GIN or the date index instead.
    """
    if not is_postgresql() or getattr(_hint, "active", False):
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        _hint.active = True
        try:
            yield
        finally:
            _hint.active = False


def matching(queryset, text):
    """The practices of `queryset` that `search` would return, unranked and unevaluated (for counts)."""
    rows = candidates(queryset, text)
    return queryset if rows is None else queryset.filter(pk__in=rows)


def _ranked_ids(queryset, text, rows):
    if is_postgresql():
        query = SearchQuery(text, search_type="websearch", config=CONFIG)
        # Ranking reads each candidate's whole vector (stored out of line), so only candidates are ranked.
        ranked = queryset.model.objects.filter(pk__in=rows).annotate(rank=SearchRank(F("search_vector"), query))
        with planner_hint():
            found = list(ranked.values_list("pk", "rank", "published_at"))
    else:
        found = list(
            _simple_matches(queryset.filter(pk__in=rows), parse(text)).values_list("pk", "rank", "published_at")
        )
    found.sort(key=lambda row: (-row[1], -row[2].timestamp() if row[2] else 0, -row[0]))
    return [row[0] for row in found]


def ranked_ids(queryset, text):
    """Ids of the practices of `queryset` matching `text`, best first (the newest `LIMIT`); None for no text."""
    text = (text or "").strip()
    rows = candidates(queryset, text)
    return None if rows is None else _ranked_ids(queryset, text, rows)


def in_order_of(queryset, ids):
    """The practices of `queryset` with these ids, in the order of `ids`."""
    if not ids:
        return queryset.none()
    if is_postgresql():
        order = Func(
            Value(ids, output_field=ArrayField(BigIntegerField())),
            F("pk"),
            function="array_position",
            output_field=IntegerField(),
        )
    else:
        order = Case(*[When(pk=pk, then=Value(i)) for i, pk in enumerate(ids)], output_field=IntegerField())
    return queryset.filter(pk__in=ids).annotate(search_order=order).order_by("search_order")


def search(queryset, text):
    """Practices of `queryset` matching `text`, best first: the newest `LIMIT` matches, ranked.

    One query finds and ranks the candidates; the queryset returned selects them by id, so counts,
    facets and pages built on it never search again.
    """
    ids = ranked_ids(queryset, text)
    return queryset if ids is None else in_order_of(queryset, ids)
