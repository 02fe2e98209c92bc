"""Fenced code blocks in Markdown: the one place that knows where they start and end."""

FENCE_MARKERS = ("```", "~~~")


def code_fence_flags(lines):
    """Each line with True when it opens, closes or sits inside a fenced code block.

    Notes use fences for code and quoted markup: nothing inside one is a heading, a list or a link.
    """
    in_fence = False
    for line in lines:
        marker = line.lstrip().startswith(FENCE_MARKERS)
        if marker:
            in_fence = not in_fence
        yield line, marker or in_fence
