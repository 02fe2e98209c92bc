"""Cite this practice: formatted citations, and files reference managers and parsers read back."""

import json
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
import rispy
from django.urls import reverse
from django.utils import translation

from practices.citations import formatted
from tests import factories

pytestmark = pytest.mark.django_db

CSL_SCHEMA = json.loads((Path(__file__).parents[1] / "data" / "csl-data.json").read_text(encoding="utf-8"))
# Characters that break naive BibTeX and RIS writers: braces, LaTeX specials, a line break.
HOSTILE_TITLE = "Budgets {50% & more} for #1_users at $0 ~ \\ ^\nER  - "


@pytest.fixture
def practice():
    video = factories.video(youtube_id="_HySsiq_l6A", title="Sharing innovative practices")
    return factories.practice(
        title=HOSTILE_TITLE, slug="hostile", summary="How OPSI spreads what works.", source_video=video
    )


def download(client, practice, fmt):
    response = client.get(reverse("practices:practice_citation", args=[practice.slug, fmt]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return response.content.decode()


def test_bibtex_parses_with_the_title_and_link_intact(client, practice):
    library = bibtexparser.parse_string(download(client, practice, "bib"))
    assert library.failed_blocks == []
    (entry,) = library.entries
    assert entry.entry_type == "misc"
    assert entry["url"] == "http://testserver/practices/hostile/"
    assert entry["author"] == "{OPSI practices portal}"
    # Every special character is escaped, so the title is one field with balanced braces.
    assert entry["title"].startswith(r"Budgets \{50\% \& more\} for \#1\_users at \$0")
    assert entry["year"] == str(practice.published_at.year)


def test_ris_parses_into_one_record_despite_a_line_break_in_the_title(client, practice):
    records = rispy.loads(download(client, practice, "ris"))
    assert len(records) == 1
    record = records[0]
    assert record["type_of_reference"] == "ELEC"
    assert record["title"] == " ".join(HOSTILE_TITLE.split())
    assert record["urls"] == ["http://testserver/practices/hostile/"]
    assert "Sharing innovative practices" in record["notes"][0]


def test_csl_json_validates_against_the_csl_schema(client, practice):
    items = json.loads(download(client, practice, "csl.json"))
    jsonschema.validate(items, CSL_SCHEMA)
    # Stored as a form saves it, without the whitespace around it (opsi_portal.lib.text).
    assert items[0]["title"] == HOSTILE_TITLE.strip()
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{**items[0], "type": "not-a-type"}], CSL_SCHEMA)


def test_page_shows_apa_and_chicago_escaped_and_a_permalink(client, practice):
    factories.practice(title="<script>alert(1)</script>", slug="xss")
    html = client.get("/practices/xss/").content.decode()
    assert "<script>alert(1)</script>" not in html
    cite = html[html.index('id="cite"') :]
    assert cite.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2, "APA and Chicago both show the title as text"
    html = client.get(practice.get_absolute_url()).content.decode()
    cite = html[html.index('id="cite"') :]
    assert "<h3>APA</h3>" in cite and "<h3>Chicago</h3>" in cite
    assert f"OPSI practices portal. ({practice.published_at.year}" in cite
    assert 'class="permalink" href="http://testserver/practices/hostile/"' in cite
    for fmt in ("bib", "ris", "csl.json"):
        assert reverse("practices:practice_citation", args=["hostile", fmt]) in cite


def test_drafts_have_no_citation(client, db):
    draft = factories.practice(status="draft")
    assert client.get(reverse("practices:practice_citation", args=[draft.slug, "bib"])).status_code == 404


def test_formatted_citations_follow_the_item_and_the_language_though_remembered():
    item = {"id": "budgets", "type": "webpage", "title": "School budgets", "URL": "https://portal.example/p/"}
    item["accessed"] = {"date-parts": [[2026, 3, 5]]}
    with translation.override("en"):
        english = formatted(item)
        assert formatted(dict(item)) == english
        retitled = formatted({**item, "title": "Town budgets"})
    assert "School budgets" in english[0].html and "Town budgets" in retitled[0].html
    with translation.override("fr"):
        french = formatted(item)
    assert french != english and "mars" in french[0].html and "March" in english[0].html
