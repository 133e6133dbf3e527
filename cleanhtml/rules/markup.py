"""Markup rules: comments, CSS, presentational tags and CMS attributes.

None of these removes visible text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import cast

from lxml import etree

from cleanhtml.census import COMMENT, iter_tags
from cleanhtml.rule import Context, rule
from cleanhtml.treeops import (
    DOCUMENT_TAGS,
    WHITESPACE,
    Counter,
    count,
    drop_all,
    is_blank,
    join_text,
    text_of,
    unwrap_all,
    unwrapping_reshapes,
)


def _comments(root: etree._Element) -> list[etree._Element]:
    """Every comment of ``root``'s document, in document order (what ``//comment()``
    selects; libxml2 builds that node-set in time quadratic in the comments)."""
    top = root.getroottree().getroot()
    before = [n for n in top.itersiblings(preceding=True) if isinstance(n, etree._Comment)]
    after = [n for n in top.itersiblings() if isinstance(n, etree._Comment)]
    return [*reversed(before), *top.iter(etree.Comment), *after]


_MARKER_PLACEHOLDER = "cleanhtml-marker"


@functools.cache
def opt_out_marker() -> re.Pattern[str]:
    """``<!-- cleanhtml: off -->`` ... ``<!-- cleanhtml: on -->`` leave what is between as it is."""
    return re.compile(r"^\s*cleanhtml:\s*(off|on)\s*$")


_STYLE_TAGS = ("style", "link")
_REL_LOWER = str.maketrans("STYLEH", "styleh")  # translate(@rel, 'STYLESHEET', 'stylesheet')


def _style_elements(root: etree._Element, ctx: Context) -> list[etree._Element]:
    """``descendant-or-self::style | descendant-or-self::link[contains(translate(@rel,
    'STYLESHEET', 'stylesheet'), 'stylesheet')]``, read in Python: the tag filter runs
    in C, and the two XPath walks cost more than reading a post's few links."""
    return [
        el
        for el in iter_tags(root, ctx.census, _STYLE_TAGS)
        if el.tag == "style" or "stylesheet" in (el.get("rel") or "").translate(_REL_LOWER)
    ]


_STYLE_ATTRIBUTES = count("descendant-or-self::*/@style")


def _bold_cms(root: etree._Element) -> list[etree._Element]:
    """``descendant-or-self::*/@cms-style[contains(., 'strong-Bold')]/parent::*[self::font
    or self::span]``, read in Python: the tag filter runs in C, and an XPath call costs
    more than reading the few fonts and spans of a post."""
    return [el for el in root.iter("font", "span") if "strong-Bold" in (el.get("cms-style") or "")]


def _in_bold(el: etree._Element) -> bool:
    """``ancestor::strong | ancestor::b`` (a loop: an XPath call for each element costs
    about 9,000 instructions)."""
    for above in el.iterancestors():  # noqa: SIM110
        if above.tag in _BOLD:
            return True
    return False


_BOLD = ("strong", "b")


def _bold_cms_blocks(root: etree._Element) -> list[etree._Element]:
    """``descendant-or-self::*/@cms-style[contains(., 'strong-Bold')]/parent::*[self::p
    or self::div or self::li][not(.//strong or .//b or ancestor::strong or ancestor::b)]``,
    read in Python (see :func:`_bold_cms`)."""
    return [
        el
        for el in root.iter("p", "div", "li")
        if "strong-Bold" in (el.get("cms-style") or "")
        and next(el.iter(*_BOLD), None) is None
        and not _in_bold(el)
    ]


def _sum_of_counts(names: tuple[str, ...]) -> Counter:
    """The number of attributes named one of ``names`` under an element (in one XPath).

    A sum of counts, not the count of a union: attributes of different names are
    different nodes, and libxml2 merges the node-sets of a union in time of the
    product of their sizes."""
    compiled = etree.XPath(" + ".join(f"count(descendant-or-self::*/@{a})" for a in names))
    return lambda root: int(cast(float, compiled(root)))


@functools.lru_cache(maxsize=64)
def _counter(names: tuple[str, ...]) -> Counter:
    return _sum_of_counts(names)


def _count_attributes(root: etree._Element, names: tuple[str, ...], ctx: Context) -> int:
    """How many attributes named one of ``names`` are under ``root``: counted only for
    the names the census saw (an absent one counts 0; each name costs a walk of the
    tree in libxml2, and a post holds one or two of the names a rule strips)."""
    census = ctx.census
    if census is not None:
        seen = census.attributes
        names = tuple([name for name in names if name in seen])
        if not names:
            return 0
    return _counter(names)(root)


