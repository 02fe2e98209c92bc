"""Themes of a vault: every link target (and each note's own topic) is a theme; spellings are joined.

Pure functions first: `join_key` folds the spellings of one topic (case, accents, hyphens, spaces,
underscores, articles, plurals, "in the"/"in", "X in Y"/"Y X") to one key, and `readable_name`
picks the name a theme shows. Then `ThemeStep`, the import's step that maps every spelling of the
run to a theme before the notes are written: a curator's decision (a `ThemeSpelling` with origin
"curator") comes first, then the spellings the import joined before, then new joins, each reported.
"""

import functools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import inflection
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from opsi_portal.lib.slugs import unique_slug

from ..models import Theme, ThemeRedirect, ThemeSpelling
from ..themes import merge_themes
from .parser import Problem, humanise, normalise_target, without_bidi_controls

ARTICLES = frozenset({"the", "a", "an"})
# Words inflection would wrongly "singularise" (lens -> len) or that are not nouns in a plural.
SINGULAR_ENDINGS = ("ss", "us", "is", "as", "ics")
SINGULAR_WORDS = frozenset({"lens", "news", "series", "species", "means", "headquarters"})
# "innovation in public sector" reads as "public sector innovation" when both sides are this short.
MAX_ROTATED_WORDS = 3
THEME_NAME_LENGTH = 100


@functools.lru_cache(maxsize=65536)
def singular(word):
    """The singular of an English word; short words and words ending like singulars are left alone."""
    if len(word) <= 3 or word.endswith(SINGULAR_ENDINGS) or word in SINGULAR_WORDS or not word.isalpha():
        return word
    return inflection.singularize(word)


@functools.lru_cache(maxsize=65536)
def join_key(key):
    """The key spellings of one topic share; `key` is a link target normalised by `normalise_target`."""
    words = [word for word in key.split() if word not in ARTICLES] or key.split()
    words = [singular(word) for word in words]
    if words.count("in") == 1:
        at = words.index("in")
        head, place = words[:at], words[at + 1 :]
        if 0 < len(head) <= MAX_ROTATED_WORDS and 0 < len(place) <= MAX_ROTATED_WORDS:
            words = place + head
    # Without separators, so a spelling that lost its hyphen ("Missionoriented") joins too.
    return "".join(words)


def close_key(key):
    """`key` without articles and separators, but with its plurals: finer than `join_key`."""
    return "".join(word for word in key.split() if word not in ARTICLES)


def _breaks(spelling):
    return len(re.findall(r"[\s\-]+", spelling.strip()))


def _squashed(spelling):
    return re.sub(r"[^a-z0-9]", "", spelling.casefold())


def readable_name(votes):
    """The most used spelling of `votes` (a Counter), leaving out those that lost a hyphen or space."""
    most_breaks = defaultdict(int)
    for spelling in votes:
        most_breaks[_squashed(spelling)] = max(most_breaks[_squashed(spelling)], _breaks(spelling))
    readable = {s: n for s, n in votes.items() if _breaks(s) == most_breaks[_squashed(s)]}
    by_form = defaultdict(Counter)
    for spelling, count in readable.items():
        by_form[spelling.casefold()][spelling] += count
    # On a tie the hyphenated form wins: the source loses hyphens, people do not add them.
    form = min(by_form, key=lambda f: (-sum(by_form[f].values()), -f.count("-"), f))
    # On a tie, capitals first ("OPSI" sorts before "opsi"): file names are lower case, writing is not.
    best = without_bidi_controls(min(by_form[form].items(), key=lambda item: (-item[1], item[0]))[0])
    return (best[:1].upper() + best[1:])[:THEME_NAME_LENGTH]


@dataclass(frozen=True)
class Spelling:
    """A spelling of a theme as first seen, and where, for the report."""

    text: str
    file: str
    line: int


@dataclass
class ThemeVotes:
    """The theme spellings of a run: for each normalised key, its readable spellings and first sighting."""

    votes: dict = field(default_factory=lambda: defaultdict(Counter))
    seen: dict = field(default_factory=dict)

    def add(self, key, spelling, file="", line=0):
        self.votes[key][spelling] += 1
        self.seen.setdefault(key, Spelling(spelling, file, line))

    def of(self, keys):
        """The spellings of `keys` together."""
        total = Counter()
        for key in keys:
            total.update(self.votes.get(key, {}))
        return total

    def add_link(self, link, file):
        """One vote for the link's spelling: its text when that names the same topic, else its target.

        `[[public_sector_innovation | Public Sector Innovation]]`: the text is how a person wrote
        it, the target a file name.
        """
        target = humanise(link.target)
        text_key = normalise_target(link.text)
        if link.text != target and text_key and (text_key == link.key or join_key(text_key) == join_key(link.key)):
            self.add(link.key, link.text, file, link.line)
        else:
            self.add(link.key, target, file, link.line)


