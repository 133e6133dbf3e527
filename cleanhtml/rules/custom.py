"""User rules from configuration: drop, unwrap, drop-text and root.

``[tool.cleanhtml]`` (or ``.cleanhtml.toml``) may hold::

    drop = [".ad-box", "//div[@data-type='promo']"]   # CSS selectors or XPath
    unwrap = ["span.highlight"]
    drop-text = ["（本文作者.*）", "contains:广告"]      # a block's whole text; or anywhere
    root = "#artibody"                                 # the article container

Each kind becomes one rule in the same registry as the built-in ones (group ``user``,
codes ``U001``-``U004``: ``keep-article-root``, ``drop-selected``, ``unwrap-selected``,
``drop-matching-text``), listed by ``--list-rules``, selectable and ignorable like them.
Every expression is compiled when the configuration is read, so a broken selector,
XPath or regex is a configuration error (exit 2) before any file is touched.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from lxml import etree

from cleanhtml.errors import ConfigError
from cleanhtml.rule import Context, Rule
from cleanhtml.treeops import WHITESPACE, Finder, drop, outermost, text_of, unwrap

USER_KEYS = ("root", "drop", "unwrap", "drop-text")
_XPATH_START = ("/", "./", "(", "descendant", "ancestor", "self::", "child::")
TEXT_BLOCKS = (
    "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section",
    "td", "th", "dd", "dt", "figcaption", "pre",
)  # fmt: skip


def _simple_xpath(css: str) -> str | None:
    """The XPath of a one-part selector (``#id``, ``.class``, ``tag``), as cssselect gives it."""
    match = _simple().match(css)
    if not match:
        return None
    kind, name = match.groups()
    if kind == "#":
        return f"descendant-or-self::*[@id = '{name}']"
    if kind == ".":
        return (
            "descendant-or-self::*[@class and contains(concat(' ', "
            f"normalize-space(@class), ' '), ' {name} ')]"
        )
    return f"descendant-or-self::{name.lower()}"


def compile_selector(expr: str, *, key: str) -> Finder:
    """Compile a CSS selector or an XPath expression (one that starts like a path)."""
    if not isinstance(expr, str) or not expr.strip():
        raise ConfigError(f"{key}: expected a non-empty selector string, got {expr!r}")
    text = expr.strip()
    try:
        if text.startswith(_XPATH_START):
            xpath = etree.XPath(text)
        elif simple := _simple_xpath(text):
            xpath = etree.XPath(simple)  # no cssselect import for #id, .class or a tag
        else:
            from cssselect import HTMLTranslator, SelectorError

            try:
                xpath = etree.XPath(HTMLTranslator().css_to_xpath(text))
            except SelectorError as exc:
                raise ConfigError(f"{key}: invalid CSS selector {expr!r}: {exc}") from None
    except etree.XPathSyntaxError as exc:
        raise ConfigError(f"{key}: invalid XPath {expr!r}: {exc}") from None

    def finder(root: etree._Element) -> list[etree._Element]:
        found = xpath(root)
        if not isinstance(found, list):
            return []
        return [el for el in found if isinstance(el, etree._Element)]

    return finder


@functools.cache
def _simple() -> re.Pattern[str]:
    """A one-part selector: a tag, ``#id`` or ``.class``."""
    return re.compile(r"^([#.]?)([A-Za-z][\w-]*)$")


def selector_needles(exprs: Sequence[str]) -> tuple[str, ...]:
    """Needles for selectors that are one tag, ``#id`` or ``.class``; () when any is not.

    ``#artibody`` can only match where ``artibody`` occurs in the source, so the rule is
    skipped cheaply on pages without it. Anything more complex always runs.
    """
    needles = []
    for expr in exprs:
        match = _simple().match(expr.strip())
        if not match:
            return ()
        kind, name = match.groups()
        needles.append(name.lower() if kind else f"<{name.lower()}")
    return tuple(needles)


def _strings(config: Mapping[str, Any], key: str) -> list[str]:
    value = config.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{key}: expected a string or a list of strings, got {value!r}")
    return value


def _drop_rule(finders: Sequence[Finder]) -> Callable[[etree._Element, Context], int]:
    def user_drop(root: etree._Element, ctx: Context) -> int:
        """Remove the elements the ``drop`` selectors match (their tail text stays).

        With ``drop = [".ad"]``, ``<p>a<span class="ad">buy</span>b</p>`` becomes
        ``<p>ab</p>``.
        """
        edits = 0
        for finder in finders:
            for el in outermost(finder(root)):
                if el is root or el.getparent() is None:
                    continue
                ctx.removed(el)
                drop(el)
                edits += 1
        return edits

    return user_drop


def _unwrap_rule(finders: Sequence[Finder]) -> Callable[[etree._Element, Context], int]:
    def user_unwrap(root: etree._Element, ctx: Context) -> int:
        """Remove the tags the ``unwrap`` selectors match, keeping their content in place.

        With ``unwrap = ["span.hl"]``, ``<p>a<span class="hl">b</span>c</p>`` becomes
        ``<p>abc</p>``.
        """
        edits = 0
        for finder in finders:
            for el in finder(root):
                if el is root or el.getparent() is None or el.tag in ("html", "head", "body"):
                    continue
                ctx.removed(el)
                unwrap(el)
                edits += 1
        return edits

    return user_unwrap


CONTAINS = "contains:"
"""Prefix of a ``drop-text`` pattern that may match anywhere in a block's text."""


def compile_text_pattern(expr: str) -> Callable[[str], bool]:
    """A ``drop-text`` pattern as a test on a block's text.

    A plain pattern must match the block's whole text (stripped), as
    :func:`re.fullmatch` does; ``contains:REGEX`` matches anywhere in it
    (:func:`re.search`).

    >>> compile_text_pattern("责任编辑：.*")("责任编辑：张三")
    True
    >>> compile_text_pattern("就业")("稳就业"), compile_text_pattern("contains:就业")("稳就业")
    (False, True)
    """
    contains = expr.startswith(CONTAINS)
    source = expr[len(CONTAINS) :] if contains else expr
    try:
        pattern = re.compile(source)
    except re.error as exc:
        raise ConfigError(f"drop-text: invalid regular expression {expr!r}: {exc}") from None
    if contains:
        return lambda text: pattern.search(text) is not None
    return lambda text: pattern.fullmatch(text) is not None


def _drop_text_rule(
    tests: Sequence[Callable[[str], bool]],
) -> Callable[[etree._Element, Context], int]:
    def user_drop_text(root: etree._Element, ctx: Context) -> int:
        """Remove blocks whose text matches a ``drop-text`` pattern.

        A block is a leaf paragraph-like element (``p``, ``div``, ``li``, ``h1``-``h6``,
        ``td``, ...). A pattern must match the block's whole text, stripped of
        whitespace (``re.fullmatch``); prefix it with ``contains:`` to match anywhere
        in the text (``re.search``). Example: ``drop-text = ["（本文作者.*）"]`` drops
        ``<p>（本文作者：张三）</p>`` but keeps ``<p>见（本文作者：张三）</p>``;
        ``"contains:本文作者"`` drops both.
        """
        edits = 0
        for el in list(root.iter(*TEXT_BLOCKS)):
            inner = el.iter(*TEXT_BLOCKS)
            next(inner)  # el itself
            if el is root or el.getparent() is None or next(inner, None) is not None:
                continue  # not a leaf block: its inner blocks are checked on their own
            text = text_of(el).strip(WHITESPACE)
            if text and any(test(text) for test in tests):
                ctx.removed(el)
                drop(el)
                edits += 1
        return edits

    return user_drop_text


def body_of(root: etree._Element) -> etree._Element | None:
    """The ``<body>`` of a page; a fragment's or post's root is its body already."""
    return root if root.tag == "body" else root.find("body")


def keep_only(body: etree._Element, keep: Sequence[etree._Element], ctx: Context) -> int:
    """Leave only ``keep`` (elements inside ``body``) in ``body``; the number of edits.

    Everything else in ``<body>`` goes (a page keeps its ``<head>``); 0 when ``body``
    already holds only them.
    """
    if (
        list(body) == list(keep)
        and not (body.text or "").strip(WHITESPACE)
        and all(not (el.tail or "").strip(WHITESPACE) for el in keep)
    ):
        return 0  # already only the container
    edits = 0
    for el in keep:
        el.getparent().remove(el)  # type: ignore[union-attr]  # the tail goes with what is outside
    for child in list(body):
        ctx.removed(child)
        body.remove(child)
        edits += 1
    body.text = "\n"
    for el in keep:
        el.tail = "\n"
        body.append(el)
    return max(edits, 1)


def containers_in(body: etree._Element, found: Sequence[etree._Element]) -> list[etree._Element]:
    """The outermost of ``found`` that lie inside ``body`` (never ``body`` itself)."""
    return [el for el in outermost(found) if el is not body and body in el.iterancestors()]


def _root_rule(finder: Finder, expr: str) -> Callable[[etree._Element, Context], int]:
    needles = selector_needles([expr])

    def user_root(root: etree._Element, ctx: Context) -> int:
        """Keep only the article container the ``root`` selector matches.

        When it matches, everything else in ``<body>`` goes (a page keeps its
        ``<head>``). When it matches nothing, the document is left as it is and a
        whole page says so (one line on stderr).
        """
        body = body_of(root)
        if body is None:
            return 0
        absent = bool(needles) and not any(ctx.has(needle) for needle in needles)
        keep = [] if absent else containers_in(body, finder(root))
        if not keep:
            if root.tag == "html":
                ctx.notice(f"root {expr!r} matched nothing; the whole page was kept")
            return 0
        return keep_only(body, keep, ctx)

    return user_root


def user_rules(config: Mapping[str, Any]) -> tuple[Rule, ...]:
    """Compile the user rules of a configuration mapping (keys as in ``USER_KEYS``)."""
    rules: list[Rule] = []
    root = config.get("root")
    if root is not None:
        if not isinstance(root, str):
            raise ConfigError(f"root: expected one selector string, got {root!r}")
        rules.append(
            Rule(
                "U001",
                "keep-article-root",
                "user",
                f"Keep only the article container {root!r}.",
                _root_rule(compile_selector(root, key="root"), root),
                removes_text=True,
                reshapes=True,  # no needles: a whole page that lacks the root must say so
            )
        )
    drops = _strings(config, "drop")
    if drops:
        finders = [compile_selector(e, key="drop") for e in drops]
        rules.append(
            Rule(
                "U002",
                "drop-selected",
                "user",
                f"Remove elements matching {', '.join(drops)}.",
                _drop_rule(finders),
                removes_text=True,
                needles=selector_needles(drops),
            )
        )
    unwraps = _strings(config, "unwrap")
    if unwraps:
        finders = [compile_selector(e, key="unwrap") for e in unwraps]
        rules.append(
            Rule(
                "U003",
                "unwrap-selected",
                "user",
                f"Unwrap elements matching {', '.join(unwraps)}.",
                _unwrap_rule(finders),
                reshapes=True,
                needles=selector_needles(unwraps),
            )
        )
    texts = _strings(config, "drop-text")
    if texts:
        tests = [compile_text_pattern(expr) for expr in texts]
        rules.append(
            Rule(
                "U004",
                "drop-matching-text",
                "user",
                f"Remove blocks whose whole text matches {', '.join(texts)}.",
                _drop_text_rule(tests),
                removes_text=True,
            )
        )
    return tuple(rules)
