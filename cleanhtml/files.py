"""Path expansion: command-line PATHs in, the list of input files out.

* ``-`` is standard input.
* A directory is searched recursively for files matching ``include`` (default
  ``*.html *.htm *.xhtml *.md *.markdown``) and not matching ``exclude``. Version
  control folders, ``node_modules``, caches, virtualenvs and the output directory are
  skipped, and inside a git work tree so is what ``.gitignore`` ignores (one ``git
  ls-files`` call per work tree and batch).
* A file named on the command line is always processed, whatever its name, unless
  ``force_exclude`` is set and ``exclude`` matches it.
* Files come out in a deterministic order: arguments as given, each directory sorted
  by name; a file reached twice (through two arguments or a symlink) comes once.
* A symlink loop, a broken link or an unreadable directory is an error line, never a
  hang or a crash.
* Nothing outside the project root (:func:`project_root`) is read: a symbolic link
  met in a folder search (to a file or a folder) is followed only when its real path
  is inside the root, else it is skipped and listed in ``Expansion.skipped``; a path
  named on the command line whose real path is outside the root is an error. Each
  real folder is searched once.

A glob without ``/`` matches a file or folder name anywhere (``drafts``,
``*.min.html``); a glob with ``/`` matches the path relative to the directory given
on the command line (``2019/*``; ``*`` also crosses ``/``).
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterator, Sequence
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

from cleanhtml.records import Frozen, Record

if TYPE_CHECKING:
    from cleanhtml.config import Settings

SKIP_DIRS: frozenset[str] = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".bzr",
        "node_modules",
        "__pycache__",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        ".direnv",
        ".eggs",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
    }
)
"""Folder names never searched (version control, dependencies, virtualenvs, caches)."""

STDIN = "-"
_BY_NAME = attrgetter("name")


class Source(Frozen):
    """One input file.

    ``path`` is what to open (``-`` for standard input), ``name`` what to call it in
    messages, ``relative`` its path below the directory it was found in (its file name
    when named directly), used to mirror it under ``-o``. ``data`` holds standard
    input once read.
    """

    __slots__ = ("data", "explicit", "name", "path", "real", "relative", "settings")
    _hidden = ("data", "settings")

    path: str
    name: str
    relative: str
    explicit: bool
    data: bytes | None
    real: str  # the resolved path, when known: spots one file reached twice
    settings: Settings | None
    """This file's own settings when its nearest config file differs from the run's."""

    def __init__(
        self,
        path: str,
        name: str,
        relative: str,
        explicit: bool = False,
        data: bytes | None = None,
        real: str = "",
        settings: Settings | None = None,
    ) -> None:
        _set = object.__setattr__
        _set(self, "path", path)
        _set(self, "name", name)
        _set(self, "relative", relative)
        _set(self, "explicit", explicit)
        _set(self, "data", data)
        _set(self, "real", real)
        _set(self, "settings", settings)


class Expansion(Record):
    """The inputs found, and the paths that could not be searched or read."""

    __slots__ = ("errors", "notes", "skipped", "sources")

    sources: list[Source]
    errors: list[tuple[str, str]]
    notes: list[str]
    skipped: list[tuple[str, str]]
    """Links met in a folder search that lead outside the root: (name, reason)."""

    def __init__(
        self,
        sources: list[Source] | None = None,
        errors: list[tuple[str, str]] | None = None,
        notes: list[str] | None = None,
        skipped: list[tuple[str, str]] | None = None,
    ) -> None:
        self.sources = [] if sources is None else sources
        self.errors = [] if errors is None else errors
        self.notes = [] if notes is None else notes
        self.skipped = [] if skipped is None else skipped


class _Globs:
    """Compiled include/exclude globs: names, or paths relative to the searched root."""

    def __init__(self, patterns: Sequence[str]) -> None:
        names: list[str] = []
        paths: list[str] = []
        for pattern in patterns:
            stripped = pattern.strip("/")
            target = paths if "/" in stripped else names
            target.append(fnmatch.translate(os.path.normcase(stripped)))
        self._name = re.compile("|".join(names)).match if names else None
        self._path = re.compile("|".join(paths)).match if paths else None
        self.empty = not (names or paths)
        # (os.path.normcase changes nothing on POSIX: not called there, once per file)
        self._fold = os.path.normcase if os.path.normcase("A") != "A" else None

    def match(self, name: str, relative: str) -> bool:
        fold = self._fold
        if self._name is not None and self._name(fold(name) if fold else name):
            return True
        return self._path is not None and bool(self._path(fold(relative) if fold else relative))


class _GitIgnores:
    """What ``.gitignore`` excludes, per git work tree, asked of git once per tree."""

    def __init__(self) -> None:
        self._cache: dict[str, frozenset[str] | None] = {}
        self.notes: list[str] = []

    def ignored(self, top: str) -> frozenset[str] | None:
        """Ignored paths below ``top`` (relative, ``/``-separated; folders end in ``/``)."""
        if top not in self._cache:
            self._cache[top] = self._ask_git(top)
        return self._cache[top]

    def _ask_git(self, top: str) -> frozenset[str] | None:
        import subprocess

        command = ["git", "-C", top, "ls-files", "-z", "--others", "--ignored"]
        command += ["--exclude-standard", "--directory"]
        try:
            done = subprocess.run(command, capture_output=True, check=True)
        except (OSError, subprocess.CalledProcessError) as exc:
            self.notes.append(f"{top}: .gitignore not applied (git failed: {exc})")
            return None
        return frozenset(os.fsdecode(p) for p in done.stdout.split(b"\0") if p)


def git_top(directory: str) -> str | None:
    """The git work tree ``directory`` is in (the folder holding ``.git``), or None."""
    current = directory
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def project_root(paths: Sequence[str], cwd: str | None = None) -> str:
    """The real path of the project root of a run over ``paths``.

    The git work tree holding the inputs (the nearest folder holding ``.git``, looked
    for upward from their common parent, without running git), else that common parent.
    The common parent is taken from the paths as named, before links are followed: a
    named folder counts as itself, a named file or link as the folder holding it. With
    standard input only, the working directory.
    """
    here = os.path.abspath(cwd or os.curdir)
    parents = []
    for raw in paths:
        if raw == STDIN:
            continue
        path = os.path.join(here, raw)
        path = os.path.abspath(path)  # lexical: "a/link/.." stays "a"
        folder = os.path.isdir(path) and not os.path.islink(path)
        parents.append(path if folder else os.path.dirname(path))
    common = os.path.commonpath(parents) if parents else here
    return os.path.realpath(git_top(common) or common)


def inside(real: str, root: str) -> bool:
    """True if the real path ``real`` is ``root`` or below it (both already resolved)."""
    return real == root or real.startswith(root if root.endswith(os.sep) else root + os.sep)


def outside_reason(real: str, root: str) -> str:
    """Why a path is refused: the message names where the link leads and the root."""
    return f"symbolic link to {real}, outside the project root {root}"


class _Walk(Record):
    """State of one directory search."""

    __slots__ = (
        "exclude", "found", "gitignores", "include", "root", "root_name", "seen", "skip",
        "walked",
    )  # fmt: skip

    root_name: str
    include: _Globs
    exclude: _Globs
    skip: frozenset[str]
    gitignores: _GitIgnores
    found: Expansion
    seen: set[str]
    root: str | None
    walked: set[tuple[int, int]]

    def __init__(
        self,
        root_name: str,
        include: _Globs,
        exclude: _Globs,
        skip: frozenset[str],
        gitignores: _GitIgnores,
        found: Expansion,
        seen: set[str],
        root: str | None,
        walked: set[tuple[int, int]],
    ) -> None:
        self.root_name = root_name
        self.include = include
        self.exclude = exclude
        self.skip = skip
        self.gitignores = gitignores
        self.found = found
        self.seen = seen
        self.root = root
        self.walked = walked


class _Folder(Record):
    """A folder to list: its real path, display name, path below the root, git context."""

    __slots__ = ("ancestors", "git_relative", "git_top", "name", "real", "relative")

    real: str
    name: str
    relative: str
    ancestors: frozenset[tuple[int, int]]
    git_top: str | None
    git_relative: str

    def __init__(
        self,
        real: str,
        name: str,
        relative: str,
        ancestors: frozenset[tuple[int, int]],
        git_top: str | None,
        git_relative: str,
    ) -> None:
        self.real = real
        self.name = name
        self.relative = relative
        self.ancestors = ancestors
        self.git_top = git_top
        self.git_relative = git_relative


def expand(
    paths: Sequence[str],
    *,
    include: Sequence[str],
    exclude: Sequence[str] = (),
    skip: Sequence[str | os.PathLike[str]] = (),
    force_exclude: bool = False,
    root: str | None = None,
) -> Expansion:
    """The input files named by ``paths``, in order, with the errors met on the way.

    ``skip`` lists folders never searched (the output directory). With
    ``force_exclude``, ``exclude`` also drops paths named in ``paths`` (as black and
    ruff do: pre-commit names every staged file). ``root`` is the real path of the
    project root: nothing whose real path is outside it is taken (None: links are
    followed anywhere).
    """
    found = Expansion()
    seen: set[str] = set()
    walked: set[tuple[int, int]] = set()
    gitignores = _GitIgnores()
    skip_real = frozenset(os.path.realpath(p) for p in skip)
    excluded = _Globs(exclude) if force_exclude and exclude else None
    for raw in paths:
        if excluded is not None and raw != STDIN and _named_excluded(raw, excluded):
            continue
        if raw == STDIN:
            if STDIN not in seen:
                seen.add(STDIN)
                found.sources.append(Source(STDIN, "<stdin>", STDIN, explicit=True))
            continue
        if not os.path.lexists(raw):
            found.errors.append((raw, "No such file or directory"))
            continue
        key = os.path.realpath(raw)
        if root is not None and not inside(key, root):
            refused = f"{outside_reason(key, root)}; not read (--allow-outside-root allows it)"
            found.errors.append((raw, refused))
            continue
        if os.path.isdir(raw):
            globs = _Globs(include), _Globs(exclude)
            _search(_Walk(raw, *globs, skip_real, gitignores, found, seen, root, walked))
            continue
        if key not in seen:
            seen.add(key)
            found.sources.append(Source(raw, raw, os.path.basename(raw), True, real=key))
    found.notes.extend(gitignores.notes)
    return found


def _named_excluded(raw: str, globs: _Globs) -> bool:
    """True when ``exclude`` matches a path named on the command line: a glob without
    ``/`` any of its parts, a glob with ``/`` the path as given (``./`` dropped)."""
    parts = [part for part in os.path.normpath(raw).split(os.sep) if part not in ("", ".")]
    relative = "/".join(parts)
    return any(globs.match(part, relative) for part in parts)


def _search(walk: _Walk) -> None:
    real = os.path.realpath(walk.root_name)
    try:
        info = os.stat(real)
    except OSError as exc:
        walk.found.errors.append((walk.root_name, exc.strerror or str(exc)))
        return
    top = git_top(real)
    git_relative = "" if top is None else _relative_posix(real, top)
    # files in the working directory are named "a.html", not "./a.html"
    shown = "" if os.path.normpath(walk.root_name) == os.curdir else walk.root_name
    if (info.st_dev, info.st_ino) in walk.walked:  # named twice, or inside a folder named
        return
    walk.walked.add((info.st_dev, info.st_ino))
    root_key = frozenset({(info.st_dev, info.st_ino)})
    stack = [_Folder(real, shown, "", root_key, top, git_relative)]
    while stack:
        folder = stack.pop()
        # sub-folders are pushed in reverse so they are listed in name order
        stack.extend(reversed(list(_list(walk, folder))))


def _relative_posix(path: str, start: str) -> str:
    rel = os.path.relpath(path, start)
    return "" if rel == "." else rel.replace(os.sep, "/") + "/"


def _list(walk: _Walk, folder: _Folder) -> Iterator[_Folder]:
    """Record the files of ``folder``; yield its sub-folders to search, in name order."""
    try:
        with os.scandir(folder.real) as scan:
            entries = sorted(scan, key=_BY_NAME)
    except OSError as exc:
        name = folder.name or walk.root_name
        walk.found.errors.append((name, f"cannot list folder: {exc.strerror or exc}"))
        return
    top, git_relative = folder.git_top, folder.git_relative
    if any(entry.name == ".git" for entry in entries):  # a (nested) work tree starts here
        top, git_relative = folder.real, ""
    ignored = walk.gitignores.ignored(top) if top is not None else None
    # what each file's names start with (os.path.join's, once per folder)
    shown, real = os.path.join(folder.name, ""), os.path.join(folder.real, "")
    same = shown == real  # a folder named by its real path: each file's name is its key
    include, exclude = walk.include.match, walk.exclude
    excluding = None if exclude.empty else exclude.match
    seen, sources = walk.seen, walk.found.sources
    for entry in entries:
        entry_name = entry.name
        relative = folder.relative + entry_name
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            git_path = git_relative + entry_name
            if entry_name in SKIP_DIRS or exclude.match(entry_name, relative):
                continue
            if ignored is not None and git_path + "/" in ignored:
                continue
            sub = _folder(walk, folder, entry, shown + entry_name, relative, top, git_path)
            if sub is not None:
                yield sub
            continue
        if not include(entry_name, relative) or (
            excluding is not None and excluding(entry_name, relative)
        ):
            continue
        if ignored is not None and git_relative + entry_name in ignored:
            continue
        name = shown + entry_name
        if entry.is_symlink():
            _add_link(walk, entry, name, relative)
            continue
        key = name if same else real + entry_name  # (one string held, not two alike)
        if key not in seen:
            seen.add(key)
            sources.append(Source(name, name, relative, False, None, key))


def _folder(
    walk: _Walk,
    parent: _Folder,
    entry: os.DirEntry[str],
    name: str,
    relative: str,
    top: str | None,
    git_path: str,
) -> _Folder | None:
    link = entry.is_symlink()
    real = os.path.realpath(entry.path) if link else os.path.join(parent.real, entry.name)
    if link and walk.root is not None and not inside(real, walk.root):
        walk.found.skipped.append((name, outside_reason(real, walk.root)))
        return None
    if real in walk.skip or os.path.exists(os.path.join(real, "pyvenv.cfg")):
        return None
    try:
        info = os.stat(real)
    except OSError as exc:
        walk.found.errors.append((name, exc.strerror or str(exc)))
        return None
    key = (info.st_dev, info.st_ino)
    if key in parent.ancestors:
        walk.found.errors.append((name, "symbolic link loop (a folder inside itself); skipped"))
        return None
    if key in walk.walked:  # a second way into a folder already searched
        return None
    walk.walked.add(key)
    return _Folder(real, name, relative + "/", parent.ancestors | {key}, top, git_path + "/")


def _add_link(walk: _Walk, entry: os.DirEntry[str], name: str, relative: str) -> None:
    """A link to a file met in a folder search: taken when it leads inside the root."""
    try:
        os.stat(entry.path)
    except OSError as exc:
        walk.found.errors.append((name, f"cannot follow symbolic link: {exc.strerror or exc}"))
        return
    key = os.path.realpath(entry.path)
    if walk.root is not None and not inside(key, walk.root):
        walk.found.skipped.append((name, outside_reason(key, walk.root)))
        return
    if key in walk.seen:
        return
    walk.seen.add(key)
    walk.found.sources.append(Source(name, name, relative, real=key))


def output_path(output_dir: Path, source: Source, suffix: str | None) -> Path:
    """Where ``source`` goes under ``output_dir``; ``suffix`` replaces its extension."""
    relative = Path(source.relative)
    if suffix is not None:
        relative = relative.with_suffix(suffix)
    return output_dir / relative


def output_file(output_dir: str, source: Source, suffix: str | None) -> str:
    """:func:`output_path` as a string, without pathlib (a batch asks twice per file,
    in the parent process, whose time per file limits what more workers can gain)."""
    relative = source.relative
    if suffix is not None:
        cut = max(relative.rfind("/"), relative.rfind(os.sep)) + 1
        name = relative[cut:]
        dot = name.rfind(".")
        if 0 < dot < len(name) - 1:  # pathlib's suffix: not a leading or a final dot
            name = name[:dot]
        relative = relative[:cut] + name + suffix
    if os.sep != "/":
        return os.path.join(output_dir, relative)
    # posixpath.join(output_dir, relative), inline (a third of this function's cost)
    if relative.startswith("/"):
        return relative
    if not output_dir or output_dir.endswith("/"):
        return output_dir + relative
    return output_dir + "/" + relative
