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
import os
import re
from collections.abc import Callable, Container, Iterator
from typing import cast

from lxml import etree

from cleanhtml import _walk
from cleanhtml._walk import _CDATA as _CDATA
from cleanhtml._walk import _ON as _ON
from cleanhtml._walk import _PLAIN_URL as _PLAIN_URL
from cleanhtml._walk import ALWAYS_FLAGGED as ALWAYS_FLAGGED
from cleanhtml._walk import BLOCKS as BLOCKS
from cleanhtml._walk import CLOSED_BY_BLOCK as CLOSED_BY_BLOCK
from cleanhtml._walk import COMMENT as COMMENT
from cleanhtml._walk import KEPT_MAX as KEPT_MAX
from cleanhtml._walk import OPT_OUT as OPT_OUT
from cleanhtml._walk import PHRASING as PHRASING
from cleanhtml._walk import QUOTE_HOST as QUOTE_HOST
from cleanhtml._walk import _comment as _comment

_BLOCK_IN_CLOSING_INLINE = etree.XPath(
    "//p[parent::b or parent::i or parent::u or parent::s or parent::small or parent::big"
    " or parent::tt or parent::strike] | //table[parent::a]"
)


def block_in_closing_inline(root: etree._Element) -> bool:
    """True when a block now stands right inside an inline element libxml2 would close
    before it (:data:`CLOSED_BY_BLOCK`): the tree's serialization parses to another tree.
    Answered in C where the compiled walk is loaded (the XPath costs ~1,500 instructions
    an element; the same answer, tests/test_accel.py)."""
    fast = _fast_closing
    if fast is not None:
        return fast(root)
    return bool(_BLOCK_IN_CLOSING_INLINE(root))


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


_UNTOLD: tuple[str, ...] = ()
"""The plan of a selector whose needs the census cannot tell (see :func:`_plan`)."""
_PLANS: dict[str, tuple[tuple[str, str], ...] | tuple[str, ...]] = {}
"""Each selector :meth:`Census.may_match` was asked about, read (:func:`_plan`): the
same few dozen site markers are asked about on every page."""


