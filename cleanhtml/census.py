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

import functools
import re
from collections.abc import Callable, Container, Iterator
from itertools import chain, islice

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


# Patterns are compiled when first used, once per process (see cleanhtml.rules).
@functools.cache
def _simple_selector() -> re.Pattern[str]:
    """A one-part selector, as :func:`cleanhtml.rules.custom.selector_needles` reads one."""
    return re.compile(r"^([#.]?)([A-Za-z][\w-]*)$")


@functools.cache
def _selector_part() -> re.Pattern[str]:
    """One part of a CSS selector: a tag, ``#id`` or ``.class``."""
    return re.compile(r"([#.]?)([A-Za-z][\w-]*)")


_COMBINATORS = " \t\n\r\f>+~"


@functools.cache
def _xpath_head() -> re.Pattern[str]:
    """The first step of an XPath site marker, when it tests an id or class value."""
    return re.compile(
        r"//([A-Za-z][\w-]*)\[(?:@(id|class) = '([^']*)'|starts-with\(@(id|class), '([^']*)'\))\]"
    )


QUOTE_HOST = "finance.sina.com.cn"
"""What every quote-page URL of :data:`cleanhtml.rules.news.QUOTE_URL_PARTS` holds."""
COMMENT = "!comment"
"""The name :attr:`Census.tags` holds when the document has comments."""
OPT_OUT = "cleanhtml:"
Names = tuple[str, ...] | frozenset[str]
CREATED_TAGS = frozenset({"strong"})
"""The element names rules create (see the module's docstring)."""


