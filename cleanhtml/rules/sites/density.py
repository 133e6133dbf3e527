"""The main-content finder behind ``root = "auto"``: text and link density over blocks.

For a page of no known site, the article is the block that holds the most sentence
text and the least link text. Each paragraph-like block (``<p>``, or a block holding
text directly) of at least :data:`MIN_PARAGRAPH_CHARS` characters outside links scores
one point plus one per sentence mark (``。，！？；,.!?;``) plus its length over 100 (at
most 3), the way readability and gne weigh blocks; the score goes to its parent in
full and to its grandparent at half. Each candidate's total is then scaled by the
share of its text that is not link text, and the best candidate is the container.

Text the page hides in its own markup (``display: none``, ``hidden``) and the text of
scripts, styles and form controls do not count. Everything is counted in one walk
down the tree and one sum back up it: the cost is linear in the size of the page.
"""

from __future__ import annotations

import re

from lxml import etree

from cleanhtml.treeops import WHITESPACE

MIN_PARAGRAPH_CHARS = 10
"""A block with less text than this outside links (a caption, a button) scores nothing."""
SENTENCE_MARKS = frozenset("。，！？；：、,.!?;")
PARAGRAPHS = frozenset(
    {"p", "div", "section", "td", "li", "pre", "blockquote", "article", "font", "span"}
)
"""Elements whose own text (with that of the inline elements inside) is a block."""
CONTAINERS = frozenset({"div", "article", "section", "td", "main", "tbody", "table", "body"})
"""Elements that collect the scores of the blocks inside them."""
SKIP = frozenset({"script", "style", "noscript", "template", "textarea", "select", "option"})
"""Elements whose text is not page text."""
_HIDDEN = re.compile(r"display\s*:\s*none")


def _is_hidden(el: etree._Element) -> bool:
    """Whether the page hides ``el`` in its own markup (``display: none``, ``hidden``)."""
    style = el.get("style")
    return el.get("hidden") is not None or (
        style is not None and _HIDDEN.search(style.lower()) is not None
    )


def _count(text: str | None) -> tuple[int, int]:
    """(characters that are not whitespace, sentence marks) of ``text``."""
    if not text:
        return 0, 0
    chars = marks = 0
    for c in text:
        if c in SENTENCE_MARKS:
            marks += 1
            chars += 1
        elif c not in WHITESPACE:
            chars += 1
    return chars, marks


class _Walk:
    """What one walk over ``body`` counts: each block's own text outside links and its
    sentence marks, each element's text and link text (its own, not its children's),
    and the elements in document order."""

    def __init__(self, body: etree._Element) -> None:
        self.order: list[etree._Element] = []
        self.own: dict[etree._Element, list[int]] = {}  # block -> [chars, marks]
        self.text: dict[etree._Element, list[int]] = {}  # element -> [chars, link chars]
        owner: dict[etree._Element, etree._Element] = {body: body}
        in_link: dict[etree._Element, bool] = {body: False}
        skipped: dict[etree._Element, bool] = {body: False}
        for el in body.iter():
            if el is body:
                self.order.append(el)
                self._add(body, body, el.text, False)
                continue
            parent = el.getparent()
            assert parent is not None
            if isinstance(el.tag, str):
                skip = skipped[parent] or el.tag in SKIP or _is_hidden(el)
                skipped[el] = skip
                link = in_link[el] = in_link[parent] or el.tag == "a"
                owner[el] = el if el.tag in PARAGRAPHS else owner[parent]
                self.order.append(el)
                if not skip:
                    self._add(el, owner[el], el.text, link)
            if not skipped[parent]:  # the tail is the parent's text
                self._add(parent, owner[parent], el.tail, in_link[parent])

    def _add(self, el: etree._Element, block: etree._Element, text: str | None, link: bool) -> None:
        chars, marks = _count(text)
        if not chars:
            return
        counts = self.text.setdefault(el, [0, 0])
        counts[0] += chars
        if link:
            counts[1] += chars
        else:
            own = self.own.setdefault(block, [0, 0])
            own[0] += chars
            own[1] += marks


def main_content(body: etree._Element) -> etree._Element | None:
    """The element of ``body`` most likely to be the article, or None when none scores."""
    walk = _Walk(body)
    scores: dict[etree._Element, float] = {}
    for el, (length, marks) in walk.own.items():
        if length < MIN_PARAGRAPH_CHARS or el is body:
            continue
        score = 1.0 + marks + min(length / 100, 3.0)
        parent = el.getparent()
        if parent is None:
            continue
        if parent.tag not in CONTAINERS and el.tag in CONTAINERS:
            parent = el  # a text block whose parent is inline: the block is the candidate
        scores[parent] = scores.get(parent, 0.0) + score
        grand = parent.getparent()
        if grand is not None and grand is not body.getparent():
            scores[grand] = scores.get(grand, 0.0) + score / 2
    if not scores:
        return None
    # Each element's text and link text, summed up the tree in one pass.
    totals: dict[etree._Element, list[int]] = {}
    for el in reversed(walk.order):
        mine = totals.get(el)
        own = walk.text.get(el)
        if own is not None:
            if mine is None:
                mine = totals[el] = [0, 0]
            mine[0] += own[0]
            mine[1] += own[1]
        if mine is not None and el is not body:
            parent = el.getparent()
            assert parent is not None
            up = totals.setdefault(parent, [0, 0])
            up[0] += mine[0]
            up[1] += mine[1]
    best: etree._Element | None = None
    best_score = 0.0
    for el in walk.order:  # document order: the outermost of equal scores wins
        raw = scores.get(el)
        if raw is None:
            continue
        total, links = totals.get(el, (0, 0))
        if total == 0:
            continue
        final = raw * (1 - links / total)
        if final > best_score:
            best, best_score = el, final
    if best is None or best is body:
        return None
    return best
