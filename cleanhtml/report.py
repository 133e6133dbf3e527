"""Exit codes, defined once, and the one-line error messages."""

from __future__ import annotations

from enum import IntEnum


class Exit(IntEnum):
    """The documented exit statuses (see README and CLI.md)."""

    OK = 0
    WOULD_CHANGE = 1
    USAGE = 2
    INPUT = 3


def error_line(name: str, reason: str) -> str:
    """``cleanhtml: NAME: REASON`` on one line."""
    reason = " ".join(reason.split())
    return f"cleanhtml: {name}: {reason}"
