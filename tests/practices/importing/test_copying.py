"""What the importer writes in bulk (COPY on PostgreSQL) reads back exactly as it was, awkward characters included."""

import pytest
from django.utils import timezone

from practices.importing import import_notes
from practices.importing.copying import copy_instances
from practices.models import CandidateEvidence, Practice
from tests import factories

pytestmark = pytest.mark.django_db

# What COPY's text format treats specially (tab, newline, backslash, `\N` for NULL), quotes, accents.
AWKWARD = "tab\there, a backslash \\ and a literal \\N, \"quoted\" and 'apostrophes', café, ünïcode, 漢字"
NOTE = f"""---
title: The Common Assessment Framework in "quotes" \\ and café
---
## What

Our ministries used the Common Assessment Framework (CAF) with {AWKWARD} [00:01:05](https://www.youtube.com/watch?v=abcdefghijk&t=65s).
The Common Assessment Framework was then taught to every agency.

Line one\\
line two, and a tab:\tafter it.
"""


def test_a_new_practices_first_history_record_holds_exactly_its_texts(tmp_path):
    (tmp_path / "awkward.md").write_text(NOTE, encoding="utf-8")
    import_notes([tmp_path])
    practice = Practice.objects.get(note_key__endswith="awkward")
    first = practice.history.get(history_type="+")
    # (Its note's hash is written once the run is done with the note, after this record.)
    for name in ("title", "summary", "body_markdown", "body_html", "slug", "status"):
        assert getattr(first, name) == getattr(practice, name), name
    # The import's memory is not part of the history (migration 0026).
    assert not hasattr(first, "import_snapshot")
    assert AWKWARD in first.body_markdown and "\t" in first.body_markdown
    assert first.history_id is not None and first.history_date is not None


def test_candidate_phrases_keep_their_sentences_exactly(tmp_path):
    (tmp_path / "awkward.md").write_text(NOTE, encoding="utf-8")
    import_notes([tmp_path])
    evidence = CandidateEvidence.objects.filter(phrase="Common Assessment Framework")
    sentences = set(evidence.values_list("sentence", flat=True))
    # (A sentence's tab is a space: sentences are tidied before they are stored.)
    assert any(AWKWARD.replace("\t", " ") in sentence for sentence in sentences), sentences


def test_copied_rows_take_their_ids_from_the_database_and_keep_none():
    practice = factories.practice(title="Copied")
    history = Practice.history.model
    now = timezone.now()
    rows = [
        history(
            id=practice.pk,
            title=f"Copy {n} {AWKWARD}",
            slug=f"copy-{n}",
            summary="",
            body_markdown=AWKWARD,
            body_html="",
            status="draft",
            note_key="",
            note_channel="",
            note_hash="",
            created_at=now,
            updated_at=now,
            published_at=None,
            history_date=now,
            history_type="~",
        )
        for n in range(3)
    ]
    copy_instances(history, rows)
    copied = list(history.objects.filter(slug__startswith="copy-").order_by("slug"))
    assert [row.title for row in copied] == [f"Copy {n} {AWKWARD}" for n in range(3)]
    assert len({row.history_id for row in copied}) == 3
    assert all(row.published_at is None and row.history_user_id is None for row in copied)
    assert copied[0].body_markdown == AWKWARD and copied[0].history_date == now


def test_copied_practices_get_their_ids_first_and_later_inserts_follow_them_and_keep_json():
    snapshot = {"title": AWKWARD, "moments": [1, 2]}
    practices = [
        Practice(title=f"Copied {n} {AWKWARD}", slug=f"copied-{n}", summary=AWKWARD, import_snapshot=snapshot)
        for n in range(3)
    ]
    copy_instances(Practice, practices, with_ids=True)
    ids = [practice.pk for practice in practices]
    assert ids == sorted(ids) and None not in ids
    assert Practice.objects.get(pk=ids[0]).import_snapshot == snapshot
    assert dict(Practice.objects.filter(pk__in=ids).values_list("pk", "title")) == {
        practice.pk: practice.title for practice in practices
    }
    practices[0].summary = "Saved again."
    practices[0].save()  # an update of the copied row, not a second insert
    assert Practice.objects.filter(slug__startswith="copied-").count() == 3
    # The table's sequence moved past the copied ids: the next practice does not collide with them.
    assert factories.practice(title="After the copy").pk > max(ids)
    # Timestamps set on insert are set, as `bulk_create` sets them.
    assert all(p.created_at is not None for p in Practice.objects.filter(pk__in=ids))


def test_a_row_the_database_refuses_raises_djangos_error_and_writes_nothing():
    from django.db import DataError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("SQLite stores a text of any length")
    too_long = Practice(title="x" * 1000, slug="too-long")  # the title's column holds 300 characters
    with pytest.raises(DataError), transaction.atomic():
        copy_instances(Practice, [Practice(title="Fine", slug="fine"), too_long], with_ids=True)
    assert not Practice.objects.filter(slug__in=["fine", "too-long"]).exists()
