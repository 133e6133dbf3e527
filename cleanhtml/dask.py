"""Clean HTML held in a Dask bag: the library side of running on a cluster.

Needs the optional extra: ``pip install 'cleanhtml[dask]'``.

>>> import dask.bag as db
>>> import cleanhtml.dask
>>> bag = db.from_sequence(["<p>a<!-- x -->b</p>", "<p>c</p>"], npartitions=2)
>>> cleanhtml.dask.clean_bag(bag, to="text").compute()
['ab\\n', 'c\\n']

Rules are selected once per partition, not once per document, and the work of a
partition is one task, so the scheduler sees few large tasks rather than one per page.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal

from cleanhtml.api import clean_document, render
from cleanhtml.errors import CleanHtmlError, UsageError
from cleanhtml.rules import select_rules

if TYPE_CHECKING:
    import dask.bag

INSTALL_HINT = "Dask support needs the optional extra: pip install 'cleanhtml[dask]'"


def require_dask() -> None:
    """Raise :class:`UsageError` with the install command when Dask is missing."""
    try:
        import dask.bag  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        raise UsageError(INSTALL_HINT) from None


def clean_partition(
    items: Iterable[str | bytes],
    *,
    to: str = "html",
    select: Iterable[str] | str | None = None,
    ignore: Iterable[str] | str | None = None,
    errors: Literal["raise", "none"] = "raise",
) -> list[str | None]:
    """Clean every HTML string of one partition (what each Dask task runs).

    With ``errors="none"`` a document that cannot be cleaned gives ``None`` instead of
    failing the whole partition.
    """
    rules = select_rules(select, None, ignore)
    out: list[str | None] = []
    for item in items:
        try:
            out.append(render(clean_document(item, rules=rules), to))
        except CleanHtmlError:
            if errors == "raise":
                raise
            out.append(None)
    return out


def clean_bag(
    bag: dask.bag.Bag,
    *,
    to: str = "html",
    select: Iterable[str] | str | None = None,
    ignore: Iterable[str] | str | None = None,
    errors: Literal["raise", "none"] = "raise",
) -> Any:
    """A new bag with every HTML string of ``bag`` cleaned to the format ``to``.

    The same as ``bag.map(cleanhtml.clean, to=to)``, but selecting rules once per
    partition. ``errors="none"`` maps documents that cannot be cleaned to ``None``.
    """
    require_dask()
    select_rules(select, None, ignore)  # fail fast on an unknown rule, before any task runs
    return bag.map_partitions(  # type: ignore[no-untyped-call]
        clean_partition, to=to, select=select, ignore=ignore, errors=errors
    )
