"""A load repair's whole-text scan told without a regex search (issue 16, pages).

:func:`~cleanhtml.repairs._holds_control_reference` replaces a regex search over the
whole text (7% of parsing a page holding ``&#``) by ``memchr`` searches for ``&``. It
must answer what the regex search answers (kept below as the specification) on every
text. The load fix split-nested-links looks for a link inside a link only when a link
holds one (:func:`~cleanhtml.treefixes._holds_nested_link`), which must say what
asking every link for a link above it says.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanhtml import repairs

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SCALE = int(os.environ.get("CLEANHTML_HYPOTHESIS_SCALE", "1"))

# what the scans look for, spelled many ways, among text that is not it
PIECES = (
    "<", ">", " ", "\n", "\t", "\u3000", "\xa0", "\u2028", "中", "é", "😀", "x", "b",
    "&#", "&#1;", "&#x4;", "&#X1F", "&#12;", "&#65535", "&#65534;", "&#0009", "&#x7f;",
    "&#x", "&", "#", "9", "f", ";", "<!--", "-->",
)  # fmt: skip


def _check(text: str) -> None:
    assert repairs._holds_control_reference(text) == bool(repairs._CONTROL_REFERENCE.search(text))


@settings(max_examples=3000 * SCALE, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40), st.integers(0, 3000))
def test_same_answers_as_the_regex_search(pieces: list[str], padding: int) -> None:
    """Short texts, and the same after a long plain stretch (the ``&#`` loop runs only
    while the text holds few of them)."""
    text = "".join(pieces)
    _check(text)
    _check("a" * padding + text)
    _check("&#38;" * (padding // 8) + text)  # many references: the regex finishes
    _check(text + "b" * (repairs._SEARCHED_WHOLE + padding))  # a long rest: the "&" loop


def test_a_control_reference_is_removed() -> None:
    notes: list[str] = []
    text = "a&amp;b" * 300 + "&#x4;c&#65;"
    assert repairs._remove_control_references(text, notes) == "a&amp;b" * 300 + "c&#65;"
    assert notes == ["removed 1 character reference to controls"]
    assert repairs._remove_control_references("a&amp;&#65;", notes) == "a&amp;&#65;"


def _real_texts() -> list[tuple[str, bytes]]:
    found = []
    for path in sorted((SHARED / "bench-corpus" / "html").glob("*.html.gz")):
        found.append((path.name, gzip.decompress(path.read_bytes())))
    for path in sorted((SHARED / "corpus" / "sina").glob("*.md")):
        found.append((path.name, path.read_bytes()))
    for path in sorted(FIXTURES.rglob("*.html")):
        found.append((str(path.relative_to(FIXTURES)), path.read_bytes()))
    return found


@pytest.mark.skipif(not (SHARED / "bench-corpus").exists(), reason="needs ../shared")
def test_same_answers_on_real_inputs() -> None:
    for name, data in _real_texts():
        text = data.decode("utf-8", "replace")
        assert repairs._holds_control_reference(text) == bool(
            repairs._CONTROL_REFERENCE.search(text)
        ), name


@settings(max_examples=1500 * SCALE, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<a href=x>",
                "</a>",
                "<span>",
                "</span>",
                "<b>",
                "</b>",
                "<p>",
                "</p>",
                "t",
                "<!-- c -->",
                "<br>",
            ]
        ),
        max_size=30,
    )
)
def test_a_nested_link_is_found_as_the_ancestor_walk_finds_it(pieces: list[str]) -> None:
    """split-nested-links looks for links inside links only when a link holds one."""
    from lxml import etree

    from cleanhtml import treefixes

    root = etree.fromstring("<html><body>" + "".join(pieces) + "</body></html>", etree.HTMLParser())
    if root is None:
        return
    nested = any(next(a.iterancestors("a"), None) is not None for a in root.iter("a"))
    assert treefixes._holds_nested_link(root) == nested


def test_nested_links_are_split() -> None:
    from lxml import etree

    from cleanhtml import treefixes

    root = etree.fromstring(
        '<html><body><a href="1"><font>x<a href="2">y</a></font></a><a href="3"><b>z</b></a>'
        "</body></html>",
        etree.HTMLParser(),
    )
    assert treefixes._holds_nested_link(root)
    assert treefixes.split_nested_links(root) == 1
    assert not treefixes._holds_nested_link(root)
    assert treefixes.split_nested_links(root) == 0


@pytest.mark.parametrize(
    "markup",
    [
        '<li><a><li><svg><style>x</style></svg><div>t<a href="/t">LPR</a></div></li></a></li>',
        "<p><a href=1><p>x<a href=2>y</a></p></a></p>",
        "<table><tr><td><a href=1><tr><td>x<a href=2>y</a></td></tr></a></td></tr></table>",
        "<select><option><a href=1><option>x<a href=2>y</a></option></a></option></select>",
    ],
)
def test_split_links_leave_output_that_parses_back(markup: str) -> None:
    """A split can put a block straight into a block HTML cannot nest (``<li>`` in
    ``<li>``): the output is settled, so it is the tree its own parse builds, and a
    second run, which serializes its tree again, changes nothing."""
    from cleanhtml import api, document
    from cleanhtml.render import render

    out = render(api.clean_document(markup), "html")
    parsed = api.clean_document(out, rules=())  # no rule: the output's own parse
    assert document.serialize_body(parsed.doc) == out
    assert api.clean(out) == out
