"""Whitespace rules: what removals leave behind. They never touch text inside a paragraph."""

from __future__ import annotations

from lxml import etree

from cleanhtml.rule import Context, rule
from cleanhtml.treeops import WHITESPACE, drop_all, is_blank, text_of, unwrap_all

# Elements that may go when nothing is left in them. Void and media elements
# (img, br, hr, video, source, ...), table cells and form controls are not listed,
# so they are never removed for being empty.
REMOVABLE_WHEN_EMPTY = (
    "p", "div", "span", "font", "strong", "b", "em", "i", "u", "s", "small", "big",
    "sup", "sub", "center", "blockquote", "section", "article", "aside", "header",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
    "figure", "figcaption", "mark", "ins", "del", "cite", "q", "abbr", "label", "a",
)  # fmt: skip
_KEEP_ATTRIBUTES = ("id", "name")  # an empty <a name=...> is a link target
INLINE = frozenset(
    {
        "span", "font", "strong", "b", "em", "i", "u", "s", "small", "big", "sup", "sub",
        "mark", "ins", "del", "cite", "q", "abbr", "label", "a",
    }
)  # fmt: skip


def _text_before(el: etree._Element) -> bool:
    """Visible text on the same line before ``el`` (up to the previous block)."""
    for sibling in el.itersiblings(preceding=True):
        if not is_blank(sibling.tail):
            return True
        if not isinstance(sibling.tag, str) or sibling.tag not in INLINE:
            return False  # a block (or a comment): the line breaks there anyway
        if not is_blank(text_of(sibling)):
            return True
    parent = el.getparent()
    return parent is not None and not is_blank(parent.text)


def _text_after(
    el: etree._Element, seen: dict[etree._Element, bool], gone: set[etree._Element]
) -> bool:
    """Visible text on the same line after ``el`` (up to the next block).

    ``seen`` holds the answer found for each blank inline sibling already walked past:
    the rule goes backwards, so once an empty block goes, the one before it would
    walk the same run again (quadratic on thousands of them). What follows a node
    does not change while the rule works on what stands before it. ``gone`` holds
    the blocks found empty but not removed yet.
    """
    if not is_blank(el.tail):
        return True
    walked: list[etree._Element] = []
    found = False
    for sibling in el.itersiblings():
        known = seen.get(sibling)
        if known is not None:
            found = known
            break
        if sibling in gone:  # a block about to go: only its tail counts
            if not is_blank(sibling.tail):
                found = True
                break
            walked.append(sibling)
            continue
        if not isinstance(sibling.tag, str) or sibling.tag not in INLINE:
            break
        if not is_blank(text_of(sibling)) or not is_blank(sibling.tail):
            found = True
            break
        walked.append(sibling)
    for sibling in walked:
        seen[sibling] = found
    return found


def _splits_text(
    el: etree._Element, seen: dict[etree._Element, bool], gone: set[etree._Element]
) -> bool:
    """True when ``el`` is a block with text on both sides: removing it would join words."""
    return el.tag not in INLINE and _text_after(el, seen, gone) and _text_before(el)


# Elements whose whitespace-only text runs sit between blocks, not inside a paragraph.
BLOCK_CONTAINERS = frozenset(
    {
        "html", "head", "body", "div", "section", "article", "aside", "main", "header",
        "footer", "nav", "blockquote", "ul", "ol", "dl", "table", "thead", "tbody",
        "tfoot", "tr", "figure", "form", "fieldset", "details",
    }
)  # fmt: skip
_TIDY = " \t\n\r\f"


@rule(
    "W001",
    "remove-empty-elements",
    "whitespace",
    "Remove elements that cleaning left empty.",
)
def remove_empty_elements(root: etree._Element, ctx: Context) -> int:
    """Remove elements that cleaning left empty (whitespace, U+3000 and NBSP count as empty).

    Only containers and inline wrappers go (``p``, ``div``, ``span``, ``strong``, ...):
    never void or media elements (``img``, ``br``, ``video``, ``source``), table
    cells, nor anything that holds an element or text. The text after a removed
    element stays. Word breaks stay too: an inline wrapper holding only a space is
    unwrapped (its space kept), and an empty block between two runs of text is kept.

    ``<p>　　</p><div><span></span></div><p>x</p>`` becomes ``<p>x</p>``;
    ``<p>foo<span>&nbsp;</span>bar</p>`` becomes ``<p>foo&nbsp;bar</p>``.
    """
    edits = 0
    seen: dict[etree._Element, bool] = {}
    # The edits wait and go together (one by one, each would move the growing text
    # after it to the element before), until an element holding one is looked at.
    to_unwrap: list[etree._Element] = []
    to_drop: list[etree._Element] = []
    gone: set[etree._Element] = set()
    first: etree._Element | None = None  # the waiting one first in document order
    around: set[etree._Element] = set()  # its ancestors (the elements that hold it)
    # reversed document order visits children before their parents
    for el in reversed(list(root.iter(*REMOVABLE_WHEN_EMPTY))):
        if first is not None and el in around:
            _apply(root, to_unwrap, to_drop)
            first = None
        if len(el):
            continue
        text = el.text
        if (text and text.strip(WHITESPACE)) or el is root:
            continue
        if el.tag == "a" and any(el.get(name) for name in _KEEP_ATTRIBUTES):
            continue
        if text and el.tag in INLINE:
            to_unwrap.append(el)  # its whitespace separates the words around it
        elif _splits_text(el, seen, gone):
            continue
        else:
            to_drop.append(el)
            gone.add(el)
        if first is None or el.getparent() is not first.getparent():
            around = set(el.iterancestors())  # (a sibling of the last has its ancestors)
        first = el
        edits += 1
    _apply(root, to_unwrap, to_drop)
    return edits


def _apply(
    root: etree._Element, to_unwrap: list[etree._Element], to_drop: list[etree._Element]
) -> None:
    """Make the waiting edits (in C) and forget them."""
    drop_all(root, to_drop)
    unwrap_all(root, to_unwrap)
    to_drop.clear()
    to_unwrap.clear()


@rule(
    "W002",
    "tidy-blank-lines",
    "whitespace",
    "Collapse blank-line runs between blocks to one newline.",
)
def tidy_blank_lines(root: etree._Element, ctx: Context) -> int:
    r"""Collapse whitespace-only runs between blocks that hold blank lines to one newline.

    Removing comments, styles and promo blocks leaves long runs of blank and
    indented lines between paragraphs. Only whitespace *between* blocks (children of
    ``div``, ``body``, ``blockquote``, lists, tables...) is touched, never text inside
    a paragraph.

    ``<div><p>a</p>\n\n  \n<p>b</p></div>`` becomes ``<div><p>a</p>\n<p>b</p></div>``.
    """
    edits = 0
    for el in root.iter(*BLOCK_CONTAINERS):
        text = el.text
        if text and text.count("\n") > 1 and not text.strip(_TIDY):
            el.text = "\n"
            edits += 1
        for child in el:
            tail = child.tail
            if tail and tail.count("\n") > 1 and not tail.strip(_TIDY):
                child.tail = "\n"
                edits += 1
    return edits
