"""English at the old addresses, French under /fr/: the catalogue, the switch, hreflang, the pages in French."""

import re
import shutil
import subprocess
from html import unescape
from html.parser import HTMLParser

import polib
import pytest
from django.template import Context, Template
from django.utils import translation

from incubator.models import Country, Organisation, Partnership, Programme, Toolkit
from practices.models import Practice, Theme
from tests.conftest import PROJECT_ROOT
from tests.sample_site import build_sample_site

FRENCH_PO = PROJECT_ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
# Elements whose text is not the interface: code samples, scripts, and text in another language.
SKIPPED_TAGS = {"script", "style", "code"}
# Attributes people hear or read (screen readers, tooltips, search results).
READ_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder"}


def french_catalogue():
    return polib.pofile(str(FRENCH_PO))


def test_the_french_catalogue_is_complete():
    catalogue = french_catalogue()
    assert catalogue.fuzzy_entries() == []
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert catalogue.obsolete_entries() == []
    assert len(catalogue.translated_entries()) > 300


def test_every_french_message_keeps_the_placeholders_of_its_english_one():
    for entry in french_catalogue():
        if entry.msgid_plural:
            assert set(PLACEHOLDER.findall(entry.msgstr_plural[1])) == set(PLACEHOLDER.findall(entry.msgid_plural))
        else:
            assert set(PLACEHOLDER.findall(entry.msgstr)) == set(PLACEHOLDER.findall(entry.msgid)), entry.msgid


def test_msgfmt_accepts_the_french_catalogue():
    if shutil.which("msgfmt") is None:
        pytest.skip("GNU gettext is not installed: scripts/system-deps.sh installs it")
    result = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(FRENCH_PO)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr and "untranslated" not in result.stderr, result.stderr


