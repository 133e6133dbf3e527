"""The content cache of batch runs (``--check``, ``-i``, ``-o``, ``--diff``).

A re-run over an unchanged tree costs a ``stat`` per file, as with black and ruff.
What is cached is the *outcome* of cleaning one file (status, sizes, edit counts,
encoding, notes and a digest of the output), never a guess: an entry is used only when

* the file's bytes are the ones cleaned: same BLAKE2b digest, or (as black does) the
  same size and modification time, where that time was at least :data:`RACY_NS` older
  than the moment it was read (like git's "racy" index entries: a file written again
  within the clock's resolution could keep its time with new bytes, so a fresh time is
  never trusted and the bytes are hashed instead);
* the settings that shape the output are the same: every cache file is named by
  :func:`settings_key`, which covers the format, the profile and its definitions, the
  rule selection, the user rules, the forced encoding, the cleanhtml version and a
  fingerprint of its source files, and the lxml and libxml2 versions;
* what the run must do is answerable without cleaning: ``--check`` always; ``-i`` and
  ``--diff`` only for a file that would not change; ``-o`` only when the output file
  already holds the right bytes (its digest is checked), so it is not rewritten.

The cache lives in the user cache directory (``$XDG_CACHE_HOME/cleanhtml``, by default
``~/.cache/cleanhtml``; ``~/Library/Caches/cleanhtml`` on macOS; ``%LOCALAPPDATA%``
on Windows) or in ``$CLEANHTML_CACHE_DIR``; ``--no-cache`` turns it off. Each file
starts with a digest of its body: a truncated or corrupt file is ignored (and
rebuilt), never trusted. Files are replaced atomically, so concurrent runs never see
half a cache; the last one to finish wins.

The body is :mod:`marshal` data: a dict from each file's real path to its entry, itself
marshalled on its own (see :data:`Entry`). Loading 10,000 entries that way costs about
6 ms (reading and checking the digest included), and each lookup decodes only its own
entry (0.4 us; its edits only when the run reports them); the JSON of the first layout
cost 27-32 ms to load (a tenth of a second ``--check`` over 10,000 posts), and
:mod:`json` its import. :mod:`marshal`
reads only what Python itself wrote (the settings key holds the Python version), and
only a body whose digest matches is read at all.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import stat
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cleanhtml.records import Record

try:  # what hashlib.blake2b is, without hashlib's import of OpenSSL (7-14 ms a run)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - another Python
    from hashlib import blake2b

if TYPE_CHECKING:
    from cleanhtml.config import Settings
    from cleanhtml.files import Source
    from cleanhtml.runner import FileResult

FORMAT = b"cleanhtml-cache 3"
"""The first word of every cache file; a new layout changes the number."""
RACY_NS = 2_000_000_000
"""A modification time this recent when read is not trusted (coarse file-system clocks)."""
ENV_DIR = "CLEANHTML_CACHE_DIR"


def digest(data: bytes) -> str:
    """The cache's digest of some bytes (BLAKE2b, 128 bits, hex)."""
    return blake2b(data, digest_size=16).hexdigest()


def cache_dir() -> Path:
    """Where cache files go: ``$CLEANHTML_CACHE_DIR``, else the user cache directory.

    Written by hand rather than with platformdirs: three stable rules, no dependency, and
    no import cost (platformdirs brings in ``tempfile`` and ``random``) on each run.
    """
    chosen = os.environ.get(ENV_DIR)
    if chosen:
        return Path(chosen).expanduser()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.expanduser(r"~\AppData\Local")
        return Path(base) / "cleanhtml" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "cleanhtml"
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = xdg if os.path.isabs(xdg) else os.path.expanduser("~/.cache")
    return Path(base) / "cleanhtml"


def _code_fingerprint() -> list[list[object]]:
    """Size and modification time of every module of this package: an edited checkout
    (an editable install keeps its version number) gets a new key."""
    root = os.path.dirname(os.path.abspath(__file__))
    found: list[list[object]] = []
    folders = [root]
    while folders:
        folder = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir() and entry.name != "__pycache__":
                    folders.append(entry.path)
                elif entry.name.endswith((".py", ".json")):
                    info = entry.stat()
                    found.append(
                        [os.path.relpath(entry.path, root), info.st_size, info.st_mtime_ns]
                    )
    return sorted(found)


