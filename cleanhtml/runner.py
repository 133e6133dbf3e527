"""Run the cleaner over files, in worker processes that can be killed, or in-process.

:func:`process_file` never raises: whatever happens to one file becomes a
:class:`FileResult` (cleaned, unchanged or failed, with the reason), so one bad input
never stops, corrupts or skips the others. :func:`run_many` yields results in input
order whatever the number of workers. Under a time limit (``--timeout``, 60 s unless
set to 0) or with several workers, files are cleaned in children of this process that
it can kill (:mod:`cleanhtml.workers`), so no file can hold up a run past its limit;
without a limit, one worker cleans in-process.

Files are replaced atomically: the new bytes go to a temporary file in the same
folder, which takes the original's mode and then replaces it with ``os.replace``. A
file is written only when its bytes change; a failed write leaves the original as it
was and is reported.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Callable, Generator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Literal

from cleanhtml.config import Settings
from cleanhtml.errors import CleanHtmlError, InputError
from cleanhtml.files import STDIN, Source, inside, output_file, output_path
from cleanhtml.records import Record
from cleanhtml.rule import Removal, Rule

if TYPE_CHECKING:
    from hashlib import blake2b

    from cleanhtml.cache import Outcome
    from cleanhtml.cleaned import Cleaned

Status = Literal["cleaned", "unchanged", "failed"]


TEMP_SUFFIX = ".cleanhtml.tmp"
TREE_FORMATS = frozenset({"text", "markdown"})
"""Formats rendered from the cleaned tree (and a post's front matter and Markdown)
alone, never from the input bytes (``html`` and ``json`` give an untouched input back)."""


class FileResult(Record):
    """What happened to one input. Picklable: it travels back from worker processes."""

    __slots__ = (
        "bytes_in", "bytes_out", "cached", "destination", "diff", "edits", "encoding", "error",
        "name", "notes", "notices", "output", "page", "removals", "status", "traceback",
        "written",
    )  # fmt: skip

    name: str
    status: Status
    bytes_in: int
    bytes_out: int
    edits: dict[str, int]
    output: bytes | None
    diff: str | None
    destination: str | None
    written: bool
    error: str | None
    traceback: str | None
    removals: list[Removal]
    encoding: str | None
    notes: list[str]
    cached: Outcome | None  # what the content cache keeps of it (batches only)
    notices: list[str]
    """What the user must hear about this file without ``-v`` (a root that matched nothing)."""
    page: str | None
    """The site profile and container used, for ``--explain``."""

    def __init__(
        self,
        name: str,
        status: Status,
        bytes_in: int = 0,
        bytes_out: int = 0,
        edits: dict[str, int] | None = None,
        output: bytes | None = None,
        diff: str | None = None,
        destination: str | None = None,
        written: bool = False,
        error: str | None = None,
        traceback: str | None = None,
        removals: list[Removal] | None = None,
        encoding: str | None = None,
        notes: list[str] | None = None,
        cached: Outcome | None = None,
        notices: list[str] | None = None,
        page: str | None = None,
    ) -> None:
        self.name = name
        self.status = status
        self.bytes_in = bytes_in
        self.bytes_out = bytes_out
        self.edits = {} if edits is None else edits
        self.output = output
        self.diff = diff
        self.destination = destination
        self.written = written
        self.error = error
        self.traceback = traceback
        self.removals = [] if removals is None else removals
        self.encoding = encoding
        self.notes = [] if notes is None else notes
        self.cached = cached
        self.notices = [] if notices is None else notices
        self.page = page

    @classmethod
    def failure(cls, name: str, reason: str, traceback: str | None = None) -> FileResult:
        """A failed result naming the reason."""
        return cls(name, "failed", error=reason, traceback=traceback)


def _page_line(meta: dict[str, object]) -> str | None:
    """``profile qq, container #Cnt-Main-Article-QQ`` (None when no profile was used)."""
    profile, container = meta.get("profile"), meta.get("container")
    if profile is None and container is None:
        return None
    line = f"profile {profile or 'none'}"
    return line + (f", container {container}" if container else ", no container cut")


def suffix_for(to: str) -> str | None:
    """The extension ``-o`` gives a result in format ``to`` (None keeps the input's)."""
    from cleanhtml.render import get

    return get(to).suffix


def destination(source: Source, settings: Settings) -> Path | None:
    """The file ``source``'s result is written to under ``-o``, or None."""
    if settings.output_dir is None:
        return None
    return output_path(settings.output_dir, source, suffix_for(settings.to))


def _destination_file(source: Source, settings: Settings) -> str | None:
    """:func:`destination` as a string, made without pathlib (once a file)."""
    if settings.output_dir is None:
        return None
    return output_file(str(settings.output_dir), source, suffix_for(settings.to))


def process_file(
    source: Source | str | os.PathLike[str],
    settings: Settings,
    *,
    rules: Sequence[Rule] | None = None,
    on_write: Callable[[], None] | None = None,
    on_output: Callable[[bytes], None] | None = None,
) -> FileResult:
    """Clean one file as ``settings`` say (print, write, check or diff). Never raises.

    ``on_write`` is called just before a file is written (a worker tells its parent that
    the file is past its time limit's reach: a write is never cut short). A large html
    or text output for standard output goes to ``on_output`` piece by piece as it is
    made (the result's ``output`` is then None; a worker sends the pieces on), when
    given.
    """
    if not isinstance(source, Source):
        path = os.fspath(source)
        source = Source(path, "<stdin>" if path == STDIN else path, os.path.basename(path), True)
    if source.settings is not None:  # its nearest config file is not the run's
        settings, rules = source.settings, None
    try:
        chosen = settings.rules() if rules is None else rules
        return _process(source, settings, chosen, on_write, on_output)
    except CleanHtmlError as exc:
        return FileResult.failure(source.name, str(exc))
    except Exception as exc:  # a bug: still one line; -v shows the traceback
        import traceback

        return FileResult.failure(source.name, f"internal error: {exc!r}", traceback.format_exc())


def _process(
    source: Source,
    settings: Settings,
    rules: Sequence[Rule],
    on_write: Callable[[], None] | None = None,
    on_output: Callable[[bytes], None] | None = None,
) -> FileResult:
    from cleanhtml import document
    from cleanhtml.api import clean_document
    from cleanhtml.render import render

    caching = _caching(source, settings)
    if caching:
        from cleanhtml import cache

        # before reading: a write after it shows as a newer time (bytes already read
        # for the cache are not vouched for by a time)
        stamp = cache.stamp(source.path) if source.data is None else None
    data = read_source(source)
    size = len(data)
    in_digest = cache.digest(data) if caching else ""
    # a file's bytes handed over are let go while it is cleaned when large (peak
    # memory), and read again only if needed (a file no rule touched is written as it
    # came); a diff reads them whole, and standard input is held by its source anyway
    given: bytes | document.Handed = data
    if not settings.diff and source.data is None and source.path != STDIN:
        given, data = document.Handed(data, lambda: _read_file(source)), b""
    cleaned = clean_document(
        given,
        rules=rules,
        encoding=settings.encoding,
        explain=settings.explain,
        path=source.name,
        keep_comments=settings.keep_comments,
        url=settings.url,
        to=settings.to,
    )
    del given
    result = FileResult(source.name, "unchanged", bytes_in=size, edits=cleaned.edits)
    result.removals = cleaned.ctx.removals
    result.encoding = cleaned.doc.encoding
    result.notes = [*cleaned.doc.repairs, *cleaned.doc.warnings]
    result.notices = cleaned.ctx.notices
    result.page = _page_line(cleaned.ctx.meta)
    if settings.to_stdout:
        result.status = "cleaned" if cleaned.edited else "unchanged"
        if settings.to == "html" and cleaned.edited:
            # the output is the tree's: the input goes before it is serialized, straight
            # to UTF-8 (peak memory)
            cleaned.ctx.needles, cleaned.doc.source = None, b""
            del data
            if on_output is not None and size >= STREAM_BYTES:  # never whole here
                counted = _Counted(on_output)
                counted.write(b"")  # opens it: an output made empty is still one
                document.write(cleaned.doc, counted)
                result.bytes_out = counted.size
                return result
            result.output = document.to_bytes(cleaned.doc)
        else:
            if settings.to in TREE_FORMATS:  # the input goes before the text is made
                cleaned.ctx.needles, cleaned.doc.source = None, b""
                data = b""
            if settings.to == "text" and on_output is not None and size >= STREAM_BYTES:
                from cleanhtml.render.text import write_text

                counted = _Counted(on_output)
                counted.write(b"")  # opens it: an output made empty is still one
                write_text(cleaned.doc, counted.write)
                result.bytes_out = counted.size
                return result
            text = render(cleaned, settings.to)
            del cleaned, data  # the tree and input go before the output is encoded
            result.output = text.encode("utf-8")
        result.bytes_out = len(result.output)
        return result
    keep = caching and not result.notices  # a notice is said again on every run: not cached
    streamed = settings.to == "text" or (settings.to == "html" and cleaned.edited)
    if streamed and not cleaned.doc.held:
        # let go while it was cleaned (large): the output goes to its file as it is made
        cleaned.ctx.needles = None
        out_digest = _write_made(result, cleaned, source, settings, on_write)
        if keep:
            if stamp is None or stamp[0] != size:
                stamp = (size, -1)
            result.cached = cache.Outcome(stamp, in_digest, out_digest)
        return result
    if settings.to == "html":
        new = document.dump(cleaned.doc, edited=cleaned.edited)
        changed = cleaned.edited and not cleaned.doc.is_input(new)
    else:
        new = render(cleaned, settings.to).encode("utf-8")
        changed = cleaned.edited
    result.bytes_out = len(new)
    result.status = "cleaned" if changed else "unchanged"
    if keep:
        if stamp is None or stamp[0] != size:
            stamp = (size, -1)
        out_digest = in_digest if cleaned.doc.is_input(new) else cache.digest(new)
        result.cached = cache.Outcome(stamp, in_digest, out_digest)
    if settings.diff and changed:
        result.diff = unified_diff(data, new, source.name, cleaned.doc.encoding)
    target_path = _destination_file(source, settings)
    if on_write is not None and (target_path is not None or (settings.in_place and changed)):
        on_write()
    if settings.in_place and changed:
        target = os.path.realpath(source.path)  # replace a symlink's target, not the link
        if source.real and target != source.real:  # the link was vetted against the root
            raise InputError(f"symbolic link now leads to {target}; not written")
        result.destination = source.name
        _write(target, new, like=target)
        result.written = True
    if target_path is not None:
        result.destination = target_path
        _check_output_folder(target_path, settings)
        result.written = _write_if_different(target_path, new)
    return result


STREAM_BYTES = 1 << 20
"""Inputs this large (bytes) have their html/text output for standard output streamed by a
worker (see :func:`process_file`): smaller ones travel whole, in one message."""


class _Counted:
    """Passes what is written on to ``write``, counting the bytes."""

    __slots__ = ("size", "to")

    def __init__(self, to: Callable[[bytes], None]) -> None:
        self.to, self.size = to, 0

    def write(self, data: bytes) -> None:
        self.size += len(data)
        self.to(data)


def _caching(source: Source, settings: Settings) -> bool:
    """True when the content cache keeps what cleaning ``source`` gives."""
    if source.path == STDIN or settings.to_stdout or not settings.cache:
        return False  # (decided without the cache module: a --no-cache worker never loads it)
    from cleanhtml.cache import enabled

    return enabled(settings)


def plain_output(path: Path, settings: Settings) -> bool:
    """True if ``path`` under ``-o DIR`` is no link and no folder link leads it out of DIR.

    Otherwise the result is not taken as already there (the content cache asks this):
    the file is cleaned, and writing it replaces the link or refuses the folder link.
    """
    if path.is_symlink() or settings.output_dir is None:
        return False
    return inside(os.path.realpath(path.parent), os.path.realpath(settings.output_dir))


def _check_output_folder(path: str, settings: Settings) -> None:
    """Refuse to write through a folder link inside ``-o DIR`` that leads out of it."""
    if settings.output_dir is None:
        return
    parent, top = os.path.dirname(path), str(settings.output_dir)
    if parent == top:  # DIR itself: inside, wherever it leads (no path resolved)
        return
    folder = os.path.realpath(parent)
    if not inside(folder, os.path.realpath(top)):
        raise InputError(
            f"cannot write {path}: a symbolic link below {settings.output_dir} leads to"
            f" {folder}; not written"
        )


def read_source(source: Source) -> bytes:
    """The bytes of ``source``; a folder or a special file found in a search is an
    :class:`InputError`. Binary files are told apart when loading (by signature and
    control bytes), where a stray NUL in good HTML and BOM-less UTF-16 are handled."""
    if source.data is not None:
        return source.data
    if source.path == STDIN:
        return sys.stdin.buffer.read()
    return _read_file(source)


def _read_file(source: Source) -> bytes:
    """The bytes of a file, in one open, one ``fstat`` and the reads (Python's ``open``
    adds four system calls a file: a batch reads thousands). A file met in a folder
    search that is no regular file is refused; it is opened without blocking, so a FIFO
    there never holds the run up."""
    path, explicit = source.path, source.explicit
    try:
        try:
            fd = os.open(path, os.O_RDONLY if explicit else os.O_RDONLY | os.O_NONBLOCK)
        except OSError:
            if not explicit and not stat.S_ISREG(os.stat(path).st_mode):  # a socket, say
                raise InputError("not a regular file") from None
            raise
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                if not explicit:
                    raise InputError("not a regular file")
                if stat.S_ISDIR(info.st_mode):
                    raise IsADirectoryError
            return _read_all(fd, info.st_size)
        finally:
            os.close(fd)
    except IsADirectoryError:
        raise InputError("is a directory") from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}") from None


