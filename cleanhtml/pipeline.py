"""Run rules over a document. No I/O."""

from __future__ import annotations

from collections.abc import Sequence

from cleanhtml.document import Document
from cleanhtml.rule import Context, Rule


def _haystack(doc: Document) -> bytes:
    """The input as lower-cased UTF-8 bytes, for the rules' needle scan (ASCII-only lowering)."""
    if doc.encoding.replace("-", "").replace("_", "").lower() in ("utf8", "utf8sig", "ascii"):
        return doc.source.lower()
    return doc.body.encode("utf-8", errors="replace").lower()


def run(doc: Document, rules: Sequence[Rule], ctx: Context | None = None) -> dict[str, int]:
    """Apply ``rules`` to ``doc`` in order; return the edit count of each rule that edited."""
    ctx = ctx if ctx is not None else Context()
    edits: dict[str, int] = {}
    haystack: bytes | None = None
    for rule in rules:
        if rule.needles:
            if haystack is None:
                haystack = _haystack(doc)
            if not any(needle.encode("utf-8") in haystack for needle in rule.needles):
                continue
        ctx.rule = rule.name
        count = rule.apply(doc.root, ctx)
        if count:
            edits[rule.name] = count
    return edits
