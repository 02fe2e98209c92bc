"""Importing a vault of notes: files to practices, themes, videos, links and mentions.

One module per step: `files` reads the vault, `parser` reads one note (pure, no database),
`sentences` and `detection` find what a note mentions, `changes` decides what changed since the last
import, `reference` caches the records notes refer to, `workers` parses and renders notes (in
worker processes when asked), `writer` writes one note's practice in a three-way merge with the
curator's changes (new practices of a batch together), and `run` puts the steps in order.
`import_notes(paths, ...)` is the entry point; the `import_notes` command is a thin shell over it.
"""


def __getattr__(name):
    # `run` needs the models, and the models need `parser`: importing `run` lazily lets
    # `practices.models` import the parser without a cycle.
    if name in {"import_notes", "ImportResult", "Importer"}:
        from . import run

        return getattr(run, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
