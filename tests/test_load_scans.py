"""Loading's byte scans told with cheaper C calls (issue 16, posts).

``bytes in bytes`` first tries its needle as an int and formats a TypeError before it
searches (~1,000 instructions a test): the control-byte and CJK lead-byte tests look
for ints instead, and the ``<meta charset>`` search is skipped when no ``<m``/``<M``
is there. Each must answer what the old code (kept here as the specification) answers.
"""

from __future__ import annotations

import os
import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from cleanhtml import encoding, pipeline, repairs

SCALE = int(os.environ.get("CLEANHTML_HYPOTHESIS_SCALE", "1"))

PIECES = (
    b"<", b">", b" ", b"\n", b"\r", b"\t", b"\x00", b"\x01", b"\x0b", b"\x0c", b"\x1b",
    b"\x1f", b"\x7f", "中".encode(), "é".encode(), "ｍ".encode(), b"<meta", b"<META ",
    b"<Meta\t", b"<m", b"<M", b"charset=", b"CharSet = '", b"gbk", b"utf-8", b'"', b"x",
)  # fmt: skip

_OLD_C0 = tuple(bytes([byte]) for byte in (*range(0x09), 0x0B, *range(0x0E, 0x20)))
_OLD_CJK = tuple(bytes([b]) for b in range(0xE4, 0xEA))


def _group(match: object) -> object:
    return None if match is None else match.group(0)  # type: ignore[attr-defined]


@settings(max_examples=1000 * SCALE, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_same_answers_as_the_old_scans(pieces: list[bytes]) -> None:
    data = b"".join(pieces)
    assert _group(encoding._meta_charset(data)) == _group(encoding._meta_charset_tag().search(data))
    text = data.decode("utf-8", "replace")
    old = any(byte in data for byte in _OLD_C0) or "\ufffe" in text or "\uffff" in text
    assert repairs._may_hold_controls(data, "utf-8", text) == old
    found = pipeline.Needles(None, source=data)
    assert found.has_cjk() == any(lead in data for lead in _OLD_CJK)  # (no references)
    for needle in ("meta", "<m", "charset", "x"):
        assert (needle in found) == (needle.encode() in data.lower())
    assert ("中" in found) == ("中".encode() in data)


_NEEDLE_PIECES = (
    "中", "国", "分享", "享", "&#x4e2d;", "&#20013;", "&#x4e2d", "&amp;", "&#123;", "&copy;",
    "&#xFDD0;", "&#x4e", "<p>", "</p>", "x", " ", "&", "#", "&#", "载", "&#36733;",
)  # fmt: skip
_NEEDLE_ASKED = ("中", "国", "分", "享", "分享", "载", "中国", "{", "页")


@settings(max_examples=400 * SCALE, deadline=None)
@given(st.lists(st.sampled_from(_NEEDLE_PIECES), max_size=30), st.permutations(_NEEDLE_ASKED))
def test_needles_asked_in_turn_answer_as_each_asked_first(
    pieces: list[str], asked: list[str]
) -> None:
    """After its first needle a Needles answers a CJK needle without its helper calls
    (what is known of the input is read directly): each answer must be the one a
    Needles asked that needle first gives."""
    from cleanhtml import document

    doc = document.load(("<div>" + "".join(pieces) + "</div>").encode())
    found = pipeline.Needles(doc)
    for needle in asked:
        assert (needle in found) == (needle in pipeline.Needles(doc))


_OLD_PAGE_START = re.compile(r"<!doctype|<html[\s>]|<head[\s>]|<body[\s>]", re.I)
_PAGE_PIECES = (
    "<", "!", "<!", "<!doctype", "<!DOCTYPE", "<!DocType", "html", "HTML", "hTmL", "head",
    "HEAD", "body", "Body", ">", " ", "\n", "\u3000", "\x0c", "K", "ſ", "İ", "ı", "x", "中",
    "<htm", "<bod", "<hea", "doctyp",
)  # fmt: skip


def test_every_character_case_folding_to_a_page_start_letter_is_its_ascii_pair() -> None:
    """The spelled-out pattern holds when no other character matches one of the letters
    of doctype/html/head/body under re.I (as the Kelvin sign matches k)."""
    letters = "".join(sorted(set("doctypehtmlheadbody")))
    every_character = "".join(map(chr, range(0x110000)))
    matched = set(re.findall(f"[{letters}]", every_character, re.I))
    assert matched == set(letters + letters.upper())


@settings(max_examples=3000 * SCALE, deadline=None)
@given(st.lists(st.sampled_from(_PAGE_PIECES), max_size=30))
def test_page_start_finds_what_the_case_blind_pattern_found(pieces: list[str]) -> None:
    from cleanhtml import parse

    text = "".join(pieces)
    assert [m.span() for m in parse._PAGE_START.finditer(text)] == [
        m.span() for m in _OLD_PAGE_START.finditer(text)
    ]


_FRONT_PIECES = (
    "title", "a-b_c", "中文", "-", " ", "\t", ":", ": ", "'", "''", '"', "\\", '\\"', "#",
    "x", "y z", "\n", "---", "\r\n", "http://a.b/c", "\u2028", "é", "'x'", '"x"',
)  # fmt: skip


_FRONT_LINE = st.tuples(
    st.sampled_from(("title", "a-b_c", "中文", "- ", "-", " ", "", "#x", "'", '"')),
    st.sampled_from((":", ": ", ":\t", " : ", "", "x")),
    st.lists(st.sampled_from(_FRONT_PIECES), max_size=6)
    | st.lists(st.sampled_from(("'", '"', "\\", "x", " ", "#", ":")), max_size=6),
)


@settings(max_examples=3000 * SCALE, deadline=None)
@given(st.lists(_FRONT_LINE, max_size=6))
@example([("title", ": ", ["'x''"])])
@example([("title", ":", ["'x'"])])
@example([("a", ": ", ['"x\\"'])])
@example([("- ", "", ["a: 'x'"])])
def test_front_matter_quotes_read_as_without_the_one_line_scalar_match(
    lines: list[tuple[str, str, list[str]]],
) -> None:
    """A ``key: 'value'`` line is told closed by one match; the quote left open after
    any lines must be the one the line-by-line reading (that match never taken) finds."""
    from cleanhtml import frontmatter

    text = "\n".join(key + colon + "".join(value) for key, colon, value in lines)
    saved = frontmatter._CLOSED_SCALAR
    for before in (None, "'", '"'):
        new = frontmatter._open_quote_after(text, 0, len(text), before)
        frontmatter._CLOSED_SCALAR = re.compile("(?!)")
        try:
            assert new == frontmatter._open_quote_after(text, 0, len(text), before)
        finally:
            frontmatter._CLOSED_SCALAR = saved
    whole = "---\n" + text + "\n---\n<p>x</p>\n"
    assert frontmatter.split_front_matter(whole)[0].startswith("---\n")
