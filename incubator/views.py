"""Public pages of the reference records: countries, organisations, programmes, partnerships, toolkits.

`incubator` does not import `practices`; the public practices are reached through the reverse
relations (`country.practices`, `toolkit.mentions`), whose querysets carry `published()`.
"""

from django.db.models import Case, Count, IntegerField, Prefetch, Q, Value, When
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import condition

from opsi_portal.caching import content_etag
from opsi_portal.lib.collation import alphabetical_key
from opsi_portal.pagination import paginate

from .models import Country, Organisation, Participation, Partnership, Programme, Toolkit
from .world_map import world_map

# How many practices that only mention a country its page lists below those about it.
ALSO_MENTIONED = 20

PHASE_ORDER = Case(
    *(When(phase=phase, then=Value(i)) for i, phase in enumerate(Participation.Phase.values)),
    output_field=IntegerField(),
)


def practice_model():
    """The practices app's Practice, behind `Country.practices`."""
    return Country._meta.get_field("practices").related_model


def published_practice_ids():
    """The ids of every public practice, as a subquery for counts (the cheapest way each database has)."""
    return practice_model().objects.published_ids()


def country_mention_model():
    """The model behind `Country.mentions` (the practices app's CountryMention), with its `about()` queryset."""
    return Country._meta.get_field("mentions").related_model


def published_mention_ids(mentions):
    """The ids of a record's mentions in published practices, newest practice first.

    Ids only: sorting thousands of mentions with their practices' whole rows read every row's texts.
    """
    practices = practice_model().objects
    published = mentions.filter(practices.published_through("practice"))
    return published.order_by(*practices.newest_first("practice")).values_list("pk", flat=True)


def mentions_in_order(model, ids, cards=True):
    """The mentions `ids` of `model`, in that order, with their practices (and what a card shows, with `cards`)."""
    mentions = model.objects.select_related("practice__source_video").defer(
        *(f"practice__{name}" for name in practice_model().CARD_DEFERRED)
    )
    if cards:
        card_countries = Prefetch(
            "practice__countrymention_set",
            queryset=country_mention_model().objects.about().select_related("country"),
            to_attr="about_mentions",
        )
        mentions = mentions.prefetch_related("practice__themes", card_countries)
    found = mentions.order_by().in_bulk(ids)
    # One deleted since its id was read is left out rather than failing the page.
    return [found[pk] for pk in ids if pk in found]


def paged_mentions(request, mentions):
    """A page of a record's mentions in published practices, each with what its practice card shows."""
    page, error = paginate(request, published_mention_ids(mentions))
    page.object_list = mentions_in_order(mentions.model, list(page.object_list))
    return page, [error] if error else []


def country_list(request):
    published = Q(mentions__practice__in=published_practice_ids())
    about = Q(mentions__in=country_mention_model().objects.about().values("pk"))
    countries = (
        Country.objects.annotate(
            practice_count=Count("mentions", filter=published & about, distinct=True),
            mentioned_count=Count("mentions", filter=published & ~about, distinct=True),
            programme_count=Count("participations__programme", distinct=True),
            toolkit_count=Count("toolkits", distinct=True),
        )
        .filter(Q(practice_count__gt=0) | Q(mentioned_count__gt=0) | Q(programme_count__gt=0) | Q(toolkit_count__gt=0))
        .order_by("name")
    )
    # In the page's language: French names sort differently ("Allemagne" comes first).
    countries = sorted(countries, key=lambda country: alphabetical_key(country.display_name))
    context = {
        "countries": countries,
        "world_map": world_map([(c, c.practice_count) for c in countries], Country.get_absolute_url),
    }
    return render(request, "incubator/country_list.html", context)


