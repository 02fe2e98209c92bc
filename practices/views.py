"""Public pages of the library: home, the filtered list, a practice, themes."""

from django.db import connection
from django.db.models import Count, Prefetch
from django.db.models.expressions import RawSQL
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import condition

from incubator.models import Country, Participation, Programme, Toolkit
from opsi_portal.caching import cache_public_page, cached, content_etag
from opsi_portal.pagination import paginate

from . import search
from .filters import PracticeFilter
from .models import CountryMention, Practice, Strength, Theme, ToolkitMention
from .search import snippets, suggest

# How many options each facet shows before pointing to its index page.
FACET_LIMITS = {"country": 30, "theme": 12, "toolkit": 20}
HOME_LATEST = 6
HOME_THEMES = 12
RELATED = 5


# Columns a card never shows; the texts and the search vector are kilobytes stored out of line.
CARD_DEFERRED = ("body_markdown", "body_html", "search_vector", "import_snapshot")
# How many of the newest practices of each theme are considered for "related practices".
RELATED_POOL = 200


def card_countries(lookup="countrymention_set"):
    """The countries a card shows, those its practice is about, as `practice.about_mentions`."""
    about = CountryMention.objects.about().select_related("country")
    return Prefetch(lookup, queryset=about, to_attr="about_mentions")


def with_card_data(practices):
    """What a practice card shows, fetched in a constant number of queries."""
    return practices.defer(*CARD_DEFERRED).prefetch_related("themes", card_countries())


def related_practices(practice, themes):
    """Published practices sharing most themes with `practice`, newest first among equals.

    On PostgreSQL only the newest RELATED_POOL practices of each theme are counted, so a theme
    thousands of practices share costs no more than a rare one.
    """
    if not themes:
        return []
    published = with_card_data(Practice.objects.published())
    if connection.vendor != "postgresql":
        return list(
            published.exclude(pk=practice.pk)
            .filter(themed_items__tag__in=[theme.pk for theme in themes])
            .annotate(shared=Count("themed_items"))
            .order_by("-shared", "-published_at", "title")[:RELATED]
        )
    tag_ids = [theme.pk for theme in themes]
    best = RawSQL(
        """
        SELECT pool.content_object_id
        FROM unnest(%s::bigint[]) AS chosen(tag_id)
        CROSS JOIN LATERAL (
            SELECT tp.content_object_id FROM practices_themedpractice AS tp
            JOIN practices_practice AS p ON p.id = tp.content_object_id
            WHERE tp.tag_id = chosen.tag_id AND p.status = %s AND p.id <> %s
            ORDER BY tp.content_object_id DESC LIMIT %s
        ) AS pool
        GROUP BY pool.content_object_id
        ORDER BY COUNT(*) DESC, pool.content_object_id DESC
        LIMIT %s
        """,
        [tag_ids, Practice.Status.PUBLISHED, practice.pk, RELATED_POOL, RELATED],
    )
    shared = RawSQL(
        "SELECT COUNT(*) FROM practices_themedpractice AS tp"
        " WHERE tp.content_object_id = practices_practice.id AND tp.tag_id = ANY(%s::bigint[])",
        [tag_ids],
    )
    return list(published.filter(pk__in=best).annotate(shared=shared).order_by("-shared", "-pk"))


def published_counts(model, relation, **conditions):
    """Records of `model` with how many published practices reach them through `relation` (on `conditions`)."""
    # One filter() call, so the conditions and the count share the join: only matching links are counted.
    return model.objects.filter(
        **{f"{relation}__in": Practice.objects.published().values("pk")}, **conditions
    ).annotate(practice_count=Count(relation))


def home_counts():
    """The home page's counts: whole-table aggregates, so cached until the data changes."""
    published = Practice.objects.published()
    return {
        "practice_count": published.count(),
        "themes": list(
            published_counts(Theme, "themed_items__content_object").order_by("-practice_count", "name")[:HOME_THEMES]
        ),
        # Countries the published practices are about; passing mentions are on each country's page.
        "countries": list(
            published_counts(Country, "mentions__practice", mentions__strength=Strength.ABOUT).order_by("name")
        ),
        "theme_count": published_counts(Theme, "themed_items__content_object").count(),
        "toolkit_count": Toolkit.objects.count(),
    }


def home(request):
    published = Practice.objects.published()
    programmes = Programme.objects.prefetch_related(
        "organisers",
        Prefetch("participations", queryset=Participation.objects.select_related("country")),
    )
    context = {
        "programmes": programmes,
        "latest": with_card_data(published.order_by("-published_at", "title"))[:HOME_LATEST],
        **cached("home-counts", home_counts),
    }
    return render(request, "practices/home.html", context)


