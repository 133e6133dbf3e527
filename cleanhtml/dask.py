"""Clean HTML held in a Dask bag: the library side of running on a cluster.

Needs the optional extra: ``pip install 'cleanhtml[dask]'``.

>>> import dask.bag as db
>>> import cleanhtml.dask
>>> bag = db.from_sequence(["<p>a<!-- x -->b</p>", "<p>c</p>"], npartitions=2)
>>> cleanhtml.dask.clean_bag(bag, to="text").compute()
['ab\\n', 'c\\n']

The settings are built and their rules selected once, before any task runs, and the
work of a partition is one task, so the scheduler sees few large tasks rather than one
per page.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Literal

from cleanhtml.config import Settings
from cleanhtml.errors import DASK_HINT, CleanHtmlError, UsageError

if TYPE_CHECKING:
    import dask.bag

    from cleanhtml.runner import FileResult, Task

INSTALL_HINT = DASK_HINT


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
    settings: Settings | None = None,
    to: str | None = None,
    errors: Literal["raise", "none"] = "raise",
) -> list[str | None]:
    """Clean every HTML string of one partition (what each Dask task runs), with
    ``settings`` (default: the default settings).

    With ``errors="none"`` a document that cannot be cleaned gives ``None`` instead of
    failing the whole partition.
    """
    from cleanhtml.api import clean

    settings = Settings() if settings is None else settings
    out: list[str | None] = []
    for item in items:
        try:
            out.append(clean(item, to=to, settings=settings))
        except CleanHtmlError:
            if errors == "raise":
                raise
            out.append(None)
    return out


def clean_bag(
    bag: dask.bag.Bag,
    *,
    to: str | None = None,
    settings: Settings | None = None,
    config: str | os.PathLike[str] | None = None,
    errors: Literal["raise", "none"] = "raise",
    **options: Any,
) -> Any:
    """A new bag with every HTML string of ``bag`` cleaned to the format ``to``.

    The same as ``bag.map(cleanhtml.clean, to=to, **options)``, and it takes the same
    settings (``settings=``, ``config=PATH`` and keywords such as ``profile``, ``root``,
    ``drop``, ``ignore``); they are checked once, before any task runs.
    ``errors="none"`` maps documents that cannot be cleaned to ``None``.
    """
    from cleanhtml.api import settings_for

    require_dask()
    chosen = settings_for(settings, config, **options)
    chosen.rules()  # fail fast on an unknown rule or a bad selector, before any task runs
    return bag.map_partitions(  # type: ignore[no-untyped-call]
        clean_partition, settings=chosen, to=to, errors=errors
    )


TASK_FILES = 64
"""Files per Dask task: big enough that scheduling costs little, small enough to balance."""


def _client(address: str, workers: int) -> tuple[Any, Any]:
    import logging

    from distributed import Client, LocalCluster

    if address == "local":
        cluster = LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        return Client(cluster), cluster  # type: ignore[no-untyped-call]
    return Client(address), None  # type: ignore[no-untyped-call]


def run_tasks(
    tasks: list[Task],
    settings: Settings,
    run_chunk: Callable[[list[Task], Settings], list[FileResult]],
) -> Iterator[FileResult]:
    """Clean a planned batch on a Dask scheduler; yield results in input order.

    ``settings.dask`` is ``"local"`` (start a ``LocalCluster`` with ``settings.workers``
    worker processes for this run) or a scheduler address (``tcp://host:8786``). Each
    task cleans up to :data:`TASK_FILES` files with ``run_chunk``, the same code as
    ``-j`` (:func:`cleanhtml.runner.run_chunk`, passed in so this module does not import
    the runner that calls it); the workers read the inputs and write ``-o`` outputs
    themselves, so both must be on storage every worker sees.
    """
    from collections import deque

    require_dask()
    address = settings.dask or "local"
    client, cluster = _client(address, settings.workers)
    try:
        chunks = [tasks[i : i + TASK_FILES] for i in range(0, len(tasks), TASK_FILES)]
        window = max(2, 2 * len(client.scheduler_info().get("workers", {})) or 2)
        pending: deque[Any] = deque()
        next_chunk = 0
        while pending or next_chunk < len(chunks):
            while next_chunk < len(chunks) and len(pending) < window:
                chunk = chunks[next_chunk]
                pending.append(client.submit(run_chunk, chunk, settings, pure=False))
                next_chunk += 1
            results: list[FileResult] = pending.popleft().result()
            yield from results
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
