"""The contents list of a rendered note, read from the ids the renderer gives its headings."""

from html.parser import HTMLParser


class _HeadingParser(HTMLParser):
    def __init__(self, levels):
        super().__init__(convert_charrefs=True)
        self.levels = levels
        self.headings = []
        self._current = None

    def handle_starttag(self, tag, attrs):
        anchor = dict(attrs).get("id")
        if tag in self.levels and anchor:
            self._current = {"id": anchor, "level": int(tag[1]), "text": ""}

    def handle_data(self, data):
        if self._current is not None:
            self._current["text"] += data

    def handle_endtag(self, tag):
        if self._current is not None and tag == f"h{self._current['level']}":
            self._current["text"] = " ".join(self._current["text"].split())
            if self._current["text"]:
                self.headings.append(self._current)
            self._current = None


def contents(html, levels=("h2", "h3")):
    """The headings of `html` that have an id, in order: dicts with id, level and text."""
    parser = _HeadingParser(set(levels))
    parser.feed(html or "")
    parser.close()
    return parser.headings
