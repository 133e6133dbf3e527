"""Run rules over a document. No I/O."""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from cleanhtml.document import Document
from cleanhtml.rule import Context, Rule
from cleanhtml.rules.markup import OPT_OUT_MARKER

Protected = list[tuple[etree._Element, etree._Element]]


def _marker(node: etree._Element) -> str | None:
    if not isinstance(node, etree._Comment):
        return None
    match = OPT_OUT_MARKER.match(node.text or "")
    return match.group(1) if match else None


def protect(root: etree._Element) -> Protected:
    """Move what stands between ``cleanhtml: off`` and ``cleanhtml: on`` out of the tree.

    The nodes (and text) after an ``off`` marker, up to the ``on`` marker with the same
    parent or the parent's end, go into a detached holder, so no rule sees them;
    :func:`restore` puts them back unchanged after the rules ran.
    """
    protected: Protected = []
    for comment in list(root.iter(etree.Comment)):
        if _marker(comment) != "off" or comment.getparent() is None:
            continue
        holder = etree.Element("protected")
        holder.text, comment.tail = comment.tail, None
        sibling = comment.getnext()
        while sibling is not None and _marker(sibling) != "on":
            following = sibling.getnext()
            holder.append(sibling)  # moves it, with its tail
            sibling = following
        protected.append((comment, holder))
    return protected


def restore(protected: Protected) -> None:
    """Put back what :func:`protect` took out, right after each ``off`` marker."""
    for comment, holder in protected:
        comment.tail = holder.text
        parent = comment.getparent()
        if parent is None:
            continue
        index = parent.index(comment)
        for offset, node in enumerate(list(holder), start=1):
            parent.insert(index + offset, node)


def _haystack(doc: Document) -> bytes:
    """The input as lower-cased UTF-8 bytes, for the rules' needle scan (ASCII-only lowering)."""
    if doc.encoding.replace("-", "").replace("_", "").lower() in ("utf8", "utf8sig", "ascii"):
        return doc.source.lower()
    return doc.body.encode("utf-8", errors="replace").lower()


def run(doc: Document, rules: Sequence[Rule], ctx: Context | None = None) -> dict[str, int]:
    """Apply ``rules`` to ``doc`` in order; return the edit count of each rule that edited."""
    ctx = ctx if ctx is not None else Context()
    edits: dict[str, int] = {}
    haystack = _haystack(doc)
    protected = protect(doc.root) if b"cleanhtml:" in haystack else []
    for rule in rules:
        if rule.needles and not any(n.encode("utf-8") in haystack for n in rule.needles):
            continue
        ctx.rule = rule.name
        count = rule.apply(doc.root, ctx)
        if count:
            edits[rule.name] = count
    restore(protected)
    return edits
