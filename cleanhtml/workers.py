"""Worker processes the parent can kill: a per-file time limit and a clean stop.

The files of a batch (and a single file, when a time limit is set) are cleaned in
child processes forked from this one. A child cleans the files it is sent one after
another, notes which file it is on and since when in a few bytes of memory shared with
the parent (:data:`BOARD`), and sends each result back as soon as it has it. A file
that runs past the time limit has its child killed with SIGKILL, which works even
while the child is inside C code that never returns to Python (a libxml2 parse, an
XPath, a regular expression); the file is reported as failed, nothing is written for
it, and the rest of the child's files go to a fresh child. The decision is taken with
the child stopped (SIGSTOP), so it cannot race with the child finishing the file or
starting to write it: a file being written is never cut short.

Ctrl-C reaches the whole process group, but children ignore SIGINT: only the parent
acts on it. It stops its children with SIGTERM, which a child turns into an exception
so that a write in progress removes its temporary file (the original stays as it
was), then SIGKILL after :data:`GRACE` seconds for a child stuck in C code. Files are
always either as they were or completely written (see
:func:`cleanhtml.runner.write_atomic`).

Messages are pickles framed by their length on plain pipes: importing
``multiprocessing.connection`` alone costs more (~14 ms) than forking a child (~1 ms).
This module is on the path of every single-file run (one forked child), so it imports
the C modules behind ``pickle`` and ``signal``: those two modules themselves would cost
a one-post run about 4% (the pure-Python pickler's tables, ``signal``'s enums).
Needs ``os.fork`` (Linux, macOS, BSD); :func:`available` says whether it is there.
"""

from __future__ import annotations

import _pickle as pickle
import contextlib
import mmap
import os
import select
import struct
import time
from collections import deque
from collections.abc import Callable, Generator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

if TYPE_CHECKING:
    import signal

    from cleanhtml.files import Source
    from cleanhtml.runner import FileResult, Task
else:
    import _signal as signal  # the same functions and numbers (handlers are plain ints)

InFlight = Sequence[tuple[str, float]]
"""The files being cleaned right now: (name, ``time.monotonic()`` when it started)."""
Ticker = Callable[[InFlight], None]
Clean = Callable[["Source", Callable[[], None], Callable[[bytes], None]], "FileResult"]
"""Cleans one file, calling its second argument just before it writes anything; a large
output may go to its third argument as it is made (see :class:`_Stream`)."""

FRAME = struct.Struct("!Q")
BOARD = struct.Struct("=qdq")
"""What a child is doing, in memory it shares with the parent: the index of the file in
work (-1: none), when it started (``time.monotonic()``, one clock for all processes)
and whether it is being written (1: past the time limit's reach). The fields follow a
one-byte sequence number the child makes odd while it rewrites them (a seqlock), so a
reader can tell a consistent state from one caught half-written."""
BOARD_AT = 8  # the sequence number is byte 0
TICK = 0.2  # seconds between looks at the clock (and chances to redraw the progress bar)
GRACE = 0.5  # seconds a stopped child gets to finish its write and remove its temp file
BACKSTOP = 5.0  # CPU seconds past the limit after which an orphaned child ends itself
READ_SIZE = 1 << 20
FIRST_READ = 1 << 16
"""Bytes the parent asks for when it reads what a child sent (READ_SIZE once a read comes
back full): ``os.read`` makes a buffer of the size asked for, and one of 1 MiB costs
~10 us more than the read itself, which most often brings a few small results."""
GATHER = 0.01  # seconds results may gather before the first is read (see _Pool.lull)
LULL_MIN = 0.001  # seconds: a shorter lull is not slept (see _Pool.lull)
LULL_MAX = 0.05  # seconds: the longest lull
SMALL_READ = 16 << 10  # bytes: a read of more and the next results are read at once
JOIN_MAX = 1 << 16  # bytes: a message up to this size is sent with its header in one write
STREAM_PIECE = 1 << 20  # bytes: a streamed output goes to the parent in pieces this large
PROTOCOL = 5  # pickle.HIGHEST_PROTOCOL since Python 3.8 (out-of-band buffers aside)


