"""The text renderer's whitespace collapse without whole-text regexes (issue 16, pages).

:func:`cleanhtml.render.text.collapse_whitespace` (no :data:`MARK` in the text) once
ran two regex substitutions over the gathered text, both trying a match at every
character (a third of the renderer's cost on pages). It now finds line breaks with
``memchr`` and collapses spaces with ``str.replace``; the old substitutions, kept below
as the specification, must give the same text for every input.

The element walk is ``root.iter()`` with a stack of open elements instead of
``etree.iterwalk``'s events; the old walk, kept below, must give the same blocks on
random markup.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from cleanhtml.render import text
from cleanhtml.render import text as renderer  # (old_iter_blocks has a local `text`)

SCALE = int(os.environ.get("CLEANHTML_HYPOTHESIS_SCALE", "1"))

_OLD_LINE_BREAK_RUN = re.compile(r"(?<=[^\x00-\x7f])[ \t\r\f]*\n[ \t\n\r\f]*(?=[^\x00-\x7f])")
_OLD_PLAIN_RUN = re.compile(r"[\t\n\r\f][ \t\n\r\f]*| [ \t\n\r\f]+")


def _old_collapse_break(match: re.Match[str]) -> str:
    source, start, end = match.string, match.start(), match.end()
    return "" if text._wide(source[start - 1]) and text._wide(source[end]) else " "


def old_collapse(raw: str) -> str:
    """collapse_whitespace's fast path before the change (no MARK in ``raw``)."""
    if "\n" in raw:
        raw = _OLD_LINE_BREAK_RUN.sub(_old_collapse_break, raw)
    return _OLD_PLAIN_RUN.sub(" ", raw)


# every whitespace kind, wide and narrow characters, Hangul, the renderer's marks
PIECES = st.sampled_from(
    [" ", "  ", "\n", "\t", "\r", "\f", "\v", "\xa0", "\u3000", "\u2028", "中", "文", "。",
     "ｱ", "한", "a", "é", ",", "😀", "\x00", "\x01", "\x02", "\x04", "\n\n", " \n ", "-"]
)  # fmt: skip


@settings(max_examples=5000 * SCALE, deadline=None)
@given(st.lists(PIECES, max_size=60))
def test_same_text_as_the_regexes(pieces: list[str]) -> None:
    raw = "".join(pieces)
    assert text.collapse_whitespace(raw) == old_collapse(raw)


@settings(max_examples=300 * SCALE, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x3100, exclude_categories=["Cs"])))
def test_same_text_on_any_text(raw: str) -> None:
    assert text.collapse_whitespace(raw) == old_collapse(raw)


def test_examples() -> None:
    assert text.collapse_whitespace("中\n  文") == "中文"
    assert text.collapse_whitespace("中 \n文") == "中文"
    assert text.collapse_whitespace("a\n文") == "a 文"
    assert text.collapse_whitespace("中\n한") == "中 한"
    assert text.collapse_whitespace(" a \t\t b  \n") == " a b "
    assert text.collapse_whitespace("\n中") == " 中"
    assert text.collapse_whitespace("x" + " " * 1000 + "y") == "x y"


# --- the element walk -------------------------------------------------------------------


def old_iter_blocks(root: etree._Element) -> Iterator[str]:
    """iter_blocks before the change (etree.iterwalk events), as it was written."""
    parts: list[str] = []
    append = parts.append
    held = 0  # characters gathered since the last blocks were made
    skip_depth = 0
    pre_depth = 0
    cells_in_row: list[int] = [0]

    def edge() -> None:
        """Mark a block edge; whitespace-only texts next to one are dropped (lines are
        stripped anyway), so the whitespace between blocks costs nothing later."""
        while parts and parts[-1].isspace():
            parts.pop()
        if not parts or parts[-1] is not renderer.BLOCK:
            append(renderer.BLOCK)

    # iterwalk reports comments and processing instructions only when asked for them;
    # without these events the text that follows one (its tail) would be lost.
    for event, el in etree.iterwalk(root, events=("start", "end", "comment", "pi")):
        tag = el.tag
        if not isinstance(tag, str):  # a comment or processing instruction: only its tail shows
            text = None if skip_depth else el.tail
        elif event == "start":
            if skip_depth or tag in renderer.SKIP_TAGS:
                skip_depth += 1
                continue
            if tag in renderer.BLOCK_TAGS:
                edge()
                if held >= renderer.PIECE_CHARS:  # (the edge stays: what follows sees it)
                    edge_mark = parts.pop()
                    yield from renderer._finish(parts)
                    append(edge_mark)
                    held = 0
                if tag == "tr":
                    cells_in_row.append(0)
                elif tag == "pre":
                    pre_depth += 1
            elif tag in renderer.CELL_TAGS:
                if cells_in_row[-1]:
                    append(renderer.CELL)
                cells_in_row[-1] += 1
            elif tag == "br":
                append(renderer.BR)
            text = el.text
        else:
            if skip_depth:
                skip_depth -= 1
                if skip_depth:
                    continue
            elif tag in renderer.BLOCK_TAGS:
                edge()
                if held >= renderer.PIECE_CHARS:
                    edge_mark = parts.pop()
                    yield from renderer._finish(parts)
                    append(edge_mark)
                    held = 0
                if tag == "tr" and len(cells_in_row) > 1:
                    cells_in_row.pop()
                elif tag == "pre":
                    pre_depth -= 1
            text = el.tail if el is not root else None
        if text:
            held += len(text)
            if pre_depth:
                append(renderer._verbatim(text))
            elif not (text.isspace() and parts and parts[-1] is renderer.BLOCK):
                append(text)
    yield from renderer._finish(parts)


TAGS = ["p", "div", "span", "b", "br", "td", "th", "tr", "table", "pre", "li", "ul", "script",
        "style", "a", "h1", "select", "option", "textarea", "section"]  # fmt: skip
MARKUP = st.lists(
    st.one_of(
        st.sampled_from(TAGS).map(lambda tag: f"<{tag}>"),
        st.sampled_from(TAGS).map(lambda tag: f"</{tag}>"),
        st.sampled_from(["t", "中文", " ", "\n", "  x  ", "\t", "\xa0", "<!-- c -->", "<?pi x?>"]),
    ),
    max_size=50,
)


@settings(max_examples=1500 * SCALE, deadline=None)
@given(MARKUP, st.sampled_from([1, 8, 1 << 20]))
def test_the_walk_gives_the_blocks_iterwalk_gave(pieces: list[str], piece_chars: int) -> None:
    """``root.iter()`` with a stack of open elements gives what iterwalk's events gave,
    blocks made a few characters at a time too (:data:`PIECE_CHARS`)."""
    from lxml import etree

    root = etree.fromstring("<html><body>" + "".join(pieces) + "</body></html>", etree.HTMLParser())
    if root is None:
        return
    saved = text.PIECE_CHARS
    text.PIECE_CHARS = piece_chars
    try:
        for top in (root, root.find("body")):
            if top is not None:
                assert list(text.iter_blocks(top)) == list(old_iter_blocks(top))
    finally:
        text.PIECE_CHARS = saved
