"""A time budget for one note: a note that takes too long is reported and the run goes on.

A batch of new notes written together has the same budget: past it, the batch is rolled back and
its notes are written one by one, each with its own.

Every pattern the parser and renderer use is linear in the note's length and the note is at most
`MAX_NOTE_BYTES`, with YAML aliases refused, so memory per note is bounded by a small multiple of
its size. Time is bounded here, as a safety net for what a library does in Python code: the alarm
interrupts Python code, so a note that runs past the budget raises `NoteTooSlow`.
"""

import signal
import threading
from contextlib import contextmanager

# Seconds one note may take to parse, or to render and write. Real notes take milliseconds.
NOTE_SECONDS = 10


class NoteTooSlow(Exception):
    """A note ran past its time budget."""


@contextmanager
def time_budget(seconds=None):
    """Raise `NoteTooSlow` when the block runs past `seconds` (the main thread only; elsewhere no limit)."""
    seconds = NOTE_SECONDS if seconds is None else seconds
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        raise NoteTooSlow(f"took longer than {seconds} s; the note is left out")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
