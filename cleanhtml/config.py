"""Settings: ``[tool.cleanhtml]`` / ``.cleanhtml.toml`` merged with the command line.

The configuration file is the nearest ``.cleanhtml.toml`` (top-level keys) or
``pyproject.toml`` with a ``[tool.cleanhtml]`` table, searched from the common parent
of the inputs (the working directory for standard input) upward, stopping at the
repository root (the first directory holding ``.git`` or ``.hg``). In one directory
``.cleanhtml.toml`` wins over ``pyproject.toml``.

Keys are the long option names (``to``, ``select``, ``extend-select``, ``ignore``,
``jobs``, ``include``, ``exclude``, ...). Options given on the command line override
the file. An unknown key or a bad value is a :class:`~cleanhtml.errors.ConfigError`
(exit 2) that names the key.
"""

from __future__ import annotations

import codecs
import functools
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cleanhtml.errors import ConfigError, UsageError
from cleanhtml.records import Frozen
from cleanhtml.render import NAMES as FORMATS

if TYPE_CHECKING:
    from cleanhtml.rule import Rule

CONFIG_NAMES = (".cleanhtml.toml", "pyproject.toml")
REPOSITORY_MARKERS = (".git", ".hg")
DEFAULT_INCLUDE: tuple[str, ...] = ("*.html", "*.htm", "*.xhtml", "*.md", "*.markdown")

# Destinations: when the command line names one, the file's destination keys are dropped,
# so a pre-commit hook's ``-i`` is not refused because the file sets ``output-dir``.
DESTINATION_KEYS = ("output-dir", "in-place", "check", "diff")
# Modes that compare a file with its cleaned self: only meaningful in the input's format.
HTML_ONLY = {"in-place": "-i/--in-place", "check": "--check", "diff": "--diff"}


OUTPUT_NEUTRAL = frozenset(
    {
        "output_dir", "in_place", "check", "diff", "jobs", "explain", "include", "exclude",
        "quiet", "verbose", "statistics", "dask", "config_file", "timeout", "cache",
        "force_exclude",
        "allow_outside_root",
    }
)  # fmt: skip
"""Settings fields that decide where and how a batch runs, never what a document
becomes: left out of :meth:`Settings.cache_key`. A new field counts unless listed here."""


def _tuple(value: tuple[str, ...] | list[str] | str) -> tuple[str, ...]:
    """A list field's value as a tuple (a lone string as a tuple of one), so settings
    stay hashable and equal to what a config file gives."""
    if isinstance(value, tuple):
        return value
    return (value,) if isinstance(value, str) else tuple(value)