def own_key(name):
    """The theme key of a note's own topic: its file name, normalised."""
    return normalise_target(name)


def theme_keys_of(name, links, excluded):
    """The theme keys of a note, in order: its own topic, then every link target not in `excluded`."""
    keys = [own_key(name)] if own_key(name) else []
    for link in links:
        if link.key not in excluded and link.key not in keys:
            keys.append(link.key)
    return keys


@dataclass
class Themes:
    """The themes of a run: the theme slug of each spelling key, theme ids, and old slugs' new ones."""

    slugs: dict  # spelling key -> theme slug
    pks: dict  # theme slug -> id
    redirects: dict  # old slug -> slug of the theme it was merged into

    def slugs_of(self, keys):
        """The theme slugs of `keys`, in order, once each."""
        return list(dict.fromkeys(self.slugs[key] for key in keys if key in self.slugs))

    def current(self, slugs):
        """`slugs` as they are now: a merged theme's old slug becomes its new one."""
        return list(dict.fromkeys(self.redirects.get(slug, slug) for slug in slugs))


@dataclass
class _Group:
    """Spelling keys that fold to one join key, and the theme they go to."""

    keys: list
    theme: int | None = None  # an existing theme's id, None for a new theme
    merged: list = field(default_factory=list)  # ids of import-made themes joined into `theme`


