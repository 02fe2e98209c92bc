"""What the benchmarks write, and the one guard that keeps them away from a real library.

Every practice, theme, toolkit and video a benchmark makes has a slug (or id) starting with
`bench`, so its data is easy to tell apart and to remove.
"""

from django.core.management.base import CommandError
from django.db import connection, transaction

from incubator.models import Toolkit
from opsi_portal.caching import bump_data_version
from practices.models import CountryMention, Practice, Theme, ThemedPractice, ToolkitMention, Video

PREFIX = "bench-"
VIDEO_PREFIX = "bench"


def bench_practices():
    return Practice.objects.filter(slug__startswith=PREFIX)


def foreign_practices():
    return Practice.objects.exclude(slug__startswith=PREFIX)


def refuse_foreign_data(force):
    """Stop unless the database holds only benchmark practices (or `force` says to write beside others)."""
    others = foreign_practices().count()
    if others and not force:
        raise CommandError(
            f"This database holds {others} practices that are not benchmark data; run the benchmark against a "
            "dedicated database (DATABASE_URL=..., see the README), or pass --force to write beside them."
        )


def remove_dataset():
    """Delete every record the benchmarks made, in plain SQL: per-row signals would take hours at this size."""
    practices = f"(SELECT id FROM {Practice._meta.db_table} WHERE slug LIKE %s)"  # noqa: S608  (a table name)
    toolkits = f"(SELECT id FROM {Toolkit._meta.db_table} WHERE slug LIKE %s)"  # noqa: S608
    themes = f"(SELECT id FROM {Theme._meta.db_table} WHERE slug LIKE %s)"  # noqa: S608
    deletions = [
        (ThemedPractice, f"content_object_id IN {practices} OR tag_id IN {themes}", 2),
        (CountryMention, f"practice_id IN {practices}", 1),
        (ToolkitMention, f"practice_id IN {practices} OR toolkit_id IN {toolkits}", 2),
        (Practice.links_to.through, f"from_practice_id IN {practices} OR to_practice_id IN {practices}", 2),
        (Practice, "slug LIKE %s", 1),
        (Toolkit, "slug LIKE %s", 1),
        (Theme, "slug LIKE %s", 1),
        (Video, "youtube_id LIKE %s", 1),
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for model, where, placeholders in deletions:
            pattern = f"{VIDEO_PREFIX}%" if model is Video else f"{PREFIX}%"
            # Table names come from the models; the only value is a parameter.
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE {where}", [pattern] * placeholders)  # noqa: S608
    bump_data_version()
