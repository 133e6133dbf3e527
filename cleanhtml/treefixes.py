"""Load-time tree fixes: named steps run in order on every parsed tree.

Each makes the tree what a browser would build from the same markup, so that the
rules see it and cleaning is idempotent. :data:`TREE_FIXES` lists them in order."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from lxml import etree

from cleanhtml import census as census_
from cleanhtml.census import Census
from cleanhtml.records import Frozen
from cleanhtml.treeops import find

_PREFIXED = find("descendant-or-self::*[contains(name(), ':')]")


ACTIVE_LOCAL_NAMES = frozenset(
    {
        "script", "noscript", "template", "iframe", "frame", "frameset", "object",
        "embed", "applet", "base", "meta", "portal", "fencedframe", "noembed", "noframes",
        "animate", "set", "animatemotion", "animatetransform", "animatecolor", "handler",
        "listener",
    }
)  # fmt: skip
"""Local names that make a prefixed element active in XHTML (``<svg:script>``)."""


@functools.cache
def _charset_param() -> re.Pattern[str]:
    """The charset of a ``Content-Type`` (compiled for the first page that declares one)."""
    return re.compile(r"(charset\s*=\s*[\"']?)([^\s;\"']*)", re.I)


def _split_after(node: etree._Element) -> etree._Element:
    """Move ``node`` and its following siblings into a shallow copy of its parent.

    The copy goes right after the parent, taking over the parent's tail, so the text
    order is unchanged: ``<b>x<a/>y</b>z`` becomes ``<b>x</b><b><a/>y</b>z``.
    """
    from copy import deepcopy  # here: rare (a link inside a link), and copy costs a start

    parent = node.getparent()
    assert parent is not None  # callers pass a node below the outer link
    copy = deepcopy(parent)  # not makeelement(): libxml2 accepts tag names lxml refuses
    for child in list(copy):
        copy.remove(child)
    copy.text = None
    index = parent.index(node)
    for moved in list(parent)[index:]:
        copy.append(moved)
    copy.tail, parent.tail = parent.tail, None
    parent.addnext(copy)
    return copy


def unprefix_active_elements(root: etree._Element, census: Census) -> int:
    """Rename ``<svg:script>``, ``<x:iframe>``... to their local name; count them.

    In HTML a prefixed name means nothing, but served as XHTML (an EPUB, say) it is
    the real element, so it is read by its local name and the rules see it. The
    census learns the new names.
    """
    for tag in census.tags:  # (a loop: a generator costs more)
        if ":" in tag:
            break
    else:
        return 0
    edits = 0
    for el in _PREFIXED(root):
        local = str(el.tag).rsplit(":", 1)[-1].lower()
        if local in ACTIVE_LOCAL_NAMES:
            el.tag = local
            census.tags.add(local)
            edits += 1
    return edits


def split_nested_links(root: etree._Element) -> int:
    """Split each link inside a link as browsers do (the inner one closes the outer).

    HTML cannot express ``<a>`` in ``<a>``: libxml2 builds it from
    ``<a href=1><font>x<a href=2>y</a></font></a>``, but re-parsing the output would
    close the outer link early, so cleaning would not be idempotent. The result is
    ``<a href=1><font>x</font></a><font><a href=2>y</a></font>``: the same text, in
    the same order, with both links.
    """
    if not _holds_nested_link(root):
        return 0
    edits = 0
    # One pass over the links in document order: a split keeps the links in that
    # order and never puts one inside another, so no link needs looking at twice
    # (the first nested link of the whole tree, searched again after each split,
    # made a page of many nested links cubic).
    for inner in list(root.iter("a")):
        while (outer := next(inner.iterancestors("a"), None)) is not None:
            edits += _split_out(inner, outer)
    return edits


def _holds_nested_link(root: etree._Element) -> bool:
    """True when a link holds a link (a link with a link above it is below one). Most
    links hold only text (``len`` 0: no look inside), so this costs a fraction of asking
    each link for a link above it (a walk up and a generator each). Linear: the links
    looked inside hold no link, so no element is walked twice. Where the compiled walk
    is loaded, one walk over libxml2's nodes answers (18 against 54 us on a bench page
    just parsed)."""
    fast = census_._fast_nested_link
    if fast is not None:
        found = fast(root)
        if found is not None:
            return found
    return _holds_nested_link_walk(root)


def _holds_nested_link_walk(root: etree._Element) -> bool:
    """:func:`_holds_nested_link` by lxml's iterators."""
    for link in root.iter("a"):
        if len(link) and next(link.iterdescendants("a"), None) is not None:
            return True
    return False