def available() -> bool:
    """True where children can be forked (not on Windows)."""
    return hasattr(os, "fork")


def timeout_reason(limit: float) -> str:
    """The one-line reason given for a file that ran past ``limit`` seconds."""
    return f"took longer than {limit:g} s; left unchanged"


class _Stop(BaseException):
    """Raised in a child by SIGTERM: not an ``Exception``, so nothing swallows it."""


def _raise_stop(signum: int, frame: Any) -> None:
    raise _Stop


# --- framing ------------------------------------------------------------------------------


def _send(fd: int, message: object) -> None:
    data = pickle.dumps(message, protocol=PROTOCOL)
    head = FRAME.pack(len(data))
    # a small message in one write (one system call, and the reader never wakes up to a
    # header alone); a large one not joined: no copy of a large output
    parts = (head + data,) if len(data) <= JOIN_MAX else (head, data)
    for part in parts:
        view = memoryview(part)
        while view:
            view = view[os.write(fd, view) :]


def _read_exact(fd: int, size: int) -> bytes | None:
    parts = []
    while size:
        part = os.read(fd, min(size, READ_SIZE))
        if not part:
            return None
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def _receive(fd: int) -> Any:
    """The next message on ``fd`` (blocking), or None at end of file."""
    header = _read_exact(fd, FRAME.size)
    if header is None:
        return None
    data = _read_exact(fd, FRAME.unpack(header)[0])
    return None if data is None else pickle.loads(data)


# --- the child ----------------------------------------------------------------------------