@condition(etag_func=content_etag)
def country_detail(request, slug):
    country = get_object_or_404(Country, slug=slug)
    page, errors = paged_mentions(request, country.mentions.about())
    # Practices that only mention the country (an affiliation, a list, one sentence): listed apart.
    in_passing = country.mentions.in_passing()
    # The first ones, and one more to tell whether the list goes on.
    also_mentioned_ids = list(published_mention_ids(in_passing)[: ALSO_MENTIONED + 1])
    also_mentioned = mentions_in_order(in_passing.model, also_mentioned_ids[:ALSO_MENTIONED], cards=False)
    context = {
        "country": country,
        "page": page,
        "also_mentioned": also_mentioned,
        "more_mentioned": len(also_mentioned_ids) > ALSO_MENTIONED,
        "query_errors": errors,
        "participations": country.participations.select_related("programme"),
        "toolkits": country.toolkits.all(),
        "organisations": country.organisations.all(),
        "partnerships": Partnership.objects.filter(
            Q(members__organisation__country=country) | Q(toolkits__country=country)
        ).distinct(),
    }
    return render(request, "incubator/country_detail.html", context, status=400 if errors else 200)


def organisation_list(request):
    organisations = Organisation.objects.select_related("country").annotate(
        programme_count=Count("programmes_organised", distinct=True),
        partnership_count=Count("memberships", distinct=True),
        toolkit_count=Count("toolkits", distinct=True),
    )
    return render(request, "incubator/organisation_list.html", {"organisations": organisations})


def partnership_list(request):
    partnerships = Partnership.objects.select_related("programme").annotate(
        partner_count=Count("members", distinct=True), toolkit_count=Count("toolkits", distinct=True)
    )
    return render(request, "incubator/partnership_list.html", {"partnerships": partnerships})


@condition(etag_func=content_etag)
def organisation_detail(request, slug):
    organisation = get_object_or_404(Organisation.objects.select_related("country"), slug=slug)
    context = {
        "organisation": organisation,
        "programmes": organisation.programmes_organised.all(),
        "memberships": organisation.memberships.select_related("partnership"),
        "toolkits": organisation.toolkits.all(),
    }
    return render(request, "incubator/organisation_detail.html", context)


def programme_list(request):
    programmes = Programme.objects.annotate(
        country_count=Count("participations__country", distinct=True), toolkit_count=Count("toolkits", distinct=True)
    )
    return render(request, "incubator/programme_list.html", {"programmes": programmes})


@condition(etag_func=content_etag)
def programme_detail(request, slug):
    programme = get_object_or_404(Programme, slug=slug)
    context = {
        "programme": programme,
        "organisers": programme.organisers.all(),
        # Ordered by phase, in the order phases happen, so the template can group the countries of each.
        "participations": programme.participations.select_related("country").order_by(PHASE_ORDER, "country__name"),
        "toolkits": programme.toolkits.select_related("country"),
        "partnerships": programme.partnerships.all(),
    }
    return render(request, "incubator/programme_detail.html", context)


@condition(etag_func=content_etag)
def partnership_detail(request, slug):
    partnership = get_object_or_404(Partnership.objects.select_related("programme"), slug=slug)
    context = {
        "partnership": partnership,
        "members": partnership.members.select_related("organisation__country"),
        "toolkits": partnership.toolkits.all(),
    }
    return render(request, "incubator/partnership_detail.html", context)


def toolkit_list(request):
    toolkits = Toolkit.objects.select_related("country").annotate(
        practice_count=Count("mentions", filter=Q(mentions__practice__in=published_practice_ids()))
    )
    return render(request, "incubator/toolkit_list.html", {"toolkits": toolkits})


@condition(etag_func=content_etag)
def toolkit_detail(request, slug):
    toolkit = get_object_or_404(
        Toolkit.objects.select_related("country", "programme", "partnership").prefetch_related("developers"),
        slug=slug,
    )
    page, errors = paged_mentions(request, toolkit.mentions.all())
    context = {"toolkit": toolkit, "page": page, "query_errors": errors}
    return render(request, "incubator/toolkit_detail.html", context, status=400 if errors else 200)
