"""The process's resident memory, to show that a streamed download does not grow with its size."""

import resource
from pathlib import Path

PROC_STATUS = Path("/proc/self/status")
PROC_CLEAR_REFS = Path("/proc/self/clear_refs")


def reset_peak_rss():
    """Reset the process's peak RSS where Linux allows it and return the current RSS, in KiB.

    Elsewhere the lifetime peak stands in for both, which can hide a download's growth behind
    the memory that creating the rows took.
    """
    try:
        PROC_CLEAR_REFS.write_text("5")  # 5: reset the peak resident set size (VmHWM)
        return _proc_status_kib("VmRSS")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def peak_rss():
    """The peak RSS since the last reset (Linux) or since the process started, in KiB."""
    try:
        return _proc_status_kib("VmHWM")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS


def _proc_status_kib(field):
    for line in PROC_STATUS.read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise OSError(f"no {field} in {PROC_STATUS}")