def _child(
    prepare: Callable[[], Clean],
    limit: float,
    tasks: int,
    results: int,
    board: mmap.mmap,
    close: Sequence[int],
    held: Sequence[Task],
) -> None:
    """Clean what arrives on ``tasks`` with what ``prepare`` gives; answer on ``results``,
    keeping ``board`` up to date. Never returns.

    A message names files by their index in ``held``, the batch's tasks as this process
    had them when it was forked: no file's path or name is pickled, sent and rebuilt."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, _raise_stop)
        for fd in close:  # other children's pipes: their ends must close when the parent's do
            os.close(fd)
        clean = prepare()
        backstop = limit + BACKSTOP if limit > 0 else 0.0
        while True:
            batch: list[int] | None = _receive(tasks)
            if batch is None:
                break
            for index in batch:
                source = cast("Source", held[index])
                _note(board, index, time.monotonic(), 0)
                # CPU time, untouched by Ctrl-Z; the default action of SIGPROF ends the
                # process even inside C code: a child whose parent died cannot run forever
                signal.setitimer(signal.ITIMER_PROF, backstop)
                stream = _Stream(results, index)
                result = clean(source, _announcer(board), stream.write)
                signal.setitimer(signal.ITIMER_PROF, 0)
                _note(board, -1, 0.0, 0)  # done: sending the result is not timed
                stream.close()
                del stream
                _send(results, ("r", index, result))
    except BaseException:  # stopped, or the parent went away: end quietly
        code = 1
    finally:
        os._exit(code)


class _Stream:
    """A file's output sent to the parent as it is made (``("o", index, piece)``
    messages of about :data:`STREAM_PIECE` bytes before its result), so a large output
    is never whole in the child, beside the tree it is made from (peak memory). The
    parent joins the pieces into the result's ``output``. The first write (possibly
    empty) opens it: an output streamed empty still arrives as one."""

    __slots__ = ("fd", "held", "index", "opened", "parts")

    def __init__(self, fd: int, index: int) -> None:
        self.fd, self.index = fd, index
        self.parts: list[bytes] = []
        self.held, self.opened = 0, False

    def write(self, data: bytes) -> None:
        self.opened = True
        self.parts.append(data)
        self.held += len(data)
        if self.held >= STREAM_PIECE:
            self.flush()

    def flush(self) -> None:
        piece = b"".join(self.parts)
        self.parts.clear()
        self.held = 0
        _send(self.fd, ("o", self.index, piece))

    def close(self) -> None:
        """Send what is left of an opened output."""
        if self.opened:
            self.flush()


def _note(board: mmap.mmap, index: int, started: float, writing: int) -> None:
    board[0] = (board[0] + 1) % 256  # odd: being rewritten
    BOARD.pack_into(board, BOARD_AT, index, started, writing)
    board[0] = (board[0] + 1) % 256


def _announcer(board: mmap.mmap) -> Callable[[], None]:
    """Tells the parent that the file in work is being written: not to be killed now."""

    def writing() -> None:
        index, started, _ = BOARD.unpack_from(board, BOARD_AT)
        _note(board, index, started, 1)

    return writing


class _Worker:
    """The parent's handle on one child."""

    def __init__(self, pid: int, tasks: int, results: int, board: mmap.mmap) -> None:
        self.pid = pid
        self.tasks = tasks  # we write batches here
        self.results = results  # we read results here
        self.board = board  # what it is doing (see BOARD)
        self.buffer = bytearray()
        self.queue: deque[int] = deque()  # indexes sent, not yet answered, in order
        self.status: int | None = None  # the wait status, once reaped
        self.reading = FIRST_READ  # bytes to ask for at the next read (see FIRST_READ)
        self.resumed = 0.0  # no file's time counts from before this (see _Pool.resumed)

    def state(self) -> tuple[int, float, bool] | None:
        """(index of the file in work or -1, when its time started, whether it is being
        written), or None when caught while the child rewrites it."""
        before = self.board[0]
        index, started, writing = BOARD.unpack_from(self.board, BOARD_AT)
        if before % 2 or self.board[0] != before:
            return None
        return index, max(started, self.resumed), bool(writing)

    def messages(self) -> list[Any]:
        """The complete messages in the buffer, taken out of it (read where they lie: no
        copy of each, and the buffer shortened once)."""
        buffer, found = self.buffer, []
        at, end = 0, len(buffer)
        with memoryview(buffer) as view:
            while end - at >= FRAME.size:
                start = at + FRAME.size
                stop = start + FRAME.unpack_from(buffer, at)[0]
                if stop > end:
                    break
                found.append(pickle.loads(view[start:stop]))
                at = stop
        if at == end:
            buffer.clear()
        elif at:
            del buffer[:at]
        return found

    def close(self) -> None:
        for fd in (self.tasks, self.results):
            with contextlib.suppress(OSError):
                os.close(fd)
        self.board.close()

    def reap(self, *, block: bool) -> int | None:
        """The child's wait status once it ended, else None."""
        if self.status is not None:
            return self.status
        try:
            pid, status = os.waitpid(self.pid, 0 if block else os.WNOHANG)
        except ChildProcessError:
            return 0
        if pid:
            self.status = status
            return status
        return None


def _fork(
    prepare: Callable[[], Clean], limit: float, others: Sequence[_Worker], held: Sequence[Task]
) -> _Worker:
    tasks_read, tasks_write = os.pipe()
    results_read, results_write = os.pipe()
    board = mmap.mmap(-1, BOARD_AT + BOARD.size)  # anonymous and shared with the child
    BOARD.pack_into(board, BOARD_AT, -1, 0.0, 0)
    inherited = [fd for w in others for fd in (w.tasks, w.results)]
    pid = _fork_frozen()
    if pid == 0:  # pragma: no cover - runs in the child, which never returns
        os.close(tasks_write)
        os.close(results_read)
        _child(prepare, limit, tasks_read, results_write, board, [*inherited], held)
    os.close(tasks_read)
    os.close(results_write)
    return _Worker(pid, tasks_write, results_read, board)


