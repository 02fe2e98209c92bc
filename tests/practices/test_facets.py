"""Facet counts of the practice list: a search's and a filtered list's from bitsets of each option's
practices, the others one GROUP BY per facet, from the ids kept in each practice's row on PostgreSQL and from the link
tables on SQLite; the counts follow every way the links change."""

import random

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from practices.facet_bits import facet_bits
from practices.filters import PracticeFilter
from practices.models import CountryMention, Practice, Strength, ThemedPractice
from practices.search import refresh_search_vector
from practices.search.index import is_postgresql
from practices.themes import merge_themes
from tests import factories
from tests.practices.search import on_postgresql

pytestmark = pytest.mark.django_db

LIST = reverse("practices:practice_list")


def facet(client, name, **params):
    """{slug: (count, adds)} of facet `name` on the list with `params`, chosen options included."""
    cache.clear()  # the whole page is cached for anonymous visitors: render it afresh
    found = next(f for f in client.get(LIST, params).context["facets"] if f["name"] == name)
    return {o.slug: (o.count, o.adds) for o in found["chosen"] + found["options"]}


@pytest.fixture
def library():
    """Budgeting practices in Portugal and Denmark, one only mentioning Denmark, and one about tax."""
    pt, dk = factories.country("PT"), factories.country("DK")
    kit = factories.toolkit(name="Design kit", slug="design-kit")
    practices = {
        "pt": factories.rich_practice(title="Budgeting in Lisbon", themes=["Budgets"], countries=[pt], toolkits=[kit]),
        "both": factories.rich_practice(title="Budgeting in two countries", themes=["Budgets"], countries=[pt, dk]),
        "dk": factories.rich_practice(title="Danish budgeting lab", themes=["Labs", "Budgets"], countries=[dk]),
        "tax": factories.rich_practice(title="Tax simplification", themes=["Labs"], countries=[pt]),
    }
    CountryMention.objects.filter(practice=practices["both"], country=dk).update(strength=Strength.MENTIONS)
    refresh_search_vector([practices["both"].pk])  # written past the signals, as bulk writers must
    return practices


def test_search_facets_count_the_practices_that_match(client, library):
    assert facet(client, "theme", q="budgeting") == {"budgets": (3, 3), "labs": (1, 1)}
    assert facet(client, "country", q="budgeting") == {"portugal": (2, 2), "denmark": (1, 1)}
    assert facet(client, "toolkit", q="budgeting") == {"design-kit": (1, 1)}


def test_a_chosen_option_counts_what_each_other_option_adds(client, library):
    # Portugal chosen: Denmark's practice is not shown yet, so Denmark adds it.
    assert facet(client, "country", q="budgeting", country="portugal") == {"portugal": (2, 0), "denmark": (1, 1)}
    assert facet(client, "theme", theme="labs") == {"labs": (2, 0), "budgets": (3, 2)}


def test_facets_with_nothing_chosen_count_under_the_chosen_ones(client, library):
    # Counted together on SQLite (`link_counts_together`): each under the theme chosen, not their own.
    assert facet(client, "country", theme="labs") == {"portugal": (1, 1), "denmark": (1, 1)}
    assert facet(client, "toolkit", theme="labs") == {}
    assert facet(client, "toolkit", theme="budgets", q="lisbon") == {"design-kit": (1, 1)}


def test_with_mentions_included_the_country_facet_counts_passing_mentions(client, library):
    assert facet(client, "country", q="budgeting", mentions="include") == {"portugal": (2, 2), "denmark": (2, 2)}


def test_counts_follow_a_mention_saved_as_the_admin_saves_it(client, library):
    mention = CountryMention.objects.get(practice=library["both"], country__code="DK")
    mention.strength = Strength.ABOUT
    mention.save()
    assert facet(client, "country", q="budgeting")["denmark"] == (2, 2)


def test_counts_follow_a_theme_merge_and_a_deleted_link(client, library):
    labs = library["dk"].themes.get(slug="labs")
    merge_themes(library["pt"].themes.get(slug="budgets"), [labs])
    assert facet(client, "theme") == {"budgets": (4, 4)}
    ThemedPractice.objects.get(content_object=library["tax"]).delete()
    assert facet(client, "theme") == {"budgets": (3, 3)}


