"""The migrations that added English and French columns keep every existing text, as the English one."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("incubator", "0003_history"), ("practices", "0012_merge_0006_theme_spellings_0011_merge_20261202_0615")]
AFTER = [("incubator", "0004_record_translations"), ("practices", "0014_french_search")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_records_keep_their_texts_as_english():
    old = migrate(BEFORE)
    programme = old.get_model("incubator", "Programme").objects.create(
        name="Innovation Incubator", slug="incubator", summary="Pilots in three countries."
    )
    practice = old.get_model("practices", "Practice").objects.create(title="School budgets", slug="budgets")
    theme = old.get_model("practices", "Theme").objects.create(name="Participation", slug="participation")

    new = migrate(AFTER)
    programme = new.get_model("incubator", "Programme").objects.get(pk=programme.pk)
    assert (programme.name_en, programme.summary_en, programme.name_fr) == (
        "Innovation Incubator",
        "Pilots in three countries.",
        None,
    )
    assert new.get_model("practices", "Practice").objects.get(pk=practice.pk).title_en == "School budgets"
    assert new.get_model("practices", "Theme").objects.get(pk=theme.pk).name_en == "Participation"