class Census:
    """What one walk over a tree found."""

    __slots__ = (
        "_class_names", "_present", "attributes", "block_in_inline", "block_in_paragraph",
        "block_in_phrasing", "cdata", "classed", "classes", "flagged", "ided", "ids",
        "nodes", "opt_out", "quote_links", "tags",
    )  # fmt: skip
    tags: set[str]
    """Element names present (as parsed: lower case), plus :data:`COMMENT`."""
    attributes: set[str]
    """Attribute names present."""
    flagged: list[tuple[etree._Element, str, str]]
    """``(element, name, value)`` of each attribute that may carry script: a name
    starting with ``on`` (any case, whatever follows), one of :data:`ALWAYS_FLAGGED`,
    or a value holding ``:`` or ``&`` (a scheme, or an entity that may spell one) that
    is not a plain http(s) URL; never ``class`` or ``id`` (text to the safety rule,
    :data:`cleanhtml.rules.safety.TEXT_ATTRIBUTES`).
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
    classed: list[tuple[etree._Element, str]] | None
    """Each element that had a ``class`` attribute, with its value, in document order;
    None when there were more than :data:`KEPT_MAX` (see :meth:`elements_with`)."""
    ided: list[tuple[etree._Element, str]] | None
    """The same for ``id`` attributes."""
    nodes: list[etree._Element] | None
    """Every node of the tree as the walk met it (None past :data:`KEPT_MAX`): held so
    the rules' walks find each node's Python proxy alive. lxml makes a proxy for a
    node each time a walk meets it and none is alive, and frees it after: holding them
    spares every later walk that work (a tenth of a post's cost over its rules)."""
    quote_links: bool
    """An ``href`` holds :data:`QUOTE_HOST` (Sina's quote pages, where stock links go)."""
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
        self._present: dict[Names, tuple[str, ...]] = {}
        self.ids = set()
        self.classes = set()
        self.block_in_phrasing = False
        self.classed = None
        self.ided = None
        self.quote_links = False
        self.nodes = None

    def elements_with(
        self,
        root: etree._Element,
        attribute: str,
        test: Callable[[str], bool],
        tags: Container[str] | None = None,
    ) -> list[etree._Element] | None:
        """The elements under ``root`` (or ``root`` itself), named one of ``tags`` when
        given, whose ``attribute`` (``class`` or ``id``) now passes ``test``, in document
        order: what ``descendant-or-self::*/@class[test]/..`` selects, read from the
        census's lists (rules add no class or id, and keep the order of what they leave).
        An XPath over the whole tree costs about 1,500 instructions an element; this,
        a test of each value listed. None when the lists were not kept (too many)."""
        pairs = self.classed if attribute == "class" else self.ided
        if pairs is None:
            return None
        found = []
        for el, value in pairs:
            if not test(value) or (tags is not None and el.tag not in tags):
                continue
            now = el.get(attribute)
            if now is not None and (now == value or test(now)) and _under(el, root):
                found.append(el)
        return found

    def present(self, names: Names) -> tuple[str, ...]:
        """Those of ``names`` that may name an element of the tree now: the tags the walk
        saw, and :data:`CREATED_TAGS` (what rules create), in the order of ``names``.

        ``root.iter(*names)`` costs lxml a dictionary look-up a name each call (about
        1,200 instructions a name, more than walking a post's tree): ``root.iter(
        *census.present(names))`` finds the same elements without the absent names.
        May be empty (then nothing is to be found: ``root.iter()`` with no name would
        walk everything)."""
        known = self._present.get(names)
        if known is None:
            tags = self.tags
            known = self._present[names] = tuple(  # (a list: a generator costs more)
                [name for name in names if name in tags or name in CREATED_TAGS]
            )
        return known

    def retake(self, root: etree._Element) -> None:
        """Walk ``root``'s document again, in place: for a rule that grafted parsed
        markup into the tree (Huanqiu's article, decoded from its textarea), whose
        elements, names and classes the first walk could not see. Every later rule's
        census answers then hold for them too."""
        fresh = take(root)
        for name in Census.__slots__:
            setattr(self, name, getattr(fresh, name))

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
        match = _simple_selector().match(selector)
        if match:
            return self._has_part(*match.groups())
        if selector.startswith("/"):
            return self._xpath_may_match(selector)
        parts = _selector_part().findall(selector)
        if not parts or _selector_part().sub("", selector).strip(_COMBINATORS):
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
        head = _xpath_head().match(xpath)
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

    def class_holds(self, *parts: str, lower: bool = False) -> bool:
        """True when a ``class`` value seen holds one of ``parts`` (as a substring; with
        ``lower``, in the value lower-cased): a superset of what an XPath ``contains()``
        on ``@class`` finds, told without a scan of the input."""
        return _holds(self.classes, parts, lower)

    def id_holds(self, *parts: str, lower: bool = False) -> bool:
        """:meth:`class_holds` for the ``id`` values seen."""
        return _holds(self.ids, parts, lower)


def iter_tags(
    root: etree._Element, census: Census | None, names: Names
) -> Iterator[etree._Element]:
    """``root.iter(*names)``, asking lxml only for the names the census says may be
    present (see :meth:`Census.present`); without a census, for all."""
    if census is None:
        return root.iter(*names)
    present = census.present(names)
    return root.iter(*present) if present else iter(())


def _under(el: etree._Element, root: etree._Element) -> bool:
    """True when ``el`` is ``root`` or inside it."""
    if el is root:
        return True
    # a loop: any() over a generator costs more (the generator is made and closed)
    for ancestor in el.iterancestors():  # noqa: SIM110
        if ancestor is root:
            return True
    return False


def xml_tokens(value: str) -> list[str]:
    """``value`` split at XML's spaces (space, tab, CR, LF) as ``normalize-space()``
    reads it: a token ``t`` is in the list when ``contains(concat(' ',
    normalize-space(value), ' '), ' t ')`` (the list may hold empty strings)."""
    if "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\t", " ").replace("\n", " ").replace("\r", " ")
    return value.split(" ")


KEPT_MAX = 4096
"""The most ``class`` (and ``id``) attributes whose elements the census lists."""


def _holds(values: set[str], parts: tuple[str, ...], lower: bool) -> bool:
    for value in values:
        if lower:
            value = value.lower()
        for part in parts:
            if part in value:
                return True
    return False


def take(root: etree._Element, text: str | None = None) -> Census:
    """Walk the whole document ``root`` belongs to once and record what it holds.

    ``text`` is the markup the tree was parsed from, when known: a comment's text is
    then read only when the markup holds an opt-out marker or a CDATA section (the
    text of a comment is the markup's own; a Sina post's comments hold kilobytes)."""
    census = Census()
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
    return census


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


_ON = frozenset({"on", "oN", "On", "ON"})
_NONE: frozenset[str] = frozenset()
_CDATA = "[CDATA["


def _comment(census: Census, node: etree._Element) -> None:
    """Record a comment: that there are comments, an opt-out marker, a CDATA section."""
    census.tags.add(COMMENT)
    text = node.text or ""
    if OPT_OUT in text:
        census.opt_out = True
    if text.startswith(_CDATA):
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
