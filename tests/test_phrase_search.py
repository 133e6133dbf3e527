"""Text gates that look for phrases with a check of two characters first (issue 16).

:func:`~cleanhtml.treeops.has_phrase` stands for ``phrase in text`` in the promo,
copyright and tag-line gates: CPython looks for a string of several characters in
CJK text far slower than for one (a ``memchr``). It must answer ``in``'s answer.
"""

from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st

from cleanhtml.rules import news
from cleanhtml.treeops import has_any_phrase, has_phrase

SCALE = int(os.environ.get("CLEANHTML_HYPOTHESIS_SCALE", "1"))

_PHRASES = (*news.PROMO_WORDS, *news.PROMO_PHRASES, *news.COPYRIGHT_KEYS, *news._TAG_MARKS)
_PIECES = (*_PHRASES, *{c for phrase in _PHRASES for c in phrase}, "", " ", "\u3000", "a", "😀")


@settings(max_examples=3000 * SCALE, deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES), max_size=30),
    st.lists(st.sampled_from((*_PHRASES, "", "x", "相", "😀相")), max_size=6),
)
def test_same_answers_as_in(pieces: list[str], phrases: list[str]) -> None:
    text = "".join(pieces)
    for phrase in phrases:
        assert has_phrase(text, phrase) == (phrase in text)
    assert has_any_phrase(text, phrases) == any(phrase in text for phrase in phrases)
    assert has_any_phrase(text, iter(phrases)) == any(phrase in text for phrase in phrases)
    # a tuple is read grouped by first and second character
    assert has_any_phrase(text, tuple(phrases)) == any(phrase in text for phrase in phrases)


@settings(max_examples=300 * SCALE, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40))
def test_the_gates_phrase_tuples_answer_as_in(pieces: list[str]) -> None:
    text = "".join(pieces)
    gates = (news.PROMO_PHRASES, news.COPYRIGHT_KEYS, news.COPYRIGHT_PHRASES, news._TAG_MARKS)
    for phrases in gates:
        assert has_any_phrase(text, phrases) == any(phrase in text for phrase in phrases)
        for phrase in phrases:  # each alone, in a text holding only it
            assert has_any_phrase(text + phrase, phrases)
