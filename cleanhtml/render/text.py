"""Plain-text output: one block per paragraph, heading, list item or table row.

One pass over the tree gathers its text with marks at block edges, driven by frozenset
tag tables (the html-text approach): the compiled census walk's writer where it is
loaded, else an XSLT stylesheet made from those tables, run by libxslt in C (both
:func:`_gathered`), or for a large document a Python walk that makes blocks a piece at
a time (:func:`iter_blocks` with ``stream``). Inline elements never
add or drop a character, so ``<a>线上线下</a>方式`` gives ``线上线下方式``.
Whitespace collapses as a browser would, including CSS Text's rule that a line break
between two East Asian wide characters disappears (Chinese has no spaces between
words). Blocks are separated by a blank line, ``<br>`` is a newline, and each line is
stripped of leading and trailing whitespace, the full-width indentation ``　　``
included. Text inside ``<pre>`` keeps its line breaks, spaces and indentation.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from lxml import etree

from cleanhtml import census as census_
from cleanhtml.document import Document

if TYPE_CHECKING:
    from cleanhtml.cleaned import Cleaned

BLOCK_TAGS = frozenset(
    {
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "blockquote",
        "section", "article", "aside", "header", "footer", "main", "nav", "ul", "ol",
        "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "caption", "figure",
        "figcaption", "pre", "address", "center", "form", "fieldset", "legend",
        "details", "summary", "hr", "body", "html", "title", "option",
    }
)  # fmt: skip
SKIP_TAGS = frozenset(
    {"head", "script", "style", "template", "noscript", "select", "textarea", "iframe", "object"}
)
CELL_TAGS = frozenset({"td", "th"})
BR = "\x00"  # lxml text never holds NUL, so it can mark a <br> until the block is built
CELL = "\x01"
PRE_SPACE = "\x02"  # a space or tab inside <pre>, kept through whitespace collapsing
PRE_TAB = "\x03"
MARK = "\ud800"
"""A position mark (an inline tag's edge) that :func:`collapse_whitespace` looks through.

A lone surrogate: text decoded from bytes never holds one. The Markdown renderer
joins the texts of a paragraph with it, so whitespace collapses across inline tags
exactly as it does in the text output, where those tags leave no trace.
"""

_SPACE_RUN = re.compile(r"[ \t\n\r\f]+(?:\ud800+[ \t\n\r\f]+)*")


def _wide(char: str) -> bool:
    """East Asian wide, fullwidth or halfwidth, and not Hangul (CSS Text 3, segment breaks)."""
    return unicodedata.east_asian_width(char) in ("W", "F", "H") and not (
        "\u1100" <= char <= "\u11ff" or "\u3130" <= char <= "\u318f" or "\uac00" <= char <= "\ud7af"
    )


def _collapse(match: re.Match[str]) -> str:
    run = match.group(0)
    marks = MARK * run.count(MARK)
    if "\n" in run:
        text = match.string
        start, end = match.start(), match.end()
        while start > 0 and text[start - 1] == MARK:
            start -= 1
        while end < len(text) and text[end] == MARK:
            end += 1
        if start > 0 and end < len(text) and _wide(text[start - 1]) and _wide(text[end]):
            return marks
    return " " + marks


_RUN_REST = re.compile(r"[ \t\n\r\f]*")


def _join_wide_breaks(raw: str) -> str:
    """Each whitespace run holding a line break between two non-ASCII characters
    (only there can both neighbours be East Asian wide): dropped between two wide
    characters, a space otherwise. Other runs are left to :func:`_plain_spaces`.

    Found from each line break (a ``memchr``): a regex over the whole text, having no
    character to look for first, tried a match at every position (~190 instructions
    a character; a third of the text renderer's cost on pages)."""
    at = raw.find("\n")
    pieces: list[str] = []
    done = 0  # raw[:done] is in pieces
    size = len(raw)
    while at >= 0:
        start = at
        while start > done and raw[start - 1] in " \t\r\f":
            start -= 1
        end = _RUN_REST.match(raw, at + 1).end()  # type: ignore[union-attr]
        if start and end < size and raw[start - 1] > "\x7f" and raw[end] > "\x7f":
            pieces.append(raw[done:start])
            pieces.append("" if _wide(raw[start - 1]) and _wide(raw[end]) else " ")
            done = end
        at = raw.find("\n", end)
    if not pieces:
        return raw
    pieces.append(raw[done:])
    return "".join(pieces)


_SPACES = re.compile("  +")


def _plain_spaces(raw: str) -> str:
    """Each run of HTML whitespace as one space: tabs, line breaks, carriage returns and
    form feeds become spaces (a fast C-level pass each), then each run of two spaces or
    more becomes one. The pattern opens with two literal spaces, so the engine tries a
    match only where two spaces stand (a pattern of any whitespace tried one at every
    space); halving the runs until none was left cost 4x more on the bench pages, whose
    indentation makes runs of dozens (one whole pass over the text each halving)."""
    for char in "\t\n\r\f":
        if char in raw:
            raw = raw.replace(char, " ")
    return _SPACES.sub(" ", raw) if "  " in raw else raw


def collapse_whitespace(raw: str) -> str:
    """Collapse each run of HTML whitespace to one space, as a browser does.

    A run holding a line break between two East Asian wide characters disappears
    (CSS Text 3: Chinese has no spaces between words). :data:`MARK` characters are
    looked through and kept, in order, after the space: ``a␣MARK␣b`` gives
    ``a␣MARKb``. ``BR`` and ``CELL`` marks are not looked through.
    """
    if MARK in raw:
        return _SPACE_RUN.sub(_collapse, raw)
    # fast path (no marks): only runs with a line break need a look at their neighbours
    if "\n" in raw:
        raw = _join_wide_breaks(raw)
    return _plain_spaces(raw)


def _verbatim(text: str) -> str:
    """Text inside ``<pre>``: its line breaks, spaces and tabs survive collapsing."""
    return text.replace("\n", BR).replace(" ", PRE_SPACE).replace("\t", PRE_TAB)


def _block(collapsed: str) -> str:
    """One block's text, its whitespace already collapsed."""
    if (  # one line, one cell: the common case (four memchr: a regex search costs more)
        BR not in collapsed
        and CELL not in collapsed
        and PRE_SPACE not in collapsed
        and PRE_TAB not in collapsed
    ):
        return collapsed.strip().replace("\xa0", " ")
    lines = []
    for line in collapsed.split(BR):
        cells = [cell.strip().replace("\xa0", " ") for cell in line.split(CELL)]
        line = "\t".join(cells).strip()
        lines.append(line.replace(PRE_SPACE, " ").replace(PRE_TAB, "\t"))
    text = "\n".join(lines).strip("\n")
    return re.sub(r"\n{3,}", "\n\n", text)


BLOCK = "\x04"
"""Where a block starts or ends, in the text gathered from the whole tree."""


PIECE_CHARS = 1 << 20
"""Gathered text is turned into blocks each time this much of it (characters) waits at a
block edge: a large page's text is never whole in memory beside its tree."""


def blocks(root: etree._Element) -> list[str]:
    """The text blocks of the tree under ``root``, in document order (see
    :func:`iter_blocks`)."""
    gathered = _gathered(root)
    if gathered is None:
        return list(_walk_blocks(root))
    return list(_finish([gathered]))


STREAM_BYTES = 4 << 20
"""Inputs larger than this (bytes) have their text made into blocks a piece at a time
(see :func:`iter_blocks`): the stylesheet gives a page's whole text at once."""

# Marks the stylesheet writes: C1 controls, which a page's text seldom holds (a page
# whose text holds one is walked instead, see _gathered); XSLT 1.0 can write no C0 one.
_X_BLOCK = "\x80"  # BLOCK
_X_CELL = "\x81"  # a cell starts (a CELL mark unless it is the first of its row)
_X_ROW = "\x82"  # a row starts
_X_ROW_END = "\x83"  # a row ends
_X_BR = "\x84"  # BR (NUL, which no XSLT string can hold)
_X_PRE_SPACE = "\x85"  # PRE_SPACE
_X_PRE_TAB = "\x86"  # PRE_TAB
_X_MARKS = "\x80\x81\x82\x83\x84\x85\x86"
_X_MARK_BYTES = re.compile(b"\xc2[\x80-\x86]")  # one of _X_MARKS, in UTF-8


def _stylesheet_source() -> str:
    """The stylesheet :func:`_gathered` runs: what the walk of :func:`iter_blocks` does
    at each node, one template per tag table. The text of a skipped element is not
    written, the text after it is (it is its parent's); comments and processing
    instructions write nothing (XSLT's built-in rule), their tails are written."""
    names = {
        "skip": "|".join(sorted(SKIP_TAGS)),
        "block": "|".join(sorted(BLOCK_TAGS - {"tr", "pre"})),
        "cell": "|".join(sorted(CELL_TAGS)),
    }
    block, cell, row, row_end, br = (f"&#{ord(c)};" for c in _X_MARKS[:5])
    verbatim = "".join(f"&#{ord(c)};" for c in (_X_BR, _X_PRE_SPACE, _X_PRE_TAB))
    templates = []
    for mode in ("", "pre"):
        own = f' mode="{mode}"' if mode else ""
        templates.append(
            f"""
<xsl:template match="{names["skip"]}"{own}/>
<xsl:template match="{names["block"]}"{own}>{block}<xsl:apply-templates{own}/>{block}</xsl:template>
<xsl:template match="tr"{own}>{block}{row}<xsl:apply-templates{own}/>{block}{row_end}</xsl:template>
<xsl:template match="pre"{own}>{block}<xsl:apply-templates mode="pre"/>{block}</xsl:template>
<xsl:template match="{names["cell"]}"{own}>{cell}<xsl:apply-templates{own}/></xsl:template>
<xsl:template match="br"{own}>{br}<xsl:apply-templates{own}/></xsl:template>"""
        )
    return f"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text" encoding="utf-8"/>
{"".join(templates)}
<xsl:template match="text()" mode="pre"
 ><xsl:value-of select="translate(., '&#10; &#9;', '{verbatim}')"/></xsl:template>
</xsl:stylesheet>"""


@functools.cache
def _stylesheet() -> etree.XSLT:
    """The compiled stylesheet (once per process)."""
    return etree.XSLT(etree.XML(_stylesheet_source().encode("utf-8")))


_ROW_MARKS = re.compile("[\x81-\x83]")
_EDGES = re.compile("\x80[\x80 \t\n\r\f]*+")


_KINDS = {
    **{name: 1 for name in BLOCK_TAGS - {"tr", "pre"}},
    **{name: 2 for name in SKIP_TAGS},
    **{name: 3 for name in CELL_TAGS},
    "br": 4,
    "tr": 5,
    "pre": 6,
}
"""The stylesheet's templates by element name, for the compiled walk (``_cwalk.gathered``):
1 a block, 2 skipped, 3 a cell, then ``br``, ``tr`` and ``pre`` (the tables are disjoint)."""


def _gathered(root: etree._Element) -> str | None:
    """The text of the tree under ``root`` with :data:`BLOCK`, :data:`BR`,
    :data:`CELL` and the ``<pre>`` marks, as the walk of :func:`iter_blocks` gathers
    it (up to whitespace next to a block edge, which the blocks lose anyway: each is
    stripped), made by the stylesheet in C; None when the tree's text holds one of the
    stylesheet's marks (the walk is taken then).

    Where the compiled census walk is loaded, its ``gathered`` writes this string by
    one walk over libxml2's nodes, the text's own marks written at once: no stylesheet,
    and no check of the tree's text for its marks first (together ~8% of a page's
    ``-t text``; tests/test_accel.py holds it to the stylesheet's string).

    A cell is marked at its start by the stylesheet; it becomes a :data:`CELL` mark
    when a cell started before it in the same row (the innermost row open, or none):
    one step per table mark, only on a page with table cells."""
    fast = census_._fast_gathered
    if fast is not None:
        found = fast(root, _KINDS)
        if found is not None:
            return found
    return _stylesheet_gathered(root)


def _stylesheet_gathered(root: etree._Element) -> str | None:
    """:func:`_gathered` by the stylesheet (and its marks' check)."""
    # the text as UTF-8 bytes (no decoding): a mark U+0080..U+0086 is the byte 0xC2 and
    # one of 0x80..0x86, and 0xC2 only ever leads a character (a memchr, then a search)
    own = etree.tostring(root, method="text", encoding="utf-8", with_tail=False)
    if 0xC2 in own and _X_MARK_BYTES.search(own):
        return None
    del own
    gathered = str(_stylesheet()(root))
    if _X_CELL in gathered:
        pieces: list[str] = []
        cells = [0]  # cells started in each open row, outermost (no row) first
        done = 0
        for match in _ROW_MARKS.finditer(gathered):
            pieces.append(gathered[done : match.start()])
            done = match.end()
            mark = match.group()
            if mark == _X_CELL:
                if cells[-1]:
                    pieces.append(CELL)
                cells[-1] += 1
            elif mark == _X_ROW:
                cells.append(0)
            else:
                cells.pop()
        pieces.append(gathered[done:])
        gathered = "".join(pieces)
    elif _X_ROW in gathered:
        gathered = gathered.replace(_X_ROW, "").replace(_X_ROW_END, "")
    for mark, internal in ((_X_BR, BR), (_X_PRE_SPACE, PRE_SPACE), (_X_PRE_TAB, PRE_TAB)):
        if mark in gathered:
            gathered = gathered.replace(mark, internal)
    # each run of block edges and the whitespace after them, as one BLOCK (most of a
    # page's text is the whitespace between its blocks)
    return _EDGES.sub(BLOCK, gathered)


def _finish(parts: list[str]) -> Iterator[str]:
    """The blocks of gathered ``parts``, each step letting go of the one before (a large
    text is several times over in memory otherwise: the pieces, their join, the
    collapsed text, its blocks)."""
    joined = "".join(parts)
    parts.clear()
    collapsed = collapse_whitespace(joined)
    del joined
    if "\xa0" in collapsed:  # (what _block does to each piece, once: it strips either)
        collapsed = collapsed.replace("\xa0", " ")
    marked = BR in collapsed or CELL in collapsed or PRE_SPACE in collapsed or PRE_TAB in collapsed
    pieces = collapsed.split(BLOCK)
    del collapsed
    if marked:
        for index, piece in enumerate(pieces):
            pieces[index] = _block(piece) if piece else piece
        yield from (piece for piece in pieces if piece)
    else:  # every block is one line, one cell: _block's first case, inlined
        yield from [stripped for piece in pieces if (stripped := piece.strip())]


def iter_blocks(root: etree._Element, *, stream: bool = False) -> Iterator[str]:
    """The text blocks of the tree under ``root``, in document order.

    The stylesheet gathers the text (see :func:`_gathered`), or with ``stream`` (a
    large document) a Python walk that makes blocks a piece at a time.
    """
    if not stream:
        return iter(blocks(root))
    return _walk_blocks(root)


def _walk_blocks(root: etree._Element) -> Iterator[str]:
    """:func:`iter_blocks` with ``stream``, a Python walk.

    One pass gathers every text with :data:`BLOCK` marks at block edges; whitespace is
    then collapsed over the gathered text at once (in C) and split into blocks, each
    :data:`PIECE_CHARS` characters or so, cut at a block edge: no whitespace run
    crosses one, and a run next to one collapses to a space as at the text's end, so
    the blocks are those of the whole text collapsed at once.

    The pass is ``root.iter()`` (document order, in C) with a stack of the elements
    open: an element's end comes when the next node is not inside it. That is what
    ``etree.iterwalk``'s start and end events say, at half the cost (iterwalk makes an
    event a node and then some). Comments and processing instructions show only their
    tail; entity references (HTML parsing makes none; iterwalk does not report them)
    show nothing.
    """
    parts: list[str] = []
    append = parts.append
    held = 0  # characters gathered since the last blocks were made
    skip_depth = 0
    pre_depth = 0
    cells_in_row: list[int] = [0]
    opened: list[etree._Element] = []  # the elements started and not ended, outermost first
    flush = False  # an end of a block has come with enough text gathered to make blocks

    def edge() -> None:
        """Mark a block edge; whitespace-only texts next to one are dropped (lines are
        stripped anyway), so the whitespace between blocks costs nothing later."""
        while parts and parts[-1].isspace():
            parts.pop()
        if not parts or parts[-1] is not BLOCK:
            append(BLOCK)

    def add(text: str) -> None:
        """Gather a text that shows (``<pre>`` text kept as written)."""
        nonlocal held
        held += len(text)
        if pre_depth:
            append(_verbatim(text))
        elif not (text.isspace() and parts and parts[-1] is BLOCK):
            append(text)

    def cut() -> Iterator[str]:
        """The blocks of what is gathered, up to the edge just marked (the edge stays:
        what follows sees it)."""
        nonlocal held, flush
        edge_mark = parts.pop()
        yield from _finish(parts)
        append(edge_mark)
        held, flush = 0, False

    def end(el: etree._Element) -> str | None:
        """An element's end: the text that follows it (its tail) when it shows."""
        nonlocal skip_depth, pre_depth, flush
        if skip_depth:
            skip_depth -= 1
            if skip_depth:
                return None
        else:
            tag = el.tag
            if tag in BLOCK_TAGS:
                edge()
                flush = held >= PIECE_CHARS
                if tag == "tr" and len(cells_in_row) > 1:
                    cells_in_row.pop()
                elif tag == "pre":
                    pre_depth -= 1
        return el.tail if el is not root else None

    def close(el: etree._Element) -> Iterator[str]:
        """End ``el``: blocks when enough text has gathered, then its tail."""
        text = end(el)
        if flush:
            yield from cut()
        if text:
            add(text)

    for el in root.iter():
        if opened:
            parent = el.getparent()
            while opened[-1] is not parent:
                yield from close(opened.pop())
        tag = el.tag
        if not isinstance(tag, str):  # a comment or processing instruction: only its tail shows
            if tag is etree.Entity or skip_depth:
                continue
            text = el.tail
        else:
            opened.append(el)
            if skip_depth or tag in SKIP_TAGS:
                skip_depth += 1
                continue
            if tag in BLOCK_TAGS:
                edge()
                if held >= PIECE_CHARS:
                    yield from cut()
                if tag == "tr":
                    cells_in_row.append(0)
                elif tag == "pre":
                    pre_depth += 1
            elif tag in CELL_TAGS:
                if cells_in_row[-1]:
                    append(CELL)
                cells_in_row[-1] += 1
            elif tag == "br":
                append(BR)
            text = el.text
        if text:
            add(text)
    while opened:
        yield from close(opened.pop())
    yield from _finish(parts)


def render_text(doc: Document) -> str:
    """The document's text: blocks separated by a blank line; front matter left out."""
    root = doc.root
    if not doc.is_fragment:
        body = root.find("body")
        root = body if body is not None else root
    found = list(iter_blocks(root, stream=doc.size > STREAM_BYTES))
    if not found:
        return ""
    found[-1] += "\n"  # not joined, then copied whole to add it (peak memory)
    return "\n\n".join(found)


def write_text(doc: Document, write: Callable[[bytes], None]) -> None:
    """:func:`render_text` as UTF-8, to ``write`` a few blocks at a time as they are
    made: a large page's text is never whole in memory beside its tree."""
    root = doc.root
    if not doc.is_fragment:
        body = root.find("body")
        root = body if body is not None else root
    between = ""
    batch: list[str] = []
    held = 0
    for block in iter_blocks(root, stream=doc.size > STREAM_BYTES):
        batch.append(between + block)
        held += len(block)
        between = "\n\n"
        if held >= PIECE_CHARS:
            write("".join(batch).encode("utf-8"))
            batch.clear()
            held = 0
    if between:
        batch.append("\n")
    write("".join(batch).encode("utf-8"))


def render(cleaned: Cleaned) -> str:
    """The ``text`` format of a cleaned document (see :func:`render_text`)."""
    return render_text(cleaned.doc)
