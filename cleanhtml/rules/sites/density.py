"""The main-content finder behind ``root = "auto"``: text and link density over blocks.

For a page of no known site, the article is the block that holds the most sentence
text and the least link text. Each paragraph-like block (``<p>``, or a block holding
text directly) of at least :data:`MIN_PARAGRAPH_CHARS` characters outside links scores
one point plus one per sentence mark (``。，！？；,.!?;``) plus its length over 100 (at
most 3), the way readability and gne weigh blocks; the score goes to its parent in
full and to its grandparent at half. Each candidate's total is then scaled by the
share of its text that is not link text, and the best candidate is the container.
One walk over the paragraphs; link density is measured only for the best few.
"""

from __future__ import annotations

import heapq

from lxml import etree

from cleanhtml.treeops import WHITESPACE

MIN_PARAGRAPH_CHARS = 10
"""A block with less text than this outside links (a caption, a button) scores nothing."""
SENTENCE_MARKS = frozenset("。，！？；：、,.!?;")
PARAGRAPHS = ("p", "div", "section", "td", "li", "pre", "blockquote", "article", "font", "span")
CONTAINERS = frozenset({"div", "article", "section", "td", "main", "tbody", "table", "body"})
SKIP = frozenset({"script", "style", "noscript", "template", "textarea", "select", "option"})
SHORTLIST = 5
"""Candidates whose link density is measured."""


def _own_text(el: etree._Element) -> str:
    """Text directly in ``el`` and in its inline, non-link descendants."""
    parts = [el.text or ""]
    for child in el:
        if not isinstance(child.tag, str):
            parts.append(child.tail or "")
            continue
        if child.tag not in SKIP and child.tag != "a" and child.tag not in PARAGRAPHS:
            parts.append(_own_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _chars(text: str) -> int:
    return sum(1 for c in text if c not in WHITESPACE)


def _texts(el: etree._Element) -> tuple[int, int]:
    """(characters, characters inside links) of ``el``, scripts and styles left out."""
    total = links = 0
    for node in el.iter():
        if not isinstance(node.tag, str) or node.tag in SKIP:
            continue
        count = _chars(node.text or "")
        total += count
        if node.tag == "a" or any(a.tag == "a" for a in node.iterancestors()):
            links += count
        for child in node:
            tail = _chars(child.tail or "")
            total += tail
            if node.tag == "a" or any(a.tag == "a" for a in node.iterancestors()):
                links += tail
    return total, links


def main_content(body: etree._Element) -> etree._Element | None:
    """The element of ``body`` most likely to be the article, or None when none scores."""
    scores: dict[etree._Element, float] = {}
    for el in body.iter(*PARAGRAPHS):
        if any(a.tag in SKIP for a in el.iterancestors()):
            continue
        text = _own_text(el)
        length = _chars(text)
        if length < MIN_PARAGRAPH_CHARS:
            continue
        marks = sum(1 for c in text if c in SENTENCE_MARKS)
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
    best: etree._Element | None = None
    best_score = 0.0
    for el, score in heapq.nlargest(SHORTLIST, scores.items(), key=lambda item: item[1]):
        total, links = _texts(el)
        if total == 0:
            continue
        final = score * (1 - links / total)
        if final > best_score:
            best, best_score = el, final
    if best is None or best is body:
        return None
    return best
