"""The command's first process: it forks the command and holds its time limit.

``cleanhtml`` and ``python -m cleanhtml`` start here. A run that looks like one
document cleaned onto standard output (the arguments name no folder, no second input,
no ``-i``/``-o``/``--check``/``--diff``, no listing or help) forks at once, before
anything heavy is imported: the child imports the command (:mod:`cleanhtml.cli`) and
runs it with the standard streams it inherited, and cleans that document itself, in
process; this process (the guard) only waits. The child tells the guard through a pipe
(:mod:`cleanhtml.watch` is its side) when the document's time limit starts (after
standard input was read) and when it stops (the document is cleaned, or is being
written); past the limit the guard stops the child, and kills it (even inside C code
that never returns to Python) unless it said meanwhile that the document is done; then
it says so in the one line a worker killed by the pool would get, exit status 3. The
guard relays the child's exit status, or the signal that ended it.

Why not the pool's worker (:mod:`cleanhtml.workers`)? A child forked from a process
that has loaded click, lxml and the rules copies hundreds of the pages it inherited as
it touches them (reference counts): a one-post run paid about a fifth of its time for
that. Forked before those imports, the child makes them in memory of its own, as a
run without a time limit does.

Any other run (a batch, ``-i``, ``--help`` ...) does not fork here: the command runs
in this process as before, and its files go to the pool. A run that forks here and
turns out to be something else (a configuration file can ask for ``-i``) is the
child's business alone: the guard just relays its status. Ctrl-C: the child handles it
(one line, status 130); a child stuck in C code on its document gets
:data:`GRACE` seconds, is killed, and the guard says the line. Without ``os.fork``
(Windows) the command runs in this process.

This module is the first of every run: it imports only modules written in C (hence
``try``/``except``/``pass`` rather than ``contextlib.suppress``) and
:mod:`cleanhtml.watch`.
"""

from __future__ import annotations

import gc
import os
import sys

from cleanhtml import watch

TYPE_CHECKING = False
if TYPE_CHECKING:
    import select
    import signal
    import time
    from collections.abc import Sequence
    from typing import NoReturn
else:
    import _signal as signal  # the same functions and numbers (handlers are plain ints)
    import select
    import time

GRACE = 0.5  # seconds a child stuck on its document gets after Ctrl-C (as workers.GRACE)
_HEAD = 13  # watch.STARTED, then the limit and the prefix's length

# Options after which the run is not one document onto standard output (or is help).
_NOT_ONE = frozenset(
    {
        "-h", "--help", "--version", "-i", "--in-place", "-o", "--output-dir", "--check",
        "--diff", "--dask", "-v", "--verbose", "--statistics", "--list-rules",
        "--list-profiles", "--show-rule",
    }
)  # fmt: skip
_NOT_ONE_SHORT = frozenset("hiov")  # in a cluster of short options (-qi)
_PATH_VALUE = frozenset({"--config", "--stdin-filename"})  # a file that is no input

COLLECT_AFTER = 30_000
"""The command's first generation of the garbage collector holds this many objects
before a collection (Python's default: 700). Importing the command, lxml and the rules
makes ~25,000 objects that live as long as the process; at 700 they cost a one-post run
~30 collections that find nothing, 4-5 ms of a 65 ms run (issue 16's start-up row).
Later collections cost the same per object as before, only fewer and larger. Set by
the command alone: :func:`cleanhtml.clean` leaves a host program's collector as it is."""


def run() -> NoReturn:
    """The ``cleanhtml`` command: the guard and its child, or the command in process."""
    gc.set_threshold(COLLECT_AFTER, *gc.get_threshold()[1:])
    if not hasattr(os, "fork") or not one_document(sys.argv[1:]):
        _command()
    read, write = os.pipe()
    signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD, signal.SIGCONT)
    # held back until each side has its own handlers
    signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    gc.freeze()  # the child's collections skip what it inherits (fewer pages copied)
    try:
        pid = os.fork()
    except OSError:  # no process to spare: the command runs here
        os.close(read)
        os.close(write)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, signals)
        _command()
    if pid == 0:
        os.close(read)
        watch.CHANNEL.append(write)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, signals)
        _command()
    os.close(write)
    guard = _Guard(pid, read)
    code = guard.wait(signals)
    os._exit(code)


def _command() -> NoReturn:
    from cleanhtml.cli import run as command

    command()


def one_document(args: Sequence[str]) -> bool:
    """True when the command line ``args`` may clean one document onto standard output.

    A guess from the arguments alone (options taking values are not told apart from
    paths): wrong either way, the run is still right, only slower.
    """
    inputs = 0
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg == "--":
            break
        if arg.startswith("--"):
            if arg.split("=", 1)[0] in _NOT_ONE:
                return False
            skip = arg in _PATH_VALUE
        elif arg.startswith("-") and arg != "-":
            if not _NOT_ONE_SHORT.isdisjoint(arg[1:]):
                return False
        elif arg == "-" or os.path.isfile(arg):
            inputs += 1
        elif os.path.isdir(arg):
            return False
    return inputs <= 1


# --- the guard ------------------------------------------------------------------------


