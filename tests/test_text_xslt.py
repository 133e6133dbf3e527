"""The text renderer's stylesheet gives the blocks of its Python walk (issue 16, pages).

Blocks are made from the gathered text with NBSP replaced once and, when no block
holds a line break, cell or ``<pre>`` mark, stripped inline: the old per-block code is
kept below as the specification.

:func:`cleanhtml.render.text.blocks` gathers a tree's text with an XSLT stylesheet run
by libxslt (the walk cost about 6,000 instructions a node in Python; the stylesheet,
a tenth of that). The walk stays, for large documents (it makes blocks a piece at a
time) and as the specification: both must give the same blocks on random markup,
on every node kind the walk treats apart (skipped, block, row, cell, ``<pre>``,
``<br>``, comments, processing instructions) and on real pages and posts.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from cleanhtml.api import clean_document
from cleanhtml.errors import CleanHtmlError
from cleanhtml.render import text

SCALE = int(os.environ.get("CLEANHTML_HYPOTHESIS_SCALE", "1"))
REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"

TAGS = ["p", "div", "span", "b", "a", "br", "pre", "table", "tr", "td", "th", "tbody",
        "ul", "li", "script", "style", "select", "option", "textarea", "head", "title",
        "h1", "section", "iframe", "object", "code", "noscript", "template", "x-y"]  # fmt: skip
MARKUP = st.lists(
    st.one_of(
        st.sampled_from(TAGS).map(lambda tag: f"<{tag}>"),
        st.sampled_from(TAGS).map(lambda tag: f"</{tag}>"),
        st.sampled_from(
            [
                "t",
                "中文",
                " ",
                "\n",
                "  x  ",
                "\t",
                "\xa0",
                "\u3000",
                "\r",
                "a\nb",
                " \t\n ",
                "<!-- c -->",
                "<?pi x?>",
                "&amp;",
                "&#13;",
                "é",
            ]
        ),
    ),
    max_size=60,
)


def _same(root: etree._Element) -> None:
    walked = list(text._walk_blocks(root))
    assert text.blocks(root) == walked
    assert list(text.iter_blocks(root)) == walked


@settings(max_examples=3000 * SCALE, deadline=None)
@given(MARKUP)
def test_the_stylesheet_gives_the_blocks_of_the_walk(pieces: list[str]) -> None:
    markup = "".join(pieces)
    for wrapped in ("<html><body>" + markup + "</body></html>", markup):
        root = etree.fromstring(wrapped, etree.HTMLParser())
        if root is None:
            continue
        _same(root)
        for el in root.iter():  # any subtree too (the Markdown renderer asks for some)
            if isinstance(el.tag, str):
                _same(el)


def old_finish(parts: list[str]) -> list[str]:
    """text._finish before NBSP went in one pass and mark-free blocks were stripped
    inline: each piece through ``_block``."""
    pieces = text.collapse_whitespace("".join(parts)).split(text.BLOCK)
    return [block for piece in pieces if piece and (block := text._block(piece))]


GATHERED = st.lists(
    st.sampled_from(
        [" ", "\n", "\t", "\xa0", "\u3000", "中", "a", "\xa0b", text.BLOCK, text.BR, text.CELL,
         text.PRE_SPACE, text.PRE_TAB, "\n\n\n"]
    ),
    max_size=40,
)  # fmt: skip


@settings(max_examples=3000 * SCALE, deadline=None)
@given(GATHERED)
def test_blocks_are_made_as_before(pieces: list[str]) -> None:
    assert list(text._finish(["".join(pieces)])) == old_finish(pieces)


def test_examples() -> None:
    html = (
        "<p>a<br>b</p><table><tr><td>x</td><td>y<table><tr><td>i</td><td>j</td></tr>"
        "</table></td><td>z</td></tr></table><pre>a  b\n\tc<b> d\n</b></pre>"
        "<script>s</script>tail<!-- c -->after<select><option>o</option></select>"
    )
    body = etree.fromstring(f"<html><body>{html}</body></html>", etree.HTMLParser())[0]
    _same(body)
    assert text.blocks(body) == ["a\nb", "x\ty", "i\tj", "z", "a  b\n\tc d", "tailafter"]


def test_a_text_holding_a_mark_of_the_stylesheet_is_walked() -> None:
    """C1 controls are the stylesheet's marks: a page whose text holds one (a cell
    mark here, which would start a cell) is walked instead, with the same blocks (the
    compiled walk, where loaded, writes the text's own marks: the blocks are the same)."""
    body = etree.fromstring("<html><body><p>a\x81b</p><p>c</p></body></html>", etree.HTMLParser())[
        0
    ]
    assert text._stylesheet_gathered(body) is None
    assert text.blocks(body) == ["a\x81b", "c"] == list(text._walk_blocks(body))


def test_every_mark_and_none_of_its_neighbours_is_told() -> None:
    """The marks are looked for in the text's UTF-8 bytes (``0xC2`` then ``0x80..0x86``):
    each mark, in a text or a tail, sends the page to the walk; the characters around
    them (``\x7f``, ``\x87``, ``Â`` which is ``0xC3 0x82``, ``肂`` which holds ``0x82``)
    do not."""
    for char in "\x7f\x80\x81\x82\x83\x84\x85\x86\x87\x9f\xa0\xc2\u8082\U0001f600":
        for html in (f"<p>中{char}文</p>", f"<p>x<b>y</b>{char}</p>"):
            body = etree.fromstring(f"<html><body>{html}</body></html>", etree.HTMLParser())[0]
            holds_mark = char in text._X_MARKS
            assert (text._stylesheet_gathered(body) is None) is holds_mark, (char, html)
            assert text.blocks(body) == list(text._walk_blocks(body))


def _real_inputs() -> list[bytes]:
    found = [
        next(p for p in case.iterdir() if p.stem == "input").read_bytes()
        for case in sorted(p for p in (REPO / "fixtures").iterdir() if p.is_dir())
    ]
    found += [p.read_bytes() for p in sorted((SHARED / "corpus" / "sina").glob("*.md"))]
    found += [
        gzip.decompress(p.read_bytes())
        for p in sorted((SHARED / "bench-corpus" / "html").glob("*.html.gz"))[::4]
    ]
    return found


def test_real_inputs_give_the_same_blocks() -> None:
    """Every fixture, every corpus post and every 4th bench page, cleaned: the
    stylesheet's blocks are the walk's, on the cleaned tree and on its body."""
    compared = 0
    for data in _real_inputs():
        try:
            root = clean_document(data).doc.root
        except CleanHtmlError:  # an input refused has no tree to compare
            continue
        _same(root)
        body = root.find("body")
        if body is not None:
            _same(body)
        compared += 1
    assert compared > 100
