"""CSV and JSON downloads of the filtered practice list, streamed row by row.

The download applies the list's `PracticeFilter` and default order to every published practice
(all pages, not only the visible one) and fetches related records one chunk at a time, so memory
stays flat however many rows there are.
"""

import csv
import datetime
import itertools
import json
from collections import defaultdict

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone

from .filters import PracticeFilter
from .models import CountryMention, Practice, Strength, ThemedPractice, ToolkitMention

# Practices read per database round trip, each chunk with one query per related list.
CHUNK_SIZE = 1000
# Separator of several values in one CSV cell; JSON gives lists instead.
CSV_LIST_SEPARATOR = "; "

# (column, meaning): the documented columns of both formats, in order.
COLUMNS = [
    ("slug", "Stable identifier of the practice; also its address on the site and in the API."),
    ("title", "Title."),
    ("summary", "One or two sentences about the practice."),
    ("url", "Address of the practice's page."),
    ("published_at", "When it was published (ISO 8601, UTC)."),
    ("updated_at", "When it last changed (ISO 8601, UTC)."),
    ("countries", "ISO 3166-1 alpha-2 codes of the countries it is about (happens in, or discusses)."),
    ("countries_mentioned", "ISO 3166-1 alpha-2 codes of the countries it only mentions in passing."),
    ("themes", "Slugs of its themes."),
    ("toolkits", "Slugs of the toolkits it names."),
    ("video_url", "The YouTube video the practice's note was made from, if any."),
]
COLUMN_NAMES = [name for name, _ in COLUMNS]

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}

# Spreadsheets run cells starting with these as formulas (CSV injection); such cells get a quote.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def practice_rows(queryset, request):
    """The rows of `queryset`, reading practices and their related slugs one chunk at a time.

    Related records come as plain values, three queries per chunk: far lighter than
    prefetch_related, which builds a queryset per practice and relation.
    """
    practices = queryset.select_related("source_video").only(*PRACTICE_FIELDS).iterator(chunk_size=CHUNK_SIZE)
    while chunk := list(itertools.islice(practices, CHUNK_SIZE)):
        ids = [practice.pk for practice in chunk]
        about, mentioned = _by_strength(
            CountryMention.objects.filter(practice__in=ids).values_list("practice", "country__code", "strength")
        )
        themes = _grouped(
            ThemedPractice.objects.filter(content_object__in=ids).values_list("content_object", "tag__slug")
        )
        toolkits = _grouped(ToolkitMention.objects.filter(practice__in=ids).values_list("practice", "toolkit__slug"))
        for practice in chunk:
            yield {
                "slug": practice.slug,
                "title": practice.title,
                "summary": practice.summary,
                "url": request.build_absolute_uri(practice.get_absolute_url()),
                "published_at": _isoformat(practice.published_at),
                "updated_at": _isoformat(practice.updated_at),
                "countries": about.get(practice.pk, []),
                "countries_mentioned": mentioned.get(practice.pk, []),
                "themes": themes.get(practice.pk, []),
                "toolkits": toolkits.get(practice.pk, []),
                "video_url": practice.source_video.url if practice.source_video else "",
            }


# What a row reads of a practice; the text and its rendering stay in the database.
PRACTICE_FIELDS = ["slug", "title", "summary", "published_at", "updated_at", "source_video__youtube_id"]


def _grouped(pairs):
    """{practice id: sorted values} from (practice id, value) pairs."""
    groups = defaultdict(list)
    for practice_id, value in pairs:
        groups[practice_id].append(value)
    return {practice_id: sorted(values) for practice_id, values in groups.items()}


def _by_strength(rows):
    """Country codes by practice id: (those it is about, those it only mentions), from (id, code, strength)."""
    rows = list(rows)
    about = _grouped((pk, code) for pk, code, strength in rows if strength == Strength.ABOUT)
    mentioned = _grouped((pk, code) for pk, code, strength in rows if strength != Strength.ABOUT)
    return about, mentioned


def _isoformat(moment):
    return moment.astimezone(datetime.UTC).isoformat() if moment else ""


def _csv_cell(value):
    if isinstance(value, list):
        value = CSV_LIST_SEPARATOR.join(value)
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class _Echo:
    """A file-like object whose write returns the text, so csv.writer produces lines to yield."""

    def write(self, value):
        return value


def csv_lines(rows):
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMN_NAMES)
    for row in rows:
        yield writer.writerow([_csv_cell(row[name]) for name in COLUMN_NAMES])


def json_lines(rows):
    """A JSON array, one object per line, written as the rows come."""
    yield "["
    separator = "\n"
    for row in rows:
        yield separator + json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False)
        separator = ",\n"
    yield "\n]\n"


def practice_download(request, fmt):
    """The filtered list of published practices as a CSV or JSON file, in the list's order."""
    filterset = PracticeFilter(request.GET, queryset=Practice.objects.published().in_list_order())
    if not filterset.is_valid():
        problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items())
        return HttpResponseBadRequest(f"Invalid filter: {problems}", content_type="text/plain; charset=utf-8")
    rows = practice_rows(filterset.qs, request)
    lines = csv_lines(rows) if fmt == "csv" else json_lines(rows)
    response = StreamingHttpResponse(lines, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{download_filename(fmt)}"'
    return response


def download_filename(fmt):
    return f"opsi-practices-{timezone.now():%Y-%m-%d}.{fmt}"
