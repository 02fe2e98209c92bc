"""Build each locale/*/LC_MESSAGES/django.mo from its .po, when missing or older (pure Python, polib).

Run by `make install` and before the tests, so a checkout never serves stale translations and needs
no GNU gettext (only adding strings with `makemessages` does).
"""

import os
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def compile_messages(root=ROOT):
    """Compile every stale catalogue under `root`/locale; returns the .mo files written."""
    written = []
    for po_path in sorted((root / "locale").glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        # Written aside then renamed: parallel test workers never read a half-written file.
        partial = mo_path.with_suffix(f".mo.{os.getpid()}")
        polib.pofile(str(po_path)).save_as_mofile(str(partial))
        os.replace(partial, mo_path)
        written.append(mo_path)
    return written


if __name__ == "__main__":
    for path in compile_messages(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT):
        print(f"compiled {path.relative_to(ROOT)}")
