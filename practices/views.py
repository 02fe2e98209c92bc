"""Public pages of the library: home, the filtered list, a practice, themes."""

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, prefetch_related_objects
from django.db.models.expressions import RawSQL
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import condition

from incubator.forms import country_slugs_for_codes
from incubator.models import Country, Participation, Programme, Toolkit
from incubator.world_map import world_map
from opsi_portal.caching import cache_public_page, cached, content_etag, held_records
from opsi_portal.lib.collation import alphabetical_key
from opsi_portal.pagination import paginate

from . import citations, linked_data, search
from .filters import PracticeFilter, facet_from_numbers, facet_numbers, labelled
from .glance import glance_of, lede_of
from .importing.parser import normalise_target
from .maps import list_map
from .models import (
    CountryMention,
    FormerSlug,
    Practice,
    Strength,
    Theme,
    ThemedPractice,
    ThemeRedirect,
    ThemeSpelling,
    ToolkitMention,
)
from .search import snippets, suggest
from .search.ranked_page import RankedPage

# How many options each facet shows before pointing to its index page.
FACET_LIMITS = {"country": 30, "theme": 12, "toolkit": 20}
HOME_LATEST = 6
HOME_THEMES = 12
RELATED = 5


# How many of the newest practices of each theme are considered for "related practices".
RELATED_POOL = 200


def card_countries(lookup="countrymention_set"):
    """The countries a card shows, those its practice is about, as `practice.about_mentions`."""
    about = CountryMention.objects.about().select_related("country")
    return Prefetch(lookup, queryset=about, to_attr="about_mentions")


def with_card_data(practices):
    """What a practice card shows, fetched in a constant number of queries."""
    return practices.for_cards().prefetch_related("themes", card_countries())


def with_card_facts(practices):
    """`practices`, a page of cards, with the themes and countries each card shows (`Practice.card_themes`).

    Two queries of ids; the themes and countries are records the process holds until the data
    changes (`held_records`), so a page of cards builds none (the prefetches of `with_card_data`
    build each card's, and django-taggit's builds a query per card besides).
    """
    ids = [practice.pk for practice in practices]
    theme_ids = ThemedPractice.objects.filter(content_object_id__in=ids).values_list("content_object_id", "tag_id")
    country_ids = CountryMention.objects.about().filter(practice_id__in=ids).values_list("practice_id", "country_id")
    themes_of, countries_of = grouped_records(Theme, theme_ids), grouped_records(Country, country_ids)
    for practice in practices:
        practice.card_facts = (themes_of.get(practice.pk, []), countries_of.get(practice.pk, []))
    return practices


def grouped_records(model, pairs):
    """{owner id: [record of `model`, by name]} of (owner id, record id) `pairs`."""
    pairs = list(pairs.order_by())
    records = held_records(model, {record_id for _, record_id in pairs})
    grouped = {}
    for owner_id, record_id in pairs:
        grouped.setdefault(owner_id, []).append(records[record_id])
    # Names in the active language, in code point order like both databases' collations here.
    return {owner_id: sorted(group, key=lambda record: record.held_name) for owner_id, group in grouped.items()}


def related_practices(practice, themes, prefetch=True):
    """Published practices sharing most themes with `practice`, newest first among equals.

    Only the newest RELATED_POOL practices of each theme are counted, so a theme thousands of
    practices share costs no more than a rare one.
    """
    if not themes:
        return []
    published = Practice.objects.published()
    published = with_card_data(published) if prefetch else published.for_cards()
    tag_ids = [theme.pk for theme in themes]
    best = _related_pool_postgresql if connection.vendor == "postgresql" else _related_pool_sqlite
    shared = Count("themed_items", filter=Q(themed_items__tag__in=tag_ids))
    return list(published.filter(pk__in=best(practice, tag_ids)).annotate(shared=shared).order_by("-shared", "-pk"))