class _Guard:
    """The parent's side: waits for the child, holds the limit of its document."""

    def __init__(self, pid: int, fd: int) -> None:
        self.pid, self.fd = pid, fd
        self.buffer = b""
        self.open = True  # the pipe from the child
        self.limit = 0.0
        self.prefix = b""  # "cleanhtml: NAME: " of the document in work
        self.since: float | None = None  # when its time started; None: not timed now
        self.interrupted: float | None = None  # when Ctrl-C came
        self.status: int | None = None  # the child's wait status, once it ended
        self.ending: int | None = None  # the exit status the child announced

    def wait(self, signals: Sequence[int]) -> int:
        """Wait for the child and enforce the limit; the exit status to end with."""
        wake_read, wake_write = os.pipe()
        os.set_blocking(wake_write, False)
        signal.set_wakeup_fd(wake_write)
        for number in signals:
            signal.signal(number, self._on_signal)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, signals)
        poller = select.poll()
        poller.register(self.fd, select.POLLIN)
        poller.register(wake_read, select.POLLIN)
        while True:
            if self.ending is not None:
                return self.ending
            self._reap()
            if self.status is not None:
                return self._relay(self.status)
            now = time.monotonic()
            wait = -1.0
            if self.since is not None:
                if self.since + self.limit <= now:
                    code = self._expire(timed_out=True)
                    if code is not None:
                        return code
                    continue
                wait = self.since + self.limit - now
                if self.interrupted is not None:
                    grace = self.interrupted + GRACE - now
                    if grace <= 0:
                        code = self._expire(timed_out=False)
                        if code is not None:
                            return code
                        self.interrupted = None
                        continue
                    wait = min(wait, grace)
            for fd, _ in poller.poll(-1 if wait < 0 else wait * 1000 + 1):
                if fd == wake_read:
                    os.read(wake_read, 512)
                elif self._read() is False:
                    poller.unregister(self.fd)

    def _on_signal(self, number: int, frame: object) -> None:
        if number == signal.SIGINT:
            # the child has it too (Ctrl-C reaches the whole process group): only one
            # stuck on its document needs this process to act
            if self.since is not None:
                self.interrupted = time.monotonic()
        elif number == signal.SIGCONT:  # back from Ctrl-Z: the time stopped does not count
            if self.since is not None:
                self.since = time.monotonic()
        elif number != signal.SIGCHLD:  # SIGTERM, SIGHUP: for the child to act on
            _signal(self.pid, number)

    def _reap(self) -> None:
        if self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = status

    def _read(self) -> bool:
        """Read what the child said; False at the end of the pipe."""
        data = os.read(self.fd, 4096)
        if not data:
            self.open = False
            return False
        self.buffer += data
        while self.buffer:
            if self.buffer[:1] == watch.STOPPED:
                self.since, self.interrupted, self.buffer = None, None, self.buffer[1:]
                continue
            if self.buffer[:1] == watch.ENDING:
                if len(self.buffer) < 2:
                    break
                self.ending, self.buffer = self.buffer[1], self.buffer[2:]
                continue
            if len(self.buffer) < _HEAD:
                break
            limit, size = _unpack(self.buffer[1:_HEAD])
            if len(self.buffer) < _HEAD + size:
                break
            self.limit, self.prefix = limit, self.buffer[_HEAD : _HEAD + size]
            self.buffer = self.buffer[_HEAD + size :]
            self.since = time.monotonic()
        return True

    def _expire(self, *, timed_out: bool) -> int | None:
        """Stop the child, hear what it said until then, and kill it if it is still on
        its document (past the limit, or after Ctrl-C): the exit status, or None when
        it goes on (it had finished the document, or is writing)."""
        _signal(self.pid, signal.SIGSTOP)
        pid, status = os.waitpid(self.pid, os.WUNTRACED)
        if pid and not os.WIFSTOPPED(status):  # it ended meanwhile
            self.status = status
            return None
        while self.open and select.select([self.fd], [], [], 0)[0]:
            self._read()
        now = time.monotonic()
        still = self.since is not None and (not timed_out or self.since + self.limit <= now)
        if not still:
            _signal(self.pid, signal.SIGCONT)
            return None
        _signal(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        if timed_out:
            from cleanhtml.workers import timeout_reason

            _say(self.prefix + timeout_reason(self.limit).encode())
            return watch.INPUT
        _say(watch.INTERRUPTED_LINE.encode())
        return watch.INTERRUPTED

    def _relay(self, status: int) -> int:
        """The child's exit status; a child ended by a signal ends this process alike."""
        if os.WIFSTOPPED(status):  # pragma: no cover - waitpid without WUNTRACED
            return watch.INPUT
        if os.WIFEXITED(status):
            if self.since is not None:  # it died on its document by its own hand
                return self._died(status)
            return os.WEXITSTATUS(status)
        number = os.WTERMSIG(status)
        if self.since is not None and number not in (signal.SIGTERM, signal.SIGHUP):
            return self._died(status)
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # its core is the child's
        try:  # noqa: SIM105
            signal.signal(number, signal.SIG_DFL)
        except (OSError, ValueError):  # SIGKILL: always the default
            pass
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [number])
        _signal(os.getpid(), number)
        return 128 + number  # a signal that does not end a process

    def _died(self, status: int) -> int:
        """The child died while cleaning its document: the pool's line for it, status 3."""
        from cleanhtml.workers import death_reason

        _say(self.prefix + death_reason(status, self.limit, writing=False).encode())
        return watch.INPUT


def _unpack(head: bytes) -> tuple[float, int]:
    import _struct

    limit, size = _struct.unpack("!dI", head)
    return float(limit), int(size)


def _say(line: bytes) -> None:
    view = memoryview(line + b"\n")
    while view:
        view = view[os.write(2, view) :]


def _signal(pid: int, number: int) -> None:
    try:  # noqa: SIM105
        os.kill(pid, number)
    except ProcessLookupError:
        pass
