"""The ``html`` format: the document as it was given (front matter first, same kind), cleaned."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cleanhtml import document

if TYPE_CHECKING:
    from cleanhtml.cleaned import Cleaned


def render(cleaned: Cleaned) -> str:
    """The cleaned document as text; the input itself when no rule changed anything.

    An untouched document is given back as it came (decoded), since lxml's
    serialization is not byte-stable: a file no rule touched stays byte-identical.
    """
    if not cleaned.edited:
        return cleaned.doc.source.decode(cleaned.doc.encoding, errors="replace").lstrip("\ufeff")
    return document.to_text(cleaned.doc)