def _frozen(value: object) -> object:
    """A hashable, order-stable copy of ``value`` (mappings sorted, lists as tuples)."""
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _frozen(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value


class Settings(Frozen):
    """One value holding every setting: what to clean with, and how a batch runs.

    Immutable, hashable and picklable (it travels to worker processes and Dask tasks),
    like black's ``Mode``. Build it from keyword arguments named like the config keys
    (``drop_text`` for ``drop-text``), from a config file, or both, with
    :meth:`Settings.build`; the command line builds it with :func:`resolve`. Its
    :meth:`rules` is the one place settings become the ordered rule list.

    >>> s = Settings.build(root="#artibody", drop=[".ad"])
    >>> s.drop, s == Settings.build(drop=".ad", root="#artibody")
    (('.ad',), True)
    """

    __slots__ = (
        "allow_outside_root", "cache", "check", "config_file", "dask", "diff", "drop",
        "drop_text", "encoding", "exclude", "explain", "extend_select", "force_exclude",
        "ignore", "in_place", "include", "jobs", "keep_comments", "output_dir", "profile",
        "profiles", "quiet", "root", "select", "statistics", "timeout", "to", "unwrap", "url",
        "verbose",
    )  # fmt: skip
    _compare = tuple(sorted(set(__slots__) - {"config_file"}))

    to: str
    output_dir: Path | None
    in_place: bool
    check: bool
    diff: bool
    select: tuple[str, ...]
    extend_select: tuple[str, ...]
    ignore: tuple[str, ...]
    jobs: int | None
    encoding: str | None
    explain: bool
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    quiet: bool
    verbose: bool
    statistics: bool
    profile: str
    dask: str | None
    drop: tuple[str, ...]
    unwrap: tuple[str, ...]
    drop_text: tuple[str, ...]
    root: str | None
    cache: bool  # the content cache of batches (--no-cache: False)
    keep_comments: tuple[str, ...]
    force_exclude: bool
    timeout: float
    allow_outside_root: bool
    url: str | None
    profiles: Mapping[str, Mapping[str, Any]]
    config_file: Path | None

    def __init__(
        self,
        to: str = "html",
        output_dir: Path | None = None,
        in_place: bool = False,
        check: bool = False,
        diff: bool = False,
        select: tuple[str, ...] = (),
        extend_select: tuple[str, ...] = (),
        ignore: tuple[str, ...] = (),
        jobs: int | None = None,
        encoding: str | None = None,
        explain: bool = False,
        include: tuple[str, ...] = DEFAULT_INCLUDE,
        exclude: tuple[str, ...] = (),
        quiet: bool = False,
        verbose: bool = False,
        statistics: bool = False,
        profile: str = "auto",
        dask: str | None = None,
        drop: tuple[str, ...] = (),
        unwrap: tuple[str, ...] = (),
        drop_text: tuple[str, ...] = (),
        root: str | None = None,
        cache: bool = True,
        keep_comments: tuple[str, ...] = (),
        force_exclude: bool = False,
        timeout: float = 60.0,
        allow_outside_root: bool = False,
        url: str | None = None,
        profiles: Mapping[str, Mapping[str, Any]] | None = None,
        config_file: Path | None = None,
    ) -> None:
        _set = object.__setattr__
        _set(self, "to", to)
        _set(self, "output_dir", output_dir)
        _set(self, "in_place", in_place)
        _set(self, "check", check)
        _set(self, "diff", diff)
        _set(self, "select", _tuple(select))
        _set(self, "extend_select", _tuple(extend_select))
        _set(self, "ignore", _tuple(ignore))
        _set(self, "jobs", jobs)
        _set(self, "encoding", encoding)
        _set(self, "explain", explain)
        _set(self, "include", _tuple(include))
        _set(self, "exclude", _tuple(exclude))
        _set(self, "quiet", quiet)
        _set(self, "verbose", verbose)
        _set(self, "statistics", statistics)
        _set(self, "profile", profile)
        _set(self, "dask", dask)
        _set(self, "drop", _tuple(drop))
        _set(self, "unwrap", _tuple(unwrap))
        _set(self, "drop_text", _tuple(drop_text))
        _set(self, "root", root)
        _set(self, "cache", cache)
        _set(self, "keep_comments", _tuple(keep_comments))
        _set(self, "force_exclude", force_exclude)
        _set(self, "timeout", timeout)
        _set(self, "allow_outside_root", allow_outside_root)
        _set(self, "url", url)
        _set(self, "profiles", {} if profiles is None else profiles)
        _set(self, "config_file", config_file)

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(_frozen(getattr(self, name)) for name in self._compare))

    @classmethod
    def build(cls, config: str | os.PathLike[str] | None = None, **options: object) -> Settings:
        """Settings from keyword arguments (config keys, ``_`` for ``-``), a config file, or both.

        Keywords override the file's keys, as command-line options do; ``None`` leaves a
        key unset. Values are validated as a config file's are: a bad one raises
        :class:`~cleanhtml.errors.UsageError` naming it, an unknown keyword
        :class:`TypeError`. Selectors and regexes are compiled here, so a broken one
        fails before any document is cleaned.
        """
        given: dict[str, object] = {}
        for name, value in options.items():
            key = name.replace("_", "-")
            if key not in KEYS:
                import difflib

                close = difflib.get_close_matches(key, list(KEYS), n=1)
                hint = f" (did you mean {_field(close[0])!r}?)" if close else ""
                raise TypeError(f"unknown setting {name!r}{hint}")
            if value is not None:
                given[key] = value
        config_file = None if config is None else Path(config)
        return _settings(config_file, given, label=_field)

    def cache_key(self) -> str:
        """A short string that differs whenever the settings could change an output.

        Two settings with the same key clean every document to the same bytes; the
        fields in :data:`OUTPUT_NEUTRAL` (where results go, workers, messages) are left
        out. Versions are not part of it: a cache adds the ones it depends on.
        """
        import hashlib
        import json

        shown = {
            name: _frozen(getattr(self, name))
            for name in self.__slots__
            if name not in OUTPUT_NEUTRAL
        }
        text = json.dumps(shown, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    @property
    def writes_files(self) -> bool:
        """True with ``-i`` or ``-o``: results go to files, not to stdout."""
        return self.in_place or self.output_dir is not None

    @property
    def to_stdout(self) -> bool:
        """True when cleaned documents are printed (no ``-i``/``-o``/``--check``/``--diff``)."""
        return not (self.writes_files or self.check or self.diff)

    @property
    def workers(self) -> int:
        """Worker processes: ``jobs``, or the CPUs this process may use."""
        if self.jobs is not None:
            return self.jobs
        try:
            return len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            return os.cpu_count() or 1

    def rules(self) -> tuple[Rule, ...]:
        """The selected rules in table order: the profile's, then the settings' on top.

        The one way settings become rules (command line, runner, library, Dask and the
        fixture tests all come here); built once per distinct rule settings.
        """
        return _rules(
            self.profile,
            _frozen(self.profiles),
            self.select,
            self.extend_select,
            self.ignore,
            self.drop,
            self.unwrap,
            self.drop_text,
            self.root,
        )


@functools.lru_cache(maxsize=64)
def _rules(profile: str, profiles: Any, *lists_and_root: Any) -> tuple[Rule, ...]:
    from cleanhtml.profiles import profile_rules

    select, extend_select, ignore, drop, unwrap, drop_text, root = lists_and_root
    return profile_rules(
        profile,
        {name: dict(table) for name, table in profiles},
        select=select,
        extend_select=extend_select,
        ignore=ignore,
        drop=drop,
        unwrap=unwrap,
        drop_text=drop_text,
        root=root,
    )


# --- value parsers: raw TOML / click value -> typed value, or ValueError(reason) ---------


def _bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {value!r}")
    return value


def _strings(value: object) -> tuple[str, ...]:
    """A list of strings, or one comma-separated string; commas split either way."""
    items: Iterable[object] = [value] if isinstance(value, str) else value  # type: ignore[assignment]
    if not isinstance(value, str | list | tuple) or not all(isinstance(v, str) for v in items):
        raise ValueError(f"expected a list of strings, got {value!r}")
    return tuple(p.strip() for v in items for p in str(v).split(",") if p.strip())


def _globs(value: object) -> tuple[str, ...]:
    return _strings(value)


def _jobs(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"expected a whole number of 1 or more, got {value!r}")
    return value


def _timeout(value: object) -> float:
    """Seconds one file may take (0: no limit)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        raise ValueError(f"expected a number of seconds, 0 for no limit, got {value!r}")
    if value == float("inf"):
        return 0.0
    return float(value)


def _encoding(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected an encoding name, got {value!r}")
    try:
        codecs.lookup(value)
    except LookupError:
        raise ValueError(f"unknown encoding {value!r}") from None
    return value


def _format(value: object) -> str:
    if not isinstance(value, str) or value not in FORMATS:
        raise ValueError(f"expected one of {', '.join(FORMATS)}, got {value!r}")
    return value


def _name(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected a name, got {value!r}")
    return value


def _selector(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected a CSS selector or XPath string, got {value!r}")
    return value


def _url(value: object) -> str:
    if not isinstance(value, str) or not value.strip().lower().startswith(("http://", "https://")):
        raise ValueError(f"expected an http(s) URL, got {value!r}")
    return value.strip()


def _patterns(value: object) -> tuple[str, ...]:
    """Selectors or regexes: a list, or one string (commas are not split: they are syntax)."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(v, str) for v in items):
        raise ValueError(f"expected a list of strings, got {value!r}")
    return tuple(items)


def _profiles(value: object) -> dict[str, dict[str, Any]]:
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise ValueError("expected tables, e.g. [tool.cleanhtml.profiles.NAME]")
    return {str(k): dict(v) for k, v in value.items()}


def _dask(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected 'local' or a scheduler address, got {value!r}")
    import importlib.util  # whether the extra is installed, without importing it

    if any(importlib.util.find_spec(name) is None for name in ("dask", "distributed")):
        from cleanhtml.errors import DASK_HINT

        raise ValueError(DASK_HINT)
    return value


def _path(value: object) -> Path:
    if not isinstance(value, str | os.PathLike) or not str(value):
        raise ValueError(f"expected a directory path, got {value!r}")
    return Path(value)


Parser = Callable[[object], Any]
KEYS: dict[str, Parser] = {
    "to": _format,
    "output-dir": _path,
    "in-place": _bool,
    "check": _bool,
    "diff": _bool,
    "select": _strings,
    "extend-select": _strings,
    "ignore": _strings,
    "jobs": _jobs,
    "encoding": _encoding,
    "explain": _bool,
    "include": _globs,
    "exclude": _globs,
    "quiet": _bool,
    "verbose": _bool,
    "statistics": _bool,
    "profile": _name,
    "profiles": _profiles,
    "drop": _patterns,
    "unwrap": _patterns,
    "drop-text": _patterns,
    "root": _selector,
    "url": _url,
    "dask": _dask,
    "keep-comments": _strings,
    "force-exclude": _bool,
    "timeout": _timeout,
    "allow-outside-root": _bool,
}
"""Every configuration key (a long option name) and its value parser."""
CONFIG_ONLY = frozenset({"profiles"})
"""Keys with no command-line option: tables that only make sense in a file."""


def _field(key: str) -> str:
    return key.replace("-", "_")


# --- finding and reading the file ----------------------------------------------------------


def search_start(paths: Sequence[str], cwd: Path | None = None) -> Path:
    """The common parent directory of ``paths`` (``-`` and no paths mean ``cwd``)."""
    here = (cwd or Path.cwd()).absolute()
    parents = []
    for raw in paths:
        if raw == "-":
            continue
        path = Path(os.path.abspath(here / raw))
        parents.append(str(path if path.is_dir() else path.parent))
    if not parents:
        return here
    return Path(os.path.commonpath(parents))


def _has_section(pyproject: Path) -> bool:
    try:
        return b"[tool.cleanhtml" in pyproject.read_bytes()
    except OSError:
        return False


def find_config(start: Path) -> Path | None:
    """The nearest config file from ``start`` up to the repository root, or None."""
    for directory in (start, *start.parents):
        for name in CONFIG_NAMES:
            candidate = directory / name
            if candidate.is_file() and (name != "pyproject.toml" or _has_section(candidate)):
                return candidate
        if any((directory / marker).exists() for marker in REPOSITORY_MARKERS):
            return None
    return None


def read_config(path: Path) -> dict[str, object]:
    """The raw table of ``path``: ``[tool.cleanhtml]`` of a pyproject.toml, else the top level."""
    import tomllib

    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("cleanhtml", {})
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.cleanhtml] must be a table")
        return table
    tool = data.get("tool")
    if isinstance(tool, dict) and "cleanhtml" in tool:
        # the README's pyproject table pasted as is: take it when it is all there is
        table = tool["cleanhtml"]
        if set(data) == {"tool"} and set(tool) == {"cleanhtml"} and isinstance(table, dict):
            return table
        raise ConfigError(
            f"{path}: unknown key 'tool': keys of {path.name} go at the top level;"
            " drop the [tool.cleanhtml] header"
        )
    return data


def parse_table(table: Mapping[str, object], origin: str) -> dict[str, Any]:
    """Validate a raw config table; keys stay kebab-case, values become typed."""
    values: dict[str, Any] = {}
    for key, raw in table.items():
        parser = KEYS.get(key)
        if parser is None:
            import difflib  # only for a mistyped name

            close = difflib.get_close_matches(key, list(KEYS), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(f"{origin}: unknown key {key!r}{hint}")
        try:
            values[key] = parser(raw)
        except ValueError as exc:
            raise ConfigError(f"{origin}: bad value for {key!r}: {exc}") from None
    return values


def load_config(path: Path, _seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The validated settings of the config file ``path`` (keys stay kebab-case).

    ``extend = "../base.toml"`` (relative to the file) starts from another config file's
    settings: the extending file's keys replace the extended file's, and ``profiles``
    tables are merged by name. ``output-dir`` is relative to the file that sets it.
    """
    real = path.resolve()
    if real in _seen:
        chain = " -> ".join(str(p) for p in (*_seen, real))
        raise ConfigError(f"{path}: 'extend' loops: {chain}")
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    raw = dict(read_config(path))
    parent = raw.pop("extend", None)
    values = parse_table(raw, str(path))
    if isinstance(values.get("output-dir"), Path):
        values["output-dir"] = path.parent / values["output-dir"]
    if parent is None:
        return values
    if not isinstance(parent, str) or not parent.strip():
        raise ConfigError(f"{path}: bad value for 'extend': expected the path of a config file")
    base = load_config(path.parent / parent, (*_seen, real))
    merged = {**base, **values}
    if "profiles" in base or "profiles" in values:
        merged["profiles"] = {**base.get("profiles", {}), **values.get("profiles", {})}
    return merged


# --- merging ------------------------------------------------------------------------------


def resolve(
    paths: Sequence[str],
    options: Mapping[str, object],
    *,
    config: str | os.PathLike[str] | None = None,
    no_config: bool = False,
    cwd: Path | None = None,
) -> Settings:
    """Settings from the config file (found or given) overridden by ``options``.

    ``options`` holds only what the command line set explicitly, keyed by config key
    (``"extend-select"``); values are validated the same way as the file's.
    """
    if config is not None and no_config:
        raise UsageError("--config and --no-config exclude each other")
    config_file: Path | None = None
    if config is not None:
        config_file = Path(config)
    elif not no_config:
        config_file = find_config(search_start(paths, cwd))
    return _settings(config_file, options, label=lambda key: f"--{key}")


def _settings(
    config_file: Path | None, options: Mapping[str, object], *, label: Callable[[str], str]
) -> Settings:
    """The file's settings (if any) overridden by ``options`` (keyed by config key).

    ``label`` names an option in an error message (``--drop-text``, ``drop_text``).
    """
    from_file = {} if config_file is None else load_config(config_file)
    from_cli: dict[str, Any] = {}
    for key, raw in options.items():
        try:
            from_cli[key] = KEYS[key](raw)
        except ValueError as exc:
            raise UsageError(f"{label(key)}: {exc}") from None
    merged = _merge(from_file, from_cli)
    settings = Settings(config_file=config_file, **{_field(k): v for k, v in merged.items()})
    _check_combination(settings, merged, from_cli)
    _check_rules(settings, from_file, from_cli, config_file)
    return settings


def _merge(from_file: dict[str, Any], from_cli: dict[str, Any]) -> dict[str, Any]:
    merged = dict(from_file)
    if any(key in from_cli for key in DESTINATION_KEYS):
        for key in DESTINATION_KEYS:
            merged.pop(key, None)
        if "to" not in from_cli and any(from_cli.get(key) for key in HTML_ONLY):
            merged.pop("to", None)
    if from_cli.get("quiet"):
        merged.pop("verbose", None)
    if from_cli.get("verbose"):
        merged.pop("quiet", None)
    merged.update(from_cli)
    return merged


def _check_combination(settings: Settings, merged: dict[str, Any], cli: dict[str, Any]) -> None:
    if settings.in_place and settings.output_dir is not None:
        raise UsageError("-i/--in-place and -o/--output-dir exclude each other")
    for key, option in HTML_ONLY.items():
        if merged.get(key) and settings.to != "html":
            raise UsageError(f"{option} works only with -t html (not -t {settings.to})")
    if (settings.check or settings.diff) and settings.writes_files:
        raise UsageError("--check and --diff write nothing; drop -i/--in-place and -o")
    if settings.quiet and settings.verbose:
        raise UsageError("-q/--quiet and -v/--verbose exclude each other")


def _check_rules(
    settings: Settings, from_file: dict[str, Any], from_cli: dict[str, Any], config: Path | None
) -> None:
    """Unknown rule names: a config error from the file, a usage error from the command line."""
    from cleanhtml.rules import select_rules

    for key in ("select", "extend-select", "ignore"):
        if key in from_file and key not in from_cli:
            args: dict[str, Any] = {"select": None, "extend_select": None, "ignore": None}
            args[_field(key)] = from_file[key]
            try:
                select_rules(**args)
            except UsageError as exc:
                raise ConfigError(f"{config}: bad value for {key!r}: {exc}") from None
    try:
        settings.rules()  # compiles user selectors and regexes: errors before any file is touched
    except ConfigError as exc:
        raise ConfigError(f"{config}: {exc}" if config else str(exc)) from None


PER_FILE = (
    "profile", "profiles", "select", "extend_select", "ignore", "drop", "unwrap",
    "drop_text", "root", "encoding", "keep_comments",
)  # fmt: skip
"""The settings a file takes from its nearest config file; the others (format,
destination, workers, file search, messages) are the run's, from the config file of
the common parent of the inputs (or ``--config``)."""


class Resolver:
    """Each file's settings from the config file nearest to it (ruff's resolver).

    ``base`` is the run's settings (the config of the inputs' common parent, or the one
    ``--config`` names, with the command line on top); ``options`` the command line's
    explicit options, which override every config file. With ``fixed`` (``--config`` or
    ``--no-config``) every file takes ``base``. Config files are found once per folder
    and read once each.
    """

    def __init__(self, base: Settings, options: Mapping[str, object], *, fixed: bool) -> None:
        self.base = base
        self.options = options
        self.fixed = fixed
        self._found: dict[str, Path | None] = {}
        self._settings: dict[Path | None, Settings] = {}
        config = base.config_file
        self._settings[None if config is None else Path(os.path.abspath(config))] = base

    def config_for(self, path: str | os.PathLike[str]) -> Path | None:
        """The config file nearest to the file ``path`` (up to the repository root)."""
        folder = os.path.dirname(os.path.abspath(path))
        if folder not in self._found:
            found = find_config(Path(folder))
            self._found[folder] = None if found is None else Path(os.path.abspath(found))
        return self._found[folder]

    def settings_for(self, path: str | os.PathLike[str]) -> Settings:
        """The settings of the file ``path``: ``base``, or ``base`` with the per-file
        keys (:data:`PER_FILE`) of its nearest config file. Raises :class:`ConfigError`
        for a bad config file."""
        if self.fixed:
            return self.base
        config = self.config_for(path)
        known = self._settings.get(config)
        if known is None:
            own = _settings(config, self.options, label=lambda key: f"--{key}")
            per_file = {name: getattr(own, name) for name in PER_FILE}
            known = self.base.replace(config_file=config, **per_file)
            self._settings[config] = known
        return known