def settings_key(settings: Settings) -> str:
    """One digest of everything that shapes a file's output besides its bytes.

    The only place that reads :class:`~cleanhtml.config.Settings` for the cache: every
    field but those listed in :data:`~cleanhtml.config.OUTPUT_NEUTRAL` (destinations and
    report options: ``-i``, ``--check``, ``-q``, ``-j``... change what is done with a
    result, not the result), so a field added to the settings counts unless it is
    listed there, as in :meth:`Settings.cache_key`; then the versions of cleanhtml (and
    a fingerprint of its source files), lxml, libxml2 and Python.
    """
    from lxml import etree

    from cleanhtml import __version__
    from cleanhtml.config import OUTPUT_NEUTRAL, _frozen

    shape = [
        (name, _frozen(getattr(settings, name)))
        for name in sorted(settings.__slots__)
        if name not in OUTPUT_NEUTRAL
    ]
    shape += [
        ("cleanhtml", __version__),
        ("code", _code_fingerprint()),
        ("lxml", etree.LXML_VERSION),
        ("libxml2", etree.LIBXML_VERSION),
        ("python", sys.version_info[:2]),
    ]
    # repr of str, int, bool, None, float and tuples of them: the same on every run
    return digest(repr(shape).encode("utf-8"))


def enabled(settings: Settings) -> bool:
    """True when a batch under ``settings`` uses the cache (files checked or written)."""
    return settings.cache and not settings.to_stdout and not settings.explain


Entry = tuple[int, int, str, str, int, int, str, bytes, str, list[str]]
"""One file's entry: (size, mtime_ns (-1: not trusted), digest, status, bytes_in,
bytes_out, output digest, edits, encoding, notes), stored as its own marshal bytes. The
edits (rule name -> count) are marshalled apart, inside: a lookup decodes them only
when the run reports them (``-q`` without ``--statistics`` or ``-v`` does not), which
spares a second ``--check`` most of its entries' decoding (1.0 -> 0.4 us a file)."""
_FIELDS = 10
_STATUSES = ("cleaned", "unchanged")
_BAD_DATA = (EOFError, ValueError, TypeError, OverflowError, MemoryError)
"""What :func:`marshal.loads` raises on bytes it did not write (or cut short)."""


def _entry(raw: object) -> Entry | None:
    """The entry marshalled in ``raw``; None when it is not one of the right shape."""
    try:
        entry = marshal.loads(raw)  # type: ignore[arg-type]  # (a TypeError if no bytes)
    except _BAD_DATA:
        return None
    if (  # type() rather than isinstance(): a few hundred ns a file (no subclasses here)
        type(entry) is not tuple
        or len(entry) != _FIELDS
        or type(entry[0]) is not int
        or type(entry[1]) is not int
        or type(entry[2]) is not str
        or entry[3] not in _STATUSES
        or type(entry[4]) is not int
        or type(entry[5]) is not int
        or type(entry[6]) is not str
        or type(entry[7]) is not bytes
        or type(entry[8]) is not str
        or type(entry[9]) is not list
    ):
        return None
    return entry


def _edits(raw: bytes) -> dict[str, int] | None:
    """An entry's edits (rule name -> count); None when they are not that."""
    try:
        edits = marshal.loads(raw)
    except _BAD_DATA:
        return None
    if type(edits) is not dict or not all(
        type(name) is str and type(count) is int for name, count in edits.items()
    ):
        return None
    return edits


def _dumps(entry: Entry) -> bytes:
    return marshal.dumps(entry)