def _plan(selector: str) -> tuple[tuple[str, str], ...] | tuple[str, ...]:
    """What :meth:`Census.may_match` tests for ``selector``: its ``(kind, name)`` parts
    (kind ``#``, ``.`` or ``""`` for a tag), or for an XPath ``("/", tag, attribute,
    equal, prefix_of, prefix)`` from its first step, or :data:`_UNTOLD`."""
    selector = selector.strip()
    match = _simple_selector().match(selector)
    if match:
        kind, name = match.groups()
        return ((kind, name),)
    if selector.startswith("/"):
        head = _xpath_head().match(selector)
        if head is None or "|" in selector:
            return _UNTOLD
        return ("/", *(group or "" for group in head.groups()))
    parts = _selector_part().findall(selector)
    if not parts or _selector_part().sub("", selector).strip(_COMBINATORS):
        return _UNTOLD
    return tuple(parts)


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
        plan = _PLANS.get(selector)
        if plan is None:
            plan = _PLANS[selector] = _plan(selector)
        if plan is _UNTOLD:
            return None
        if plan[0] == "/":
            return self._xpath_may_match(plan)
        # a loop: all() over a generator costs more
        for kind, name in cast("tuple[tuple[str, str], ...]", plan):
            if not self._has_part(kind, name):
                return False
        return True

    def _has_part(self, kind: str, name: str) -> bool:
        if kind == "#":
            return name in self.ids
        if kind == ".":
            if self._class_names is None:  # split on more than XML's spaces: a superset
                # (joined, then split once in C: the names of every value)
                self._class_names = set(" ".join(self.classes).split())
            return name in self._class_names
        return name.lower() in self.tags

    def _xpath_may_match(self, plan: tuple[str, ...]) -> bool | None:
        _, tag, attribute, equal, prefix_of, prefix = plan
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
    text of a comment is the markup's own; a Sina post's comments hold kilobytes).

    The walk is the compiled one where it was built and can answer for the tree (see
    :func:`compiled`), the Python one (:func:`cleanhtml._walk.fill`) otherwise: the
    census is the same."""
    census = Census()
    if not _loaded:
        _load(text)
    fill = _fast_fill
    if fill is not None:
        if fill(census, root, text):
            return census
        census = Census()  # (it could not tell: a namespaced tree, say)
    _walk.fill(census, root, text)
    return census


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


SMALL = 32_768
"""Markup shorter than this (characters) is walked in Python when it is the first a
process walks: loading the compiled walk (~0.2 ms) costs a one-post run more than it
saves on that post (~15 us); the next document, or a larger one, loads it."""
_fast_fill: Callable[[Census, etree._Element, str | None], bool] | None = None
_fast_closing: Callable[[etree._Element], bool] | None = None
_MayEmpty = Callable[
    [etree._Element, tuple[str, ...], tuple[str, ...]], list[etree._Element] | None
]
_fast_may_empty: _MayEmpty | None = None  # (cleanhtml.rules.whitespace._may_empty in C)
_BlankLines = Callable[
    [etree._Element, Names, Names],
    tuple[list[etree._Element], list[etree._Element]] | None,
]
_fast_blank_lines: _BlankLines | None = None  # (what tidy-blank-lines rewrites, in C)
_EmptyEdits = Callable[
    [etree._Element, Names, Names, Names],
    tuple[list[etree._Element], list[etree._Element], int] | None,
]
_fast_empty_edits: _EmptyEdits | None = None  # (what remove-empty-elements removes, in C)
_fast_gathered: Callable[[etree._Element, dict[str, int]], str | None] | None = None
"""The text renderer's gathered text, in C (cleanhtml.render.text._gathered)."""
_fast_references: Callable[[bytes], set[bytes]] | None = None
"""The needles' character references, in C (cleanhtml.pipeline._references_in)."""
_fast_body_end: Callable[[bytes], int] | None = None
"""Where a UTF-8 page's first ``</body`` or ``</html`` starts, in C (cleanhtml.parse)."""
_fast_nested_link: Callable[[etree._Element], bool | None] | None = None
"""Whether a link holds a link, in C (cleanhtml.treefixes._holds_nested_link)."""
_fast_control_reference: Callable[[bytes], bool] | None = None
"""Whether a UTF-8 text holds a reference to a control, in C (cleanhtml.repairs)."""
_loaded = os.environ.get("CLEANHTML_PURE", "") not in ("", "0")  # (nothing to load)
_small_taken = False


def _load(text: str | None) -> None:
    """Load the compiled walk's ``fill`` (``cleanhtml._cwalk``, built by setup.py, when it
    was, for this lxml) once it pays (see :data:`SMALL`)."""
    global _loaded, _fast_fill, _fast_closing, _small_taken
    global _fast_may_empty, _fast_blank_lines, _fast_empty_edits, _fast_gathered
    global _fast_references, _fast_body_end, _fast_nested_link, _fast_control_reference
    if text is not None and len(text) < SMALL and not _small_taken:
        _small_taken = True
        return
    _loaded = True
    try:
        from cleanhtml import _cwalk
    except ImportError:
        return
    _fast_fill, _fast_closing = _cwalk.fill, _cwalk.block_in_closing_inline
    _fast_may_empty, _fast_blank_lines = _cwalk.may_empty, _cwalk.blank_line_runs
    _fast_empty_edits, _fast_gathered = _cwalk.empty_edits, _cwalk.gathered
    _fast_references, _fast_body_end = _cwalk.references, _cwalk.first_body_end
    _fast_nested_link = _cwalk.holds_nested_link
    _fast_control_reference = _cwalk.holds_control_reference


def compiled() -> bool:
    """Whether :func:`take` runs the compiled walk (``cleanhtml._cwalk``): it was built,
    for this lxml, and ``CLEANHTML_PURE`` is unset (or ``0``). Loads it when it is not
    yet (a process's first, small document is walked in Python, see :data:`SMALL`)."""
    if not _loaded:
        _load(None)
    return _fast_fill is not None