class PageText(HTMLParser):
    """The text a visitor reads or hears, one piece per text node or read attribute.

    Text inside an element with another `lang` (an English record's title on a French page) and
    code samples are left out.
    """

    def __init__(self, language):
        super().__init__()
        self.language = language
        self.stack = []  # (tag, skipped) of the open elements
        self.pieces = []

    def skipping(self):
        return any(skipped for _tag, skipped in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        other_language = attrs.get("lang") not in (None, self.language)
        skipped = tag in SKIPPED_TAGS or other_language
        if not (self.skipping() or skipped):
            self.pieces += [value for name, value in attrs.items() if name in READ_ATTRIBUTES and value]
            if tag == "meta" and attrs.get("name") == "description":
                self.pieces.append(attrs.get("content", ""))
        if tag not in {"meta", "link", "input", "br", "img", "path", "circle", "rect", "hr"}:
            self.stack.append((tag, skipped))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self.skipping():
            self.pieces.append(text)


def page_text(html, language):
    parser = PageText(language)
    parser.feed(html)
    return parser.pieces


def english_fragments():
    """Each English message of the catalogue, cut at its placeholders and tags, that French changes.

    Messages identical in both languages ("Page", "Type", "Programmes") are no sign of a missing
    translation and are left out.
    """
    fragments = set()
    for entry in french_catalogue():
        pairs = [(entry.msgid, entry.msgstr)]
        if entry.msgid_plural:
            pairs = [(entry.msgid, entry.msgstr_plural[0]), (entry.msgid_plural, entry.msgstr_plural[1])]
        for english, french in pairs:
            if english == french:
                continue
            for part in re.split(r"<[^>]+>|%\(\w+\)[sd]|\{\w+\}", english):
                part = " ".join(part.split()).strip(" ,.;:()")
                if len(part) > 3 and part not in french:
                    fragments.add(part)
    return fragments


def record_texts():
    """Everything the sample site's records say: English by nature until they are translated."""
    texts = []
    for practice in Practice.objects.all():
        texts += [practice.title, practice.summary, practice.body_markdown, practice.note_title]
    texts += [theme.name for theme in Theme.objects.all()]
    for model in (Programme, Toolkit, Organisation, Partnership):
        for record in model.objects.all():
            texts += [str(value) for value in record.__dict__.values() if isinstance(value, str)]
    return "\n".join(texts)


def interface_text(html, records, language="fr"):
    """The page's text without the pieces that come from records."""
    return [piece for piece in page_text(html, language) if piece not in records]


def english_on(pieces, fragments):
    found = set()
    for piece in pieces:
        for fragment in fragments:
            # A one-word message must be the whole piece ("Themes"); a longer one may sit in a sentence.
            if (" " in fragment and fragment in piece) or fragment == piece:
                found.add(fragment)
    return found


@pytest.fixture
def sample(seed):
    return build_sample_site()


def test_every_french_page_type_shows_no_english_interface_text(client, sample):
    fragments = english_fragments()
    records = record_texts()
    leftovers = {}
    for name, url in sample.items():
        response = client.get("/fr" + url)
        assert response.status_code in (200, 400, 404), (name, response.status_code)
        english = english_on(interface_text(response.content.decode(), records), fragments)
        if english:
            leftovers[name] = sorted(english)
    assert leftovers == {}


def test_the_crawl_would_notice_an_english_string(client, sample):
    """The check itself works: the English page of the same type is full of English messages."""
    html = client.get(sample["list"]).content.decode()
    found = english_on(interface_text(html, record_texts(), language="en"), english_fragments())
    assert {"Search the practices", "Apply filters", "Clear all filters"} <= found


def alternates(html):
    return dict(re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)">', html))


def test_every_page_type_has_a_valid_hreflang_pair(client, sample):
    for name, url in sample.items():
        path = url.split("?")[0]
        english, french = client.get(url).content.decode(), client.get("/fr" + url).content.decode()
        expected = {
            "en": f"http://testserver{path}",
            "fr": f"http://testserver/fr{path}",
            "x-default": f"http://testserver{path}",
        }
        # Each page names itself and the other: the pair is reciprocal, as search engines require.
        assert alternates(english) == expected, name
        assert alternates(french) == expected, name


def test_pages_name_their_language(client, sample):
    assert '<html lang="en">' in client.get(sample["home"]).content.decode()
    assert '<html lang="fr">' in client.get("/fr" + sample["home"]).content.decode()
    assert client.get("/fr" + sample["home"]).headers["Content-Language"] == "fr"


def test_english_stays_at_its_addresses_whatever_the_browser_prefers(client, sample):
    response = client.get(sample["home"], headers={"accept-language": "fr-FR,fr;q=0.9"})
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    assert client.get(sample["practice"]).status_code == 200
    assert client.get("/en" + sample["practice"]).status_code == 404


def test_the_switch_keeps_the_page_and_its_query_string(client, sample):
    url = sample["list"]
    english = client.get(url).content.decode()
    french = client.get("/fr" + url).content.decode()
    query = url.split("?")[1].replace("&", "&amp;")
    assert f'<a href="/fr/practices/?{query}" hreflang="fr" lang="fr" rel="alternate">Français</a>' in english
    assert f'<a href="/practices/?{query}" hreflang="en" lang="en" rel="alternate">English</a>' in french


def test_a_missing_page_offers_the_other_language_too(client):
    response = client.get("/fr/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page introuvable" in html
    assert '<a href="/no-such-page/" hreflang="en" lang="en" rel="alternate">English</a>' in html


def test_french_pages_name_countries_in_french(client, seed):
    path = Country.objects.get(code="DE").get_absolute_url()
    html = client.get("/fr" + path).content.decode()
    assert "<h1>" in html and "Allemagne</h1>" in html
    english = client.get(path).content.decode()
    assert "Germany</h1>" in english


def test_french_pages_give_dates_in_french(client, sample):
    html = client.get("/fr" + sample["practice"]).content.decode()
    month = re.search(r'<time datetime="\d{4}-(\d\d)-\d\d">\d{1,2} (\w+) \d{4}</time>', html)
    with translation.override("fr"):
        from django.utils.dates import MONTHS

        assert month.group(2) == str(MONTHS[int(month.group(1))]).lower()


def test_numbers_are_grouped_the_french_way():
    template = Template("{% load humanize %}{{ count|intcomma }}")
    with translation.override("fr"):
        assert template.render(Context({"count": 12345})) == "12\N{NO-BREAK SPACE}345"
    with translation.override("en"):
        assert template.render(Context({"count": 12345})) == "12,345"


def test_messages_of_the_filters_are_french_under_fr(client, sample):
    response = client.get("/fr/practices/?country=atlantis")
    assert response.status_code == 400
    assert "Il n'existe pas de pays «\N{NO-BREAK SPACE}atlantis\N{NO-BREAK SPACE}»" in unescape(
        response.content.decode()
    )


def test_the_api_docs_and_the_feed_are_french_under_fr(client, sample):
    assert "Données ouvertes et API" in client.get("/fr/api/").content.decode()
    feed = client.get("/fr/practices/feed/").content.decode()
    assert "Nouvelles pratiques · Portail des pratiques de l'OPSI" in feed


def test_the_sitemap_lists_both_languages_with_alternates(client, sample):
    section = client.get("/sitemap-practices.xml").content.decode()
    practice = sample["practice"]
    assert f"<loc>http://testserver{practice}</loc>" in section
    assert f"<loc>http://testserver/fr{practice}</loc>" in section
    assert f'hreflang="fr" href="http://testserver/fr{practice}"' in section
    assert f'hreflang="x-default" href="http://testserver{practice}"' in section


def test_a_facets_options_are_found_by_their_french_name(client, sample):
    response = client.get("/fr/practices/options/country/", {"find": "danemark"})
    assert [option.slug for option in response.context["facet"]["options"]] == ["denmark"]
    html = unescape(response.content.decode())
    assert "Options correspondant à «\N{NO-BREAK SPACE}danemark\N{NO-BREAK SPACE}»\N{NO-BREAK SPACE}: 1 sur 2." in html
    # The script narrows with the same words and says so with the page's own pattern.
    assert 'data-words="denmark danemark dk"' in html
    assert 'data-status="Options correspondant à «\N{NO-BREAK SPACE}{find}\N{NO-BREAK SPACE}»' in html
