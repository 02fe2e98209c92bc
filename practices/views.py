"""Public pages of the library: home, the filtered list, a practice, themes."""

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, render

from incubator.models import Country, Participation, Programme, Toolkit
from opsi_portal.pagination import paginate

from .contents import contents
from .filters import PracticeFilter
from .models import CountryMention, Practice, Theme, ToolkitMention

# How many options each facet shows before pointing to its index page.
FACET_LIMITS = {"country": 30, "theme": 12, "toolkit": 20}
HOME_LATEST = 6
HOME_THEMES = 12
RELATED = 5


def with_card_data(practices):
    """What a practice card shows, fetched in a constant number of queries."""
    return practices.prefetch_related("themes", "countries")


def published_counts(model, relation):
    """Records of `model` with how many published practices reach them through `relation`."""
    return model.objects.filter(**{f"{relation}__in": Practice.objects.published().values("pk")}).annotate(
        practice_count=Count(relation)
    )


def home(request):
    published = Practice.objects.published()
    programmes = Programme.objects.prefetch_related(
        "organisers",
        Prefetch("participations", queryset=Participation.objects.select_related("country")),
    )
    context = {
        "programmes": programmes,
        "latest": with_card_data(published.order_by("-published_at", "title"))[:HOME_LATEST],
        "practice_count": published.count(),
        "themes": published_counts(Theme, "themed_items__content_object").order_by("-practice_count", "name")[
            :HOME_THEMES
        ],
        "countries": published_counts(Country, "mentions__practice").order_by("name"),
        "theme_count": published_counts(Theme, "themed_items__content_object").count(),
        "toolkit_count": Toolkit.objects.count(),
    }
    return render(request, "practices/home.html", context)


def practice_list(request):
    filterset = PracticeFilter(request.GET, queryset=Practice.objects.published())
    errors = [str(message) for field_errors in filterset.errors.values() for message in field_errors]
    page, page_error = paginate(request, with_card_data(filterset.qs))
    if page_error:
        errors.append(page_error)
    context = {
        "filter": filterset,
        "page": page,
        "errors": errors,
        "facets": [filterset.facet(name, limit) for name, limit in FACET_LIMITS.items()],
        "query": filterset.form.cleaned_data.get("q", ""),
        "active": [(name, filterset.selected(name)) for name in FACET_LIMITS],
    }
    return render(request, "practices/practice_list.html", context, status=400 if errors else 200)


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
    related = (
        with_card_data(Practice.objects.published())
        .exclude(pk=practice.pk)
        .filter(themed_items__tag__in=[theme.pk for theme in themes])
        .annotate(shared=Count("themed_items"))
        .order_by("-shared", "-published_at", "title")[:RELATED]
    )
    context = {
        "practice": practice,
        "themes": themes,
        "country_mentions": practice.countrymention_set.all(),
        "toolkit_mentions": practice.toolkitmention_set.all(),
        "contents": contents(practice.body_html),
        "related": related if themes else [],
        "linked_from": with_card_data(practice.linked_from.published()).order_by("title"),
    }
    return render(request, "practices/practice_detail.html", context)


def theme_list(request):
    themes = published_counts(Theme, "themed_items__content_object")
    by_count = request.GET.get("sort") == "count"
    themes = themes.order_by("-practice_count", "name") if by_count else themes.order_by("name")
    return render(request, "practices/theme_list.html", {"themes": themes, "by_count": by_count})


def theme_detail(request, slug):
    theme = get_object_or_404(Theme, slug=slug)
    practices = with_card_data(Practice.objects.published().filter(themed_items__tag=theme))
    page, page_error = paginate(request, practices)
    return render(
        request,
        "practices/theme_detail.html",
        {"theme": theme, "page": page, "errors": [page_error] if page_error else []},
        status=400 if page_error else 200,
    )
