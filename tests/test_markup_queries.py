"""Markup rules' queries read with fewer libxml2 walks (issue 16, posts).

``remove-cms-attributes`` and ``remove-tracking-attributes`` count only the attribute
names the census saw (an XPath walk of the tree each), and ``remove-style-elements``
finds ``<style>`` and stylesheet ``<link>`` with a tag-filtered ``iter`` instead of two
XPath walks. Each must find what the old query (kept here as the specification) found.
"""

from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from cleanhtml import census as census_
from cleanhtml.rule import Context
from cleanhtml.rules import markup

SCALE = int(os.environ.get("CLEANHTML_HYPOTHESIS_SCALE", "1"))

_NAMES = (*markup.CMS_ATTRIBUTES, *markup.TRACKING_ATTRIBUTES, "class", "rel", "style")
_RELS = ("stylesheet", "StyleSheet", "STYLESHEET", "alternate stylesheet", "icon", "", "sheet")
_TAGS = ("p", "div", "span", "link", "style", "a", "font")
_OLD_STYLE_ELEMENTS = etree.XPath(
    "descendant-or-self::style | descendant-or-self::link"
    "[contains(translate(@rel, 'STYLESHEET', 'stylesheet'), 'stylesheet')]"
)

_element = st.tuples(
    st.sampled_from(_TAGS),
    st.lists(st.tuples(st.sampled_from(_NAMES), st.sampled_from(_RELS)), max_size=4),
    st.integers(0, 3),  # how many elements to close after it
)


def _markup(elements: list[tuple[str, list[tuple[str, str]], int]]) -> str:
    out, open_ = [], []
    for tag, attributes, closes in elements:
        names = dict(attributes)
        out.append(f"<{tag}" + "".join(f' {k}="{v}"' for k, v in names.items()) + ">x")
        open_.append(tag)
        for _ in range(min(closes, len(open_))):
            out.append(f"</{open_.pop()}>y")
    return "".join(out)


@settings(max_examples=1500 * SCALE, deadline=None)
@given(st.lists(_element, max_size=25), st.booleans())
def test_same_answers_as_the_old_queries(elements: list, with_census: bool) -> None:
    root = etree.fromstring(f"<html><body>{_markup(elements)}</body></html>", etree.HTMLParser())
    ctx = Context()
    ctx.census = census_.take(root) if with_census else None
    for start in (root, *root.iter("div", "p")):
        for names in (markup.CMS_ATTRIBUTES, markup.TRACKING_ATTRIBUTES):
            old = markup._sum_of_counts(names)(start)
            assert markup._count_attributes(start, names, ctx) == old
        assert markup._style_elements(start, ctx) == _OLD_STYLE_ELEMENTS(start)
