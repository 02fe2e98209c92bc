"""CSV and JSON downloads of the filtered practice list, streamed row by row.

The download applies the list's `PracticeFilter` and default order to every published practice
(all pages, not only the visible one). Practices are read one page at a time by keyset (each query
starts after the last row sent and is short, so no statement timeout or long-held cursor cuts it)
and related records one page at a time, so memory stays flat however many rows there are. A
failure mid-stream ends the file with an error marker, so it never passes for a complete file.
"""

import csv
import datetime
import itertools
import json
import logging
from collections import defaultdict
from functools import reduce

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .filters import PracticeFilter
from .models import CountryMention, Practice, Strength, ThemedPractice, ToolkitMention
from .search.ranking import RANK

logger = logging.getLogger(__name__)

# Practices read per database round trip, each chunk with one query per related list.
CHUNK_SIZE = 1000
# What ends a file whose stream failed: CSV readers see a last row that says so; the JSON array is
# left unclosed, so no JSON parser accepts the truncated file.
CSV_ERROR_MARKER = "#ERROR: the download stopped early because of a server error; this file is incomplete.\r\n"
JSON_ERROR_MARKER = '\n{"error": "The download stopped early because of a server error; this file is incomplete."}\n'

# Separator of several values in one CSV cell; JSON gives lists instead.
CSV_LIST_SEPARATOR = "; "

# (column, meaning): the documented columns of both formats, in order; the API page shows the meanings translated.
COLUMNS = [
    ("slug", _("Stable identifier of the practice; also its address on the site and in the API.")),
    ("title_en", _("Title in English.")),
    ("title_fr", _("Title in French; empty when not yet translated.")),
    ("summary_en", _("One or two sentences about the practice, in English.")),
    ("summary_fr", _("The same in French; empty when not yet translated.")),
    ("url", _("Address of the practice's page.")),
    ("published_at", _("When it was added to the library (ISO 8601, UTC).")),
    ("updated_at", _("When it last changed (ISO 8601, UTC).")),
    ("countries", _("ISO 3166-1 alpha-2 codes of the countries it is about (happens in, or discusses).")),
    ("countries_mentioned", _("ISO 3166-1 alpha-2 codes of the countries it only mentions in passing.")),
    ("themes", _("Slugs of its themes.")),
    ("toolkits", _("Slugs of the toolkits it names.")),
    ("video_url", _("The YouTube video the practice's note was made from, if any.")),
    ("video_date", _("The date of that video (ISO 8601), when the notes give it; empty otherwise.")),
]
COLUMN_NAMES = [name for name, _meaning in COLUMNS]

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}

# Spreadsheets run cells starting with these as formulas (CSV injection); such cells get a quote.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def keyset_chunks(queryset, size=CHUNK_SIZE):
    """`queryset` in its order, `size` rows per query, each query starting after the last row read.

    The order's fields (model fields or an annotation such as the search's rank) end with the
    primary key, so the position is exact. Published practices always have `published_at`.
    """
    order = [*queryset.query.order_by]
    if not {"pk", "-pk", "id", "-id", "slug", "-slug"} & set(order):
        order.append("pk")
    queryset = queryset.order_by(*order)
    after = None
    while True:
        chunk = list((queryset.filter(_after(order, after)) if after else queryset)[:size])
        if chunk:
            yield chunk
        if len(chunk) < size:
            return
        after = [getattr(chunk[-1], field.lstrip("-")) for field in order]


def _after(order, values):
    """The rows that come after `values` in `order`: (a > x) or (a = x and b > y) or ..."""
    clauses = []
    for index, field in enumerate(order):
        name = field.lstrip("-")
        equal = {f.lstrip("-"): value for f, value in zip(order[:index], values[:index], strict=True)}
        lookup = f"{name}__lt" if field.startswith("-") else f"{name}__gt"
        clauses.append(Q(**equal, **{lookup: values[index]}))
    return reduce(lambda left, right: left | right, clauses)


def ranked_chunks(queryset, size=CHUNK_SIZE):
    """A search's matches in rank order, `size` rows per query.

    SQLite ranks with bm25 in an extra select that a filter cannot name, so there is no keyset to
    start after: the ranked ids are read once (one short column, as the list page reads them), then
    the rows `size` ids at a time.
    """
    ids = list(queryset.values_list("pk", flat=True))
    rows = queryset.model.objects.select_related("source_video").only(*PRACTICE_FIELDS).order_by()
    for start in range(0, len(ids), size):
        batch = ids[start : start + size]
        by_pk = rows.in_bulk(batch)
        yield [by_pk[pk] for pk in batch if pk in by_pk]


def chunks_in_order(queryset, size=CHUNK_SIZE):
    order = {field.lstrip("-") for field in queryset.query.order_by}
    if RANK in order:
        return ranked_chunks(queryset, size)
    return keyset_chunks(queryset.select_related("source_video").only(*PRACTICE_FIELDS), size)


def practice_rows(queryset, request):
    """The rows of `queryset`, reading practices and their related slugs one chunk at a time.

    Related records come as plain values, three queries per chunk: far lighter than
    prefetch_related, which builds a queryset per practice and relation.
    """
    for chunk in chunks_in_order(queryset, CHUNK_SIZE):
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
                "title_en": practice.title_en or "",
                "title_fr": practice.title_fr or "",
                "summary_en": practice.summary_en or "",
                "summary_fr": practice.summary_fr or "",
                "url": request.build_absolute_uri(practice.get_absolute_url()),
                "published_at": _isoformat(practice.published_at),
                "updated_at": _isoformat(practice.updated_at),
                "countries": about.get(practice.pk, []),
                "countries_mentioned": mentioned.get(practice.pk, []),
                "themes": themes.get(practice.pk, []),
                "toolkits": toolkits.get(practice.pk, []),
                "video_url": practice.source_video.url if practice.source_video else "",
                "video_date": practice.video_date.isoformat() if practice.video_date else "",
            }


# What a row reads of a practice; the text and its rendering stay in the database.
PRACTICE_FIELDS = [
    *("slug", "title_en", "title_fr", "summary_en", "summary_fr", "published_at", "updated_at"),
    *("source_video__youtube_id", "source_video__published_on"),
]


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
    # Both languages' columns whatever the language asked for; the order (a title sort, the
    # keyset's columns) is the English one, fixed here before the rows stream.
    with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
        filterset = PracticeFilter(request.GET, queryset=Practice.objects.published().in_list_order())
        if not filterset.is_valid():
            problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items())
            return HttpResponseBadRequest(f"Invalid filter: {problems}", content_type="text/plain; charset=utf-8")
        queryset = filterset.qs
    rows = practice_rows(queryset, request)
    # The first page is read before the status goes out, so a database that is down answers 503
    # (DatabaseUnavailableMiddleware) instead of a 200 with an empty file.
    first = next(rows, None)
    rows = itertools.chain([first] if first else [], rows)
    lines = csv_lines(rows) if fmt == "csv" else json_lines(rows)
    response = StreamingHttpResponse(ended_on_error(lines, fmt), content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{download_filename(fmt)}"'
    return response


def ended_on_error(lines, fmt):
    """The lines, then an error marker instead of the rest if producing them fails (logged)."""
    try:
        yield from lines
    except Exception:
        # The status line has gone out already; all that is left is to say so in the file itself.
        logger.exception("The %s download failed mid-stream", fmt)
        yield CSV_ERROR_MARKER if fmt == "csv" else JSON_ERROR_MARKER


def download_filename(fmt):
    return f"opsi-practices-{timezone.now():%Y-%m-%d}.{fmt}"