def test_options_show_a_renamed_theme_in_each_language(client, library):
    """Each process holds the options' records until the data changes: a rename shows at once."""
    assert facet(client, "theme")["labs"] == (2, 2)
    labs = library["dk"].themes.get(slug="labs")
    labs.name, labs.name_fr = "Policy labs", "Laboratoires"
    labs.save()
    labels = {}
    for language in ("en", "fr"):
        cache.clear()
        with translation.override(language):
            response = client.get(reverse("practices:practice_list"))
        found = next(f for f in response.context["facets"] if f["name"] == "theme")
        labels[language] = {o.slug: o.label for o in found["options"]}["labs"]
    assert labels == {"en": "Policy labs", "fr": "Laboratoires"}


def test_counts_follow_a_deleted_practice(client, library):
    library["pt"].delete()
    assert facet(client, "toolkit") == {}
    assert facet(client, "country", q="budgeting") == {"portugal": (1, 1), "denmark": (1, 1)}


def test_imported_practices_count_under_their_themes_and_countries(client, seed):
    from django.core.management import call_command

    from tests.conftest import FIXTURE_NOTES

    call_command("import_notes", str(FIXTURE_NOTES), "--status", "published", verbosity=0)
    practice = Practice.objects.get(note_key="sharing_and_disseminating_innovative_practices")
    theme = practice.themes.order_by("slug").first()
    assert facet(client, "theme")[theme.slug][0] == 1
    assert facet(client, "country")["estonia"][0] == 1


def stored_ids(practice):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT theme_ids, about_country_ids, country_ids, toolkit_ids FROM practices_practice WHERE id = %s",
            [practice.pk],
        )
        return cursor.fetchone()


def test_postgresql_keeps_the_ids_in_the_row_inline(library):
    if not on_postgresql():
        pytest.skip("the arrays of option ids exist only on PostgreSQL")
    both = library["both"]
    themes, about, mentioned, toolkits = stored_ids(both)
    assert themes == [both.themes.get().pk]
    assert about == [CountryMention.objects.get(practice=both, country__code="PT").country_id]
    assert sorted(mentioned) == sorted(both.countrymention_set.values_list("country_id", flat=True))
    assert toolkits == []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attstorage FROM pg_attribute WHERE attrelid = 'practices_practice'::regclass"
            " AND attname LIKE '%%_ids'"
        )
        assert dict(cursor.fetchall()) == dict.fromkeys(
            ["theme_ids", "about_country_ids", "country_ids", "toolkit_ids"], "p"
        )


def test_a_search_counts_follow_links_changed_after_the_process_held_them(client, library):
    """The bitsets a search counts with are held per process until the data changes (`facet_bits`)."""
    assert facet(client, "theme", q="budgeting") == {"budgets": (3, 3), "labs": (1, 1)}
    library["pt"].themes.add("Labs")
    assert facet(client, "theme", q="budgeting") == {"budgets": (3, 3), "labs": (2, 2)}
    mention = CountryMention.objects.get(practice=library["both"], country__code="DK")
    mention.strength = Strength.ABOUT
    mention.save()
    assert facet(client, "country", q="budgeting") == {"portugal": (2, 2), "denmark": (2, 2)}
    library["dk"].delete()
    assert facet(client, "theme", q="budgeting") == {"budgets": (2, 2), "labs": (1, 1)}


def test_a_search_counts_its_facets_without_grouping_its_matches(client, library):
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST, {"q": "budgeting", "country": "portugal"})
    queries = [query["sql"] for query in captured.captured_queries]
    assert response.context["page"].paginator.count == 2
    # SQLite's ranking groups a practice's two scores (English and French); nothing groups links or option ids.
    assert queries and not any("GROUP BY" in sql and "bm25(" not in sql for sql in queries)