def _split_out(inner: etree._Element, outer: etree._Element) -> int:
    """Move ``inner`` (and what follows it inside ``outer``) out, after ``outer``."""
    node = inner
    while node.getparent() is not outer:
        node = _split_after(node)
    # move node and what follows it out of the outer link, after it
    following = list(outer)[outer.index(node) :]
    tail, outer.tail = outer.tail, None
    for moved in reversed(following):
        outer.addnext(moved)
    last = following[-1]
    last.tail = (last.tail or "") + (tail or "")
    return 1


VOID_LEFT_OPEN = ("embed",)
"""Void elements (no content, no end tag) that libxml2 parses as containers and a rule
removes: ``<embed src=x><p>text</p>`` puts the paragraph inside the embed. (libxml2 does
the same with ``source``, ``track``, ``wbr``, ``keygen`` and ``bgsound``, but no rule
removes those, and closing them would rewrite every page holding a ``<wbr>``.)"""


def close_void_elements(root: etree._Element, census: Census) -> int:
    """Move what libxml2 put inside an ``<embed>`` (a void element) after it.

    A browser never nests anything in them; libxml2 makes ``<embed src=x>`` swallow
    the rest of its container, and removing the embed (remove-embeds) would take that
    text with it. ``<div>a<embed src=x>b<p>c</p></div>`` becomes
    ``<div>a<embed src=x></embed>b<p>c</p></div>``: the same text, in the same order.
    Moves elements only, so the census stays true. Returns how many were closed.
    """
    if not census.has_tag(*VOID_LEFT_OPEN):
        return 0
    edits = 0
    for el in list(root.iter(*VOID_LEFT_OPEN)):
        children = list(el)
        if el.text is None and not children:
            continue
        tail = el.tail or ""
        el.tail, el.text = el.text, None
        for child in reversed(children):
            el.addnext(child)
        last = children[-1] if children else el
        last.tail = (last.tail or "") + tail or None
        edits += 1
    return edits


def declare_utf8(root: etree._Element) -> int:
    """Make every ``<meta>`` charset declaration under ``root``'s tree say ``utf-8``; count them."""
    edits = 0
    for meta in root.getroottree().getroot().iter("meta"):
        charset = meta.get("charset")
        if charset is not None and charset.strip().lower() not in ("utf-8", "utf8"):
            meta.set("charset", "utf-8")
            edits += 1
        if meta.get("http-equiv", "").strip().lower() != "content-type":
            continue
        content = meta.get("content", "")
        match = _charset_param().search(content)
        if match and match.group(2).lower() not in ("utf-8", "utf8"):
            meta.set("content", content[: match.start(2)] + "utf-8" + content[match.end(2) :])
            edits += 1
    return edits


def _split_links(root: etree._Element, census: Census | None) -> int:
    return split_nested_links(root)


def _unprefix(root: etree._Element, census: Census | None) -> int:
    assert census is not None
    return unprefix_active_elements(root, census)


def _close_voids(root: etree._Element, census: Census | None) -> int:
    assert census is not None
    return close_void_elements(root, census)


def _declare_utf8(root: etree._Element, census: Census | None) -> int:
    assert census is not None
    return declare_utf8(root) if census.has_tag("meta") else 0


class TreeFix(Frozen):
    """One load-time tree fix: a named step :func:`cleanhtml.document.load` runs."""

    __slots__ = ("apply", "name", "needs_census", "on_reparse", "repair")

    name: str
    apply: Callable[[etree._Element, Census | None], int]
    """Fix the tree in place; return how many changes it made."""
    repair: str | None
    """The note added to ``Document.repairs`` when it changed something (the document
    then counts as edited); None for a fix that only keeps the output truthful."""
    needs_census: bool
    """Reads the census (taken once, after the fixes that make new elements)."""
    on_reparse: bool
    """Also run when cleaned output is parsed again to settle it."""

    def __init__(
        self,
        name: str,
        apply: Callable[[etree._Element, Census | None], int],
        repair: str | None,
        needs_census: bool = False,
        on_reparse: bool = False,
    ) -> None:
        _set = object.__setattr__
        _set(self, "name", name)
        _set(self, "apply", apply)
        _set(self, "repair", repair)
        _set(self, "needs_census", needs_census)
        _set(self, "on_reparse", on_reparse)


TREE_FIXES: tuple[TreeFix, ...] = (
    TreeFix(
        "split-nested-links",
        _split_links,
        "split links nested in links, as browsers do",
        on_reparse=True,
    ),
    TreeFix(
        "read-prefixed-elements",
        _unprefix,
        "read prefixed elements (<svg:script>) by their local name",
        needs_census=True,
    ),
    TreeFix(
        "close-void-elements",
        _close_voids,
        "closed <embed> elements libxml2 left open",
        needs_census=True,
    ),
    TreeFix("declare-utf8", _declare_utf8, None, needs_census=True),
)
"""The load-time tree fixes, in the order they run (those not reading the census first)."""
