"""Loading a large input: its text is let go while libxml2 builds the tree (issue 16).

A UTF-8 body of :data:`cleanhtml.document.LET_GO_CHARS` characters or more is parsed
from its bytes alone: :func:`cleanhtml.parse.parse` decodes it for the checks before
the parse and forgets the text before libxml2 builds the tree (decoding it again only
for a rare repair after the parse). With the threshold at 0 every input takes that
way; its outputs must be the stored ones (tests/test_digests.py).
"""

from __future__ import annotations

import pytest
from test_digests import GROUPS, _stored, digests_of

from cleanhtml import document
from cleanhtml.parse import parse


@pytest.mark.parametrize("group", list(GROUPS))
def test_every_input_parsed_from_its_bytes_alone_gives_the_same_outputs(
    group: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs, folder = GROUPS[group]
    if not folder.exists():
        pytest.skip(f"{folder} not found")
    monkeypatch.setattr(document, "LET_GO_CHARS", 0)
    expected = _stored()[group]
    for index, (name, case, read) in enumerate(inputs()):
        if group == "bench" and index % 3:
            continue  # every third real page (they are large: a few seconds each round)
        assert digests_of(read(), case) == expected[name], name


@pytest.mark.parametrize(
    "markup",
    [
        "<html><body><p>a</p><style>p { }\n<p>b</p>\n<div>c</div>",  # swallowed: parsed again
        "<html><body>" + "<div>" * 3000 + "x" + "</div>" * 3000,  # too deep: flattened
        "<p>a</p><textarea>\n<p>b</p>",
        "   \n",
        "<!doctype html><html><body><p>é</p></body></html>\n\n",
    ],
)
def test_parse_from_bytes_alone_matches_parse_from_text(markup: str) -> None:
    from lxml import etree

    notes: list[str] = []
    root, fragment, doctype = parse(markup, repairs=notes)
    raw_notes: list[str] = []
    raw_root, raw_fragment, raw_doctype = parse(None, repairs=raw_notes, raw=markup.encode())
    assert (fragment, doctype, notes) == (raw_fragment, raw_doctype, raw_notes)
    assert etree.tostring(root) == etree.tostring(raw_root)
    if "<style>" in markup or "<div>" * 3000 in markup:  # the paths that read the text again
        assert any(note.startswith(("closed an unterminated", "flattened")) for note in notes)


def test_a_large_page_keeps_what_follows_its_markup(monkeypatch: pytest.MonkeyPatch) -> None:
    page = b"<html><body><p>x</p></body></html>\n\n<!-- after -->\n"
    normal = document.load(page)
    monkeypatch.setattr(document, "LET_GO_CHARS", 0)
    large = document.load(page)
    assert large.trailing == normal.trailing and large.body is None
    assert document.dump(large, edited=True) == document.dump(normal, edited=True)


def test_the_tree_formats_never_read_the_input() -> None:
    """The stdout path drops the input before rendering them (runner.TREE_FORMATS)."""
    from test_digests import _fixtures

    from cleanhtml.api import clean_document, render
    from cleanhtml.runner import TREE_FORMATS

    for name, _, read in _fixtures():
        data = read()
        for to in sorted(TREE_FORMATS):
            expected = render(clean_document(data), to)
            cleaned = clean_document(data)
            cleaned.ctx.needles, cleaned.doc.source = None, b""
            assert render(cleaned, to) == expected, (name, to)