def filtered_practices(data):
    """The list's FilterSet for query-string `data`, with the messages of what it left out."""
    filterset = PracticeFilter(data, queryset=Practice.objects.published().in_list_order())
    errors = [str(message) for field_errors in filterset.errors.values() for message in field_errors]
    return filterset, errors


def facet_counts(filterset):
    """Every facet with its counts, cached per combination of filters until the data changes."""
    # The key is what the filters will use (validated), not the raw query string: `?q=a&q=b` searches "b".
    values = filterset.valid_values()
    params = (
        values.get("q", ""),
        values.get("mentions", ""),
        *(tuple(sorted(r.slug for r in values.get(name) or ())) for name in FACET_LIMITS),
    )

    return cached(
        "facets", lambda: [filterset.facet(name, limit) for name, limit in FACET_LIMITS.items()], params=params
    )


def cards(filterset, query):
    """The filtered practices with what their cards show, and their text when a search needs snippets."""
    practices = with_card_data(filterset.qs)
    return search.with_snippet_data(practices, query) if query else practices


@cache_public_page
def practice_list(request):
    if request.GET.get("q", "").strip():
        # A search's queries, its facet counts included, are planned without sequential scans.
        with search.planner_hint():
            return list_page(request)
    return list_page(request)


def list_page(request):
    filterset, errors = filtered_practices(request.GET)
    query = filterset.valid_values().get("q", "")
    page, page_error = paginate(request, cards(filterset, query), count=filterset.match_count)
    searched_for, suggestion = query, None
    if query and not page.paginator.count:
        # Nothing matched: retry with the closest known words, and say so.
        suggestion = suggest(query)
        if suggestion:
            data = request.GET.copy()
            data["q"] = suggestion
            filterset, errors = filtered_practices(data)
            query = suggestion
            page, page_error = paginate(request, cards(filterset, query), count=filterset.match_count)
    if page_error:
        errors.append(page_error)
    practices = list(page.object_list)
    if query:
        highlighted = snippets(practices, query)
        for practice in practices:
            practice.snippet = highlighted.get(practice.pk)
    page.object_list = practices
    context = {
        "filter": filterset,
        "page": page,
        "query_errors": errors,
        "facets": facet_counts(filterset),
        "query": query,
        "searched_for": searched_for,
        "suggestion": suggestion,
        # A search ranks at most this many matches; the page says so when it reaches it.
        "search_limit": search.ranking.LIMIT if query else None,
        "active": [(name, filterset.selected(name)) for name in FACET_LIMITS],
    }
    return render(request, "practices/practice_list.html", context, status=400 if errors else 200)


@condition(etag_func=content_etag)
def practice_detail(request, slug):
    practice = get_object_or_404(
        Practice.objects.published()
        .select_related("source_video")
        .prefetch_related(
            "themes",
            Prefetch("countrymention_set", queryset=CountryMention.objects.select_related("country")),
            Prefetch("toolkitmention_set", queryset=ToolkitMention.objects.select_related("toolkit")),
        ),
        slug=slug,
    )
    themes = list(practice.themes.all())
    context = {
        "practice": practice,
        "themes": themes,
        # Countries the practice is about, then those it only mentions; each with its strongest sentence.
        "countries_about": [m for m in practice.countrymention_set.all() if m.strength == Strength.ABOUT],
        "countries_mentioned": [m for m in practice.countrymention_set.all() if m.strength != Strength.ABOUT],
        "toolkit_mentions": practice.toolkitmention_set.all(),
        "related": related_practices(practice, themes),
        "linked_from": with_card_data(practice.linked_from.published()).order_by("title"),
    }
    return render(request, "practices/practice_detail.html", context)


def theme_list(request):
    themes = published_counts(Theme, "themed_items__content_object")
    by_count = request.GET.get("sort") == "count"
    themes = themes.order_by("-practice_count", "name") if by_count else themes.order_by("name")
    return render(request, "practices/theme_list.html", {"themes": themes, "by_count": by_count})


@condition(etag_func=content_etag)
def theme_detail(request, slug):
    theme = get_object_or_404(Theme, slug=slug)
    practices = with_card_data(Practice.objects.published().filter(themed_items__tag=theme).in_list_order())
    page, page_error = paginate(request, practices)
    return render(
        request,
        "practices/theme_detail.html",
        {"theme": theme, "page": page, "query_errors": [page_error] if page_error else []},
        status=400 if page_error else 200,
    )
