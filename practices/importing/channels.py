"""Channels of a vault: a note's key includes its channel, and links resolve inside the channel first.

A vault may hold the notes of several YouTube channels, each with its index note, and two channels
may each have a note of the same file name. A note's channel is the index note its `From: [[...]]`
line names; its key in a run is `channel/name` (just `name` for a note without a channel). In the
database the pair is `Practice.note_channel` and `Practice.note_key`. Plain functions, no database.
"""

from dataclasses import dataclass, field

from .parser import normalise_target, note_key_for, split_from_line

SEPARATOR = "/"
# The From line sits right under the front matter: this much of the file is enough to find it.
HEAD_BYTES = 4096


def run_key(channel, name):
    """The key of a note in a run: its channel and file name (a file name never holds a slash)."""
    return f"{channel}{SEPARATOR}{name}" if channel else name


def split_key(key):
    """(channel, name) of a run key."""
    channel, _, name = key.rpartition(SEPARATOR)
    return channel, name


def channel_name(target):
    """The channel a `From: [[target]]` link names: the index note's file name, without folders."""
    return note_key_for(target.strip().rsplit(SEPARATOR, 1)[-1])


def channel_of(data):
    """The channel named by the From line of a note's bytes ("" when it has none)."""
    head = data[:HEAD_BYTES].decode("utf-8", "ignore").lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = head.split("\n")
    if lines and lines[0].strip() == "---":
        for end in range(1, len(lines)):
            if lines[end].strip() in ("---", "..."):
                lines = lines[end + 1 :]
                break
        else:
            return ""
    target, _ = split_from_line("\n".join(lines))
    return channel_name(target) if target else ""


@dataclass
class NoteTargets:
    """What a wiki link names among the notes: by channel first, then any channel's note of that name.

    Values are whatever the caller maps notes to (run keys, slugs, ids); the first note of a name in
    the order given wins among channels.
    """

    anywhere: dict = field(default_factory=dict)  # normalised name -> value
    by_channel: dict = field(default_factory=dict)  # channel -> {normalised name -> value}
    _views: dict = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, items):
        """From (run key, value) pairs."""
        targets = cls()
        for key, value in items:
            channel, name = split_key(key)
            link_key = normalise_target(name)
            targets.anywhere.setdefault(link_key, value)
            targets.by_channel.setdefault(channel, {}).setdefault(link_key, value)
        return targets

    def for_channel(self, channel):
        """{normalised name: value} as a link from a note of `channel` sees it (one dict per channel)."""
        if channel not in self._views:
            self._views[channel] = {**self.anywhere, **self.by_channel.get(channel, {})}
        return self._views[channel]