def _read_all(fd: int, size: int) -> bytes:
    """What is left to read on ``fd``, ``size`` bytes as far as its ``fstat`` knew (a
    file may grow meanwhile, and a pipe tells 0): read at once when it is right."""
    parts = []
    want = size + 1 if size else READ_MORE
    while piece := os.read(fd, want):
        parts.append(piece)
        want = READ_MORE
    return parts[0] if len(parts) == 1 else b"".join(parts)


READ_MORE = 1 << 16


def unified_diff(old: bytes, new: bytes, name: str, encoding: str) -> str:
    """A unified diff from ``old`` to ``new`` (decoded), ``patch``-ready.

    The headers are git's: ``a/`` and ``b/`` before the path as given, whose leading
    slashes go (``/tmp/x.html`` gives ``a/tmp/x.html``, as ``git diff --no-index``
    writes it, not ``a//tmp/x.html``), so ``patch -p1`` reads every header alike.
    """
    import difflib

    before = old.decode(encoding, errors="replace").lstrip("\ufeff").splitlines(keepends=True)
    after = new.decode("utf-8", errors="replace").lstrip("\ufeff").splitlines(keepends=True)
    name = name.lstrip("/" + os.sep)
    lines = []
    for line in difflib.unified_diff(before, after, f"a/{name}", f"b/{name}"):
        if not line.endswith("\n"):
            line += "\n\\ No newline at end of file\n"
        lines.append(line)
    return "".join(lines)


