"""What makes rendered HTML unsafe, judged as a browser parses it, and the XSS payload corpus."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from django.contrib.staticfiles import finders

PAYLOADS_FILE = Path(__file__).parent / "data" / "xss_payloads.txt"

SAFE_SCHEMES = {"http", "https", "mailto"}
# Attributes whose value a browser loads or navigates to.
URL_ATTRIBUTES = {
    "action",
    "background",
    "cite",
    "code",
    "codebase",
    "data",
    "dynsrc",
    "formaction",
    "href",
    "icon",
    "longdesc",
    "lowsrc",
    "manifest",
    "poster",
    "profile",
    "src",
    "srcset",
    "usemap",
    "xlink:href",
}
# Elements that run, embed or redirect whatever they are given.
ACTIVE_ELEMENTS = {"applet", "base", "embed", "frame", "frameset", "iframe", "object"}
SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
# An inline raster image (the flags): a GIF or PNG cannot run script, whatever its bytes.
INLINE_IMAGE = re.compile(r"^data:image/(?:gif|png);base64,[A-Za-z0-9+/]+=*$")
# A data block browsers never run; its text must be JSON with no "<", so nothing can end it early.
DATA_BLOCK_TYPE = "application/ld+json"
STATIC_URL = "/static/"
ADMIN_CATALOG_URL = "/admin/jsi18n/"


def load_payloads():
    """The corpus: one payload a line, `#` comments and blank lines skipped, a literal \\n a line break."""
    lines = PAYLOADS_FILE.read_text(encoding="utf-8").splitlines()
    return [line.replace("\\n", "\n") for line in lines if line.strip() and not line.startswith("#")]


def url_scheme(value):
    """The scheme a browser would see: it drops tabs and newlines anywhere and spaces or controls around."""
    cleaned = re.sub(r"[\t\n\r]", "", value).strip(
        "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
        "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c"
        "\x1d\x1e\x1f "
    )
    match = SCHEME.match(cleaned)
    return match.group(1).lower() if match else ""


def is_own_script(src):
    """A script file the project ships (found by the static finders) or the admin's translation catalogue."""
    path = src.split("?")[0]
    if path == ADMIN_CATALOG_URL:
        return True
    return path.startswith(STATIC_URL) and finders.find(path.removeprefix(STATIC_URL)) is not None


class _SafetyParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self._script_open = None

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def _check(self, tag, attrs):
        attrs = [(name.lower(), value or "") for name, value in attrs]
        if tag == "script":
            # The site's own scripts (the admin's, a page enhancement) and JSON-LD are the only ones allowed.
            if attrs == [("type", DATA_BLOCK_TYPE)]:
                self._script_open = DATA_BLOCK_TYPE
                return
            if not is_own_script(dict(attrs).get("src", "")):
                self.problems.append(f"<script> element {attrs!r}")
            self._script_open = tag
        if tag in ACTIVE_ELEMENTS:
            self.problems.append(f"<{tag}> element {attrs!r}")
        if tag == "meta" and dict(attrs).get("http-equiv", "").lower() == "refresh":
            self.problems.append(f"<meta http-equiv=refresh> {attrs!r}")
        for name, value in attrs:
            self._check_attribute(tag, name, value)

    def _check_attribute(self, tag, name, value):
        if name.startswith("on"):
            self.problems.append(f"<{tag}> event handler {name}={value!r}")
        elif tag == "img" and name == "src" and INLINE_IMAGE.match(value):
            return
        elif name in URL_ATTRIBUTES:
            for url in value.split(",") if name == "srcset" else [value]:
                scheme = url_scheme(url)
                if scheme and scheme not in SAFE_SCHEMES:
                    self.problems.append(f"<{tag}> {name} with scheme {scheme}: {value!r}")
        elif name == "style" and re.search(r"expression|javascript:|url\s*\(|behavior", value, re.IGNORECASE):
            self.problems.append(f"<{tag}> style {value!r}")
        elif name == "srcdoc":
            self.problems.append(f"<{tag}> srcdoc {value!r}")

    def handle_data(self, data):
        if self._script_open == DATA_BLOCK_TYPE:
            if "<" in data or not is_json(data):
                self.problems.append(f"JSON-LD that is not plain JSON {data[:80]!r}")
        elif self._script_open and data.strip():
            self.problems.append(f"inline script {data[:80]!r}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._script_open = None


def is_json(text):
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def unsafe_markup(html):
    """Every way `html` could run script or load a non-web URL, as a list of readable problems."""
    parser = _SafetyParser()
    parser.feed(html)
    parser.close()
    return parser.problems
