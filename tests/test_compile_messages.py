"""scripts/compile_messages.py builds each .mo from its .po once, and again only when the .po changes."""

import gettext
import os
import runpy

import polib

from tests.conftest import PROJECT_ROOT

compile_messages = runpy.run_path(str(PROJECT_ROOT / "scripts" / "compile_messages.py"))["compile_messages"]


def write_catalogue(root, msgstr):
    folder = root / "locale" / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "fr"}
    catalogue.append(polib.POEntry(msgid="Themes", msgstr=msgstr))
    catalogue.save(str(folder / "django.po"))
    return folder


def read(folder):
    with open(folder / "django.mo", "rb") as mo:
        return gettext.GNUTranslations(mo).gettext("Themes")


def test_builds_missing_catalogues_then_only_stale_ones(tmp_path):
    folder = write_catalogue(tmp_path, "Thèmes")
    assert compile_messages(tmp_path) == [folder / "django.mo"]
    assert read(folder) == "Thèmes"
    assert compile_messages(tmp_path) == []

    write_catalogue(tmp_path, "Sujets")
    mo = folder / "django.mo"
    os.utime(mo, (mo.stat().st_mtime - 10, mo.stat().st_mtime - 10))
    assert compile_messages(tmp_path) == [mo]
    assert read(folder) == "Sujets"
