"""The child's side of the guard (:mod:`cleanhtml.guard`): a document under its watch.

The guard forks the command at its start; in that child, :data:`CHANNEL` holds the pipe
to the guard, :func:`clean` runs the one document of the run with the guard holding
its time limit, and :func:`ending` tells the guard the exit status before the child
ends. Messages (a byte, then their fields): :data:`STARTED` (the limit in seconds, the
prefix of the guard's line about the document), :data:`STOPPED` (the document is done,
or about to be written: no longer timed), :data:`ENDING` (the exit status).

Imported by every run, the guard included: it imports only modules written in C.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    import signal
    from collections.abc import Callable
    from typing import TypeVar

    T = TypeVar("T")
else:
    import _signal as signal  # the same functions and numbers (handlers are plain ints)

INPUT = 3
"""The exit status of an input that could not be cleaned (``report.Exit.INPUT``)."""
INTERRUPTED = 130
"""The exit status after Ctrl-C (128 + SIGINT; ``cli.INTERRUPTED``)."""
INTERRUPTED_LINE = "cleanhtml: interrupted; every file written so far is complete"
BACKSTOP = 5.0  # CPU seconds past the limit after which an orphaned child ends itself

STARTED = b"S"  # + the limit (a double) + the prefix's length (4 bytes) + the prefix
STOPPED = b"U"
ENDING = b"X"  # + the exit status (1 byte): all said and written, the child is ending

CHANNEL: list[int] = []
"""In the guard's child: the write end of the pipe to the guard (empty elsewhere). A
fact of the process, set once by the guard as it forks."""


def watched() -> bool:
    """True in the child of a guard: a document cleaned here is under its watch."""
    return bool(CHANNEL)


def clean(function: Callable[[Callable[[], None]], T], limit: float, name: str) -> T:
    """``function(untimed)`` with the guard watching its ``limit`` seconds (``name`` is the
    document's name in messages); ``function`` calls ``untimed`` just before it writes
    anything. Call only where :func:`watched` is true.

    A CPU-time backstop ends this process should the guard itself be gone.
    """
    fd = CHANNEL[0]
    import _struct

    prefix = f"cleanhtml: {name}: ".encode(errors="backslashreplace")
    _tell(fd, STARTED + _struct.pack("!dI", limit, len(prefix)) + prefix)
    signal.setitimer(signal.ITIMER_PROF, limit + BACKSTOP)
    try:
        return function(lambda: _tell(fd, STOPPED))
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        _tell(fd, STOPPED)


def _tell(fd: int, message: bytes) -> None:
    try:  # noqa: SIM105
        os.write(fd, message)  # small: one write, whole
    except OSError:  # the guard is gone: the backstop still holds
        pass


def ending(code: int) -> None:
    """In the child of a guard, about to end with ``code`` once everything is flushed:
    its output streams are closed and the guard told, so that the guard (whose end is
    what the caller waits for) ends at once, while this process is torn down."""
    if CHANNEL:
        for fd in (1, 2):
            try:  # noqa: SIM105
                os.close(fd)
            except OSError:
                pass
        _tell(CHANNEL[0], ENDING + bytes([code & 0xFF]))
