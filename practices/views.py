"""Public pages of the library."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from incubator.models import Participation, Programme

from .models import Practice, Theme


def home(request):
    programmes = Programme.objects.prefetch_related(
        "organisers",
        Prefetch("participations", queryset=Participation.objects.select_related("country")),
    )
    latest = Practice.objects.published().order_by("-published_at")[:6]
    return render(request, "practices/home.html", {"programmes": programmes, "latest": latest})


def practice_list(request):
    practices = Practice.objects.published().order_by("-published_at", "title")
    return render(request, "practices/practice_list.html", {"practices": practices})


def practice_detail(request, slug):
    practice = get_object_or_404(Practice.objects.published().select_related("source_video"), slug=slug)
    return render(request, "practices/practice_detail.html", {"practice": practice})


def theme_detail(request, slug):
    theme = get_object_or_404(Theme, slug=slug)
    practices = Practice.objects.published().filter(themes=theme)
    return render(request, "practices/theme_detail.html", {"theme": theme, "practices": practices})