ATTRIBUTES_HIDDEN_IN = ("text", "markdown")
"""The formats in which removing ``style``, the CMS attributes and the tracking
attributes never shows (:attr:`~cleanhtml.rule.Rule.hidden_in`): the text renderer
reads no attribute, the Markdown one only ``href``, ``src``, ``alt``, ``title``,
``class``, ``start``, ``colspan`` and ``rowspan``; no rule after these three reads
what they remove (the rules that read ``style`` or ``cms-style`` run before them)."""
CMS_ATTRIBUTES = ("cms-style", "cms-width", "cms-height", "black-list")
TRACKING_ATTRIBUTES = (
    "data-sudaclick",
    "data-spm",
    "data-spm-anchor-id",
    "data-log",
    "suda-uatrack",
)


KEEP_COMMENTS = (
    "more", "excerpt", "toc", "tocstop", "omit in toc",
    "prettier-ignore", "prettier-ignore-start", "prettier-ignore-end", "markdownlint-*",
)  # fmt: skip
"""Generator markers ``remove-comments`` keeps in a post (front matter, or a Markdown
body): a comment whose text, whitespace collapsed and case ignored, is one of these (or
starts with one ending in ``*``). Hexo, Hugo and Jekyll cut the excerpt at
``<!-- more -->``; table-of-contents tools, prettier and markdownlint read the others.
The ``keep-comments`` setting adds to the list."""


