"""The import benchmark imports real-shaped notes twice, reports both runs and leaves nothing behind."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from practices.models import Practice, Theme
from tests import factories

pytestmark = pytest.mark.django_db


def test_imports_twice_reports_both_runs_and_removes_its_practices():
    out = StringIO()
    call_command("bench_import", "--notes", "3", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[1].startswith("bare Markdown, before the first import: ")
    assert "created 3" in lines[2] and lines[2].startswith("first import: 3 notes") and "peak memory" in lines[2]
    assert lines[3].startswith("bare Markdown, after the first import: ")
    assert lines[4].startswith("ratio of the first import to bare Markdown (mean of before and after): ")
    assert "unchanged 3" in lines[5] and lines[5].startswith("unchanged re-import: 3 notes")
    assert not Practice.objects.exists()
    assert not Theme.objects.exists()


def test_refuses_a_database_with_practices_of_its_own():
    factories.practice(slug="a-real-practice")
    with pytest.raises(CommandError, match="not benchmark data"):
        call_command("bench_import", "--notes", "2", stdout=StringIO())
    assert Practice.objects.count() == 1
