"""Pages of countries, organisations, programmes, partnerships and toolkits, and their indexes."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incubator.models import Country, Organisation, Partnership, Programme, Toolkit
from practices.models import CountryMention, Practice, Strength
from tests import factories

pytestmark = pytest.mark.django_db


def html_of(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status
    html = response.content.decode()
    assert html.count("<h1") == 1
    return html


def test_country_page_shows_practices_with_evidence_programmes_toolkits_and_partnerships(client, seed):
    portugal = Country.objects.get(code="PT")
    factories.rich_practice(title="Lisbon foresight", countries=[portugal])
    factories.rich_practice(title="Hidden draft", countries=[portugal], status=Practice.Status.DRAFT)
    html = html_of(client, portugal.get_absolute_url())
    assert "Practices (1)" in html
    assert "Lisbon foresight" in html
    assert "<q>Portugal tried this first.</q>" in html
    assert "Hidden draft" not in html
    assert "Innovation Incubator" in html and "(pilot" in html
    assert "Anticipatory Innovation Starter Kit" in html
    assert f"{reverse('practices:practice_list')}?country=portugal" in html


def test_country_page_lists_partnerships_of_its_organisations(client, seed):
    estonia = Country.objects.get(code="EE")
    html = html_of(client, estonia.get_absolute_url())
    partnership = Partnership.objects.get(members__organisation__country=estonia)
    assert partnership.name in html
    assert "Accelerate Estonia" in html


def test_country_page_of_any_iso_country_works_empty(client, db):
    html = html_of(client, reverse("incubator:country_detail", args=["iceland"]))
    assert "No published practice names this country yet." in html


def test_country_page_bad_page_number_gives_a_message(client, db):
    response = client.get(reverse("incubator:country_detail", args=["iceland"]), {"page": "x"})
    assert response.status_code == 400
    assert "is not a page number" in response.content.decode()


def test_country_index_counts_published_practices_programmes_and_toolkits(client, seed):
    portugal = Country.objects.get(code="PT")
    factories.rich_practice(countries=[portugal])
    factories.rich_practice(countries=[portugal], status=Practice.Status.DRAFT)
    response = client.get(reverse("incubator:country_list"))
    rows = {c.code.code: (c.practice_count, c.programme_count, c.toolkit_count) for c in response.context["countries"]}
    assert rows["PT"] == (1, 1, 1)
    assert rows["DK"] == (0, 1, 0)
    assert "IS" not in rows


def test_toolkit_page_shows_its_facts_and_the_practices_that_mention_it(client, seed):
    kit = Toolkit.objects.get(slug="anticipatory-innovation-starter-kit")
    factories.rich_practice(title="Uses the kit", toolkits=[kit])
    factories.rich_practice(title="Draft uses the kit", toolkits=[kit], status=Practice.Status.DRAFT)
    html = html_of(client, kit.get_absolute_url())
    for label in ("Audience", "Type", "Licence", "Adaptability badge"):
        assert f"<dt>{label}</dt>" in html
    assert "Practices that mention it (1)" in html
    assert "Uses the kit" in html
    assert f"<q>They used the {kit.name}.</q>" in html
    assert "Draft uses the kit" not in html


def test_toolkit_index_counts_published_mentions(client, seed):
    kit = Toolkit.objects.get(slug="anticipatory-innovation-starter-kit")
    factories.rich_practice(toolkits=[kit])
    factories.rich_practice(toolkits=[kit], status=Practice.Status.DRAFT)
    response = client.get(reverse("incubator:toolkit_list"))
    counts = {t.slug: t.practice_count for t in response.context["toolkits"]}
    assert counts[kit.slug] == 1
    assert html_of(client, reverse("incubator:toolkit_list"))


def test_programme_page_groups_countries_by_phase(client, seed):
    programme = Programme.objects.get(slug="innovation-incubator")
    factories.participation(programme=programme, country=factories.country("FI"), phase="main")
    html = html_of(client, programme.get_absolute_url())
    assert "<h3>Pilot</h3>" in html
    assert "<h3>Main programme</h3>" in html
    pilot, main = html.index("<h3>Pilot</h3>"), html.index("<h3>Main programme</h3>")
    assert pilot < html.index("Denmark</a>", pilot) < main < html.index("Finland</a>", main)
    assert "European Commission" in html
    assert "Anticipatory Innovation Starter Kit" in html


def test_programme_index_lists_programmes(client, seed):
    html = html_of(client, reverse("incubator:programme_list"))
    assert "Innovation Incubator" in html


def test_partnership_page_shows_partners_and_toolkits(client, seed):
    partnership = Partnership.objects.get()
    html = html_of(client, partnership.get_absolute_url())
    for member in partnership.members.all():
        assert member.organisation.name in html
    for toolkit in partnership.toolkits.all():
        assert toolkit.name in html


def test_organisation_page_shows_what_it_organises(client, seed):
    opsi = Organisation.objects.get(short_name="OPSI")
    html = html_of(client, opsi.get_absolute_url())
    assert "Innovation Incubator" in html
    assert "Intergovernmental organisation" in html


@pytest.mark.parametrize("name", ["country", "organisation", "programme", "partnership", "toolkit"])
def test_unknown_slug_gives_the_styled_404(client, db, name):
    html = html_of(client, reverse(f"incubator:{name}_detail", args=["no-such-thing"]), status=404)
    assert "Page not found" in html
    assert 'rel="canonical"' not in html


def test_500_page_renders_without_a_request(db):
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert "Something went wrong" in html


def test_organisation_and_partnership_indexes_list_every_record(client, seed):
    html = html_of(client, reverse("incubator:organisation_list"))
    for organisation in Organisation.objects.all():
        assert organisation.get_absolute_url() in html
    html = html_of(client, reverse("incubator:partnership_list"))
    partnership = Partnership.objects.get()
    assert partnership.get_absolute_url() in html and partnership.purpose in html
    footer = html[html.index("<footer") :]
    assert reverse("incubator:organisation_list") in footer and reverse("incubator:partnership_list") in footer


def test_detail_pages_have_breadcrumbs_to_their_index(client, seed):
    pages = {
        Organisation.objects.get(short_name="OPSI").get_absolute_url(): "incubator:organisation_list",
        Partnership.objects.get().get_absolute_url(): "incubator:partnership_list",
        Programme.objects.get(slug="innovation-incubator").get_absolute_url(): "incubator:programme_list",
        Country.objects.get(code="PT").get_absolute_url(): "incubator:country_list",
        Toolkit.objects.get(slug="anticipatory-innovation-starter-kit").get_absolute_url(): "incubator:toolkit_list",
    }
    for url, index in pages.items():
        html = html_of(client, url)
        crumbs = html[
            html.index('<nav class="breadcrumbs" aria-label="Breadcrumb">') : html.index(
                "</nav>", html.index("breadcrumbs")
            )
        ]
        assert f'<a href="{reverse(index)}">' in crumbs and 'aria-current="page"' in crumbs, url


def test_empty_sections_are_left_out(client, db):
    lone = factories.organisation(slug="lone")
    html = html_of(client, lone.get_absolute_url())
    assert "None recorded" not in html
    assert "<h2>Programmes organised</h2>" not in html and "<h2>Toolkits developed</h2>" not in html
    html = html_of(client, reverse("incubator:country_detail", args=["iceland"]))
    assert "None recorded" not in html and 'id="toolkits-heading"' not in html


def test_country_index_has_a_map_of_its_practices(client, seed):
    factories.rich_practice(countries=[Country.objects.get(code="PT")])
    html = html_of(client, reverse("incubator:country_list"))
    assert 'aria-label="Portugal: 1 practice"' in html


def test_a_country_page_lists_newest_first_then_by_title_and_reads_no_practice_text(client, db):
    """Pages of mentions sort ids by the practices' dates; only the shown page's practices are loaded."""
    portugal = factories.country("PT")
    day = timezone.now() - timedelta(days=30)
    titles = {}
    for n in range(23):
        # Pairs of practices published the same moment: the title decides between them.
        published_at = day + timedelta(hours=n // 2)
        title = f"Practice {'B' if n % 2 else 'A'} {n:02d}"
        titles[title] = (published_at, title)
        factories.rich_practice(title=title, countries=[portugal], published_at=published_at)
    factories.rich_practice(title="Hidden draft", countries=[portugal], status=Practice.Status.DRAFT)
    passing = factories.rich_practice(title="Named in passing", countries=[portugal])
    CountryMention.objects.filter(practice=passing).update(strength=Strength.MENTIONS)
    expected = sorted(titles, key=lambda t: (-titles[t][0].timestamp(), t))

    with CaptureQueriesContext(connection) as captured:
        first = client.get(portugal.get_absolute_url())
    # Read now: the next request empties the connection's log.
    queries = [query["sql"] for query in captured.captured_queries]
    second = client.get(portugal.get_absolute_url(), {"page": 2})

    assert [m.practice.title for m in first.context["page"].object_list] == expected[:20]
    assert [m.practice.title for m in second.context["page"].object_list] == expected[20:]
    assert first.context["page"].paginator.count == 23
    assert [m.practice.title for m in first.context["also_mentioned"]] == ["Named in passing"]
    assert queries and not any("body_html" in sql for sql in queries)
