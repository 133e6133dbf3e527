"""The text gates of remove-copyright-notices and the promo rules on a long input (issue 16).

Over :data:`cleanhtml.rules.news.LONG_INPUT` bytes they read the tree's text a chunk
at a time (:func:`~cleanhtml.rules.news._text_chunks`), never the whole text as one
string beside a whitespace-free copy of it (peak memory). They must answer what the
whole-text gates answer (kept below as written before the change) on every text: a
gate may skip a rule only when no block could match.
"""

from __future__ import annotations

import gzip
import itertools
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree, html
from test_digests import GROUPS, _stored, digests_of

from cleanhtml.api import clean
from cleanhtml.rule import Context
from cleanhtml.rules import news

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
SCALE = int(os.environ.get("CLEANHTML_HYPOTHESIS_SCALE", "1"))


def _old_copyright_gate(text: str) -> bool:
    """The gate of remove-copyright-notices before the change (commit 01acaa0)."""
    if not news._holds_copyright_phrase(text):
        text = "".join(text.split())
        if not news._holds_copyright_phrase(text):
            return False
    return True


def _old_promo_words(text: str) -> tuple[str, ...]:
    """The words of the promo gate before the change."""
    words = tuple(word for word in news.PROMO_WORDS if word in text)
    if words and not any(p in "".join(text.split()) for p in news.PROMO_PHRASES):
        words = ()
    return words


def _new_copyright_gate(chunks: list[str]) -> bool:
    return news._holds_across(news._compact_chunks(chunks), news.COPYRIGHT_PHRASES)


SPACES = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
PHRASES = (*news.COPYRIGHT_PHRASES, *news.PROMO_PHRASES, *news.PROMO_WORDS)
# every whitespace character, the phrases' characters, other CJK and ASCII
ALPHABET = SPACES + "".join(sorted(set("".join(PHRASES)))) + "文章中国。a<&😀"
XML_SPACES = "".join(c for c in SPACES if c not in "\x0b\x0c\x1c\x1d\x1e\x1f")
"""What lxml lets a tree's text hold."""


def _spread(phrase: str, gaps: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """``phrase`` with a gap drawn from ``gaps`` after each of its characters."""
    return st.lists(gaps, min_size=len(phrase), max_size=len(phrase)).map(
        lambda drawn: "".join(c + g for c, g in zip(phrase, drawn, strict=True))
    )


def _pieces(spaces: str) -> st.SearchStrategy[str]:
    alphabet = "".join(c for c in ALPHABET if c not in SPACES or c in spaces)
    return st.one_of(
        st.text(alphabet=alphabet, max_size=12),
        st.tuples(st.sampled_from(PHRASES), st.integers(1, 8), st.booleans()).map(
            lambda half: half[0][: half[1]] if half[2] else half[0][half[1] :]
        ),  # half a phrase (in a tree, the other half may follow in the next text)
        st.sampled_from(PHRASES).flatmap(  # a phrase, maybe with whitespace put in it
            lambda phrase: _spread(phrase, st.text(alphabet=spaces, max_size=2))
        ),
    )


pieces = _pieces(XML_SPACES)


@st.composite
def trees(draw: st.DrawFn) -> etree._Element:
    """A tree whose text (and comments, which are not text) is random pieces."""
    root = etree.Element("div")
    root.text = draw(pieces)
    parent = root
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(["p", "b", "comment", "up"]))
        if kind == "up":
            parent = root
            continue
        if kind == "comment":
            el = etree.Comment(draw(pieces).replace("-", ""))
            parent.append(el)
        else:
            el = etree.SubElement(parent, kind)
            el.text = draw(pieces)
        el.tail = draw(pieces)
        if kind == "p":
            parent = el
    if draw(st.booleans()):
        etree.SubElement(etree.Element("body"), "x").append(root)  # a root with a tail
        root.tail = draw(pieces)
    return root