@functools.lru_cache(maxsize=16)
def _wanted(patterns: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    """``patterns`` normalized once: (whole texts, prefixes of the ``*`` patterns)."""
    normal = [(" ".join(p.rstrip("*").split()).lower(), p.endswith("*")) for p in patterns]
    return frozenset(text for text, _ in normal), tuple(text for text, star in normal if star)


def _kept(comment: etree._Element, patterns: tuple[str, ...]) -> bool:
    if opt_out_marker().match(comment.text or ""):
        return True
    return bool(patterns) and is_kept_text(comment.text or "", patterns)


def is_kept_text(text: str, patterns: Sequence[str]) -> bool:
    """True when a comment's ``text`` (whitespace collapsed, case ignored) is one of
    ``patterns`` or starts with one ending in ``*`` (see :data:`KEEP_COMMENTS`)."""
    whole, prefixes = _wanted(tuple(patterns))
    normal = " ".join(text.split()).lower()
    return normal in whole or normal.startswith(prefixes)


@functools.lru_cache(maxsize=16)
def _initials(patterns: tuple[str, ...]) -> frozenset[str] | None:
    """The first characters of the normalized ``patterns`` (None when one is empty:
    it matches any comment)."""
    whole, prefixes = _wanted(patterns)
    if "" in whole or "" in prefixes:
        return None
    return frozenset(text[0] for text in (*whole, *prefixes))


def _none_kept(comments: list[etree._Element], patterns: tuple[str, ...]) -> bool:
    """True when :func:`_kept` keeps none of ``comments`` (no opt-out marker among them:
    the census says so), read with the patterns normalized once."""
    if not patterns:
        return True
    whole, prefixes = _wanted(patterns)
    initials = _initials(patterns)
    for comment in comments:
        text = comment.text or ""
        # the normalized text starts with the first character of the first word, lowered
        if initials is not None and text.lstrip()[:1].lower()[:1] not in initials:
            continue
        text = " ".join(text.split()).lower()
        if text in whole or text.startswith(prefixes):
            return False
    return True


@rule(
    "M001",
    "remove-comments",
    "markup",
    "Remove HTML comments, conditional comments included.",
    tags=(COMMENT,),
)
def remove_comments(root: etree._Element, ctx: Context) -> int:
    """Remove HTML comments, conditional comments included.

    Scraped posts carry CMS markers (``<!-- 正文下iframe -->``), commented-out blocks
    (``<!--article_adlist[...]article_adlist-->``) and IE conditionals. The text after a
    comment stays where it was.

    The opt-out markers ``<!-- cleanhtml: off -->`` and ``<!-- cleanhtml: on -->`` stay,
    and so do, in a post, generator markers (:data:`KEEP_COMMENTS`: ``<!-- more -->``,
    ``<!-- toc -->``, ``<!-- prettier-ignore -->``, ``<!-- markdownlint-disable -->``...)
    and, in any document, the comments of the ``keep-comments`` setting.

    ``<p>a<!-- news_keyword_pub -->b</p>`` becomes ``<p>ab</p>``.
    """
    patterns = ctx.keep_comments
    found = _inside(_comments(root))
    if (
        not ctx.explain
        and ctx.census is not None
        and not ctx.census.opt_out
        and _none_kept(found, patterns)
    ):
        # none to keep, no excerpt to record: libxml2 strips them all (tails stay)
        if len(found) <= FEW_COMMENTS:
            # the texts each one stood between are joined, not every text of its parent
            anchors = _text_before(found)
            etree.strip_tags(root, etree.Comment)
            for node, is_parent in anchors:
                if is_parent:
                    if node.text:
                        node.text = node.text
                elif node.tail:
                    node.tail = node.tail
        else:
            parents = _parents(found)
            etree.strip_tags(root, etree.Comment)
            join_text(parents)
        return len(found)
    comments = [c for c in found if not _kept(c, patterns)]
    for comment in comments:
        ctx.removed(comment)
    parents = _parents(comments)
    _strip_comments_but(root, patterns)
    join_text(parents)
    return len(comments)


def _inside(comments: list[etree._Element]) -> list[etree._Element]:
    """The comments inside the root element: those before or after it (a saved page's
    ``<!-- saved from url=... -->``) cannot be removed, so they count as no edit (a second
    cleaning would otherwise edit again)."""
    return [c for c in comments if c.getparent() is not None]


FEW_COMMENTS = 64
"""Up to this many comments, ``remove-comments`` joins only the texts around them.
(lxml reads a text left in pieces one piece at a time: with thousands of comments in
one run of text, that text is read through the serializer instead: see
:func:`~cleanhtml.treeops.join_text`.)"""


def _text_before(comments: list[etree._Element]) -> list[tuple[etree._Element, bool]]:
    """For each run of adjacent ``comments`` (all to be stripped, each with a parent):
    the node whose tail, or the parent whose text (True), is the text before the run,
    which the texts after its comments join once they are stripped."""
    going = set(comments)
    anchors: dict[tuple[etree._Element, bool], None] = {}
    for comment in comments:
        before = comment.getprevious()
        while before is not None and before in going:
            before = before.getprevious()
        if before is None:
            parent = comment.getparent()
            if parent is not None:
                anchors[parent, True] = None
        else:
            anchors[before, False] = None
    return list(anchors)


def _parents(nodes: list[etree._Element]) -> dict[etree._Element, int]:
    """The parents of ``nodes``, each with how many of them it holds (see ``join_text``)."""
    parents: dict[etree._Element, int] = {}
    for node in nodes:
        parent = node.getparent()
        if parent is not None:
            parents[parent] = parents.get(parent, 0) + 1
    return parents


def _strip_comments_but(root: etree._Element, patterns: tuple[str, ...]) -> None:
    """Strip every comment in the tree but those :func:`_kept`, in one pass in C.

    Each kept one stands aside as a placeholder element while libxml2 strips the rest
    (dropping comments one by one appends each text to the text before it: quadratic
    on a paragraph of thousands of comments).
    """
    top = root.getroottree().getroot()
    aside: list[tuple[etree._Element, etree._Element]] = []
    for comment in _comments(root):
        parent = comment.getparent()
        if parent is None or not _kept(comment, patterns):
            continue
        placeholder = etree.Element(_MARKER_PLACEHOLDER)
        placeholder.tail, comment.tail = comment.tail, None
        parent.replace(comment, placeholder)
        aside.append((placeholder, comment))
    etree.strip_tags(top, etree.Comment)
    for placeholder, comment in aside:
        comment.tail, placeholder.tail = placeholder.tail, None
        parent = placeholder.getparent()
        if parent is not None:
            parent.replace(placeholder, comment)


@rule(
    "M002",
    "remove-style-elements",
    "markup",
    "Remove <style> elements and stylesheet <link>s.",
    tags=("style", "link"),
)
def remove_style_elements(root: etree._Element, ctx: Context) -> int:
    """Remove ``<style>`` elements and stylesheet ``<link>`` elements.

    Their CSS is not article text, and it leaks into text output of naive tools.

    ``<style>.a{}</style><p>x</p>`` becomes ``<p>x</p>``.
    """
    found = _style_elements(root, ctx)
    for el in found:
        ctx.removed(el)
    drop_all(root, found)
    return len(found)


@rule(
    "M003",
    "remove-style-attributes",
    "markup",
    "Remove every style= attribute.",
    attributes=("style",),
    hidden_in=ATTRIBUTES_HIDDEN_IN,
)
def remove_style_attributes(root: etree._Element, ctx: Context) -> int:
    """Remove every ``style`` attribute.

    Inline styles fix fonts, colours and widths of the source site.

    ``<p style="color:red">x</p>`` becomes ``<p>x</p>``.
    """
    count = _STYLE_ATTRIBUTES(root)
    if count:
        etree.strip_attributes(root, "style")
    return count


@rule(
    "M004",
    "bold-cms-style",
    "markup",
    'Turn <font cms-style="strong-Bold"> into <strong>.',
    attributes=("cms-style",),
    needs_cjk=True,
    reshapes=True,
    records_reshapes=True,
)
def bold_cms_style(root: etree._Element, ctx: Context) -> int:
    """Turn ``<font cms-style="... strong-Bold ...">`` into ``<strong>``.

    Sina's CMS marks bold text (often section headings) with a ``cms-style`` class on a
    ``<font>`` or ``<span>``; the emphasis is content, the wrapper is not. A bold
    wrapper inside another bold wrapper is unwrapped instead, so bold never nests.

    ``<font cms-style="font-L strong-Bold">小标题</font>`` becomes ``<strong>小标题</strong>``.
    """
    found = _bold_cms(root)
    inner: list[etree._Element] = []  # unwrapped together at the end (no text regrown)
    retagged: list[etree._Element] = []
    for el in found:
        if _in_bold(el):  # unwrapping a font or span changes no strong/b ancestor
            inner.append(el)
            continue
        parent = el.getparent()
        # text alone in another tag parses back as it is (but where libxml2 treats it apart)
        if parent is not None and (len(el) or parent.tag in DOCUMENT_TAGS or parent is root):
            retagged.append(parent)
        el.tag = "strong"
        el.attrib.clear()  # (one call: deleting each name made an attrib proxy each)
    ctx.reshaping(retagged)
    ctx.reshaping(unwrap_all(root, inner))
    return len(found)


@rule(
    "M008",
    "bold-cms-paragraphs",
    "markup",
    'Wrap the text of <p cms-style="strong-Bold"> in <strong>.',
    attributes=("cms-style",),
    needs_cjk=True,
    reshapes=True,
    records_reshapes=True,
)
def bold_cms_paragraphs(root: etree._Element, ctx: Context) -> int:
    """Wrap the content of a ``<p cms-style="... strong-Bold ...">`` in ``<strong>``.

    Sina marks some section headings bold on the paragraph itself; once the CMS
    attributes go, the emphasis would go with them. The leading indentation stays
    outside the ``<strong>``; a paragraph that already holds bold text is left alone.

    ``<p cms-style="font-L strong-Bold">　　外贸开门稳</p>`` becomes
    ``<p cms-style="font-L strong-Bold">　　<strong>外贸开门稳</strong></p>``.
    """
    edits = 0
    for block in _bold_cms_blocks(root):
        if is_blank(text_of(block)):
            continue
        text = block.text or ""
        content = text.lstrip(WHITESPACE)
        strong = etree.Element("strong")
        strong.text = content
        strong.extend(list(block))  # moves the children, each with its tail
        block.text = text[: len(text) - len(content)]
        block.append(strong)
        ctx.reshaping((block,))
        edits += 1
    return edits


@rule(
    "M005",
    "unwrap-font",
    "markup",
    "Unwrap presentational <font> tags.",
    tags=("font",),
    reshapes=True,
    records_reshapes=True,
)
def unwrap_font(root: etree._Element, ctx: Context) -> int:
    """Unwrap presentational ``<font>`` tags, keeping their text exactly in place.

    ``<p>a<font color="red">b</font>c</p>`` becomes ``<p>abc</p>``.
    """
    fonts = list(root.iter("font"))
    if fonts:
        if ctx.reshaped is not None:
            ctx.reshaping(unwrapping_reshapes(root, fonts))
        etree.strip_tags(root, "font")
    return len(fonts)


@rule(
    "M006",
    "remove-cms-attributes",
    "markup",
    "Remove CMS layout attributes (cms-style, cms-width, ...).",
    attributes=CMS_ATTRIBUTES,
    needs_cjk=True,
    hidden_in=ATTRIBUTES_HIDDEN_IN,
)
def remove_cms_attributes(root: etree._Element, ctx: Context) -> int:
    """Remove the CMS's layout attributes (``cms-style``, ``cms-width``, ...).

    They only mean something to the source site's stylesheet.

    ``<p cms-style="font-L">x</p>`` becomes ``<p>x</p>``.
    """
    count = _count_attributes(root, CMS_ATTRIBUTES, ctx)
    if count:
        etree.strip_attributes(root, *CMS_ATTRIBUTES)
    return count


@rule(
    "M007",
    "remove-tracking-attributes",
    "markup",
    "Remove click-tracking attributes (data-sudaclick, ...).",
    attributes=TRACKING_ATTRIBUTES,
    hidden_in=ATTRIBUTES_HIDDEN_IN,
)
def remove_tracking_attributes(root: etree._Element, ctx: Context) -> int:
    """Remove click-tracking attributes (``data-sudaclick``, ``data-spm``, ...).

    ``<a href="/x" data-sudaclick="news_p">x</a>`` becomes ``<a href="/x">x</a>``.
    """
    count = _count_attributes(root, TRACKING_ATTRIBUTES, ctx)
    if count:
        etree.strip_attributes(root, *TRACKING_ATTRIBUTES)
    return count
