"""The abuse load test is bounded and keeps to benchmark data (its run itself is a command, not a test)."""

import random
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import CommandError, call_command

from benchmarks.abuse import OR_TERMS, abusive_search
from practices.filters import SEARCH_MAX_LENGTH
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("duration", ["0", "121"])
def test_the_duration_is_bounded(duration):
    with pytest.raises(CommandError, match="--duration takes 1 to 120 seconds"):
        call_command("bench_abuse", "--duration", duration, stdout=StringIO())


def test_refuses_a_database_with_practices_of_its_own():
    factories.practice(slug="a-real-practice")
    with pytest.raises(CommandError, match="not benchmark data"):
        call_command("bench_abuse", "--duration", "1", stdout=StringIO())


def test_abusive_searches_are_new_each_time_and_fit_the_search_box():
    rng = random.Random(1)
    queries = [parse_qs(urlsplit(abusive_search(rng)).query)["q"][0] for _ in range(50)]
    assert len(set(queries)) == 50
    assert all(query.count(" or ") == OR_TERMS - 1 and len(query) <= SEARCH_MAX_LENGTH for query in queries)
