"""The census walk (:func:`cleanhtml.census.take`) in Python, and the names it tests.

:mod:`cleanhtml.census` uses the compiled walk ``cleanhtml._cwalk`` (setup.py builds it
from ``_cwalk.pyx`` where a C compiler is at hand) when it imports and can answer for
the tree, and this one otherwise, or always when ``CLEANHTML_PURE`` is set. Both fill
the same census (tests/test_accel.py compares them on random markup and every real
input); a change here must be made there too.
"""

from __future__ import annotations

from collections.abc import Callable, Container
from itertools import chain, islice
from typing import TYPE_CHECKING

from lxml import etree

if TYPE_CHECKING:
    from cleanhtml.census import Census

ALWAYS_FLAGGED = frozenset(
    {"srcdoc", "srcset", "imagesrcset", "values", "to", "from", "by", "style"}
)
"""Attribute names the safety rule looks at whatever their value holds."""

_PLAIN_URL = ("http://", "https://")

BLOCKS = frozenset(
    {
        "p", "div", "ul", "ol", "dl", "li", "dd", "dt", "table", "caption", "colgroup",
        "col", "thead", "tbody", "tfoot", "tr", "td", "th", "blockquote", "pre",
        "section", "article", "aside", "header", "footer", "nav", "main", "menu",
        "hgroup", "details", "dialog", "summary", "fieldset", "legend", "figure",
        "figcaption", "address", "center", "dir", "listing", "xmp", "form", "hr",
        "h1", "h2", "h3", "h4", "h5", "h6",
    }
)  # fmt: skip
"""Elements whose start tag closes an open ``<p>`` when HTML is parsed."""

CLOSED_BY_BLOCK = {
    **dict.fromkeys(("b", "i", "u", "s", "small", "big", "tt", "strike"), "p"),
    "a": "table",
}
"""Inline elements libxml2 closes when a block starts right inside them (``<b><p>``
parses as ``<b></b><p>``), with that block; it keeps the block when another element
stands between (``<b><a><p>``)."""

PHRASING = frozenset(
    {
        "span", "font", "strong", "b", "em", "i", "u", "s", "small", "big", "sup", "sub",
        "mark", "ins", "del", "cite", "q", "abbr", "label", "a", "tt", "strike", "code",
    }
)  # fmt: skip
"""Inline elements (see :attr:`cleanhtml.census.Census.block_in_phrasing`)."""

QUOTE_HOST = "finance.sina.com.cn"
"""What every quote-page URL of :data:`cleanhtml.rules.news.QUOTE_URL_PARTS` holds."""

COMMENT = "!comment"
"""The name :attr:`cleanhtml.census.Census.tags` holds when the document has comments."""

OPT_OUT = "cleanhtml:"
"""What an opt-out marker in a comment starts with."""

KEPT_MAX = 4096
"""The most ``class`` (and ``id``) attributes whose elements the census lists."""

_ON = frozenset({"on", "oN", "On", "ON"})

_CDATA = "[CDATA["


def _comment(census: Census, node: etree._Element) -> None:
    """Record a comment: that there are comments, an opt-out marker, a CDATA section."""
    census.tags.add(COMMENT)
    text = node.text or ""
    if OPT_OUT in text:
        census.opt_out = True
    if text.startswith(_CDATA):
        census.cdata = True