@settings(max_examples=1000 * SCALE, deadline=None)
@given(st.lists(_pieces(SPACES), max_size=12), st.lists(st.integers(0, 200), max_size=8))
def test_chunked_gates_answer_as_the_whole_text_gates(parts: list[str], cuts: list[int]) -> None:
    """Every whitespace character (those lxml refuses in a tree too), CJK, an astral
    character; a text cut anywhere, phrases and their whitespace across the cuts."""
    text = "".join(parts)
    bounds = [0, *sorted(min(cut, len(text)) for cut in cuts), len(text)]
    chunks = [text[start:end] for start, end in itertools.pairwise(bounds)]
    assert _new_copyright_gate(chunks) == _old_copyright_gate(text)
    assert news._promo_words_across(chunks) == _old_promo_words(text)


def test_spaces_are_what_split_splits_on() -> None:
    assert "".join(sorted(news.SPACES)) == SPACES
    for phrase in news.COPYRIGHT_PHRASES:  # (why the long gate reads them compact only)
        assert phrase.split() == [phrase]
    assert set(XML_SPACES) < set(SPACES)


@settings(max_examples=600 * SCALE, deadline=None)
@given(trees(), st.integers(1, 9))
def test_chunked_gates_of_a_tree_answer_as_the_whole_text_gates(
    root: etree._Element, chars: int
) -> None:
    saved = news.TEXT_CHUNK
    news.TEXT_CHUNK = chars  # (hypothesis and function-scoped fixtures do not mix)
    try:
        text = etree.tostring(root, method="text", encoding="unicode")
        chunks = list(news._text_chunks(root))
        assert "".join(chunks) == text
        assert _new_copyright_gate(chunks) == _old_copyright_gate(text)
        assert news._promo_words_across(chunks) == _old_promo_words(text)
    finally:
        news.TEXT_CHUNK = saved


def _real_pages() -> list[bytes]:
    pages = [p.read_bytes() for p in sorted((SHARED / "corpus" / "sina").glob("*.md"))]
    bench = sorted((SHARED / "bench-corpus" / "html").glob("*.html.gz"))
    return pages + [gzip.decompress(p.read_bytes()) for p in bench]


def test_chunked_text_is_the_serialized_text_on_real_pages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """libxml2's text serialization and lxml's ``itertext`` read the same text nodes."""
    pages = _real_pages()
    if not pages:
        pytest.skip("no corpus")
    monkeypatch.setattr(news, "TEXT_CHUNK", 4096)
    for data in pages:
        root = html.document_fromstring(data)
        text = etree.tostring(root, method="text", encoding="unicode")
        chunks = list(news._text_chunks(root))
        assert "".join(chunks) == text
        assert _new_copyright_gate(chunks) == _old_copyright_gate(text)
        assert news._promo_words_across(chunks) == _old_promo_words(text)


@pytest.mark.parametrize("group", ["fixtures", "corpus"])
def test_every_input_read_as_long_gives_the_same_outputs(
    group: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs, folder = GROUPS[group]
    if not folder.exists():
        pytest.skip(f"{folder} not found")
    monkeypatch.setattr(news, "LONG_INPUT", -1)  # every input takes the chunked gates
    monkeypatch.setattr(news, "TEXT_CHUNK", 64)
    expected = _stored()[group]
    for name, case, read in inputs():
        assert digests_of(read(), case) == expected[name], name


def test_a_long_input_takes_the_chunked_gates(monkeypatch: pytest.MonkeyPatch) -> None:
    """Over LONG_INPUT bytes, the notice split by a space (inside the phrase) and the
    promo heading split by tags still go, as in a short input."""
    calls: list[str] = []
    chunks = news._text_chunks

    def counted(root: etree._Element) -> object:
        calls.append("chunks")
        return chunks(root)

    monkeypatch.setattr(news, "_text_chunks", counted)
    article = "<p>正文内容，这是文章。</p>" * 3
    notice = "<p>【本文为原创，未经授权， 不得转载】</p>"
    promo = "<p><b>相关</b>阅读：</p><p><a href='/a'>其他文章</a></p>"
    body = article + notice + promo + article
    short = clean(f"<html><body>{body}</body></html>")
    filler = "<p>长文内容，重复的段落。</p>" * (news.LONG_INPUT // 30)
    long = clean(f"<html><body>{filler}{body}</body></html>")
    assert calls
    assert "不得转载" not in short and "不得转载" not in long
    assert long.replace(filler, "") == short


def test_a_bare_call_reads_as_short() -> None:
    assert not news._long_input(Context())
