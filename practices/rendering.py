"""Markdown to sanitised HTML: the one place a note's text becomes markup.

`render_note` turns a note's Markdown into HTML: timestamps link into the video, wiki links to the
practice or theme they name, headings get anchors and a contents list, callouts become asides.
Everything it produces goes through `sanitise`, the one allow-list.
"""

import html
import re
import xml.etree.ElementTree as etree

import markdown
import nh3
from django.urls import reverse
from django.utils.text import slugify
from markdown.treeprocessors import Treeprocessor

from .notes import CANONICAL_TIMESTAMP_RE, WIKI_LINK_RE, humanise, normalise_target

ALLOWED_TAGS = {
    "a",
    "abbr",
    "aside",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "li",
    "mark",
    "nav",
    "ol",
    "p",
    "pre",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class", "data-t"},
    "aside": {"class"},
    "nav": {"class", "aria-label"},
    "p": {"class"},
    "div": {"class"},
    "span": {"class"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
    "time": {"datetime"},
    "th": {"scope"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitise(html):
    """Keep only the allow-listed tags, attributes and URL schemes."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


CALLOUT_MARKER_RE = re.compile(r"^\[!([A-Za-z][\w-]*)\][+-]?[ \t]*([^\n]*)\n?")
# Below this many headings a contents list is more clutter than help.
MIN_HEADINGS_FOR_CONTENTS = 2


def theme_slug(key):
    """The slug of the theme a normalised link target stands for."""
    return slugify(key)[:100] or "theme"


def theme_url(key):
    return reverse("practices:theme_detail", args=[theme_slug(key)])


class LinkResolver:
    """Where a wiki link goes: the practice imported from the note it names, else that theme."""

    def __init__(self, practice_slugs):
        self.practice_slugs = practice_slugs  # normalised note key -> practice slug
        self._practice_url = reverse("practices:practice_detail", args=["SLUG"])
        self._theme_url = reverse("practices:theme_detail", args=["SLUG"])

    def __call__(self, key):
        slug = self.practice_slugs.get(key)
        if slug:
            return self._practice_url.replace("SLUG", slug)
        return self._theme_url.replace("SLUG", theme_slug(key))


class CalloutTreeprocessor(Treeprocessor):
    """Obsidian callouts (`> [!tip] Title`) become `<aside class="callout callout-tip">` with a title."""

    def run(self, root):
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag == "blockquote" and len(child) and child[0].tag == "p":
                    self._quote(child)
                elif child.tag == "p" and parent.tag not in ("blockquote", "aside"):
                    self._paragraph(parent, index, child)

    def _quote(self, quote):
        paragraph = quote[0]
        match = CALLOUT_MARKER_RE.match(paragraph.text or "")
        if not match:
            return
        kind = match.group(1).lower()
        paragraph.text = paragraph.text[match.end() :]
        if not paragraph.text.strip() and not len(paragraph):
            quote.remove(paragraph)
        quote.tag = "aside"
        quote.set("class", f"callout callout-{kind}")
        quote.insert(0, self._title(match.group(2).strip() or kind.capitalize()))

    def _paragraph(self, parent, index, paragraph):
        # `[!NOTE] text` outside a quote: the text is the callout's body, its kind the title.
        match = CALLOUT_MARKER_RE.match(paragraph.text or "")
        if not match:
            return
        kind = match.group(1).lower()
        paragraph.text = (paragraph.text[: match.end()] + paragraph.text[match.end() :])[len(f"[!{match.group(1)}]") :]
        paragraph.text = paragraph.text.lstrip("+- \t")
        aside = etree.Element("aside", {"class": f"callout callout-{kind}"})
        aside.tail = paragraph.tail
        paragraph.tail = None
        aside.append(self._title(kind.capitalize()))
        aside.append(paragraph)
        parent.remove(paragraph)
        parent.insert(index, aside)

    @staticmethod
    def _title(text):
        title = etree.Element("p", {"class": "callout-title"})
        title.text = text
        return title


class CalloutExtension(markdown.Extension):
    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API)
        # After inline parsing (20) so the marker is plain text, before the contents list (5).
        md.treeprocessors.register(CalloutTreeprocessor(md), "callout", 12)


def _timestamp_link(video_id):
    def link(match):
        hours, minutes, seconds = (int(g) for g in match.groups())
        label = f"[{match.group(1)}:{match.group(2)}:{match.group(3)}]"
        if not video_id:
            return f'<span class="timestamp">{label}</span>'
        total = hours * 3600 + minutes * 60 + seconds
        url = f"https://www.youtube.com/watch?v={video_id}&amp;t={total}"
        return f'<a class="timestamp" href="{url}">{label}</a>'

    return link


def _wiki_link(resolve):
    def link(match):
        target = match.group(1).strip()
        text = (match.group(2) or "").strip() or humanise(target)
        key = normalise_target(target)
        if not key:
            return html.escape(text)
        return f'<a class="wikilink" href="{html.escape(resolve(key))}">{html.escape(text)}</a>'

    return link


def _contents(tokens):
    items = []
    for token in tokens:
        name = html.escape(" ".join(CANONICAL_TIMESTAMP_RE.sub("", token["name"]).split()))
        children = _contents(token["children"]) if token["children"] else ""
        items.append(f'<li><a href="#{token["id"]}">{name}</a>{children}</li>')
    return f"<ul>{''.join(items)}</ul>"


def _count(tokens):
    return sum(1 + _count(token["children"]) for token in tokens)


LIST_ITEM_RE = re.compile(r"^\s*(?:[-+*]|\d+[.)])\s+")


def _separate_lists(text):
    """A blank line before a list that follows a paragraph, as Obsidian reads it and Markdown needs."""
    lines = text.split("\n")
    result = []
    in_fence = False
    for line in lines:
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        elif not in_fence and LIST_ITEM_RE.match(line) and result:
            before = result[-1]
            if before.strip() and not LIST_ITEM_RE.match(before) and not before.startswith((" ", "\t", ">")):
                result.append("")
        result.append(line)
    return "\n".join(result)


def render_note(source, video_id=None, resolve=None):
    """A note's Markdown as sanitised HTML, with timestamps, wiki links, anchors, contents and callouts."""
    resolve = resolve or LinkResolver({})
    text = WIKI_LINK_RE.sub(_wiki_link(resolve), source or "")
    text = CANONICAL_TIMESTAMP_RE.sub(_timestamp_link(video_id), text)
    text = _separate_lists(text)
    md = markdown.Markdown(
        extensions=["extra", "sane_lists", "toc", CalloutExtension()],
        extension_configs={"toc": {"toc_depth": "2-6"}},
        output_format="html",
    )
    body = md.convert(text)
    if _count(md.toc_tokens) >= MIN_HEADINGS_FOR_CONTENTS:
        body = f'<nav class="contents" aria-label="Contents">{_contents(md.toc_tokens)}</nav>\n{body}'
    return sanitise(body)


def render_markdown(source, video_id=None):
    """Render Markdown to sanitised HTML (a note without the library's links resolved)."""
    return render_note(source, video_id=video_id)
