"""Markdown rendering: inline elements to tokens (emphasis, links, images, code), one table."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from types import MappingProxyType

from lxml import etree

from cleanhtml.render.markdown.escape import _COLLAPSIBLE, _destination, _url_ok, escape
from cleanhtml.render.markdown.tokens import (
    ATOM,
    BREAK,
    CLOSE,
    CODE,
    LINK,
    OPEN,
    TEXT,
    Ctx,
    InlineRenderer,
    Piece,
    Tok,
)
from cleanhtml.render.text import CELL_TAGS, SKIP_TAGS, collapse_whitespace

# --- inline renderers ----------------------------------------------------------------


def _pieces(el: etree._Element) -> Iterator[Piece]:
    """``el``'s text, then each child followed by its tail."""
    if el.text:
        yield el.text
    for child in el:
        yield child
        if child.tail:
            yield child.tail


def _inline(el: etree._Element, ctx: Ctx) -> list[Tok]:
    """The tokens of ``el``'s content (a transparent element: ``span``, ``u``, ...)."""
    out: list[Tok] = []
    for piece in _pieces(el):
        if isinstance(piece, str):
            out.append(Tok(TEXT, piece))
        elif isinstance(piece.tag, str) and piece.tag not in SKIP_TAGS:
            out += INLINE.get(piece.tag, _inline)(piece, ctx)
    return out


def _emphasis(delim: str, el: etree._Element, ctx: Ctx) -> list[Tok]:
    if ctx.in_code or delim in ctx.emphasis:
        return _inline(el, ctx)
    inner = _inline(el, replace(ctx, emphasis=ctx.emphasis | {delim}))
    return [Tok(OPEN, delim), *inner, Tok(CLOSE, delim)]


def _strong(el: etree._Element, ctx: Ctx) -> list[Tok]:
    """``<strong>``, ``<b>``: ``**bold**``."""
    return _emphasis("**", el, ctx)


def _em(el: etree._Element, ctx: Ctx) -> list[Tok]:
    """``<em>``, ``<i>``: ``*italic*``."""
    return _emphasis("*", el, ctx)


def _strike(el: etree._Element, ctx: Ctx) -> list[Tok]:
    """``<del>``, ``<s>``, ``<strike>``: GFM ``~~strikethrough~~``."""
    return _emphasis("~~", el, ctx)


def _link(el: etree._Element, ctx: Ctx) -> list[Tok]:
    """``<a href>``: ``[text](href "title")``; without a usable href, just its text."""
    href = (el.get("href") or "").strip()
    if ctx.in_link or ctx.in_code or not _url_ok(href, image=False):
        return _inline(el, ctx)
    inner = _inline(el, replace(ctx, in_link=True))
    return [Tok(OPEN, LINK), *inner, Tok(CLOSE, LINK, _destination(href, el.get("title")))]


def _image(el: etree._Element, ctx: Ctx) -> list[Tok]:
    """``<img>``: ``![alt](src "title")``; an image without a usable src is left out."""
    src = (el.get("src") or "").strip()
    if not _url_ok(src, image=True):
        return []
    alt = collapse_whitespace(el.get("alt") or "").strip()
    return [Tok(ATOM, "![" + escape(alt) + "]" + _destination(src, el.get("title")))]


def _break(el: etree._Element, ctx: Ctx) -> list[Tok]:
    """``<br>``: a hard line break."""
    return [Tok(BREAK)]


def _code(el: etree._Element, ctx: Ctx) -> list[Tok]:
    """``<code>``, ``<kbd>``, ``<samp>``, ``<tt>``: a code span. ``<code><a>x</a></code>``
    becomes ``[`x`](href)``."""
    if ctx.in_code:
        return _inline(el, ctx)
    only = el[0] if len(el) == 1 and not (el.text or "").strip(_COLLAPSIBLE) else None
    if only is not None and only.tag == "a" and not (only.tail or "").strip(_COLLAPSIBLE):
        link = _link(only, ctx)
        if link and link[0].kind == OPEN:
            code = [link[0], Tok(OPEN, CODE), *link[1:-1], Tok(CLOSE, CODE), link[-1]]
            return [Tok(TEXT, el.text or ""), *code, Tok(TEXT, only.tail or "")]
    return [Tok(OPEN, CODE), *_inline(el, replace(ctx, in_code=True)), Tok(CLOSE, CODE)]


def _nothing(el: etree._Element, ctx: Ctx) -> list[Tok]:
    """``<wbr>``: nothing."""
    return []


def _layout_cell(el: etree._Element, ctx: Ctx) -> list[Tok]:
    """A cell of a row rendered as text: a space keeps it apart from the cell before."""
    previous = el.getprevious()
    gap = [Tok(TEXT, " ")] if previous is not None and previous.tag in CELL_TAGS else []
    return gap + _inline(el, ctx)


INLINE: Mapping[str, InlineRenderer] = MappingProxyType(
    {
        "strong": _strong,
        "b": _strong,
        "em": _em,
        "i": _em,
        "del": _strike,
        "s": _strike,
        "strike": _strike,
        "a": _link,
        "img": _image,
        "br": _break,
        "code": _code,
        "kbd": _code,
        "samp": _code,
        "tt": _code,
        "wbr": _nothing,
        "td": _layout_cell,
        "th": _layout_cell,
    }
)
"""Inline renderers by tag; any other inline tag is transparent (its content stays)."""
