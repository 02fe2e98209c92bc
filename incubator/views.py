"""Public pages of the reference records."""

from django.shortcuts import get_object_or_404, render

from .models import Country, Organisation, Partnership, Programme, Toolkit


def country_detail(request, slug):
    country = get_object_or_404(Country, slug=slug)
    participations = country.participations.select_related("programme")
    toolkits = country.toolkits.all()
    return render(
        request,
        "incubator/country_detail.html",
        {"country": country, "participations": participations, "toolkits": toolkits},
    )


def organisation_detail(request, slug):
    organisation = get_object_or_404(Organisation.objects.select_related("country"), slug=slug)
    return render(request, "incubator/organisation_detail.html", {"organisation": organisation})


def programme_detail(request, slug):
    programme = get_object_or_404(Programme, slug=slug)
    participations = programme.participations.select_related("country")
    return render(
        request,
        "incubator/programme_detail.html",
        {
            "programme": programme,
            "organisers": programme.organisers.all(),
            "participations": participations,
            "toolkits": programme.toolkits.all(),
            "partnerships": programme.partnerships.all(),
        },
    )


def partnership_detail(request, slug):
    partnership = get_object_or_404(Partnership.objects.select_related("programme"), slug=slug)
    members = partnership.members.select_related("organisation")
    return render(
        request,
        "incubator/partnership_detail.html",
        {"partnership": partnership, "members": members, "toolkits": partnership.toolkits.all()},
    )


def toolkit_detail(request, slug):
    toolkit = get_object_or_404(Toolkit.objects.select_related("country", "programme", "partnership"), slug=slug)
    return render(request, "incubator/toolkit_detail.html", {"toolkit": toolkit})