def test_a_search_counts_equal_those_grouped_over_its_matches(seed):
    """Every count of the bitsets equals the one SQL groups, under searches, choices and mentions,
    and without a search."""
    countries = [factories.country(code) for code in ("PT", "DK", "EE", "FI")]
    kits = [factories.toolkit(name=f"Kit {n}", slug=f"kit-{n}") for n in range(3)]
    themes = ["Budgets", "Labs", "Foresight", "Data"]
    rng = random.Random(7)
    for n in range(40):
        practice = factories.rich_practice(
            title=rng.choice(["Budgeting lab", "Tax forms", "Foresight for budgets", "Open data"]) + f" {n}",
            themes=rng.sample(themes, rng.randint(0, 3)),
            countries=rng.sample(countries, rng.randint(0, 2)),
            toolkits=rng.sample(kits, rng.randint(0, 1)),
            status=Practice.Status.DRAFT if n % 9 == 0 else Practice.Status.PUBLISHED,
        )
        CountryMention.objects.filter(practice=practice, pk__in=practice.countrymention_set.values("pk")[:1]).update(
            strength=rng.choice([Strength.ABOUT, Strength.MENTIONS])
        )
    refresh_search_vector(list(Practice.objects.values_list("pk", flat=True)))
    choices = {"country": ["portugal", "denmark", "estonia"], "theme": ["budgets", "labs", "data"]}
    choices["toolkit"] = ["kit-0"]
    # "" is the list without a search: with an option chosen, its facets come from the bits too.
    for text in ("budgeting", "budgets", "-tax", '"open data"', "lab or forms", "nothingmatches", ""):
        for _ in range(4):
            data = QueryDict(mutable=True)
            data["q"] = text
            for name, slugs in choices.items():
                if rng.random() < 0.4:
                    data.setlist(name, rng.sample(slugs, rng.randint(1, min(2, len(slugs)))))
            if rng.random() < 0.4:
                data["mentions"] = "include"
            assert list_counts(data, by_bits=True) == list_counts(data, by_bits=False), data.urlencode()


def list_counts(data, by_bits):
    """The list's count and facets for `data`: from bitsets (the public list) or grouped by SQL."""
    cache.clear()
    filterset = PracticeFilter(data, queryset=Practice.objects.published().in_list_order())
    filterset.reads_search_rows = by_bits
    facets = [filterset.facet(name) for name in ("country", "theme", "toolkit")]
    # Without a search only the bits count the list apart; otherwise its paginator counts the queryset.
    count = filterset.match_count if filterset.match_count is not None else filterset.qs.count()
    return count, [[(o.pk, o.count, o.adds) for o in f["chosen"] + f["options"]] for f in facets]


def test_a_filtered_list_counts_its_facets_from_the_bits_of_published_practices(client, library):
    """Without a search, a list with an option chosen groups no links and counts no rows; drafts count nowhere."""
    draft = factories.rich_practice(
        title="Draft budget", themes=["Labs"], countries=[library["pt"].countries.first()], status="draft"
    )
    assert draft.status == Practice.Status.DRAFT
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST, {"country": "portugal"})
    # Neither its facets nor its size are counted in SQL.
    assert not any("GROUP BY" in query["sql"] or "COUNT(" in query["sql"] for query in captured.captured_queries)
    assert response.context["page"].paginator.count == 3
    assert facet(client, "theme", country="portugal") == {"budgets": (2, 2), "labs": (1, 1)}
    assert facet(client, "country", country="portugal") == {"portugal": (3, 0), "denmark": (1, 1)}


def test_bits_hold_practices_however_large_their_ids(client, library):
    # Past 32 bits: the ids are big integers.
    far = factories.rich_practice(pk=2**32 + 5, title="Budgeting far away", themes=["Labs"])
    unlinked = factories.practice(title="Budgeting alone")
    index = facet_bits()
    labs = far.themes.get().pk
    assert far.pk in index.options["theme"][labs] and {far.pk, unlinked.pk} <= set(index.published)
    assert facet(client, "theme", q="budgeting") == {"budgets": (3, 3), "labs": (2, 2)}
    cache.clear()
    assert client.get(LIST, {"q": "budgeting"}).context["page"].paginator.count == 5


def test_a_search_with_two_facets_chosen_reads_only_the_matches_some_facet_counts(library):
    """A match that fails two facets' choices counts in no facet: its id is not fetched."""
    finland = factories.country("FI")
    elsewhere = factories.rich_practice(title="Budgeting in Finland", themes=["Data"], countries=[finland])
    data = QueryDict(mutable=True)
    data.update({"q": "budgeting", "country": "portugal", "theme": "labs"})
    filterset = PracticeFilter(data, queryset=Practice.objects.published().in_list_order())
    filterset.reads_search_rows = True
    # PostgreSQL's search rows and SQLite's rows for "-tax" leave it out; SQLite's FTS5 indexes give
    # every match, cheaper than narrowing them.
    matched = set(filterset.search_rows.matching_ids() if is_postgresql() else filterset.rows_matching("budgeting"))
    assert matched == {library["pt"].pk, library["both"].pk, library["dk"].pk}
    assert elsewhere.pk not in matched
    assert list_counts(data, by_bits=True) == list_counts(data, by_bits=False)
