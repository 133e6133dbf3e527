"""Markdown rendering: block elements to Markdown blocks, one table.

Paragraphs, headings, lists, quotes, code blocks, rules and GFM tables.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from types import MappingProxyType

from lxml import etree

from cleanhtml.render.markdown.escape import _ENTITY, _LANGUAGE, _TAG_START
from cleanhtml.render.markdown.inline import INLINE, _inline, _pieces
from cleanhtml.render.markdown.lines import _one_line, _paragraph
from cleanhtml.render.markdown.tokens import TEXT, BlockRenderer, Ctx, Piece, Tok
from cleanhtml.render.text import BLOCK_TAGS, CELL_TAGS, SKIP_TAGS

# --- block renderers -----------------------------------------------------------------


def block_holders(root: etree._Element) -> frozenset[etree._Element]:
    """Every element with a block element inside it, found in one pass over the tree.

    A block inside an element that is not rendered (the ``<option>`` of a ``<select>``,
    a ``<p>`` in a ``<noscript>``) makes nothing a holder: a table cell holding a
    ``<select>`` is still an inline cell, as ``-t text`` reads it. Each element is
    looked at once: a walk stops at the first holder (whose own walk reached the root
    with no skipped element) or at the first element found not to hold a shown block.
    """
    holders: set[etree._Element] = set()
    hidden: set[etree._Element] = set()
    for block in root.iter(*BLOCK_TAGS):
        chain: list[etree._Element] = []
        shown = True
        for ancestor in block.iterancestors():
            if ancestor in holders:
                break
            if ancestor in hidden or ancestor.tag in SKIP_TAGS:
                shown = False
                break
            chain.append(ancestor)
        (holders if shown else hidden).update(chain)
    return frozenset(holders)


def _same_list(block: str, tag: str) -> bool:
    """True when ``block`` is a list that a ``tag`` list written after it would continue."""
    if tag == "ul":
        return block.startswith("- ")
    return tag == "ol" and bool(_ORDERED_DOT.match(block))


_ORDERED_DOT = re.compile(r"\d{1,9}\. ")


def _flow(pieces: Iterable[Piece], ctx: Ctx) -> list[str]:
    """Blocks from a sequence of texts and elements: inline runs become paragraphs.

    An inline element that holds a block (``<span><p>..</p></span>``) is looked
    through, so its text joins the paragraphs around it as in the text output.
    """
    blocks: list[str] = []
    run: list[Tok] = []

    def walk(items: Iterable[Piece]) -> None:
        for piece in items:
            if isinstance(piece, str):
                run.append(Tok(TEXT, piece))
                continue
            tag = piece.tag
            if not isinstance(tag, str) or tag in SKIP_TAGS:
                continue
            if tag in BLOCK_TAGS:
                blocks.extend(_paragraph(run))
                run.clear()
                follows = bool(blocks) and _same_list(blocks[-1], tag)
                inner = ctx if ctx.other_marker == follows else replace(ctx, other_marker=follows)
                blocks.extend(BLOCKS.get(tag, _container)(piece, inner))
            elif piece in ctx.holders:
                if tag in CELL_TAGS and run:
                    run.append(Tok(TEXT, " "))
                walk(_pieces(piece))
            else:
                run.extend(INLINE.get(tag, _inline)(piece, ctx))

    walk(pieces)
    blocks.extend(_paragraph(run))
    return blocks


def _container(el: etree._Element, ctx: Ctx) -> list[str]:
    """``<p>``, ``<div>``, ``<section>`` and other blocks: the blocks they hold."""
    return _flow(_pieces(el), ctx)


def _heading(el: etree._Element, ctx: Ctx) -> list[str]:
    """``<h1>``..``<h6>``: an ATX heading (``## Title``)."""
    if el in ctx.holders:
        return _container(el, ctx)
    line = _one_line(_inline(el, ctx))
    if not line:
        return []
    closing = re.search(r"(?:^|[ \t])(#+)[ \t]*$", line)
    if closing:  # a trailing "#" run would be read as the heading's closing sequence
        line = line[: closing.start(1)] + "\\" + line[closing.start(1) :]
    return ["#" * int(el.tag[1]) + " " + line]


def _indent(text: str, first: str, rest: str) -> str:
    lines = text.split("\n")
    return "\n".join([first + lines[0]] + [rest + line if line else "" for line in lines[1:]])


_LIST_BLOCK = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?: |$)")


