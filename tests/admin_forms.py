"""Read an admin change form as a browser would submit it, so tests can post it back edited."""

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data = {}
        self.text_fields = []
        self._select = None
        self._select_multiple = False
        self._textarea = None

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside or not attrs.get("name"):
            if tag == "option" and self._select and "selected" in attrs:
                self._add(self._select, attrs.get("value", ""))
            return
        name = attrs["name"]
        if tag == "input":
            self._input(name, attrs)
        elif tag == "select":
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "textarea":
            self._textarea = name
            self.data[name] = [""]
            self.text_fields.append(name)

    def _input(self, name, attrs):
        """What a browser submits for one <input>: checked boxes only, never buttons or files."""
        kind = attrs.get("type", "text")
        if kind in {"checkbox", "radio"}:
            if "checked" in attrs:
                self._add(name, attrs.get("value", "on"))
        elif kind not in {"submit", "button", "file", "image"}:
            self._add(name, attrs.get("value", ""))
            if kind in {"text", "url", "email", "search"}:
                self.text_fields.append(name)

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            # Browsers drop the one newline that follows <textarea>.
            if self._textarea and self.data[self._textarea][0].startswith("\n"):
                self.data[self._textarea][0] = self.data[self._textarea][0][1:]
            self._textarea = None


def read_form(html, form_id):
    """The form's submitted values (name -> list of values) and the names of its free-text fields."""
    parser = _FormParser(form_id)
    parser.feed(html)
    return parser.data, parser.text_fields


def change_form(response):
    """The admin change form of `response`, as `(data, text_fields)`; inline templates are left out."""
    opts = response.context["opts"]
    data, text_fields = read_form(response.content.decode(), f"{opts.model_name}_form")
    text_fields = [name for name in text_fields if "__prefix__" not in name]
    data = {name: values for name, values in data.items() if "__prefix__" not in name}
    return data, text_fields
