"""The two tree edits every rule is built from.

``parent.remove(el)`` in lxml also removes ``el.tail`` (the text that follows the
element), a classic way to lose article text. Rules therefore never call it
directly: they :func:`drop` an element (it and its content go, its tail stays) or
:func:`unwrap` it (the tag goes, its text and children stay in place).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast

from lxml import etree

WHITESPACE = " \t\n\r\f\v\u3000\xa0\u200b\ufeff"
"""Characters that do not make an element carry content (includes U+3000 and NBSP)."""


def _append_text(parent: etree._Element, prev: etree._Element | None, text: str) -> None:
    if prev is not None:
        prev.tail = (prev.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def drop(el: etree._Element) -> None:
    """Remove ``el`` and everything inside it, keeping the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        _append_text(parent, el.getprevious(), el.tail)
    parent.remove(el)


def unwrap(el: etree._Element) -> None:
    """Remove the tag ``el`` but keep its text, children and tail exactly in place.

    >>> # <p>a<b>bc</b>d</p> -> <p>abcd</p>: no character is added or dropped.
    """
    parent = el.getparent()
    if parent is None:
        return
    prev = el.getprevious()
    if el.text:
        _append_text(parent, prev, el.text)
    index = parent.index(el)
    children = list(el)
    last = children[-1] if children else None
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    # after the moves, ``el`` sits right after its former children
    if el.tail:
        if last is not None:
            last.tail = (last.tail or "") + el.tail
        else:
            _append_text(parent, prev, el.tail)
    parent.remove(el)


FEW_EDITS = 8
"""Up to this many elements, :func:`unwrap_all` and :func:`drop_all` edit one at a time
(the same tree; a few texts appended, instead of a walk of the whole tree)."""
_UNWRAP_MARK = "cleanhtml-unwrap"
_DROP_MARK = "cleanhtml-drop"


def unwrap_all(root: etree._Element, elements: list[etree._Element]) -> list[etree._Element]:
    """:func:`unwrap` each of ``elements`` (all under ``root``), in one pass in C; return
    the parents they were unwrapped into (for :meth:`~cleanhtml.rule.Context.reshaping`),
    but those that only gain text (see :func:`_text_only`).

    One at a time, each unwrap appends its text to the text before it: a paragraph of
    thousands of unwrapped links would rebuild one growing string thousands of times.
    Here the elements are renamed to a mark and libxml2 strips the mark; the result
    is the same tree.
    """
    text_only = _text_only(elements)
    parents = _strip_marked(root, elements, _UNWRAP_MARK, unwrap)
    if not text_only:
        return parents
    return [parent for parent in parents if not gains_text_only(parent, text_only, root)]


def unwrapping_reshapes(
    root: etree._Element, elements: list[etree._Element]
) -> list[etree._Element]:
    """The parents of ``elements`` (in document order, about to be unwrapped) that
    :meth:`~cleanhtml.rule.Context.reshaping` must hear of: all but those that only
    gain text (see :func:`unwrap_all`)."""
    text_only = _text_only(elements)
    parents = dict.fromkeys([p for el in elements if (p := el.getparent()) is not None])
    return [parent for parent in parents if not gains_text_only(parent, text_only, root)]


def gains_text_only(
    parent: etree._Element, text_only: set[etree._Element], root: etree._Element
) -> bool:
    """True when ``parent`` is in ``text_only`` and text added to it parses back as it
    is: not in ``<html>``, ``<head>`` or ``<body>``, whose text libxml2 treats apart."""
    return parent in text_only and parent.tag not in DOCUMENT_TAGS and parent is not root


DOCUMENT_TAGS = frozenset({"html", "head", "body"})


def _text_only(elements: list[etree._Element]) -> set[etree._Element]:
    """The parents into which unwrapping ``elements`` (in document order) moves only
    text: each of ``elements`` under them holds nothing but text and elements of
    ``elements`` that hold the same. Text added to an element parses back as it was
    (its markup is escaped), so no reshaping is to be checked there (but in ``<html>``,
    ``<head>`` and ``<body>``, where libxml2 treats text apart)."""
    chosen = set(elements)
    flat: set[etree._Element] = set()
    for el in reversed(elements):  # children before parents
        if flat.issuperset(el):  # (all its children: a walk in C, no generator)
            flat.add(el)
    flat_parents: set[etree._Element] = set()
    other_parents: set[etree._Element] = set()
    for el in elements:
        parent = el.getparent()
        if parent is None or parent in chosen:
            continue
        (flat_parents if el in flat else other_parents).add(parent)
    return flat_parents - other_parents


