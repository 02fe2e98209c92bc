"""The system Chromium the browser tests drive, and the flags it needs on these closed machines."""

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# Headless as root, and no background traffic: the machines reach no host but their own.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