def _item(blocks: list[str], marker: str) -> str:
    parts = blocks[:1]
    for before, block in itertools.pairwise(blocks):
        # a nested list follows its paragraph directly, an HTML <pre> one another
        direct = _LIST_BLOCK.match(block) or _html_pair(before, block)
        parts.append(("\n" if direct else "\n\n") + block)
    return _indent("".join(parts), marker + " ", " " * (len(marker) + 1))


def _list_items(el: etree._Element, ctx: Ctx) -> list[list[str]]:
    """The blocks of each item. Stray content after an item (text or tags between the
    ``<li>``s) becomes blocks of that item, apart from its own, as in the text output."""
    items: list[list[str]] = []
    stray: list[Piece] = []
    for piece in [*_pieces(el), None]:
        if (isinstance(piece, etree._Element) and piece.tag == "li") or piece is None:
            blocks = _flow(stray, ctx)
            if blocks and items:
                items[-1] += blocks
            elif blocks:
                items.append(blocks)
            stray = []
            if piece is not None:
                items.append(_flow(_pieces(piece), ctx))
        else:
            stray.append(piece)
    return [blocks for blocks in items if blocks]


def _list(el: etree._Element, ctx: Ctx) -> list[str]:
    """``<ul>``, ``<ol start>``: a bullet (``-``) or ordered (``1.``) list, nested by indent."""
    start = el.get("start", "1").strip()
    number = int(start) if el.tag == "ol" and start.isdigit() and len(start) < 10 else 1
    inner = replace(ctx, other_marker=False)
    rendered = _list_items(el, inner)
    bullet, delimiter = ("*", ")") if ctx.other_marker else ("-", ".")
    items = []
    for offset, blocks in enumerate(rendered):
        marker = f"{number + offset}{delimiter}" if el.tag == "ol" else bullet
        items.append(_item(blocks, marker))
    if not items:
        return []
    tight = all(
        len(blocks) == 1 or all(_LIST_BLOCK.match(b) for b in blocks[1:]) for blocks in rendered
    )
    return [("\n" if tight else "\n\n").join(items)]


def _list_item(el: etree._Element, ctx: Ctx) -> list[str]:
    """An ``<li>`` outside a list: a bullet item."""
    blocks = _container(el, ctx)
    return [_item(blocks, "-")] if blocks else []


def _blockquote(el: etree._Element, ctx: Ctx) -> list[str]:
    """``<blockquote>``: ``> `` before each line of the blocks it holds."""
    blocks = _container(el, ctx)
    if not blocks:
        return []
    return [
        "\n".join(">" + (" " + line if line else "") for line in join_blocks(blocks).split("\n"))
    ]


def _pre_text(el: etree._Element) -> str:
    parts: list[str] = []
    for piece in _pieces(el):
        if isinstance(piece, str):
            parts.append(piece)
        elif piece.tag == "br":
            parts.append("\n")
        elif isinstance(piece.tag, str) and piece.tag not in SKIP_TAGS:
            parts.append(_pre_text(piece))
    return "".join(parts)


def _pre(el: etree._Element, ctx: Ctx) -> list[str]:
    """``<pre>``: a fenced code block (``language-x`` classes give the info string).

    Code holding ``<tag``-like text or a character reference (``&#1``) is written as a
    ``<pre><code>`` HTML block with escaped content, so that cleaning the Markdown again
    as HTML finds no tag in it and keeps the reference as text.
    """
    if el in ctx.holders:
        return _container(el, ctx)
    code = _pre_text(el)
    code = code[1:] if code.startswith("\n") else code
    code = code.rstrip("\n")
    if not code.strip("\n"):
        return []
    classes = " ".join(e.get("class", "") for e in (el, *el.iterchildren("code")))
    match = _LANGUAGE.search(classes)
    language = match.group(1) if match else ""
    if _TAG_START.search(code) or _ENTITY.search(code):
        attr = f' class="language-{language}"' if language else ""
        return [f"<pre><code{attr}>" + html.escape(code, quote=False) + "</code></pre>"]
    longest = max((len(run) for run in re.findall(r"^[ \t]*(`{3,})", code, re.M)), default=2)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{language}\n{code}\n{fence}"]


_HTML_PRE, _HTML_PRE_END = "<pre><code", "</code></pre>"


def _html_pair(before: str, block: str) -> bool:
    """True when ``block`` is a ``<pre><code>`` HTML block and ``before`` ends with one.

    ``before`` may end with one inside a list item or a block quote (``- <pre>…``): a
    paragraph never ends with ``</pre>`` (its ``<`` before a tag is escaped).
    """
    return block.startswith(_HTML_PRE) and before.endswith(_HTML_PRE_END)


