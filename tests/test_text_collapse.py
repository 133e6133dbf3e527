"""The text renderer's whitespace collapse without whole-text regexes (issue 16, pages).

:func:`cleanhtml.render.text.collapse_whitespace` (no :data:`MARK` in the text) once
ran two regex substitutions over the gathered text, both trying a match at every
character (a third of the renderer's cost on pages). It now finds line breaks with
``memchr`` and collapses spaces with ``str.replace``; the old substitutions, kept below
as the specification, must give the same text for every input.
"""

from __future__ import annotations

import os
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from cleanhtml.render import text

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
