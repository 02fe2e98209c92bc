"""The download benchmark measures real downloads and refuses a database with practices of its own."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from practices.models import Practice
from tests import factories

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("bench_download", *args, stdout=out)
    return out.getvalue().splitlines()


def test_benchmark_creates_the_rows_and_prints_a_line_per_size_and_format():
    lines = run("--rows", "7", "3")
    assert lines[0].split()[:2] == ["rows", "format"]
    assert [line.split()[:2] for line in lines[1:]] == [["3", "csv"], ["3", "json"], ["7", "csv"], ["7", "json"]]
    assert Practice.objects.published().count() == 7
    assert Practice.objects.filter(countrymention__isnull=False).distinct().count() == 7


def test_benchmark_refuses_a_database_with_practices_of_its_own():
    factories.practice(slug="a-real-practice")
    with pytest.raises(CommandError, match="dedicated database"):
        run("--rows", "5")
    assert Practice.objects.count() == 1


def test_benchmark_runs_beside_other_practices_when_forced():
    factories.practice(slug="a-real-practice")
    lines = run("--rows", "4", "--force", "--tracemalloc")
    assert len(lines) == 3
    assert lines[0].endswith("py peak MiB")
    assert len(lines[1].split()) == 8  # rows, format, size, seconds, RSS, peak RSS, growth, Python peak
    assert Practice.objects.count() == 5
