"""Serializing: the cleaned tree back to text and bytes, front matter first."""

from __future__ import annotations

from typing import TYPE_CHECKING

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


def dump(doc: Document, *, edited: bool) -> bytes:
    """Bytes to write back: the input unchanged when nothing was edited, else UTF-8."""
    if not edited and not doc.repairs:
        return doc.source
    data = to_text(doc).encode("utf-8")
    return b"\xef\xbb\xbf" + data if doc.bom else data
