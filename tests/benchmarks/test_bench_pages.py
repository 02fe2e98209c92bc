"""The page benchmark command: builds its data, reports every page type, refuses a real library."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from benchmarks.guard import bench_practices
from practices.models import Practice, Theme
from tests import factories

pytestmark = pytest.mark.django_db

PAGE_TYPES = [
    "list, unfiltered",
    "list, page cached",
    "list, three filters",
    "search, common word",
    "search, mid word",
    "search, rare word",
    "search, 2 words",
    "search, 3 words",
    "search, phrase",
    "search common + 2 filters",
    "search mid + 2 filters",
    "search rare + 2 filters",
    "practice page",
    "country page",
]


def run(*args):
    out = StringIO()
    call_command("bench_pages", *args, stdout=out)
    return out.getvalue()


def test_builds_the_dataset_and_reports_every_page_type():
    output = run("--practices", "120", "--requests", "5", "--no-load")
    assert bench_practices().count() == 120
    assert Theme.objects.filter(slug__startswith="bench-").count() == 300
    practice = bench_practices().prefetch_related("themes").first()
    assert 5 <= len(practice.themes.all()) <= 10
    assert len(practice.body_markdown) > 1000
    for page_type in PAGE_TYPES:
        line = next(line for line in output.splitlines() if line.startswith(page_type))
        assert len(line.split()) >= 5, line


def test_refuses_a_database_with_practices_of_its_own():
    factories.practice(title="A real practice")
    with pytest.raises(CommandError, match="not benchmark data"):
        run("--practices", "100", "--requests", "5", "--no-load")
    assert not bench_practices().exists()


def test_remove_deletes_only_benchmark_data():
    run("--practices", "100", "--requests", "5", "--no-load")
    real = factories.practice(title="A real practice")
    run("--remove")
    assert list(Practice.objects.all()) == [real]
    assert not Theme.objects.filter(slug__startswith="bench-").exists()
