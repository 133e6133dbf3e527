"""cleanhtml: clean scraped HTML; remove the boilerplate, keep the article.

Public API: :func:`clean`, :func:`clean_document`, :func:`record`, :func:`render`,
:class:`Settings`, :class:`Document`, :class:`Rule`, :data:`RULES`, :func:`select_rules`.

The names are imported on first use (PEP 562), so ``cleanhtml --version`` and the
command line's start-up do not pay for lxml and the rule table until they need them.
"""

from __future__ import annotations

TYPE_CHECKING = False  # (typing itself is not imported: every run imports this package)
__version__ = "0.1.0"

_LAZY = {
    "Cleaned": "cleanhtml.cleaned",
    "clean": "cleanhtml.api",
    "clean_document": "cleanhtml.api",
    "record": "cleanhtml.api",
    "render": "cleanhtml.api",
    "Document": "cleanhtml.document",
    "Rule": "cleanhtml.rule",
    "Settings": "cleanhtml.config",
    "RULES": "cleanhtml.rules",
    "select_rules": "cleanhtml.rules",
}

if TYPE_CHECKING:
    from typing import Any

    from cleanhtml.api import clean, clean_document, record, render
    from cleanhtml.cleaned import Cleaned
    from cleanhtml.config import Settings
    from cleanhtml.document import Document
    from cleanhtml.rule import Rule
    from cleanhtml.rules import RULES, select_rules


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cleanhtml' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


__all__ = [
    "RULES",
    "Cleaned",
    "Document",
    "Rule",
    "Settings",
    "__version__",
    "clean",
    "clean_document",
    "record",
    "render",
    "select_rules",
]