def fill(census: Census, root: etree._Element, text: str | None) -> None:
    """Walk the whole document ``root`` belongs to once and record what it holds in
    ``census`` (new): :func:`cleanhtml.census.take`."""
    read_comments = text is None or OPT_OUT in text or _CDATA in text
    tags = census.tags
    add_tag = tags.add
    # each attribute name met (but class, id and href), with whether it is flagged
    # whatever its value: its tests made once a document, a look-up each attribute after
    names: dict[str, bool] = {}
    has_href = False
    add_class, add_id = census.classes.add, census.ids.add
    classed: list[tuple[etree._Element, str]] = []
    ided: list[tuple[etree._Element, str]] = []
    flag = census.flagged.append
    quote_links = False
    top = root.getroottree().getroot()
    paragraph_end: etree._Element | None = None  # the last node inside the open <p>
    inline_end: etree._Element | None = None  # the last node inside the open <b>, <a>...
    phrasing_end: etree._Element | None = None  # the last node inside the open <span>...
    phrasing: Container[str] = PHRASING  # (emptied once a block is found inside one)
    closing: Container[str] = CLOSED_BY_BLOCK  # (the same)
    opening = _OPENING  # the names of those three kinds of element tracked
    for node in [*top.itersiblings(preceding=True), *top.itersiblings()]:
        if isinstance(node, etree._Comment):
            if read_comments:
                _comment(census, node)
            else:
                add_tag(COMMENT)
    walk = top.iter()
    held = list(islice(walk, KEPT_MAX + 1))  # (in C: a loop step less a node)
    if len(held) <= KEPT_MAX:
        census.nodes = nodes = held
        keep_class, keep_id = classed.append, ided.append
    else:  # a large tree: its proxies are not all held at once, the rest are walked
        nodes = chain(held, walk)  # type: ignore[assignment]
        keep_class, keep_id = _kept(classed), _kept(ided)
    for node in nodes:
        tag = node.tag
        if not isinstance(tag, str):
            if tag is etree.Comment:
                if read_comments:
                    _comment(census, node)
                else:
                    add_tag(COMMENT)
            if node is paragraph_end:
                paragraph_end = None
            if node is inline_end:
                inline_end = None
            if node is phrasing_end:
                phrasing_end = None
            continue
        add_tag(tag)
        if phrasing_end is None and inline_end is None and paragraph_end is None:
            # outside every element tracked (most nodes): one test, whether one opens
            if tag in opening and len(node):
                last = _deepest(node)
                if tag in phrasing:
                    phrasing_end = last
                if tag in closing:
                    inline_end = last
                if tag == "p":
                    paragraph_end = last
        else:
            if phrasing_end is not None:
                if tag in BLOCKS:
                    census.block_in_phrasing = True
                    phrasing, phrasing_end = _NONE, None  # (found: no need to look further)
                    opening = _opening(phrasing, closing)
                elif node is phrasing_end:
                    phrasing_end = None
            elif tag in phrasing and len(node):
                phrasing_end = _deepest(node)
            if inline_end is not None:
                if tag == "p" or tag == "table":
                    census.block_in_inline = True
                    closing, inline_end = _NONE, None  # (found)
                    opening = _opening(phrasing, closing)
                elif node is inline_end:
                    inline_end = None
            elif tag in closing and len(node):
                inline_end = _deepest(node)
            if paragraph_end is not None:
                if tag in BLOCKS:
                    census.block_in_paragraph = True
                if node is paragraph_end:
                    paragraph_end = None
            elif tag == "p" and len(node):
                paragraph_end = _deepest(node)
        items: list[tuple[str, str]] = node.items()  # type: ignore[assignment]
        for name, value in items:
            # class first (a third of a page's attributes), then href and id, by
            # comparison; any other name by a look-up (its tests made once a document)
            if name == "class":
                add_class(value)
                keep_class((node, value))
                continue  # class and id: never flagged (text to the safety rule)
            if name == "href":
                has_href = True
                if not quote_links and QUOTE_HOST in value:
                    quote_links = True
            elif name == "id":
                add_id(value)
                keep_id((node, value))
                continue
            else:
                by_name = names.get(name)
                if by_name is None:  # (no other characters lower-case to "on")
                    by_name = names[name] = name in ALWAYS_FLAGGED or name[:2] in _ON
                if by_name:
                    flag((node, name, value))
                    continue
            # (":" or "&" in the value, not a plain URL: a value without ":" is not one)
            if ":" in value:
                if not value.startswith(_PLAIN_URL):
                    flag((node, name, value))
            elif "&" in value:
                flag((node, name, value))
    attributes = census.attributes
    attributes.update(names)
    if classed:
        attributes.add("class")
    if ided:
        attributes.add("id")
    if has_href:
        attributes.add("href")
    census.quote_links = quote_links
    census.classed = classed if len(classed) <= KEPT_MAX else None
    census.ided = ided if len(ided) <= KEPT_MAX else None


_OPENING = frozenset(PHRASING | CLOSED_BY_BLOCK.keys() | {"p"})
"""The names of the elements whose insides :func:`take` looks into for blocks."""


def _deepest(node: etree._Element) -> etree._Element:
    """The last node inside ``node`` (which has children): its last child's last child...,
    the node after which the walk leaves ``node``."""
    last = node[-1]
    while len(last):
        last = last[-1]
    return last


def _opening(phrasing: Container[str], closing: Container[str]) -> frozenset[str]:
    """The names of the elements :func:`take` still tracks (see :data:`_OPENING`), once
    ``phrasing`` or ``closing`` is emptied."""
    return frozenset(
        name for name in _OPENING if name == "p" or name in phrasing or name in closing
    )


def _kept(kept: list[tuple[etree._Element, str]]) -> Callable[[tuple[etree._Element, str]], None]:
    """``kept.append`` that stops one past :data:`KEPT_MAX` (a large tree's lists are
    not kept; its elements are not held all at once by them)."""
    add = kept.append

    def keep(pair: tuple[etree._Element, str]) -> None:
        if len(kept) <= KEPT_MAX:
            add(pair)

    return keep


_NONE: frozenset[str] = frozenset()
