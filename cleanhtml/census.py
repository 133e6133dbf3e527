"""One Python-level walk over a parsed tree, whose findings many rules share.

Every rule that would otherwise walk the whole tree (or scan the whole input) for
something it usually does not find reads the census instead: which tags, attribute
names and comments the document holds, and which attributes may carry script. The
walk is taken once when a document is parsed (:func:`take`), so a page without
``<font>``, ``<style>``, tracking attributes or SVG costs those rules nothing.

The census is a snapshot. Rules only remove, unwrap or rename elements (the one
thing they create is ``<strong>``), so what it says is present is a superset of what
is present later, and its absence answers stay true: a rule skipped because its
tags are absent had nothing to do. Nodes it lists may have left the tree since;
:func:`attached` tells.
"""

from __future__ import annotations

import re

from lxml import etree

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
_BLOCK_IN_CLOSING_INLINE = etree.XPath(
    "//p[parent::b or parent::i or parent::u or parent::s or parent::small or parent::big"
    " or parent::tt or parent::strike] | //table[parent::a]"
)


def block_in_closing_inline(root: etree._Element) -> bool:
    """True when a block now stands right inside an inline element libxml2 would close
    before it (:data:`CLOSED_BY_BLOCK`): the tree's serialization parses to another tree."""
    return bool(_BLOCK_IN_CLOSING_INLINE(root))


PHRASING = frozenset(
    {
        "span", "font", "strong", "b", "em", "i", "u", "s", "small", "big", "sup", "sub",
        "mark", "ins", "del", "cite", "q", "abbr", "label", "a", "tt", "strike", "code",
    }
)  # fmt: skip
"""Inline elements (see :attr:`Census.block_in_phrasing`)."""

_SIMPLE_SELECTOR = re.compile(r"^([#.]?)([A-Za-z][\w-]*)$")
"""A one-part selector, as :func:`cleanhtml.rules.custom.selector_needles` reads one."""
_SELECTOR_PART = re.compile(r"([#.]?)([A-Za-z][\w-]*)")
"""One part of a CSS selector: a tag, ``#id`` or ``.class``."""
_COMBINATORS = " \t\n\r\f>+~"
_XPATH_HEAD = re.compile(
    r"//([A-Za-z][\w-]*)\[(?:@(id|class) = '([^']*)'|starts-with\(@(id|class), '([^']*)'\))\]"
)
"""The first step of an XPath site marker, when it tests an id or class value."""

COMMENT = "!comment"
"""The name :attr:`Census.tags` holds when the document has comments."""
OPT_OUT = "cleanhtml:"


class Census:
    """What one walk over a tree found."""

    __slots__ = (
        "_class_names", "attributes", "block_in_inline", "block_in_paragraph",
        "block_in_phrasing", "cdata", "classes", "flagged", "ids", "opt_out", "tags",
    )  # fmt: skip
    tags: set[str]
    """Element names present (as parsed: lower case), plus :data:`COMMENT`."""
    attributes: set[str]
    """Attribute names present."""
    flagged: list[tuple[etree._Element, str, str]]
    """``(element, name, value)`` of each attribute that may carry script: a name
    starting with ``on`` (any case, whatever follows), one of :data:`ALWAYS_FLAGGED`,
    or a value holding ``:`` or ``&`` (a scheme, or an entity that may spell one) that
    is not a plain http(s) URL.
    The safety rule decides; this only spares it a second walk."""
    opt_out: bool
    """A comment holds ``cleanhtml:`` (an opt-out marker may be there)."""
    cdata: bool
    """A ``<![CDATA[`` section was read (libxml2 makes it a comment)."""
    block_in_paragraph: bool
    """A block element (``div``, ``ul``, ``table``...) sits inside a ``<p>``. libxml2
    builds that (``<p><a><div>``), but its serialization parses back to another tree
    (the ``<p>`` closes), so an edited document holding one must be settled. Edits
    never move an element under a ``<p>`` it was not under, so this stays a superset."""
    block_in_inline: bool
    """A ``<p>`` inside a ``<b>``, ``<i>``, ``<u>``... or a ``<table>`` inside an ``<a>``
    (see :data:`CLOSED_BY_BLOCK`). libxml2 builds that when an element stands between
    them (``<b><a><p>``); once an edit removes it, the output parses back to another
    tree, so an edited document holding one is checked (:func:`block_in_closing_inline`)
    and settled when an edit left such a block right inside the inline element."""
    _class_names: set[str] | None
    ids: set[str]
    """The values of ``id`` attributes present."""
    classes: set[str]
    """The values of ``class`` attributes present (whole, as written)."""
    block_in_phrasing: bool
    """A block element (:data:`BLOCKS`) sits somewhere inside an inline one
    (:data:`PHRASING`: ``<span><div>``, ``<a><p>``). Such nesting is where libxml2 may
    parse an edited tree's output to another tree away from the edits, so cleaning
    checks an edited document of this kind whole (see :func:`cleanhtml.cleaned._unsettled`)."""

    def __init__(self) -> None:
        self.tags = set()
        self.attributes = set()
        self.flagged = []
        self.opt_out = False
        self.cdata = False
        self.block_in_paragraph = False
        self.block_in_inline = False
        self._class_names = None
        self.ids = set()
        self.classes = set()
        self.block_in_phrasing = False

    def has_tag(self, *names: str) -> bool:
        """True when an element named one of ``names`` was present."""
        return not self.tags.isdisjoint(names)

    def may_match(self, selector: str) -> bool | None:
        """Whether a selector may match: False when something it needs was absent (a
        superset answer, like :meth:`has_tag`); None when that cannot be told.

        Told for a CSS selector made of tags, ``#id`` and ``.class`` parts joined by
        descendant, child or sibling combinators (``div.a#b``, ``.a .b``: every part
        must be present), and for an XPath without ``|`` whose first step is a tag
        with an ``@id``/``@class`` test (``//div[@id = 'x']...``, ``//div[starts-with(@class,
        'x')]...``): what it needs are the ids, classes and tags the walk saw."""
        selector = selector.strip()
        match = _SIMPLE_SELECTOR.match(selector)
        if match:
            return self._has_part(*match.groups())
        if selector.startswith("/"):
            return self._xpath_may_match(selector)
        parts = _SELECTOR_PART.findall(selector)
        if not parts or _SELECTOR_PART.sub("", selector).strip(_COMBINATORS):
            return None
        return all(self._has_part(kind, name) for kind, name in parts)

    def _has_part(self, kind: str, name: str) -> bool:
        if kind == "#":
            return name in self.ids
        if kind == ".":
            if self._class_names is None:  # split on more than XML's spaces: a superset
                self._class_names = {n for value in self.classes for n in value.split()}
            return name in self._class_names
        return name.lower() in self.tags

    def _xpath_may_match(self, xpath: str) -> bool | None:
        head = _XPATH_HEAD.match(xpath)
        if head is None or "|" in xpath:
            return None
        tag, attribute, equal, prefix_of, prefix = head.groups()
        if tag.lower() not in self.tags:
            return False
        values = self.ids if (attribute or prefix_of) == "id" else self.classes
        if attribute:
            return equal in values
        return any(value.startswith(prefix) for value in values)

    def has_attribute(self, *names: str) -> bool:
        """True when an attribute named one of ``names`` was present."""
        return not self.attributes.isdisjoint(names)


