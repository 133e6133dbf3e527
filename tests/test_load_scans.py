"""Loading's byte scans told with cheaper C calls (issue 16, posts).

``bytes in bytes`` first tries its needle as an int and formats a TypeError before it
searches (~1,000 instructions a test): the control-byte and CJK lead-byte tests look
for ints instead, and the ``<meta charset>`` search is skipped when no ``<m``/``<M``
is there. Each must answer what the old code (kept here as the specification) answers.
"""

from __future__ import annotations

import os

from hypothesis import given, settings
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


@settings(max_examples=2000 * SCALE, deadline=None)
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


@settings(max_examples=1500 * SCALE, deadline=None)
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
