"""Markdown output: CommonMark, with GFM tables and strikethrough.

The renderer is an explicit, read-only table of small functions, one per element
kind (the mdformat model, not ``getattr(self, "convert_" + tag)``): block elements
render to Markdown blocks, inline elements to a flat list of tokens that a
paragraph, heading or table cell turns into lines at the end.

Its text is the text output's, block for block: the same tags start blocks
(:data:`~cleanhtml.render.text.BLOCK_TAGS`), whitespace collapses in the same way,
across inline tags too (:func:`~cleanhtml.render.text.collapse_whitespace`), and each
line is stripped of leading and trailing whitespace, full-width indentation included.
Rendering the Markdown with a CommonMark parser gives back the text output (the tests
check this on every corpus post). To keep that true:

* characters are escaped only where Markdown would read them as markup (``*`` next to
  a word, ``[``, ``]``, a backquote, ``#`` or ``1.`` at a line start, ...); Chinese
  punctuation is never escaped;
* emphasis that CommonMark would not recognise (``**标题：**正文``: a closing ``**``
  after punctuation and before a letter) is fixed by moving the punctuation out of it
  (``**标题**：正文``), or, failing that, left out: the text stays, the bold goes;
* ``<`` before a letter, ``/``, ``!`` or ``?`` is written ``&lt;``, so that cleaning the
  Markdown file again as HTML finds no tag and changes nothing. Code that holds such
  text is written as ``<code>``/``<pre>`` HTML with escaped content for the same reason.

Markup nested too deep for the recursive renderer (hundreds of levels) is written as
the text output's blocks, as plain paragraphs.

The package, one step per module, each reading only the ones before it:
:mod:`~cleanhtml.render.markdown.tokens` (inline tokens, the context),
:mod:`~cleanhtml.render.markdown.escape` (text, URLs, code spans),
:mod:`~cleanhtml.render.markdown.inline` (inline elements to tokens: the ``INLINE`` table),
:mod:`~cleanhtml.render.markdown.lines` (tokens to lines, the emphasis fixer) and
:mod:`~cleanhtml.render.markdown.blocks` (block elements and tables: the ``BLOCKS`` table).

A ``<br>`` is a hard break (a backslash at the end of the line); in headings and table
cells, which are one line, it is written ``<br>``. Tables whose cells hold only inline
content become GFM tables (the first row is the header; ``colspan`` and ``rowspan``
leave empty cells); rows whose cells hold blocks, and one-column tables, are rendered
as the blocks they hold.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from cleanhtml.document import Document
from cleanhtml.render.markdown.blocks import _container, block_holders, join_blocks
from cleanhtml.render.markdown.lines import _paragraph
from cleanhtml.render.markdown.tokens import BREAK, TEXT, Ctx, Tok
from cleanhtml.render.text import blocks as text_blocks

if TYPE_CHECKING:
    from cleanhtml.cleaned import Cleaned


def _plain_blocks(root: etree._Element) -> list[str]:
    """The text output's blocks as escaped paragraphs, without recursion."""
    out: list[str] = []
    for block in text_blocks(root):
        toks: list[Tok] = []
        for line in block.split("\n"):
            toks += [Tok(TEXT, line), Tok(BREAK)]
        out += _paragraph(toks[:-1])
    return out


def render_markdown(doc: Document) -> str:
    """The document as Markdown: a post keeps its raw front matter on top.

    The front matter is followed by a blank line and the body; the body uses the
    input's newline style. A page renders its ``<body>``.
    """
    root = doc.root
    if not doc.is_fragment:
        body = root.find("body")
        root = body if body is not None else root
    try:
        blocks = _container(root, Ctx(holders=block_holders(root)))
    except RecursionError:  # markup nested hundreds deep: its text, as plain paragraphs
        blocks = _plain_blocks(root)
    text = join_blocks(blocks) + "\n" if blocks else ""
    if doc.newline != "\n":
        text = text.replace("\n", doc.newline)
    front = doc.front_matter
    if not front:
        return text
    if not front.endswith("\n"):
        front += doc.newline
    return front + doc.newline + text if text else front


def render(cleaned: Cleaned) -> str:
    """The ``markdown`` format of a cleaned document (see :func:`render_markdown`).

    A Markdown post is already Markdown: its cleaned self, as ``-t html`` writes it.
    """
    if cleaned.doc.markdown:
        from cleanhtml.render.html import render as as_html

        return as_html(cleaned)
    return render_markdown(cleaned.doc)
