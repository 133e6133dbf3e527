"""cleanhtml: clean scraped HTML; remove the boilerplate, keep the article.

Public API: :func:`clean`, :func:`clean_document`, :class:`Document`, :class:`Rule`,
:data:`RULES`.
"""

from __future__ import annotations

from cleanhtml.api import Cleaned, clean, clean_document, render
from cleanhtml.document import Document
from cleanhtml.rule import Rule
from cleanhtml.rules import RULES, select_rules

__version__ = "0.1.0"

__all__ = [
    "RULES",
    "Cleaned",
    "Document",
    "Rule",
    "__version__",
    "clean",
    "clean_document",
    "render",
    "select_rules",
]