def take(root: etree._Element) -> Census:
    """Walk the whole document ``root`` belongs to once and record what it holds."""
    census = Census()
    tags, attributes, flagged = census.tags, census.attributes, census.flagged
    add_tag, add_attribute, flag = tags.add, attributes.add, flagged.append
    add_class, add_id = census.classes.add, census.ids.add
    top = root.getroottree().getroot()
    paragraph_end: etree._Element | None = None  # the last node inside the open <p>
    inline_end: etree._Element | None = None  # the last node inside the open <b>, <a>...
    phrasing_end: etree._Element | None = None  # the last node inside the open <span>...
    for node in [*top.itersiblings(preceding=True), *top.itersiblings()]:
        if isinstance(node, etree._Comment):
            _comment(census, node)
    for node in top.iter():
        tag = node.tag
        if not isinstance(tag, str):
            if tag is etree.Comment:
                _comment(census, node)
            if node is paragraph_end:
                paragraph_end = None
            if node is inline_end:
                inline_end = None
            if node is phrasing_end:
                phrasing_end = None
            continue
        add_tag(tag)
        if phrasing_end is not None:
            if tag in BLOCKS:
                census.block_in_phrasing = True
            if node is phrasing_end:
                phrasing_end = None
        elif tag in PHRASING and len(node):
            phrasing_end = node[-1]
            while len(phrasing_end):
                phrasing_end = phrasing_end[-1]
        if inline_end is not None:
            if tag == "p" or tag == "table":
                census.block_in_inline = True
            if node is inline_end:
                inline_end = None
        elif tag in CLOSED_BY_BLOCK and len(node):
            inline_end = node[-1]
            while len(inline_end):
                inline_end = inline_end[-1]
        if paragraph_end is not None:
            if tag in BLOCKS:
                census.block_in_paragraph = True
            if node is paragraph_end:
                paragraph_end = None
        elif tag == "p" and len(node):
            paragraph_end = node[-1]
            while len(paragraph_end):
                paragraph_end = paragraph_end[-1]
        items: list[tuple[str, str]] = node.items()  # type: ignore[assignment]
        for name, value in items:
            add_attribute(name)
            if name == "class":
                add_class(value)
            elif name == "id":
                add_id(value)
            if (
                ((":" in value or "&" in value) and not value.startswith(_PLAIN_URL))
                or name in ALWAYS_FLAGGED
                or name[:2].lower() == "on"
            ):
                flag((node, name, value))
    return census


def _comment(census: Census, node: etree._Element) -> None:
    """Record a comment: that there are comments, an opt-out marker, a CDATA section."""
    census.tags.add(COMMENT)
    text = node.text or ""
    if OPT_OUT in text:
        census.opt_out = True
    if text.startswith("[CDATA["):
        census.cdata = True


def attached(node: etree._Element, root: etree._Element) -> bool:
    """True when ``node`` is still in the tree ``root`` belongs to (not removed since)."""
    top = root.getroottree().getroot()
    ancestors = list(node.iterancestors())
    outermost = ancestors[-1] if ancestors else node
    if outermost is top:
        return True
    # a comment or processing instruction beside the root element is in the tree too
    siblings = (*top.itersiblings(preceding=True), *top.itersiblings())
    return not ancestors and any(sibling is node for sibling in siblings)