def drop_all(root: etree._Element, elements: list[etree._Element]) -> None:
    """:func:`drop` each of ``elements`` (all under ``root``), in one pass in C (see
    :func:`unwrap_all`); the text after each stays."""
    if len(elements) <= FEW_EDITS:  # one at a time (no parents to tell, unlike unwrap_all)
        for el in elements:
            drop(el)
        return
    _strip_marked(root, elements, _DROP_MARK, drop)


def _strip_marked(
    root: etree._Element,
    elements: list[etree._Element],
    mark: str,
    one: Callable[[etree._Element], None],
) -> list[etree._Element]:
    parents: dict[etree._Element, int] = {}  # each with how many go from it
    others: list[etree._Element] = []
    if len(elements) <= FEW_EDITS:  # a walk of the whole tree in C costs more
        for el in elements:
            parent = el.getparent()
            if el is root or parent is None or not isinstance(el.tag, str):
                if parent is not None:
                    others.append(parent)
            else:
                parents[parent] = parents.get(parent, 0) + 1
        for el in elements:
            one(el)
        return [*parents, *others]
    for el in elements:
        parent = el.getparent()
        if el is root or parent is None or not isinstance(el.tag, str):
            if parent is not None:
                others.append(parent)
            one(el)  # the root itself, or a comment: the plain way
            continue
        el.tag = mark
        parents[parent] = parents.get(parent, 0) + 1
    if not parents:
        return others
    if mark == _UNWRAP_MARK:
        etree.strip_tags(root, mark)
    else:
        etree.strip_elements(root, mark, with_tail=False)
    join_text(parents)
    return [*parents, *others]


def holds(el: etree._Element, node: etree._Element) -> bool:
    """True when ``node`` is inside ``el`` (at any depth)."""
    if node.getparent() is el.getparent():
        return False
    return any(ancestor is el for ancestor in node.iterancestors())


def outermost(found: Iterable[etree._Element]) -> list[etree._Element]:
    """``found`` (in document order) without the elements inside another of them."""
    found = list(found)
    chosen = set(found)
    return [el for el in found if chosen.isdisjoint(el.iterancestors())]  # (in C)


def join_text(parents: Iterable[etree._Element] | Mapping[etree._Element, int]) -> None:
    """Make the text and tails directly in each of ``parents`` one text node each again.

    A strip in C leaves the pieces of a text as adjacent nodes; lxml reads them
    together, but its XPath ``text()`` results walk back over the pieces, so a text
    in thousands of pieces would make later rules quadratic. ``parents`` may map each
    parent to how many nodes were stripped from it: lxml also reads a text in many
    pieces in time that grows with their number squared (it joins them one by one),
    so those pieces are read one by one here and joined once.
    """
    counts = parents if isinstance(parents, Mapping) else None
    for parent in parents:
        if counts is not None and counts[parent] > _FEW_PIECES:
            _join_pieces(parent)
            continue
        if parent.text:
            parent.text = parent.text
        children: list[etree._Element] = parent[:]  # type: ignore[index,assignment]
        for child in children:  # (a slice, made in C: cheaper than an iterator)
            if child.tail:
                child.tail = child.tail


_FEW_PIECES = 32


def _text(node: etree._Element, *, with_tail: bool) -> str:
    return etree.tostring(node, method="text", encoding="unicode", with_tail=with_tail)


def _join_pieces(parent: etree._Element) -> None:
    """:func:`join_text` for one parent, its texts read by the serializer (which reads
    each piece once) rather than by lxml's ``.text`` and ``.tail``."""
    children = list(parent)
    inner = [_text(child, with_tail=False) for child in children]
    outer = [_text(child, with_tail=True) for child in children]
    whole = _text(parent, with_tail=False)
    lead = whole[: len(whole) - sum(map(len, outer))]
    if lead:
        parent.text = lead
    for child, text, both in zip(children, inner, outer, strict=True):
        if len(both) > len(text):
            child.tail = both[len(text) :]


def text_of(el: etree._Element) -> str:
    """All text inside ``el`` (not its tail), comments excluded."""
    # (no typing.cast: a call, and list[str] made anew, on every text read)
    return "".join(el.itertext()) if len(el) else (el.text or "")  # type: ignore[arg-type]


TEXTS = "texts"
"""The key of :attr:`cleanhtml.rule.Context.shared` under which :func:`whole_text` keeps
what it read. Only the pipeline puts it there, and it empties it after every rule
that edited, so a text kept there is the tree's text as it is now."""


def whole_text(root: etree._Element, shared: dict[str, Any]) -> str:
    """``etree.tostring(root, method="text", encoding="unicode")``: every text of the
    tree under ``root`` (comments excluded) and its tail. Read once while no rule edits:
    under the pipeline the text gates of several rules read the tree's text (a post's
    text gates decoded it once each)."""
    texts = shared.get(TEXTS)
    if texts is None:  # (a rule called on its own: nothing says when the tree changes)
        return etree.tostring(root, method="text", encoding="unicode")
    key = ("whole", root)
    known = texts.get(key)
    if known is None:
        known = texts[key] = etree.tostring(root, method="text", encoding="unicode")
    return cast(str, known)


