"""Text as it comes back from a browser's form: one home for what a round trip may change.

A <textarea> submits its lines with CRLF ends, and Django's form fields strip the ends of the
value; neither is a curator's change. Trailing spaces inside a line (a Markdown line break) and
non-breaking spaces survive the round trip, so they are kept.
"""


def normalise_text(text):
    """`text` with LF line ends and no whitespace around it."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def same_text(first, second):
    """Whether two values are equal once texts are normalised; other values compare as they are."""
    if isinstance(first, str) and isinstance(second, str):
        return normalise_text(first) == normalise_text(second)
    return first == second
