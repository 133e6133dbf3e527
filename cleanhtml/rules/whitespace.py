"""Whitespace rules: what removals leave behind. They never touch text inside a paragraph."""

from __future__ import annotations

from lxml import etree

from cleanhtml import census as _census
from cleanhtml.census import Census, iter_tags
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
        tag = sibling.tag  # (read once: lxml builds the string at each read)
        if not isinstance(tag, str) or tag not in INLINE:
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
        tag = sibling.tag
        if not isinstance(tag, str) or tag not in INLINE:
            break
        if not is_blank(text_of(sibling)) or not is_blank(sibling.tail):
            found = True
            break
        walked.append(sibling)
    for sibling in walked:
        seen[sibling] = found
    return found


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
    census = ctx.census
    fast = _census._fast_empty_edits
    found = None
    if fast is not None:  # decided in C (tests/test_accel.py holds it to the Python walk)
        names = census.present(REMOVABLE_WHEN_EMPTY) if census is not None else REMOVABLE_WHEN_EMPTY
        found = fast(root, names, REMOVABLE_WHEN_EMPTY, INLINE)
    to_drop, to_unwrap, edits = found if found is not None else _empty_edits_walk(root, census)
    drop_all(root, to_drop)
    unwrap_all(root, to_unwrap)
    return edits


def _empty_edits_walk(
    root: etree._Element, census: Census | None
) -> tuple[list[etree._Element], list[etree._Element], int]:
    """What :func:`remove_empty_elements` removes, decided in Python: the elements to
    drop, those to unwrap (none inside another that goes), how many go."""
    edits = 0
    seen: dict[etree._Element, bool] = {}
    # The edits wait and are made together at the end, in C (one by one, each would
    # move the growing text after it to the element before). Until then the tree is
    # read as if they were made: an element whose children all wait to go is empty
    # when the text left in it (its own, the tails of the children that go and the
    # text of those unwrapped) is blank; ``gone`` stands for the rest.
    to_unwrap: list[etree._Element] = []
    to_drop: list[etree._Element] = []
    gone: set[etree._Element] = set()
    unwrapped: dict[etree._Element, str] = {}  # each waiting unwrap, with its text
    going: dict[etree._Element | None, int] = {}  # how many children wait to go, by parent
    for el in _may_empty(root, census):
        waiting = going.get(el)
        if waiting is None:
            if len(el):
                continue
            text = el.text
        elif len(el) > waiting:
            continue
        else:
            text = _text_left(el, unwrapped)
        if (text and text.strip(WHITESPACE)) or el is root:
            continue
        tag = el.tag  # (read once: lxml builds the string at each read)
        if tag == "a" and any(el.get(name) for name in _KEEP_ATTRIBUTES):
            continue
        if tag in INLINE:
            if text:
                to_unwrap.append(el)  # its whitespace separates the words around it
                unwrapped[el] = text
            else:
                to_drop.append(el)
                gone.add(el)
        elif _text_after(el, seen, gone) and _text_before(el):
            continue  # a block with text on both sides: removing it would join words
        else:
            to_drop.append(el)
            gone.add(el)
        parent = el.getparent()
        going[parent] = going.get(parent, 0) + 1
        edits += 1
    # what is inside an element that goes goes with it
    return (
        [el for el in to_drop if el.getparent() not in gone],
        [el for el in to_unwrap if el.getparent() not in gone],
        edits,
    )


_REMOVABLE = frozenset(REMOVABLE_WHEN_EMPTY)


def _may_empty(root: etree._Element, census: Census | None = None) -> list[etree._Element]:
    """The elements :func:`remove_empty_elements` may remove, children before parents
    (reversed document order): each removable element without children whose text is
    blank, and its removable ancestors up to the first one that is not (which stays,
    so nothing above it empties). Any other element holds text or an element that
    stays. The climb from each leaf stops where the climb from the leaf after it (in
    document order) already went. Where the compiled walk is loaded, one walk over the
    tree's C nodes gives the list (``cleanhtml._cwalk.may_empty``; tests/test_accel.py
    holds it to this code)."""
    fast = _census._fast_may_empty
    if fast is not None:
        names = census.present(REMOVABLE_WHEN_EMPTY) if census is not None else REMOVABLE_WHEN_EMPTY
        found = fast(root, names, REMOVABLE_WHEN_EMPTY)
        if found is not None:
            return found
    return _may_empty_walk(root, census)