def stamp(path: str) -> tuple[int, int] | None:
    """``(size, mtime_ns)`` of a regular file, the time only when old enough to trust
    (-1 otherwise); None when it cannot be read or is no regular file. Take it *before*
    reading the bytes: a later write then shows as a newer time."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    trusted = info.st_mtime_ns < time.time_ns() - RACY_NS
    return info.st_size, info.st_mtime_ns if trusted else -1


class Outcome(Record):
    """What a worker tells the cache about a file it cleaned."""

    __slots__ = ("digest", "output_digest", "stamp")

    stamp: tuple[int, int]
    digest: str
    output_digest: str

    def __init__(self, stamp: tuple[int, int], digest: str, output_digest: str) -> None:
        self.stamp = stamp
        self.digest = digest
        self.output_digest = output_digest


def _read(path: Path) -> dict[str, bytes]:
    """The entries of one cache file, each still marshalled (decoded by :func:`_entry`
    when looked up); empty when the file is missing, truncated or corrupt."""
    try:
        raw = path.read_bytes()
    except OSError:
        return {}
    head, _, body = raw.partition(b"\n")
    words = head.split(b" ")
    if len(words) != 3 or b" ".join(words[:2]) != FORMAT:
        return {}
    if words[2].decode("ascii", "replace") != digest(body):
        return {}
    try:
        entries = marshal.loads(body)
    except _BAD_DATA:
        return {}
    return entries if type(entries) is dict else {}  # entries are checked when used


def _write(path: Path, entries: dict[str, bytes]) -> None:
    """Replace ``path`` atomically (temporary file in the same folder, then rename).

    ``entries`` holds each entry as its marshal bytes (see :meth:`Cache.record`); it is
    emptied once marshalled, and the body is written after its header rather than
    joined to it: a batch's peak memory is the entries or their marshal bytes, not
    both and a copy (a few hundred bytes a file)."""
    body = marshal.dumps(entries)
    entries.clear()
    head = FORMAT + b" " + digest(body).encode("ascii") + b"\n"
    temp = path.with_name(f".{path.name}.{os.getpid()}.{time.monotonic_ns()}.tmp")
    try:
        with open(temp, "wb") as handle:
            handle.write(head)
            handle.write(body)
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temp)


class Cache:
    """The entries of one settings key, loaded once per run and saved at its end."""

    def __init__(self, settings: Settings, folder: Path, *, key: str | None = None) -> None:
        self.settings = settings
        self.folder = folder
        self.path = folder / f"cache.{key or settings_key(settings)}.bin"
        # a time this recent is not trusted: taken once, before any file is looked at,
        # it is older than each stat's own moment (so it trusts less, never more)
        self._trusted_before = time.time_ns() - RACY_NS
        self.entries = _read(self.path)
        from cleanhtml.runner import FileResult, destination, plain_output

        self._result, self._destination, self._plain = FileResult, destination, plain_output
        # whether a result's edits are read (see Entry): each file's line, the summary's
        # rule counts (on a terminal too), -v, --statistics
        self._edits_read = settings.verbose or settings.statistics or not settings.quiet
        self.changed: dict[str, bytes] = {}
        """New entries as their marshal bytes: a batch holds a few hundred bytes per
        file until they are saved, not the tuples, dicts and strings of each."""
        self.hits = 0

    def lookup(self, source: Source) -> FileResult | Source | None:
        """The cached result of ``source``; else None, or the source with its bytes
        attached when they had to be read to find out (so they are not read twice)."""
        if source.path == "-" or source.data is not None:
            return None
        key = _key(source)
        raw = self.entries.get(key)
        if raw is None:
            return None
        entry = _entry(raw)
        if entry is None:
            return None
        try:
            info = os.stat(source.path)
        except OSError:
            return None
        if info.st_size != entry[0] or not stat.S_ISREG(info.st_mode):
            return None
        mtime = info.st_mtime_ns
        if mtime != entry[1] or mtime >= self._trusted_before:  # not vouched for: the bytes
            try:
                with open(source.path, "rb") as handle:
                    data = handle.read()
            except OSError:
                return None
            if digest(data) != entry[2]:
                return source.replace(data=data)
            if mtime >= self._trusted_before:
                mtime = -1
            if mtime != entry[1]:
                entry = (entry[0], mtime, *entry[2:])
                self.changed[key] = _dumps(entry)
        return self._answer(source, entry)

    def _answer(self, source: Source, entry: Entry) -> FileResult | None:
        settings = self.settings
        status = entry[3]
        if status == "cleaned" and (settings.in_place or settings.diff):
            return None  # the file must be rewritten, or its diff printed: clean it
        edits = _edits(entry[7]) if self._edits_read else {}
        if edits is None:
            return None
        result = self._result(
            source.name,
            status,  # type: ignore[arg-type]  # (checked by _entry)
            entry[4],
            entry[5],
            edits,
            encoding=entry[8],
            notes=entry[9],
        )
        if settings.output_dir is not None:
            target = self._destination(source, settings)
            if target is None or not self._plain(target, settings):
                return None  # a link in -o DIR: never read through, replaced when written
            try:
                with open(target, "rb") as handle:
                    held = handle.read()
            except OSError:
                return None
            if len(held) != entry[5] or digest(held) != entry[6]:
                return None
            result.destination = str(target)
        self.hits += 1
        return result

    def record(self, source: Source, result: FileResult) -> None:
        """Remember what cleaning ``source`` gave (failures and rewritten inputs are not)."""
        outcome = result.cached
        if outcome is None or result.status == "failed" or source.path == "-":
            return
        if result.written and self.settings.in_place:
            return  # the input holds new bytes now; the next run cleans them once
        key = _key(source)
        try:
            entry: Entry = (
                *outcome.stamp,
                outcome.digest,
                result.status,
                result.bytes_in,
                result.bytes_out,
                outcome.output_digest,
                marshal.dumps(result.edits),
                result.encoding or "",
                result.notes,
            )
            raw = _dumps(entry)
        except ValueError:  # a value marshal cannot write (a str subclass): not kept
            return
        self.entries.pop(key, None)  # each file is looked up once per run
        self.changed[key] = raw

    def save(self) -> None:
        """Write the new entries, merged with what the file holds now (another run may
        have saved since we loaded it), leaving out the entries of files that no longer
        exist. Errors are ignored: a cache is optional."""
        if not self.changed:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return
        self.entries = {}  # what the lookups needed; the file is read again
        kept = {
            key: raw
            for key, raw in _read(self.path).items()
            if type(key) is str and key not in self.changed and os.path.lexists(key)
        }
        kept.update(self.changed)
        self.changed = {}
        _write(self.path, kept)


def _key(source: Source) -> str:
    """The entry's key: the file's real path (found by the folder search), else its
    absolute path."""
    return source.real or os.path.abspath(source.path)


class Caches:
    """The caches of one run: one :class:`Cache` per distinct settings key, since each
    file may take its own settings from the config file nearest to it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.folder = cache_dir()
        self._by_settings: dict[int, tuple[Settings, Cache]] = {}
        self._by_key: dict[str, Cache] = {}

    def _for(self, source: Source) -> Cache:
        own = source.settings if source.settings is not None else self.settings
        known = self._by_settings.get(id(own))
        if known is None:
            # the rule settings are the file's own; what is done with a result, the run's
            shaped = own if own is self.settings else _with_run_destinations(own, self.settings)
            key = settings_key(shaped)
            store = self._by_key.get(key)
            if store is None:
                store = self._by_key[key] = Cache(shaped, self.folder, key=key)
            known = self._by_settings[id(own)] = (own, store)  # holding ``own`` keeps its id
        return known[1]

    def lookup(self, source: Source) -> FileResult | Source | None:
        """See :meth:`Cache.lookup`."""
        return self._for(source).lookup(source)

    def record(self, source: Source, result: FileResult) -> None:
        """See :meth:`Cache.record`."""
        self._for(source).record(source, result)

    def save(self) -> None:
        """Save every cache that has new entries."""
        for store in self._by_key.values():
            store.save()

    @property
    def hits(self) -> int:
        """Files answered from the cache so far."""
        return sum(store.hits for store in self._by_key.values())


def _with_run_destinations(own: Settings, run: Settings) -> Settings:
    return own.replace(
        output_dir=run.output_dir, in_place=run.in_place, check=run.check, diff=run.diff
    )


def open_cache(settings: Settings) -> Caches | None:
    """The caches of a batch under ``settings``, or None when they are not used."""
    if not enabled(settings):
        return None
    return Caches(settings)


def split(caches: Caches, sources: Iterable[Any]) -> tuple[dict[int, FileResult], list[Any]]:
    """Answer what the cache can; return (results by position, the tasks left to run)."""
    from cleanhtml.files import Source
    from cleanhtml.runner import FileResult

    hits: dict[int, FileResult] = {}
    left: list[Any] = []
    for index, task in enumerate(sources):
        if isinstance(task, Source):
            found = caches.lookup(task)
            if isinstance(found, FileResult):
                hits[index] = found
                continue
            if found is not None:
                task = found
        left.append(task)
    return hits, left