def _write_if_different(path: str, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless it already holds exactly that; True if written.

    A symbolic link at ``path`` is replaced by a regular file, never read or written
    through (it may lead anywhere). One ``lstat`` tells a link, a file of another size
    (not read) and a new file (its folder made when missing, see :func:`replace_with`).
    """
    try:
        info: os.stat_result | None = os.lstat(path)
    except OSError:
        info = None
    link = info is not None and stat.S_ISLNK(info.st_mode)
    if info is not None and stat.S_ISREG(info.st_mode) and info.st_size == len(data):
        try:
            if _read_path(path) == data:
                return False
        except OSError:
            pass
    like = None if info is None or link else info
    _write(path, data, like=like, make_folder=info is None)
    return True


def _read_path(path: str) -> bytes:
    fd = os.open(path, os.O_RDONLY)
    try:
        return _read_all(fd, os.fstat(fd).st_size)
    finally:
        os.close(fd)


def _make_folder(folder: str) -> None:
    """Make ``folder`` and those above it that are missing (an :class:`InputError` that
    names it when that fails)."""
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create {folder}: {exc.strerror or exc}") from None


def _write(
    path: str, data: bytes, *, like: str | os.stat_result | None, make_folder: bool = False
) -> None:
    """Replace ``path`` atomically; the new file takes the mode (and owner) of ``like``."""
    try:
        write_atomic(path, data, like=like, make_folder=make_folder)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}; left as it was") from None


def write_atomic(
    path: str, data: bytes, *, like: str | os.stat_result | None = None, make_folder: bool = False
) -> None:
    """Write ``data`` to a temporary file beside ``path``, then ``os.replace`` it.

    A new file gets the default mode (``0o666`` less the umask); with ``like``, the
    mode, owner and group of that file (or of that ``stat`` result; owner only where
    permitted). On any error the temporary file is removed and ``path`` is untouched.
    """

    def produce(fd: int) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]

    _replace(path, produce, like, lambda: True, make_folder)


def replace_with(
    path: str,
    produce: Callable[[BinaryIO], object],
    *,
    like: str | os.stat_result | None = None,
    replace: Callable[[], bool] = lambda: True,
    make_folder: bool = False,
) -> bool:
    """:func:`write_atomic` for an output written piece by piece: ``produce`` writes it
    into the temporary file, which then replaces ``path`` if ``replace()`` says so
    (else it is removed); True when it did. With ``make_folder``, the folder of
    ``path`` is made if the temporary file cannot be created in it (once: a batch
    writing thousands of files into one folder does not ask each time)."""

    def into(fd: int) -> None:
        with os.fdopen(fd, "wb", closefd=False) as handle:
            produce(handle)

    return _replace(path, into, like, replace, make_folder)


def _replace(
    path: str,
    produce: Callable[[int], object],
    like: str | os.stat_result | None,
    replace: Callable[[], bool],
    make_folder: bool,
) -> bool:
    folder, base = os.path.split(path)
    original = os.stat(like) if isinstance(like, str) else like
    while True:
        # secrets.token_hex(4) without its import: secrets loads random, hmac and with it
        # hashlib's OpenSSL (~7 ms in every process that writes a file)
        temp = os.path.join(folder, f".{base}.{os.urandom(4).hex()}{TEMP_SUFFIX}")
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            break
        except FileExistsError:
            continue
        except OSError:
            if not make_folder:
                raise
            make_folder = False
            _make_folder(folder)  # then again (an error now is the write's)
    try:
        try:
            produce(fd)
            if original is not None:
                os.fchmod(fd, stat.S_IMODE(original.st_mode))
                if (original.st_uid, original.st_gid) != (os.geteuid(), os.getegid()):
                    with contextlib.suppress(PermissionError):
                        os.fchown(fd, original.st_uid, original.st_gid)
        finally:
            os.close(fd)
        if not replace():
            os.unlink(temp)
            return False
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return True


class _Made:
    """Counts and digests an output as it is written (passing it on to ``to``, when
    given): the document's digest of it (to tell it from the input) and the cache's."""

    __slots__ = ("cache", "mine", "size", "to")

    def __init__(self, to: BinaryIO | None = None) -> None:
        self.to, self.size = to, 0
        self.mine = _blake2b(32)  # as cleanhtml.document._digest
        self.cache = _blake2b(16)  # as cleanhtml.cache.digest

    def write(self, data: bytes) -> None:
        self.size += len(data)
        self.mine.update(data)
        self.cache.update(data)
        if self.to is not None:
            self.to.write(data)


def _blake2b(size: int) -> blake2b:
    """``hashlib.blake2b(digest_size=size)`` without hashlib's import of OpenSSL (~7 ms)."""
    try:
        from _blake2 import blake2b as made
    except ImportError:  # pragma: no cover - another Python
        from hashlib import blake2b as made
    return made(digest_size=size)


def _holds(path: Path, made: _Made) -> bool:
    """True when the file at ``path`` holds exactly what ``made`` counted (read in
    pieces: size, then digest); False when it cannot be read."""
    digest = _blake2b(32)
    try:
        if path.stat().st_size != made.size:
            return False
        with path.open("rb") as handle:
            while piece := handle.read(READ_PIECE):
                digest.update(piece)
    except OSError:
        return False
    return digest.digest() == made.mine.digest()


READ_PIECE = 1 << 20


def _write_made(
    result: FileResult,
    cleaned: Cleaned,
    source: Source,
    settings: Settings,
    on_write: Callable[[], None] | None,
) -> str:
    """The html or text output of a document whose input was let go, written (``-i``,
    ``-o``) or checked as it is made: never whole in memory beside the tree. Written
    into a temporary file beside its destination that replaces it only as
    :func:`_process` would write the output made whole (``-i``: when it is not the
    input's bytes, told by size and digest; ``-o``: when the file there does not hold
    it already). Fills ``result``; returns the output's cache digest."""
    from cleanhtml import serialize
    from cleanhtml.render.text import write_text

    doc, html = cleaned.doc, settings.to == "html"
    made = _Made()

    def produce(out: BinaryIO | None) -> None:
        made.to = out
        if html:
            serialize.write(doc, made)
        else:
            write_text(doc, made.write)

    def changed() -> bool:  # as _process: the html output is told from the input
        if not cleaned.edited:
            return False
        return not html or made.size != doc.size or made.mine.digest() != doc.digest

    target_path = destination(source, settings)
    if settings.in_place:
        target = os.path.realpath(source.path)  # replace a symlink's target, not the link

        def replace() -> bool:
            if not changed():
                return False
            now = os.path.realpath(source.path)
            if (source.real and now != source.real) or now != target:  # vetted against the root
                raise InputError(f"symbolic link now leads to {now}; not written")
            return True

        if on_write is not None:
            on_write()
        try:
            result.written = replace_with(target, produce, like=target, replace=replace)
        except OSError as exc:
            raise InputError(
                f"cannot write {target}: {exc.strerror or exc}; left as it was"
            ) from None
        if result.written:
            result.destination = source.name
    elif target_path is not None:
        result.destination = str(target_path)
        _check_output_folder(str(target_path), settings)
        link = target_path.is_symlink()  # replaced by a regular file, never read through
        try:
            target_path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create {target_path.parent}: {exc.strerror or exc}") from None
        like = str(target_path) if not link and target_path.exists() else None
        if on_write is not None:
            on_write()
        try:
            result.written = replace_with(
                str(target_path),
                produce,
                like=like,
                replace=lambda: link or not _holds(target_path, made),
            )
        except OSError as exc:
            raise InputError(
                f"cannot write {target_path}: {exc.strerror or exc}; left as it was"
            ) from None
    else:  # --check: nothing is written
        produce(None)
    result.bytes_out = made.size
    result.status = "cleaned" if changed() else "unchanged"
    return made.cache.hexdigest()


# --- batches ----------------------------------------------------------------------------

Task = Source | FileResult  # a FileResult here is an input refused before cleaning


def plan(sources: Sequence[Source], settings: Settings) -> list[Task]:
    """``sources`` with those that cannot be written safely replaced by failures.

    Under ``-o``, two inputs mapping to the same output (``page.html`` and ``page.md``
    with ``-t text``) both fail rather than overwrite each other, and an output that
    would land on an input fails rather than overwrite it.
    """
    tasks: list[Task] = list(sources)
    if settings.output_dir is None:
        return tasks
    keys = _output_keys(sources, settings)
    first: dict[str, int] = {}
    shared: dict[str, list[int]] = {}  # the outputs of several inputs: their indexes
    for index, key in enumerate(keys):
        earlier = first.setdefault(key, index)
        if earlier != index:
            shared.setdefault(key, [earlier]).append(index)
    for indexes in shared.values():
        shown = destination(sources[indexes[0]], settings)
        names = [sources[i].name for i in indexes]
        for i in indexes:
            others = ", ".join(n for n in names if n != sources[i].name)
            reason = f"output {shown} would also be written from {others}; not written"
            tasks[i] = FileResult.failure(sources[i].name, reason)
    for index in _onto(sources, keys):
        if keys[index] not in shared:
            source = sources[index]
            shown = destination(source, settings)
            reason = f"output {shown} is the input itself; use -i to clean in place"
            tasks[index] = FileResult.failure(source.name, reason)
    return tasks


def onto_inputs(sources: Sequence[Source], settings: Settings) -> list[Source]:
    """The inputs whose ``-o`` output would be the input file itself (``-o DIR DIR``)."""
    if settings.output_dir is None:
        return []
    return [sources[index] for index in _onto(sources, _output_keys(sources, settings))]


_FOLD = None if os.path.normcase("A") == "A" else os.path.normcase
"""``os.path.normcase`` where it changes anything (not on POSIX: not called there, on
each of a batch's files in this process, before any worker starts)."""


def _output_keys(sources: Sequence[Source], settings: Settings) -> list[str]:
    """Each source's ``-o`` output path (:func:`~cleanhtml.files.output_file` under the
    real output folder), case-folded as file names compare."""
    assert settings.output_dir is not None
    out_root = os.path.realpath(settings.output_dir)
    suffix = suffix_for(settings.to)
    if suffix is None and os.sep == "/" and out_root != "/":  # output_file's join, inline
        prefix = out_root + "/"
        return [r if r[:1] == "/" else prefix + r for r in [s.relative for s in sources]]
    keys = [output_file(out_root, source, suffix) for source in sources]
    return keys if _FOLD is None else [_FOLD(key) for key in keys]


def _onto(sources: Sequence[Source], keys: Sequence[str]) -> list[int]:
    """The indexes of the sources whose output (``keys``, see :func:`_output_keys`) is
    the input itself."""
    found = []
    for index, source in enumerate(sources):
        if source.path == STDIN:
            continue
        real = source.real or os.path.realpath(source.path)
        if (real if _FOLD is None else _FOLD(real)) == keys[index]:
            found.append(index)
    return found


def run_chunk(tasks: Sequence[Task], settings: Settings) -> list[FileResult]:
    """Clean one chunk of a batch (what a Dask task runs).

    Under a time limit the files are cleaned in a child of this process that is killed
    past it (:mod:`cleanhtml.workers`), so a file that cannot finish fails alone and the
    Dask worker running this goes on.
    """
    rules = settings.rules()
    todo = [index for index, task in enumerate(tasks) if isinstance(task, Source)]
    if settings.timeout > 0 and todo and hasattr(os, "fork"):
        from cleanhtml.workers import run

        prepare = _preparer(settings, rules)
        limit, fail = settings.timeout, FileResult.failure
        return list(run(tasks, 1, todo=todo, limit=limit, prepare=prepare, fail=fail))
    return [
        t if isinstance(t, FileResult) else process_file(t, settings, rules=rules) for t in tasks
    ]


Ticker = Callable[[Sequence[tuple[str, float]]], None]
"""Called with the files in flight: (name, ``time.monotonic()`` when it started)."""


def run_many(
    sources: Sequence[Source],
    settings: Settings,
    *,
    on_tick: Ticker | None = None,
    guarded: bool = False,
) -> Generator[FileResult, None, None]:
    """Clean ``sources``; yield one result per source, in the order given.

    What the content cache (:mod:`cleanhtml.cache`) can answer is not cleaned again.
    The rest is cleaned in worker processes that this one can kill
    (:mod:`cleanhtml.workers`): ``settings.workers`` of them, in chunks, a bounded number
    of results ahead, so memory stays flat on any batch size; each file has
    ``settings.timeout`` seconds. With no time limit and one worker (or where processes
    cannot be forked) the files are cleaned here, one after another. ``on_tick``
    receives the files in flight, with the time each started, several times a second.
    Close the iterator (or let it finish) to stop the workers. ``guarded``: this process
    is the child of a guard (:mod:`cleanhtml.guard`) and a lone input (one not too
    large to clean without streaming) is cleaned here, the guard holding its time limit
    (:mod:`cleanhtml.watch`).
    """
    tasks = plan(sources, settings)
    store = None
    if settings.cache and not settings.to_stdout:  # (no cache module on the stdout path)
        from cleanhtml.cache import open_cache

        store = open_cache(settings)
    if store is None:
        yield from _run_tasks(tasks, settings, on_tick, guarded=guarded)
        return
    from cleanhtml.cache import split

    hits, left = split(store, tasks)
    results = _run_tasks(left, settings, on_tick, guarded=guarded)
    try:
        for index, task in enumerate(tasks):
            if index in hits:
                yield hits[index]
                continue
            result = next(results)
            if isinstance(task, Source):
                store.record(task, result)
            yield result
    finally:
        results.close()  # a pool stops before the cache is saved
        store.save()


def _run_tasks(
    tasks: list[Task], settings: Settings, on_tick: Ticker | None = None, *, guarded: bool = False
) -> Generator[FileResult, None, None]:
    """Clean ``tasks`` (a refused input passes through); results in the order given."""
    if not tasks:
        return
    if settings.dask:
        from cleanhtml.dask import run_tasks

        yield from run_tasks(_read_stdin(tasks), settings, run_chunk)
        return
    if guarded and settings.timeout > 0 and len(tasks) == 1 and isinstance(tasks[0], Source):
        tasks = _read_stdin(tasks)  # (its reading never counts against its time limit)
        task = tasks[0]
        if isinstance(task, FileResult):
            yield task
            return
        if _size(task) < STREAM_BYTES:  # larger: a worker streams its output (peak memory)
            from cleanhtml import watch

            source, chosen = task, settings.rules()

            def clean(untimed: Callable[[], None]) -> FileResult:
                return process_file(source, settings, rules=chosen, on_write=untimed)

            yield watch.clean(clean, settings.timeout, task.name)
            return
    workers = min(settings.workers, sum(isinstance(task, Source) for task in tasks))
    if workers >= 1 and (settings.timeout > 0 or workers > 1) and hasattr(os, "fork"):
        from cleanhtml.workers import run

        rules = None
        if workers > 1:  # load the cleaner here: every child forked from here starts with it
            import cleanhtml.api  # noqa: F401

            rules = settings.rules()
        tasks = _read_stdin(tasks)
        todo = [index for index, task in enumerate(tasks) if isinstance(task, Source)]
        prepare = _preparer(settings, rules)
        limit = settings.timeout
        fail = FileResult.failure
        yield from run(
            tasks, workers, todo=todo, limit=limit, prepare=prepare, fail=fail, on_tick=on_tick
        )
        return
    rules = settings.rules()
    for task in tasks:
        yield task if isinstance(task, FileResult) else process_file(task, settings, rules=rules)


def _size(source: Source) -> int:
    """The size of ``source`` in bytes (0 when it cannot be told: cleaning will say why)."""
    if source.data is not None:
        return len(source.data)
    try:
        return os.stat(source.path).st_size
    except OSError:
        return 0


def _preparer(
    settings: Settings, rules: Sequence[Rule] | None
) -> Callable[[], Callable[[Source, Callable[[], None], Callable[[bytes], None]], FileResult]]:
    """What a worker process calls once for its cleaning function (rules built there,
    unless given)."""

    def prepare() -> Callable[[Source, Callable[[], None], Callable[[bytes], None]], FileResult]:
        chosen = settings.rules() if rules is None else rules

        def clean(
            source: Source, on_write: Callable[[], None], on_output: Callable[[bytes], None]
        ) -> FileResult:
            return process_file(
                source, settings, rules=chosen, on_write=on_write, on_output=on_output
            )

        return clean

    return prepare


def _read_stdin(tasks: list[Task]) -> list[Task]:
    """Workers cannot read our standard input: read it here, once (and its reading
    never counts against a file's time limit)."""
    for index, task in enumerate(tasks):
        if isinstance(task, Source) and task.path == STDIN and task.data is None:
            try:
                tasks[index] = task.replace(data=sys.stdin.buffer.read())
            except (OSError, AttributeError, ValueError) as exc:  # closed or unreadable
                reason = f"cannot read: {getattr(exc, 'strerror', None) or exc}"
                tasks[index] = FileResult.failure(task.name, reason)
    return tasks
