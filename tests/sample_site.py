"""A small filled portal for whole-page checks (HTML validity, accessibility, browser tests)."""

from django.urls import reverse

from incubator.models import Country, Organisation, Partnership, Programme, Toolkit
from practices.models import Origin
from tests import factories


def build_sample_site():
    """The seed records plus a few practices; returns the URL of one page of every type."""
    portugal, denmark = Country.objects.get(code="PT"), Country.objects.get(code="DK")
    kit = Toolkit.objects.get(slug="anticipatory-innovation-starter-kit")
    foresight = factories.theme(name="Anticipatory innovation", slug="anticipatory-innovation")
    peer = factories.theme(name="Peer learning", slug="peer-learning")
    video = factories.video(youtube_id="_HySsiq_l6A", title="Sharing and disseminating innovative practices")
    sharing = factories.rich_practice(
        title="Sharing and disseminating innovative practices",
        slug="sharing-and-disseminating-innovative-practices",
        summary="How OPSI and its partners spread what the Innovation Incubator learnt.",
        source_video=video,
        themes=[foresight, peer],
        countries=[portugal],
        toolkits=[kit],
    )
    factories.country_mention(sharing, denmark, origin=Origin.CURATOR, sentence="", seconds=None)
    lisbon = factories.rich_practice(
        title="Anticipation in Lisbon", slug="anticipation-in-lisbon", themes=[foresight], countries=[portugal]
    )
    factories.rich_practice(
        title="Learning circles in Copenhagen", slug="learning-circles", themes=[peer], countries=[denmark]
    )
    lisbon.links_to.add(sharing)
    return {
        "home": reverse("practices:home"),
        "list": reverse("practices:practice_list") + "?country=portugal&theme=anticipatory-innovation",
        "list_error": reverse("practices:practice_list") + "?country=atlantis",
        "practice": sharing.get_absolute_url(),
        "theme_list": reverse("practices:theme_list"),
        "theme": foresight.get_absolute_url(),
        "country_list": reverse("incubator:country_list"),
        "country": portugal.get_absolute_url(),
        "toolkit_list": reverse("incubator:toolkit_list"),
        "toolkit": kit.get_absolute_url(),
        "programme_list": reverse("incubator:programme_list"),
        "programme": Programme.objects.get(slug="innovation-incubator").get_absolute_url(),
        "partnership": Partnership.objects.get().get_absolute_url(),
        "organisation": Organisation.objects.get(short_name="OPSI").get_absolute_url(),
        "organisation_list": reverse("incubator:organisation_list"),
        "partnership_list": reverse("incubator:partnership_list"),
        "facet_options": reverse("practices:facet_options", args=["country"]) + "?theme=anticipatory-innovation",
        "api_docs": reverse("api:docs"),
        "not_found": "/no-such-page/",
    }