def text_known(root: etree._Element, shared: dict[str, Any]) -> bool:
    """True when :func:`whole_text` of ``root`` is kept (reading it again costs nothing)."""
    texts = shared.get(TEXTS)
    return texts is not None and ("whole", root) in texts


def compact_text(root: etree._Element, shared: dict[str, Any]) -> str:
    """:func:`whole_text` without whitespace (what ``str.split()`` splits on), kept
    the same way."""
    texts = shared.get(TEXTS)
    if texts is None:
        return "".join(whole_text(root, shared).split())
    key = ("compact", root)
    known = texts.get(key)
    if known is None:
        known = texts[key] = "".join(whole_text(root, shared).split())
    return cast(str, known)


def has_phrase(text: str, phrase: str) -> bool:
    """``phrase in text``, told faster in CJK text: CPython looks for a string of two
    characters or more at ~8 instructions a character of CJK text (its skip filter
    keys on the low bits of each character, which CJK text sets all of), for one
    character with a ``memchr``. The phrase's first two characters are looked for
    alone first: most phrases a gate asks for are absent, and one of those usually is."""
    return phrase[:1] in text and phrase[1:2] in text and phrase in text


def has_any_phrase(text: str, phrases: Iterable[str]) -> bool:
    """True when one of ``phrases`` is in ``text`` (see :func:`has_phrase`). A tuple of
    phrases is read grouped by first character, then by second: each character is
    looked for once, however many phrases open with it (未经授权…, 未经许可…)."""
    if isinstance(phrases, tuple):
        groups = _PHRASE_GROUPS.get(phrases)
        if groups is None:
            groups = _phrase_groups(phrases)
        for first, seconds in groups:
            if first in text:
                for second, whole in seconds:
                    if second in text:
                        for phrase in whole:
                            if phrase in text:
                                return True
        return False
    for phrase in phrases:  # noqa: SIM110 (a loop: any() over a generator costs more)
        if phrase[:1] in text and phrase[1:2] in text and phrase in text:
            return True
    return False


PhraseGroups = tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...]
_PHRASE_GROUPS: dict[tuple[str, ...], PhraseGroups] = {}


def _phrase_groups(phrases: tuple[str, ...]) -> PhraseGroups:
    """``phrases`` grouped by their first character, then by their second (each group
    in the order its first phrase comes), kept for the next call with that tuple."""
    grouped: dict[str, dict[str, list[str]]] = {}
    for phrase in phrases:
        grouped.setdefault(phrase[:1], {}).setdefault(phrase[1:2], []).append(phrase)
    groups = tuple(
        (first, tuple((second, tuple(whole)) for second, whole in seconds.items()))
        for first, seconds in grouped.items()
    )
    if len(_PHRASE_GROUPS) >= 64:  # (callers pass a few constant tuples)
        _PHRASE_GROUPS.clear()
    _PHRASE_GROUPS[phrases] = groups
    return groups


def is_blank(text: str | None) -> bool:
    """True when ``text`` is empty or only whitespace (U+3000 and NBSP included)."""
    return not text or not text.strip(WHITESPACE)


Finder = Callable[[etree._Element], list[etree._Element]]
Counter = Callable[[etree._Element], int]
Test = Callable[[etree._Element], bool]


def find(expr: str) -> Finder:
    """Compile an XPath expression that selects nodes; the result is typed as a list."""
    # the XPath itself (it selects elements: a list), no wrapper calling typing.cast
    return etree.XPath(expr)  # type: ignore[return-value]


def in_order(root: etree._Element, *found: list[etree._Element]) -> list[etree._Element]:
    """The elements of the lists ``found`` (each in document order, all under ``root``),
    each once, in document order.

    For queries kept apart rather than joined in one XPath union: libxml2 merges the
    node-sets of a union in time that grows with the product of their sizes. The tree
    is walked only when two lists hold something.
    """
    lists = [nodes for nodes in found if nodes]
    if len(lists) <= 1:
        return lists[0] if lists else []
    chosen = {el for nodes in lists for el in nodes}
    return [el for el in root.iter() if el in chosen]


def count(expr: str) -> Counter:
    """Compile an XPath ``count(...)`` expression returning an ``int``."""
    compiled = etree.XPath(f"count({expr})")
    return lambda root: int(cast(float, compiled(root)))


def test(expr: str) -> Test:
    """Compile an XPath ``boolean(...)`` expression."""
    compiled = etree.XPath(f"boolean({expr})")
    return lambda root: bool(compiled(root))