def join_blocks(blocks: list[str]) -> str:
    """Blocks separated by a blank line; a ``<pre><code>`` HTML block after one by a newline.

    An HTML ``<pre>`` block ends at its ``</pre>`` line (also the last one of a quote or
    list item), so the next one needs no blank line; with one, cleaning the Markdown
    again as HTML would find a blank-line run between two ``<pre>`` elements for
    tidy-blank-lines to collapse.
    """
    out: list[str] = []
    for index, block in enumerate(blocks):
        if index:
            out.append("\n" if _html_pair(blocks[index - 1], block) else "\n\n")
        out.append(block)
    return "".join(out)


def _rule(el: etree._Element, ctx: Ctx) -> list[str]:
    """``<hr>``: ``***`` (not ``---``, which could pass for a front-matter fence)."""
    return ["***"]


def _cells(row: etree._Element) -> list[etree._Element]:
    return [cell for cell in row if cell.tag in CELL_TAGS]


def _span(cell: etree._Element, name: str, limit: int) -> int:
    value = (cell.get(name) or "1").strip()
    return max(1, min(int(value), limit)) if value.isdigit() else 1


def _grid(rows: list[etree._Element], ctx: Ctx) -> list[str]:
    """A GFM table; spanned cells are left empty, every row is as wide as the widest."""
    grid: dict[tuple[int, int], str] = {}
    for r, row in enumerate(rows):
        c = 0
        for cell in _cells(row):
            while (r, c) in grid:
                c += 1
            text = _one_line(_inline(cell, ctx), trim=False)
            # a GFM table takes one backslash off each "\|" before it reads the cell
            text = text.replace("|", "\\|")
            colspan = _span(cell, "colspan", 1000)
            rowspan = _span(cell, "rowspan", len(rows) - r)
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = text if dr == dc == 0 else ""
            c += colspan
    if not grid:
        return []
    width = max(c for _, c in grid) + 1
    lines = []
    for r in range(len(rows)):
        lines.append("| " + " | ".join(grid.get((r, c), "") for c in range(width)) + " |")
        if r == 0:
            lines.append("|" + "---|" * width)
    return ["\n".join(lines)]


def _is_grid_row(piece: Piece | None, ctx: Ctx) -> bool:
    if not isinstance(piece, etree._Element) or piece.tag != "tr":
        return False
    return not any(cell in ctx.holders for cell in _cells(piece))


def _rows(pieces: list[Piece], ctx: Ctx, *, layout: bool) -> list[str]:
    """Runs of rows with inline cells become GFM tables; anything else renders as blocks."""
    blocks: list[str] = []
    group: list[etree._Element] = []
    end: list[Piece | None] = [None]  # where the last rows are written
    for piece in [*pieces, *end]:
        if isinstance(piece, str) and not piece.strip():
            continue
        if not layout and _is_grid_row(piece, ctx):
            group.append(piece)  # type: ignore[arg-type]
            continue
        if group:
            blocks.extend(_grid(group, ctx))
            group = []
        if isinstance(piece, etree._Element) and piece.tag == "tr":
            blocks.extend(_container(piece, ctx))
        elif piece is not None:
            blocks.extend(_flow([piece], ctx))
    return blocks


def _table(el: etree._Element, ctx: Ctx) -> list[str]:
    """``<table>``: a GFM table for runs of rows with inline cells, blocks for the rest.

    A table of one column is layout, not data: its cells render as the blocks they hold.
    """
    pieces: list[Piece] = []
    for piece in _pieces(el):
        if isinstance(piece, etree._Element) and piece.tag in ("thead", "tbody", "tfoot"):
            pieces.extend(_pieces(piece))
        elif not isinstance(piece, etree._Element) or piece.tag not in ("col", "colgroup"):
            pieces.append(piece)
    rows = [p for p in pieces if isinstance(p, etree._Element) and p.tag == "tr"]
    return _rows(pieces, ctx, layout=all(len(_cells(row)) <= 1 for row in rows))


def _row(el: etree._Element, ctx: Ctx) -> list[str]:
    """A ``<tr>`` outside a ``<table>``: a one-row table, or the blocks it holds."""
    return _rows([el], ctx, layout=len(_cells(el)) <= 1)


BLOCKS: Mapping[str, BlockRenderer] = MappingProxyType(
    {
        "h1": _heading,
        "h2": _heading,
        "h3": _heading,
        "h4": _heading,
        "h5": _heading,
        "h6": _heading,
        "ul": _list,
        "ol": _list,
        "li": _list_item,
        "blockquote": _blockquote,
        "pre": _pre,
        "hr": _rule,
        "table": _table,
        "tr": _row,
    }
)
"""Block renderers by tag; any other block tag (``p``, ``div``, ...) renders its content."""
