"""Run rules over a document. No I/O."""

from __future__ import annotations

from collections.abc import Sequence

from cleanhtml.document import Document
from cleanhtml.rule import Context, Rule


def run(doc: Document, rules: Sequence[Rule], ctx: Context | None = None) -> dict[str, int]:
    """Apply ``rules`` to ``doc`` in order; return the edit count of each rule that edited."""
    ctx = ctx if ctx is not None else Context()
    edits: dict[str, int] = {}
    for rule in rules:
        ctx.rule = rule.name
        count = rule.apply(doc.root, ctx)
        if count:
            edits[rule.name] = count
    return edits