def _may_empty_walk(root: etree._Element, census: Census | None) -> list[etree._Element]:
    """:func:`_may_empty` in Python: lxml's ``iter()`` finds the leaves (each text read
    once: reading one decodes it)."""
    leaves = [
        el
        for el in iter_tags(root, census, REMOVABLE_WHEN_EMPTY)
        if not len(el) and (not (text := el.text) or not text.strip(WHITESPACE))
    ]
    order: list[etree._Element] = []
    emit = order.append
    open_: list[etree._Element] = []  # the ancestors climbed to, outermost first
    opened: set[etree._Element] = set()
    for leaf in reversed(leaves):
        climbed: list[etree._Element] = []
        meet = None
        node = leaf.getparent() if leaf is not root else None
        while node is not None and node.tag in _REMOVABLE:
            if node in opened:
                meet = node
                break
            climbed.append(node)
            if node is root:
                break
            node = node.getparent()
        # the open ancestors that do not hold this leaf come after it: done
        while open_ and open_[-1] is not meet:
            opened.discard(open_[-1])
            emit(open_.pop())
        emit(leaf)
        climbed.reverse()
        open_ += climbed
        opened.update(climbed)
    open_.reverse()
    order += open_
    return order


def _text_left(el: etree._Element, unwrapped: dict[etree._Element, str]) -> str:
    """The text of ``el`` once its children, which all wait to go, are gone: its own,
    the text of each one unwrapped and the tail of each."""
    parts = [el.text or ""]
    for child in el:
        parts.append(unwrapped.get(child, ""))
        parts.append(child.tail or "")
    return "".join(parts)


@rule(
    "W002",
    "tidy-blank-lines",
    "whitespace",
    "Collapse blank-line runs between blocks to one newline.",
    # text collapses a whitespace run holding a line break by its neighbours alone,
    # outside <pre>; this rule is the last, so none reads what it edits
    hidden_in=("text",),
    shown_with=("pre",),
)
def tidy_blank_lines(root: etree._Element, ctx: Context) -> int:
    r"""Collapse whitespace-only runs between blocks that hold blank lines to one newline.

    Removing comments, styles and promo blocks leaves long runs of blank and
    indented lines between paragraphs. Only whitespace *between* blocks (children of
    ``div``, ``body``, ``blockquote``, lists, tables...) is touched, never text inside
    a paragraph.

    ``<div><p>a</p>\n\n  \n<p>b</p></div>`` becomes ``<div><p>a</p>\n<p>b</p></div>``.
    """
    texts, tails = _blank_line_runs(root, ctx.census)
    for el in texts:
        el.text = "\n"
    for child in tails:
        child.tail = "\n"
    return len(texts) + len(tails)


def _blank_line_runs(
    root: etree._Element, census: Census | None
) -> tuple[list[etree._Element], list[etree._Element]]:
    """The block containers whose text, and their children whose tail, is a run of
    whitespace holding blank lines (two line breaks or more), in document order. Where
    the compiled walk is loaded, one walk over the tree's C nodes finds them
    (``cleanhtml._cwalk.blank_line_runs``; tests/test_accel.py holds it to this code)."""
    fast = _census._fast_blank_lines
    if fast is not None:
        names = census.present(BLOCK_CONTAINERS) if census is not None else BLOCK_CONTAINERS
        found = fast(root, names, BLOCK_CONTAINERS)
        if found is not None:
            return found
    return _blank_line_runs_walk(root, census)


def _blank_line_runs_walk(
    root: etree._Element, census: Census | None
) -> tuple[list[etree._Element], list[etree._Element]]:
    """:func:`_blank_line_runs` in Python."""
    texts: list[etree._Element] = []
    tails: list[etree._Element] = []
    for el in iter_tags(root, census, BLOCK_CONTAINERS):
        text = el.text
        if text and text.count("\n") > 1 and not text.strip(_TIDY):
            texts.append(el)
        children: list[etree._Element] = el[:]  # type: ignore[index,assignment]
        for child in children:  # (a slice, made in C: cheaper than an iterator)
            tail = child.tail
            if tail and tail.count("\n") > 1 and not tail.strip(_TIDY):
                tails.append(child)
    return texts, tails
