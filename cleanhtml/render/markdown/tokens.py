"""Markdown rendering: the inline tokens and the rendering context."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from lxml import etree

# --- tokens --------------------------------------------------------------------------

TEXT, OPEN, CLOSE, ATOM, BREAK = "text", "open", "close", "atom", "break"
CODE_SPAN = "code"
EMPHASIS = frozenset({"**", "*", "~~"})
LINK, CODE = "[", "`"


class Tok(NamedTuple):
    """One piece of inline content.

    ``kind`` is ``text`` (raw, unescaped text), ``open``/``close`` (an emphasis
    delimiter, ``[``/``]`` of a link, or a backquote of a code span; ``dest`` holds a
    link's ``(url "title")``), ``atom`` (finished Markdown: an image, ``<br>``),
    ``code`` (the raw text of a code span, written with its backquotes at the very end,
    so that spans left side by side can still be joined) or ``break`` (a ``<br>``).
    """

    kind: str
    text: str = ""
    dest: str = ""


@dataclass(frozen=True)
class Ctx:
    """What a renderer needs to know beyond its element: its ancestors, and the tree."""

    emphasis: frozenset[str] = frozenset()
    in_link: bool = False
    in_code: bool = False
    holders: frozenset[etree._Element] = frozenset()
    """The elements that hold a block element (see :func:`block_holders`)."""
    other_marker: bool = False
    """Write a list with ``*``/``1)``: it follows a list written with ``-``/``1.``, and
    CommonMark would join two lists with the same marker into one."""


Piece = str | etree._Element
InlineRenderer = Callable[[etree._Element, Ctx], list[Tok]]
BlockRenderer = Callable[[etree._Element, Ctx], list[str]]
