"""A rule's needles only skip work: where none occurs in the input, the rule edits nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleanhtml import document
from cleanhtml.rule import Context
from cleanhtml.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
INPUTS = sorted(ROOT.glob("fixtures/*/input.*")) + sorted(
    (ROOT.parent / "shared" / "corpus" / "sina").glob("*.md")
)
EXTRA = [
    b"<p>x</p>",
    b"<p style='a'>x<!--c--></p><style>p{}</style>",
    b'<p>x<span id="stock_sh600000">y</span></p>',
    b"<p>x<br>y",  # no end tag, no comment: remove-comments has nothing to do
]


@pytest.mark.parametrize("rule", [r for r in RULES if r.needles], ids=lambda r: r.name)
def test_rule_without_needle_makes_no_edit(rule) -> None:  # type: ignore[no-untyped-def]
    checked = 0
    for data in [p.read_bytes() for p in INPUTS] + EXTRA:
        if any(n.encode() in data.lower() for n in rule.needles):
            continue
        doc = document.load(data)
        assert rule.apply(doc.root, Context()) == 0
        checked += 1
    assert checked, "no input lacks the needles: add one to EXTRA"


@pytest.mark.parametrize("rule", [r for r in RULES if r.needles], ids=lambda r: r.name)
def test_needles_are_lower_case(rule) -> None:  # type: ignore[no-untyped-def]
    assert all(n == n.lower() for n in rule.needles)