def _fork_frozen() -> int:
    """``os.fork()``, the objects of this process frozen for the child's collector.

    The child's garbage collections then skip everything it inherited instead of
    touching (and so copying) every page of it: measured, a third of the cost of
    cleaning one post in a fresh child. This process unfreezes at once, so nothing of
    it stays out of its own collections.
    """
    import gc

    gc.freeze()
    pid = -1
    try:
        pid = os.fork()
    finally:
        if pid != 0:  # here, not in the child (nor after a failed fork)
            gc.unfreeze()
    return pid


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        import signal as signals  # (its enum of names: only for this message)

        number = os.WTERMSIG(status)
        try:
            return f"killed by {signals.Signals(number).name}"
        except ValueError:
            return f"killed by signal {number}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"


CHUNK_FIRST = 64  # files per message before the batch's pace is known
CHUNK_TIME = 0.05  # seconds of work per message once it is (see _chunk_size)
CHUNK_MAX = 256  # files per message at most


def _chunk_size(count: int, workers: int, each: float | None = None) -> int:
    """Files per message for ``count`` files left: few round trips, and still a share of
    what is left for every worker. Asked again as the batch goes, so the chunks shrink
    at its end and no child is left with a long queue while another has nothing.

    Once a file is known to take ``each`` seconds (the batch's pace so far), a message
    holds :data:`CHUNK_TIME` of work: this process is woken about as often whatever a
    file costs (each wake-up takes a child's core from it for a while). Measured on
    2,000 posts of half a millisecond, -j 2, interleaved runs: 32 files a message
    throughout 652-662 ms, 64 throughout 642, 128 throughout 631-638, 32 then by time
    655, 128 then by time 626 (-j 1 1,160 ms -> 1,150). The results a batch holds
    waiting for an earlier file grow with the messages (see :func:`_window`):
    64 first, not 128, halves that for a batch of large pages before its pace is known."""
    most = CHUNK_FIRST if not each else max(1, min(CHUNK_MAX, int(CHUNK_TIME / each)))
    return max(1, min(most, count // (workers * 4)))


WINDOW_LEAST = 32  # files a message, for the window (see _window)


def _window(workers: int, size: int) -> int:
    """How far past the next file to output files may be handed out, with messages of
    ``size`` files: two messages a child, never less than two of :data:`WINDOW_LEAST`
    (the results held waiting for an earlier file, output, are at most this many;
    messages of a few large pages keep it there, many small posts widen it)."""
    return workers * 2 * max(size, WINDOW_LEAST)


def death_reason(status: int, limit: float, *, writing: bool) -> str:
    """Why a child's current file failed when the child ended by itself."""
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGPROF:
        return timeout_reason(limit)  # its own backstop
    if writing:
        return f"the worker process died while writing it ({_how(status)}); as it was or complete"
    return f"the worker process died while cleaning it ({_how(status)})"


class _Pool:
    """The children of one run and the bookkeeping of which file each is on."""

    def __init__(
        self,
        tasks: Sequence[Task],
        todo: Sequence[int],
        workers: int,
        limit: float,
        prepare: Callable[[], Clean],
        fail: Callable[[str, str], FileResult],
    ) -> None:
        self.tasks = tasks
        self.limit = limit
        self.workers = workers
        self.prepare = prepare
        self.fail = fail
        self.window = _window(workers, _chunk_size(len(todo), workers))
        self.todo: deque[int] = deque(todo)
        chosen = set(todo)
        # the others were refused while planning: their task is their result
        self.done = {i: cast("FileResult", t) for i, t in enumerate(tasks) if i not in chosen}
        self.children: dict[int, _Worker] = {}  # by the fd their results come on
        self.poller = select.poll()
        self.gather = True  # results came small: let them gather (see wait)
        self.began = 0.0  # time.monotonic() when the first files were sent
        self.answered = 0  # results read so far
        self.streams: dict[int, list[bytes]] = {}  # streamed output so far, by index

    def assign(self, next_out: int) -> None:
        """Hand the next files to a child that is idle or on its last chunk."""
        while self.todo and self.todo[0] < next_out + self.window:
            size = _chunk_size(len(self.todo), self.workers, self.pace())
            self.window = _window(self.workers, size)
            # topped up while on its last chunk: a child never waits for this process
            idle = [w for w in self.children.values() if len(w.queue) <= size]
            if not idle and len(self.children) < self.workers:
                worker = _fork(self.prepare, self.limit, list(self.children.values()), self.tasks)
                self.children[worker.results] = worker
                self.poller.register(worker.results, select.POLLIN)
                idle = [worker]
            if not idle:
                return
            worker = min(idle, key=lambda w: len(w.queue))
            batch: list[int] = []
            while self.todo and len(batch) < size and self.todo[0] < next_out + self.window:
                batch.append(self.todo.popleft())
            worker.queue.extend(batch)
            if not self.began:
                self.began = time.monotonic()
            _send(worker.tasks, batch)  # indexes: the child holds the tasks (see _child)

    def wait(self) -> None:
        """Read what the children sent, for up to :data:`TICK` s or the next deadline.

        While every child has files queued behind the one in work and results come
        small, first let them gather (see :meth:`lull`): each wake-up costs this
        process about as much as a small file costs a child, and woken for every
        result it would hold back what more children can gain (a large result is read
        at once: a child blocks on a full pipe)."""
        now = time.monotonic()
        deadlines = [since + self.limit for _, since in self.timed()]
        wait = min([TICK, *(d - now for d in deadlines)])
        if self.gather and self.children:
            lull = self.lull(now)
            if wait > lull >= LULL_MIN:
                time.sleep(lull)
                wait -= lull
        self.gather = True
        for fd, _ in self.poller.poll(max(0.0, wait) * 1000):
            self.drain(self.children[fd])

    def pace(self) -> float | None:
        """Seconds a file has taken a child so far in this batch (None before a result)."""
        if not self.answered:
            return None
        return (time.monotonic() - self.began) * len(self.children) / self.answered

    def lull(self, now: float) -> float:
        """Seconds the results may gather before this process reads them: half the time
        the child with the fewest files queued takes to clean all but one of them, at
        the pace of the batch so far (:data:`GATHER` before any result), within
        :data:`LULL_MAX`. So the children are topped up before they run dry, whether a
        file takes a millisecond or a tenth of one, and this process wakes up a few
        dozen times a second at most (each wake-up costs it ~0.1 ms: cold caches)."""
        fewest = min(len(w.queue) for w in self.children.values())
        if fewest <= 1:
            return 0.0
        if not self.answered:
            return GATHER
        each = (now - self.began) * len(self.children) / self.answered
        return min(LULL_MAX, (fewest - 1) * each / 2)

    def drain(self, worker: _Worker) -> None:
        """Read one piece of what ``worker`` sent and act on each complete message."""
        data = os.read(worker.results, worker.reading)
        worker.reading = READ_SIZE if len(data) == worker.reading else FIRST_READ
        worker.buffer += data
        if len(data) > SMALL_READ:
            self.gather = False
        for kind, index, payload in worker.messages():
            if kind == "o":  # a piece of a streamed output (see _Stream)
                self.streams.setdefault(index, []).append(payload)
                continue
            pieces = self.streams.pop(index, None)
            if pieces is not None:
                payload.output = b"".join(pieces)
                pieces.clear()
            self.done[index] = payload
            self.answered += 1
            worker.queue.remove(index)  # the first, as results come in order
        if not data:  # the child ended without being asked to
            status = worker.reap(block=True) or 0
            state = worker.state()  # None: it died rewriting it, maybe to say "writing"
            writing = state is None or state[2]
            self.retire(worker, death_reason(status, self.limit, writing=writing))

    def timed(self) -> list[tuple[_Worker, float]]:
        """The children on a file the limit applies to, with when it started."""
        if self.limit <= 0:
            return []
        found = []
        for worker in self.children.values():
            state = worker.state()  # None: between two files
            if state is not None and state[0] >= 0 and not state[2]:
                found.append((worker, state[1]))
        return found

    def enforce(self) -> None:
        """Kill each child whose current file ran past the limit; fail that file."""
        now = time.monotonic()
        for worker, since in self.timed():
            if now - since > self.limit:
                self.expire(worker)

    def expire(self, worker: _Worker) -> None:
        """Freeze ``worker``, read what it sent until then, and kill it if it is still
        past the limit and not writing (no race with a result or a write)."""
        _signal(worker.pid, signal.SIGSTOP)
        try:
            _, status = os.waitpid(worker.pid, os.WUNTRACED)
        except ChildProcessError:
            status = 0
        if not os.WIFSTOPPED(status):  # it ended meanwhile: drain() will find out
            worker.status = status
            return
        while worker.results in self.children and select.select([worker.results], [], [], 0)[0]:
            self.drain(worker)
        if worker.results not in self.children:
            return
        state = worker.state()  # exact, the child being stopped; None: between two files
        if (
            state is not None
            and state[0] >= 0
            and not state[2]
            and (time.monotonic() - state[1] > self.limit)
        ):
            _signal(worker.pid, signal.SIGKILL)
            worker.reap(block=True)
            self.retire(worker, timeout_reason(self.limit))
        else:
            _signal(worker.pid, signal.SIGCONT)

    def retire(self, worker: _Worker, reason: str) -> None:
        """Forget a child that ended or was killed; its current file fails with ``reason``,
        the files queued behind it go to another child, first.

        With no file in work (it died between two), the first queued one fails all the
        same, so a child that cannot even start fails the files one by one and the
        batch still ends."""
        state = worker.state()
        index = -1 if state is None else state[0]
        self.poller.unregister(worker.results)
        del self.children[worker.results]
        worker.close()
        for queued in worker.queue:  # what they streamed is cleaned again, or failed
            self.streams.pop(queued, None)
        if worker.queue:
            failed = index if index in worker.queue else worker.queue[0]
            worker.queue.remove(failed)
            self.done[failed] = self.fail(self.tasks[failed].name, reason)
        self.todo.extendleft(reversed(worker.queue))
        worker.queue.clear()

    def in_flight(self) -> list[tuple[str, float]]:
        """(name, start) of the file each busy child is on."""
        found = []
        for worker in self.children.values():
            state = worker.state()
            if state is not None and 0 <= state[0] < len(self.tasks):
                found.append((self.tasks[state[0]].name, state[1]))
        return found

    def resumed(self) -> None:
        """Back from a stop (Ctrl-Z, then fg): the time stopped does not count."""
        now = time.monotonic()
        for worker in self.children.values():
            worker.resumed = now


def run(
    tasks: Sequence[Task],
    workers: int,
    *,
    todo: Sequence[int],
    limit: float,
    prepare: Callable[[], Clean],
    fail: Callable[[str, str], FileResult],
    on_tick: Ticker | None = None,
) -> Generator[FileResult, None, None]:
    """Clean ``tasks`` in up to ``workers`` children; yield one result per task, in order.

    ``todo`` lists the indexes of the tasks to clean (the others are results already);
    each child calls ``prepare`` once for the function that cleans one of them. Each
    file gets ``limit`` seconds (0: no limit); past it, or when its child dies, its
    result is ``fail(name, reason)``. ``on_tick`` is called with the files in flight
    every :data:`TICK` seconds or so. What the children need should be loaded before
    this is called: they start with whatever this process holds, ``tasks`` included
    (each is sent the indexes of its files only), which must not change meanwhile.
    """
    pool = _Pool(tasks, todo, workers, limit, prepare, fail)
    resumed = _on_resume()
    next_out = 0
    finished = False
    try:
        while True:
            while next_out in pool.done:
                result = pool.done.pop(next_out)
                next_out += 1
                yield result
            if next_out >= len(tasks):
                break
            pool.assign(next_out)
            pool.wait()
            if resumed:
                resumed.clear()
                pool.resumed()
            pool.enforce()
            if on_tick is not None:
                on_tick(pool.in_flight())
        finished = True
    finally:
        _stop(list(pool.children.values()), finished=finished)
        _restore_resume(resumed)


def _stop(workers: list[_Worker], *, finished: bool) -> None:
    """End every child: politely after a complete batch, at once (with grace) otherwise."""
    if finished:
        # every child told first, then each waited for: they end (and the system frees
        # their memory) side by side, not one after the other
        for worker in workers:
            with contextlib.suppress(OSError):
                _send(worker.tasks, None)
            worker.close()
        for worker in workers:
            worker.reap(block=True)
        return
    previous = _ignore_interrupts()  # a second Ctrl-C must not cut the clean-up short
    try:
        for worker in workers:
            _signal(worker.pid, signal.SIGTERM)
        end = time.monotonic() + GRACE
        alive = list(workers)
        while alive and time.monotonic() < end:
            alive = [w for w in alive if w.reap(block=False) is None]
            if alive:
                time.sleep(0.01)
        for worker in alive:
            _signal(worker.pid, signal.SIGKILL)
            worker.reap(block=True)
        for worker in workers:
            worker.close()
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def _signal(pid: int, number: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, number)


def _ignore_interrupts() -> Any:
    try:
        return signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: signals are not ours to change
        return None


class _Resumed(list[bool]):
    """Set (non-empty) when the process is continued after a stop (Ctrl-Z, then fg)."""

    previous: Any = None


def _on_resume() -> _Resumed:
    flag = _Resumed()
    with contextlib.suppress(ValueError):  # not the main thread: not ours to change
        flag.previous = signal.signal(signal.SIGCONT, lambda signum, frame: flag.append(True))
    return flag


def _restore_resume(flag: _Resumed) -> None:
    if flag.previous is not None:
        signal.signal(signal.SIGCONT, flag.previous)


# --- one call under a time limit (the library's ``timeout=``) ----------------------------

T = TypeVar("T")


def call(function: Callable[..., T], *args: Any, timeout: float) -> T:
    """``function(*args)`` run in a forked child that is killed after ``timeout`` seconds.

    Returns what it returns, or raises what it raises (both travel back pickled). Past
    the limit the child is killed, even inside C code, and
    :class:`~cleanhtml.errors.TimeLimitError` is raised; a child that dies raises
    :class:`~cleanhtml.errors.InputError`. Nothing of the child's work stays behind.
    """
    from cleanhtml.errors import InputError, TimeLimitError

    read, write = os.pipe()
    pid = _fork_frozen()
    if pid == 0:  # pragma: no cover - runs in the child, which never returns
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the caller handles Ctrl-C
            os.close(read)
            try:
                outcome: tuple[str, object] = ("ok", function(*args))
            except BaseException as exc:
                outcome = ("error", exc)
            try:
                _send(write, outcome)
            except Exception as exc:  # an answer that does not pickle
                _send(write, ("error", InputError(f"internal error: {exc!r}")))
        finally:
            os._exit(0)
    os.close(write)
    buffer = bytearray()
    try:
        deadline = time.monotonic() + timeout
        poller = select.poll()
        poller.register(read, select.POLLIN)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeLimitError(f"took longer than {timeout:g} s")
            if poller.poll(left * 1000):
                data = os.read(read, READ_SIZE)
                if not data:
                    break
                buffer += data
    finally:
        os.close(read)
        _signal(pid, signal.SIGKILL)  # done or not, the child has nothing left to do
        _, status = os.waitpid(pid, 0)
    if len(buffer) < FRAME.size:
        raise InputError(f"the process cleaning it died ({_how(status)})")
    try:
        kind, value = pickle.loads(bytes(buffer[FRAME.size :]))
    except Exception as exc:  # an exception class that does not unpickle
        raise InputError(f"internal error: {exc!r}") from None
    if kind == "error" and isinstance(value, BaseException):
        raise value
    return cast(T, value)