class ThemeStep:
    """Maps every spelling key of a run to a theme, creating and joining themes (unless a dry run)."""

    def __init__(self, dry_run=False):
        self.dry_run = dry_run
        self.problems = []
        rows = ThemeSpelling.objects.values_list("key", "join_key", "theme_id", "origin")
        self.rows = {key: (join, theme, origin) for key, join, theme, origin in rows}
        self.keys_by_theme = defaultdict(set)
        for key, (_, theme, _) in self.rows.items():
            self.keys_by_theme[theme].add(key)
        self.themes_with_rows = set(self.keys_by_theme)
        # Spellings of themes made before spellings were joined (no join key yet): joined on first sight.
        self.pending = {key: theme for key, (join, theme, _) in self.rows.items() if not join}

    def run(self, keys, collect_votes):
        """The run's `Themes` for spelling `keys`; `collect_votes(keys)` gives the `ThemeVotes` of some keys.

        Spellings are counted only for themes that change, so an unchanged vault costs lookups only.
        """
        groups = self._groups([key for key in keys if key not in self.rows or key in self.pending])
        if groups:
            votes = collect_votes(self._touched_keys(groups))
            if self.dry_run:
                self._report(groups, votes)
            else:
                with transaction.atomic():
                    self._write(groups, votes)
        return self._themes(groups)

    def _groups(self, new_keys):
        """New spelling keys grouped by the theme they join (None: a new theme for their join key)."""
        by_join = defaultdict(list)
        for key in new_keys:
            by_join[join_key(key)].append(key)
        known = defaultdict(list)
        for key, (join, theme, origin) in self.rows.items():
            if join in by_join and key not in self.pending:
                known[join].append((key, origin != ThemeSpelling.Origin.CURATOR, theme))
        groups = {}
        for join, keys in by_join.items():
            existing = known.get(join, []) + [(key, True, self.pending[key]) for key in keys if key in self.pending]
            for key in keys:
                theme, merged = self._target(key, existing)
                group = groups.setdefault((join, theme), _Group([], theme))
                group.keys.append(key)
                group.merged = sorted(set(group.merged) | set(merged))
        return list(groups.values())

    @staticmethod
    def _target(key, existing):
        """(theme, themes merged into it) for a new `key` among `existing` (key, by import, theme) of its join key.

        A spelling that differs from a known one only by articles or separators goes with it (so a
        variant of a spelling a curator split off follows the split); otherwise the import's own
        themes come before a curator's, the oldest first, and other import-made themes of the same
        join key are merged into it (unless a curator decided about that join key).
        """
        if not existing:
            return None, []
        close = [theme for other, _, theme in existing if other != key and close_key(other) == close_key(key)]
        ranked = sorted({(not by_import, theme) for _, by_import, theme in existing})
        theme = min(close) if close else ranked[0][1]
        if any(by_curator for by_curator, _ in ranked):
            # A curator decided about these spellings: the import joins no theme of theirs.
            return theme, []
        return theme, [pk for _, pk in ranked if pk != theme]

    def _touched_keys(self, groups):
        """The new keys and every key of the themes they join: the spellings that name those themes."""
        themes = {group.theme for group in groups} | {pk for group in groups for pk in group.merged}
        keys = {key for group in groups for key in group.keys}
        return keys | {key for key, (_, theme, _) in self.rows.items() if theme in themes}

    def _write(self, groups, votes):
        self._new_themes(groups, votes)
        rows = [
            ThemeSpelling(key=key, join_key=join_key(key), theme_id=group.theme)
            for group in groups
            for key in group.keys
        ]
        bulk_create_with_history([row for row in rows if row.key not in self.pending], ThemeSpelling)
        for row in ThemeSpelling.objects.filter(key__in=[row.key for row in rows if row.key in self.pending]):
            row.join_key = join_key(row.key)
            row.save(update_fields=["join_key"])
        for group in groups:
            if group.merged:
                merge_themes(Theme.objects.get(pk=group.theme), Theme.objects.filter(pk__in=group.merged))
        self._rename(groups, votes)
        self._report(groups, votes)

    def _new_themes(self, groups, votes):
        """Create a theme for each group that joins none, named by its most used readable spelling."""
        fresh = [group for group in groups if group.theme is None]
        if not fresh:
            return
        taken = set(Theme.objects.values_list("slug", flat=True)) | set(
            ThemeRedirect.objects.values_list("old_slug", flat=True)
        )
        names_taken = {name.casefold() for name in Theme.objects.values_list("name", flat=True)}
        themes = []
        for group in fresh:
            name = readable_name(votes.of(group.keys))
            if name.casefold() in names_taken:
                name = f"{name[:80]} ({group.keys[0][:15]})"
            names_taken.add(name.casefold())
            themes.append(Theme(name=name, slug=unique_slug(name, taken, fallback="theme"), imported_name=name))
        bulk_create_with_history(themes, Theme)
        pks = dict(Theme.objects.filter(slug__in=[theme.slug for theme in themes]).values_list("slug", "id"))
        for group, theme in zip(fresh, themes, strict=True):
            group.theme = pks[theme.slug]

    def _rename(self, groups, votes):
        """Themes that gained spellings take their most used readable one, unless a curator named them."""
        joined = {group.theme for group in groups if group.merged or group.theme in self.themes_with_rows}
        for theme in Theme.objects.filter(pk__in=joined):
            counts = votes.of(ThemeSpelling.objects.filter(theme=theme).values_list("key", flat=True))
            name = readable_name(counts) if counts else theme.name
            if theme.name != theme.imported_name or name == theme.name:
                continue
            if not Theme.objects.filter(name__iexact=name).exclude(pk=theme.pk).exists():
                theme.name = theme.imported_name = name
                theme.save(update_fields=["name", "imported_name"])

    def _report(self, groups, votes):
        """One problem for each theme that joins several spellings in this run."""
        for group in groups:
            spellings = [f"“{votes.seen[key].text}”" for key in group.keys]
            if self.keys_by_theme.get(group.theme, set()) - set(group.keys) or group.merged:
                spellings.append(f"the spellings of the theme “{self._theme_name(group.theme)}”")
            if len(spellings) < 2:
                continue
            seen = votes.seen[group.keys[0]]
            listed = ", ".join(spellings)
            self.problems.append(
                Problem(seen.file, seen.line, "theme-joined", f"spellings joined into one theme: {listed}", "info")
            )

    @staticmethod
    def _theme_name(pk):
        return Theme.objects.filter(pk=pk).values_list("name", flat=True).first() or "new"

    def _themes(self, groups):
        """Every spelling's theme slug as the database has it now (in a dry run, with planned slugs)."""
        themes = dict(Theme.objects.values_list("id", "slug"))
        if groups and not self.dry_run:
            slugs = dict(ThemeSpelling.objects.values_list("key", "theme__slug"))
        else:
            slugs = {key: themes[theme] for key, (_, theme, _) in self.rows.items() if theme in themes}
            for group in groups:
                planned = themes.get(group.theme) or group.keys[0].replace(" ", "-")
                slugs.update(dict.fromkeys(group.keys, planned))
        redirects = dict(ThemeRedirect.objects.values_list("old_slug", "theme__slug"))
        return Themes(slugs, {slug: pk for pk, slug in themes.items()}, redirects)
