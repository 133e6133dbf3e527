"""Serializing: the cleaned tree back to text and bytes, front matter first."""

from __future__ import annotations

import io
from typing import IO, TYPE_CHECKING, Protocol, cast

from lxml import etree

if TYPE_CHECKING:
    from cleanhtml.document import Document


def serialize_body(doc: Document) -> str:
    """The cleaned body as HTML text with ``\\n`` newlines (after the XML declaration, if any)."""
    if doc.serialized is not None:
        return doc.serialized
    return doc.prolog + _serialize_tree(doc)


def _serialize_tree(doc: Document) -> str:
    if doc.is_fragment:
        html = etree.tostring(doc.root, encoding="unicode", method="html")
        if html.startswith("<body>") and html.endswith("</body>"):
            return html[6:-7]
        if html == "<body></body>" or html == "<body/>":
            return ""
        # <body> gained attributes from the input: keep the children only
        inner = [doc.root.text or ""]
        inner += [etree.tostring(c, encoding="unicode", method="html") for c in doc.root]
        return "".join(inner)
    tree = doc.root.getroottree()
    if doc.has_doctype:
        return etree.tostring(tree, encoding="unicode", method="html") + doc.trailing
    parts = []
    sibling = doc.root.getprevious()
    while sibling is not None:
        parts.append(etree.tostring(sibling, encoding="unicode", method="html", with_tail=False))
        sibling = sibling.getprevious()
    parts.reverse()
    parts.append(etree.tostring(doc.root, encoding="unicode", method="html"))
    return "\n".join(parts) + doc.trailing


def to_text(doc: Document) -> str:
    """The whole cleaned document (front matter + body) as text in its newline style."""
    body = serialize_body(doc)
    if doc.newline != "\n":
        body = body.replace("\n", doc.newline)
    return doc.front_matter + body


class Writer(Protocol):
    """Where :func:`write` puts the output (a binary file, ``io.BytesIO``...)."""

    def write(self, data: bytes, /) -> object: ...


def to_bytes(doc: Document, *, bom: bool = False) -> bytes:
    """:func:`to_text` as UTF-8 (after a byte-order mark when ``bom``), the tree
    serialized straight into the bytes: no text copy of a large output on the way."""
    out = io.BytesIO()
    write(doc, out, bom=bom)
    return out.getvalue()


def write(doc: Document, out: Writer, *, bom: bool = False) -> None:
    """:func:`to_bytes` written to ``out`` in pieces as libxml2 makes them: the output
    is never whole in memory here (a worker sends it on as it comes)."""
    if bom:
        out.write(_BOM)
    out.write(doc.front_matter.encode("utf-8"))
    _write_body(doc, out if doc.newline == "\n" else _Newlines(out, doc.newline))


def dump(doc: Document, *, edited: bool) -> bytes:
    """Bytes to write back: the input unchanged when nothing was edited, else UTF-8."""
    if not edited and not doc.repairs:
        return doc.source
    return to_bytes(doc, bom=doc.bom)


_BOM = b"\xef\xbb\xbf"


class _Newlines:
    """Writes to ``out`` with each ``\\n`` in the document's own newline style."""

    def __init__(self, out: Writer, newline: str) -> None:
        self.out, self.newline = out, newline.encode("ascii")

    def write(self, data: bytes) -> None:
        self.out.write(data.replace(b"\n", self.newline))


def _write_body(doc: Document, out: Writer) -> None:
    """:func:`serialize_body` as UTF-8 into ``out``, a page's tree in pieces as libxml2
    writes it (what :func:`serialize_body` gives, byte for byte)."""
    if doc.serialized is not None or doc.is_fragment:
        out.write(serialize_body(doc).encode("utf-8"))
        return
    out.write(doc.prolog.encode("utf-8"))
    if doc.has_doctype:
        doc.root.getroottree().write(cast(IO[bytes], out), method="html", encoding="utf-8")
    else:
        before = []
        sibling = doc.root.getprevious()
        while sibling is not None:
            before.append(sibling)
            sibling = sibling.getprevious()
        for node in reversed(before):
            out.write(etree.tostring(node, encoding="utf-8", method="html", with_tail=False))
            out.write(b"\n")
        with etree.xmlfile(out, encoding="utf-8") as xml:
            xml.write(doc.root, method="html")
    out.write(doc.trailing.encode("utf-8"))