def _related_pool_postgresql(practice, tag_ids):
    return RawSQL(
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


def _related_pool_sqlite(practice, tag_ids):
    # SQLite has no LATERAL: one arm per theme, each walking the theme's index newest first. Whether
    # a practice is published comes from its narrow search row, not its row behind the note texts.
    arm = (
        "SELECT * FROM (SELECT tp.content_object_id FROM practices_themedpractice AS tp"
        " JOIN practices_search_row AS listed ON listed.id = tp.content_object_id"
        " WHERE tp.tag_id = %s AND listed.published AND tp.content_object_id <> %s"
        " ORDER BY tp.content_object_id DESC LIMIT %s)"
    )
    pool = " UNION ALL ".join([arm] * len(tag_ids))
    params = [value for tag_id in tag_ids for value in (tag_id, practice.pk, RELATED_POOL)]
    return RawSQL(  # noqa: S611  (placeholders only)
        f"SELECT content_object_id FROM ({pool}) GROUP BY content_object_id"  # noqa: S608
        " ORDER BY COUNT(*) DESC, content_object_id DESC LIMIT %s",
        [*params, RELATED],
    )


def published_counts(model, relation, **conditions):
    """Records of `model` with how many published practices reach them through `relation` (on `conditions`)."""
    # One filter() call, so the conditions and the count share the join: only matching links are counted.
    return model.objects.filter(**{f"{relation}__in": Practice.objects.published_ids()}, **conditions).annotate(
        practice_count=Count(relation)
    )


def home_counts():
    """The home page's counts: whole-table aggregates, so cached until the data changes."""
    return {
        "practice_count": Practice.objects.published_ids().count(),
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
    context["countries"] = sorted(context["countries"], key=lambda country: alphabetical_key(country.display_name))
    counted = [(country, country.practice_count) for country in context["countries"]]
    context["world_map"] = world_map(counted, Country.get_absolute_url)
    return render(request, "practices/home.html", context)


def filtered_practices(data):
    """The list's FilterSet for query-string `data`, with the messages of what it left out."""
    filterset = PracticeFilter(data, queryset=Practice.objects.published().in_list_order())
    filterset.reads_search_rows = True
    errors = [str(message) for field_errors in filterset.errors.values() for message in field_errors]
    return filterset, errors


def facet_counts(filterset):
    """Every facet with its counts, cached per combination of filters until the data changes.

    The country facet comes with all its options: the map shows them all; `trimmed` cuts it for the form.
    """
    limits = {**FACET_LIMITS, "country": None}
    numbers = cached(
        "facets",
        lambda: [facet_numbers(filterset.facet(name, limit)) for name, limit in limits.items()],
        params=filterset.cache_params(),
    )
    return [facet_from_numbers(facet) for facet in numbers]


def trimmed(facet):
    """The facet as the form shows it: the chosen options and the FACET_LIMITS first others."""
    limit = FACET_LIMITS[facet["name"]]
    shown = {**facet, "options": facet["options"][:limit], "more": facet["more"] or len(facet["options"]) > limit}
    # Said, not left out: for a missing key Django lists the dict's attributes, once per option.
    shown["with_words"] = False
    return labelled(shown)


def cards(filterset, query):
    """The filtered practices with what their cards show, and what a search's snippets need."""
    rows = filterset.ranked_rows
    if rows and not filterset.sorted_by_choice:
        # Ranked from narrow rows (`PracticeFilter.ranked_rows`); only the shown page's practices are loaded.
        return RankedPage(rows, filterset.match_count, lambda ids: cards_of(Practice.objects.filter(pk__in=ids), query))
    return cards_of(filterset.qs, query)


def cards_of(practices, query):
    # The list's page gets its cards' themes and countries from `with_card_facts`.
    practices = practices.for_cards()
    return search.with_snippet_data(practices, query) if query else practices


def address_with_country_slugs(request):
    """The list's address with countries by slug when `?country=` named ISO codes; None when it did not."""
    values = request.GET.getlist("country")
    slugs = country_slugs_for_codes(values)
    if slugs == values:
        return None
    query = request.GET.copy()
    query.setlist("country", slugs)
    return f"{request.path}?{query.urlencode()}"


@cache_public_page(parameters=[*PracticeFilter.base_filters, "page"])
def practice_list(request):
    # `?country=PT` (as the API names countries) is the page of `?country=portugal`: one address for each list.
    canonical = address_with_country_slugs(request)
    if canonical:
        return redirect(canonical)
    if request.GET.get("q", "").strip():
        # A search's queries, its facet counts included, are planned without sequential scans.
        with search.planner_hint():
            return list_page(request)
    return list_page(request)


def searched_page(request, data):
    """The filters of `data`, their messages and the requested page of practices."""
    filterset, errors = filtered_practices(data)
    query = filterset.valid_values().get("q", "")
    page, page_error = paginate(request, cards(filterset, query), count=filterset.match_count)
    return filterset, errors + ([page_error] if page_error else []), query, page


def list_page(request):
    filterset, errors, query, page = searched_page(request, request.GET)
    searched_for, suggestion = query, None
    if query and not page.paginator.count and not search.matches_any_published(query):
        # The words match nothing at all (not merely nothing under these filters): retry with the
        # closest known words, and say so.
        suggestion = suggest(query)
        if suggestion:
            data = request.GET.copy()
            data["q"] = suggestion
            filterset, errors, query, page = searched_page(request, data)
    practices = with_card_facts(list(page.object_list))
    if query:
        found = snippets(practices, query)
        for practice in practices:
            practice.snippet = found.get(practice.pk)
    page.object_list = practices
    facets = facet_counts(filterset)
    context = {
        "filter": filterset,
        "page": page,
        "query_errors": errors,
        "facets": [trimmed(facet) for facet in facets],
        "query": query,
        "searched_for": searched_for,
        "suggestion": suggestion,
        "active": [(name, filterset.selected(name)) for name in FACET_LIMITS],
        "active_count": sum(len(filterset.selected(name)) for name in FACET_LIMITS) + bool(query),
        "world_map": list_map(next(f for f in facets if f["name"] == "country"), request),
        # The theme index's long tail, counted under these filters.
        "theme_index_query": list_query(request).urlencode(),
    }
    return render(request, "practices/practice_list.html", context, status=400 if errors else 200)


def published_practice(slug):
    """The practice of a public page, with what its page and citations show, or 404."""
    return get_object_or_404(
        Practice.objects.published()
        .select_related("source_video")
        .prefetch_related(
            "themes",
            Prefetch("countrymention_set", queryset=CountryMention.objects.select_related("country")),
            Prefetch(
                "toolkitmention_set",
                queryset=ToolkitMention.objects.select_related(
                    "toolkit__programme", "toolkit__partnership__programme"
                ).prefetch_related("toolkit__developers"),
            ),
        ),
        slug=slug,
    )


def moved_practice(slug):
    """A permanent redirect from a practice's former address to its page, or 404."""
    former = get_object_or_404(FormerSlug.objects.filter(practice__in=Practice.objects.published()), slug=slug)
    return redirect(reverse("practices:practice_detail", args=[former.practice.slug]), permanent=True)


@condition(etag_func=content_etag)
def practice_detail(request, slug):
    try:
        practice = published_practice(slug)
    except Http404:
        return moved_practice(slug)
    themes = list(practice.themes.all())
    country_mentions = list(practice.countrymention_set.all())
    toolkit_mentions = list(practice.toolkitmention_set.all())
    # Both lists of cards get their themes and countries in one pair of queries.
    related = related_practices(practice, themes, prefetch=False)
    linked_from = list(practice.linked_from.published().for_cards().order_by("title"))
    prefetch_related_objects([*related, *linked_from], "themes", card_countries())
    countries_about = [m for m in country_mentions if m.strength == Strength.ABOUT]
    url = request.build_absolute_uri(practice.get_absolute_url())
    context = {
        "practice": practice,
        "permalink": url,
        "themes": themes,
        "country_mentions": country_mentions,
        # Countries the practice is about, then those it only mentions; each with its strongest sentence.
        "countries_about": countries_about,
        "countries_mentioned": [m for m in country_mentions if m.strength != Strength.ABOUT],
        "toolkit_mentions": toolkit_mentions,
        "glance": glance_of(themes, countries_about, toolkit_mentions),
        "lede": lede_of(practice),
        "video_start": practice.source_video.url_at(0) if practice.source_video else "",
        "citations": citations.formatted(citations.csl_item(practice, url)),
        "json_ld": linked_data.script_json(linked_data.article(practice, url, countries_about, themes)),
        "related": related,
        "linked_from": linked_from,
    }
    return render(request, "practices/practice_detail.html", context)


def practice_citation(request, slug, fmt):
    """The practice's citation as a file: BibTeX, RIS or CSL-JSON."""
    practice = get_object_or_404(Practice.objects.published().select_related("source_video"), slug=slug)
    item = citations.csl_item(practice, request.build_absolute_uri(practice.get_absolute_url()))
    content_type, extension = citations.FORMATS[fmt]
    response = HttpResponse(citations.WRITERS[fmt](item), content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{practice.slug}.{extension}"'
    return response


# The practice list's parameters the theme index carries, so a theme chosen there joins the filters.
LIST_PARAMETERS = ("q", "country", "theme", "toolkit", "sort")
THEMES_PER_PAGE = 100
FIND_MAX_LENGTH = 100


def theme_options(filterset, find):
    """Themes with how many practices each gives under the list's other filters, found by `find`."""
    matching = filterset.queryset_without("theme").values("pk")
    themes = Theme.objects.filter(themed_items__content_object__in=matching).annotate(
        practice_count=Count("themed_items")
    )
    if find:
        # By its English or French name, or by any spelling the notes link with ("ecosystems" finds
        # "Innovation ecosystem").
        found = Q(name_en__icontains=find) | Q(name_fr__icontains=find)
        if normalise_target(find):
            found |= Exists(ThemeSpelling.objects.filter(theme=OuterRef("pk"), key__contains=normalise_target(find)))
        themes = themes.filter(found)
    return themes


def list_query(request):
    """The practice list's filters of this request, as a query string (without the page)."""
    query = QueryDict(mutable=True)
    for name in LIST_PARAMETERS:
        values = [value for value in request.GET.getlist(name) if value]
        if values:
            query.setlist(name, values)
    return query


def theme_list(request):
    """Every theme, most shared first; with the list's filters, counts under them and links back to the list."""
    filterset, errors = filtered_practices(request.GET)
    find = request.GET.get("find", "").strip()[:FIND_MAX_LENGTH]
    by_name = request.GET.get("order") == "name"
    themes = theme_options(filterset, find)
    themes = themes.order_by("name") if by_name else themes.order_by("-practice_count", "name")
    page, page_error = paginate(request, themes, per_page=THEMES_PER_PAGE)
    if page_error:
        errors.append(page_error)
    carried = list_query(request)
    if carried:
        chosen = set(carried.getlist("theme"))
        for theme in page.object_list:
            query = carried.copy()
            query.setlist("theme", sorted(chosen | {theme.slug}))
            theme.list_url = f"{reverse('practices:practice_list')}?{query.urlencode()}"
    context = {
        "themes": page.object_list,
        "page": page,
        "by_name": by_name,
        "find": find,
        "carried": carried,
        "carried_fields": [(name, value) for name in carried for value in carried.getlist(name)],
        "query_errors": errors,
    }
    return render(request, "practices/theme_list.html", context, status=400 if errors else 200)


def theme_or_redirect(slug):
    """The theme at `slug`, or a permanent redirect when the slug is a merged theme's or a spelling's."""
    theme = Theme.objects.filter(slug=slug).first()
    if theme is not None:
        return theme, None
    moved = ThemeRedirect.objects.filter(old_slug=slug).select_related("theme").first()
    if moved is None:
        # Notes link to a theme by its spelling (`[[innovation ecosystems]]`): the joined theme answers.
        moved = ThemeSpelling.objects.filter(key=slug.replace("-", " ")).select_related("theme").first()
    if moved is None:
        raise Http404("No such theme")
    return None, redirect(moved.theme, permanent=True)


@condition(etag_func=content_etag)
def theme_detail(request, slug):
    theme, moved = theme_or_redirect(slug)
    if moved is not None:
        return moved
    practices = with_card_data(Practice.objects.published().filter(themed_items__tag=theme).in_list_order())
    page, page_error = paginate(request, practices)
    topic_notes = Practice.objects.published().filter(themed_items__tag=theme, themed_items__is_topic=True)
    context = {
        "theme": theme,
        "page": page,
        "topic_notes": topic_notes.only("title", "slug", "summary").order_by("title"),
        "query_errors": [page_error] if page_error else [],
    }
    return render(request, "practices/theme_detail.html", context, status=400 if page_error else 200)
