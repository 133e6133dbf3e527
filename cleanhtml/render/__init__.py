"""Output formats: one table, the only place a format is declared.

Each row of :data:`FORMATS` names a format (what ``-t/--to`` and the ``to`` config key
take), the module holding its renderer (``render(cleaned) -> str``, taking the
:class:`~cleanhtml.cleaned.Cleaned` document every renderer takes), the file suffix
``-o`` gives its results, the suffix of its expected file in ``fixtures/<case>/`` and
what separates two documents printed to stdout. The command line's choices, config
validation, ``-o`` paths, the stdout writer and the fixture tests all read this table,
so a new format is one module and one row.

This module imports nothing heavy: the command line reads the table at start-up, and a
renderer's module is imported when a document is first rendered in its format.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module
from types import MappingProxyType
from typing import TYPE_CHECKING

from cleanhtml.records import Frozen

if TYPE_CHECKING:
    from collections.abc import Callable

    from cleanhtml.cleaned import Cleaned


class Format(Frozen):
    """One output format: its name, renderer module, suffixes and stdout separator."""

    __slots__ = ("expected", "module", "name", "separator", "suffix", "summary")

    name: str
    module: str
    """The module whose ``render(cleaned) -> str`` renders this format (imported lazily)."""
    suffix: str | None
    """The extension ``-o`` gives a result (None: keep the input's, as ``html`` does)."""
    expected: str | None
    """The suffix of the expected file in a fixture folder (None: the input's)."""
    summary: str
    separator: bytes
    """What stands between two documents printed to stdout (each ends with a newline)."""

    def __init__(
        self,
        name: str,
        module: str,
        suffix: str | None,
        expected: str | None,
        summary: str,
        separator: bytes = b"",
    ) -> None:
        _set = object.__setattr__
        _set(self, "name", name)
        _set(self, "module", module)
        _set(self, "suffix", suffix)
        _set(self, "expected", expected)
        _set(self, "summary", summary)
        _set(self, "separator", separator)

    @property
    def renderer(self) -> Callable[[Cleaned], str]:
        """The renderer function (importing its module on first use)."""
        function: Callable[[Cleaned], str] = import_module(self.module).render
        return function


FORMATS: Mapping[str, Format] = MappingProxyType(
    {
        row.name: row
        for row in (
            Format(
                "html",
                "cleanhtml.render.html",
                None,
                None,
                "the document as given (post, fragment or page), cleaned",
            ),
            Format(
                "text",
                "cleanhtml.render.text",
                ".txt",
                ".txt",
                "plain text, a blank line between blocks",
                separator=b"\f\n",  # text output never holds a form feed (they load as spaces)
            ),
            Format(
                "markdown",
                "cleanhtml.render.markdown",
                ".md",
                ".markdown",
                "CommonMark + GFM tables; a post keeps its front matter",
            ),
            Format(
                "json",
                "cleanhtml.render.json",
                ".json",
                ".json",
                "one JSON record per document (JSON Lines on stdout)",
            ),
        )
    }
)
"""Every output format by name, in the order ``--help`` lists them."""

NAMES: tuple[str, ...] = tuple(FORMATS)
"""The format names: the choices of ``-t/--to`` and of the ``to`` config key."""


def get(to: str) -> Format:
    """The format named ``to``; an unknown name is a :class:`~cleanhtml.errors.UsageError`."""
    try:
        return FORMATS[to]
    except KeyError:
        from cleanhtml.errors import UsageError

        raise UsageError(f"unknown output format {to!r}; choose from {', '.join(NAMES)}") from None


def render(cleaned: Cleaned, to: str = "html") -> str:
    """Render ``cleaned`` in the format ``to``.

    A document cleaned for another format (:attr:`~cleanhtml.cleaned.Cleaned.to`)
    raises ValueError: cleaning left out what only that one does not show.
    """
    if cleaned.to is not None and to != cleaned.to:
        left = f" (without {', '.join(cleaned.skipped)})" if cleaned.skipped else ""
        raise ValueError(f"cleaned for {cleaned.to!r}{left}: clean it for {to!r} to render it so")
    return get(to).renderer(cleaned)
