"""`manage.py load_seed`: the seed records are created when missing and never overwritten, so
`make run` can run every day without undoing curators' work."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from incubator.models import Organisation, Participation, Programme, Toolkit
from practices.models import Practice
from tests.conftest import FIXTURE_NOTES

pytestmark = pytest.mark.django_db

SEED_KEY = "sharing_and_disseminating_innovative_practices"


def load_seed(*args):
    out = StringIO()
    call_command("load_seed", *args, stdout=out)
    return out.getvalue()


def make_seed():
    """The data steps of `make seed`: the records, then the seed note."""
    load_seed("incubator")
    call_command("import_notes", str(FIXTURE_NOTES), status="published", stdout=StringIO(), stderr=StringIO())


def test_a_second_seed_keeps_what_curators_changed():
    make_seed()
    toolkit = Toolkit.objects.get(slug="anticipatory-innovation-starter-kit")
    toolkit.url, toolkit.licence, toolkit.country = "https://example.org/kit", "CC BY 4.0", None
    toolkit.save()
    programme = Programme.objects.get(slug="innovation-incubator")
    programme.organisers.remove(Organisation.objects.get(slug="european-commission"))
    practice = Practice.objects.get(note_key=SEED_KEY)
    practice.title = "A curator's title"
    practice.save()
    make_seed()
    toolkit.refresh_from_db()
    assert (toolkit.url, toolkit.licence) == ("https://example.org/kit", "CC BY 4.0")
    assert toolkit.country is None
    assert list(programme.organisers.values_list("slug", flat=True)) == ["observatory-of-public-sector-innovation"]
    assert Practice.objects.get(note_key=SEED_KEY).title == "A curator's title"


def test_records_missing_from_the_database_are_created():
    first = load_seed("incubator")
    assert "created 12, kept 0" in first
    Toolkit.objects.filter(slug="anticipatory-innovation-starter-kit").delete()
    Participation.objects.filter(country__code="DK").delete()
    output = load_seed("incubator")
    assert "created 2, kept 10" in output
    assert Participation.objects.filter(country__code="DK", programme__slug="innovation-incubator").exists()
    # A record created again gets its links too.
    toolkit = Toolkit.objects.get(slug="anticipatory-innovation-starter-kit")
    assert (toolkit.country.code, toolkit.programme.slug) == ("PT", "innovation-incubator")


def test_dry_run_writes_nothing():
    output = load_seed("incubator", "--dry-run")
    assert "created 12, kept 0" in output and "dry run" in output
    assert not Toolkit.objects.exists()


def test_a_missing_or_broken_fixture_is_refused_and_writes_nothing(tmp_path):
    with pytest.raises(CommandError, match="no fixture named"):
        load_seed("no-such-fixture")
    broken = tmp_path / "broken.json"
    broken.write_text('[{"model": "incubator.toolkit", "fields": {"name": "Half", "slug": "half"}}, {"model": "x.y"}]')
    with pytest.raises(CommandError, match="cannot be read"):
        load_seed(str(broken))
    assert not Toolkit.objects.exists()
