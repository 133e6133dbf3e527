"""Markdown output: CommonMark, with GFM tables and strikethrough.

The renderer is an explicit, read-only table of small functions, one per element
kind (the mdformat model, not ``getattr(self, "convert_" + tag)``): block elements
render to Markdown blocks, inline elements to a flat list of tokens that a
paragraph, heading or table cell turns into lines at the end.

Its text is the text output's, block for block: the same tags start blocks
(:data:`~cleanhtml.render.text.BLOCK_TAGS`), whitespace collapses in the same way,
across inline tags too (:func:`~cleanhtml.render.text.collapse_whitespace`), and each
line is stripped of leading and trailing whitespace, full-width indentation included.
Rendering the Markdown with a CommonMark parser gives back the text output (the tests
check this on every corpus post). To keep that true:

* characters are escaped only where Markdown would read them as markup (``*`` next to
  a word, ``[``, ``]``, a backquote, ``#`` or ``1.`` at a line start, ...); Chinese
  punctuation is never escaped;
* emphasis that CommonMark would not recognise (``**标题：**正文``: a closing ``**``
  after punctuation and before a letter) is fixed by moving the punctuation out of it
  (``**标题**：正文``), or, failing that, left out: the text stays, the bold goes;
* ``<`` before a letter, ``/``, ``!`` or ``?`` is written ``&lt;``, so that cleaning the
  Markdown file again as HTML finds no tag and changes nothing. Code that holds such
  text is written as ``<code>``/``<pre>`` HTML with escaped content for the same reason.

Markup nested too deep for the recursive renderer (hundreds of levels) is written as
the text output's blocks, as plain paragraphs.

A ``<br>`` is a hard break (a backslash at the end of the line); in headings and table
cells, which are one line, it is written ``<br>``. Tables whose cells hold only inline
content become GFM tables (the first row is the header; ``colspan`` and ``rowspan``
leave empty cells); rows whose cells hold blocks, and one-column tables, are rendered
as the blocks they hold.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, NamedTuple

from lxml import etree

from cleanhtml.document import Document

if TYPE_CHECKING:
    from cleanhtml.cleaned import Cleaned
from cleanhtml.render.text import (
    BLOCK_TAGS,
    BR,
    CELL_TAGS,
    MARK,
    SKIP_TAGS,
    collapse_whitespace,
)
from cleanhtml.render.text import blocks as text_blocks

# --- tokens --------------------------------------------------------------------------

TEXT, OPEN, CLOSE, ATOM, BREAK = "text", "open", "close", "atom", "break"
EMPHASIS = frozenset({"**", "*", "~~"})
LINK, CODE = "[", "`"


class Tok(NamedTuple):
    """One piece of inline content.

    ``kind`` is ``text`` (raw, unescaped text), ``open``/``close`` (an emphasis
    delimiter, ``[``/``]`` of a link, or a backquote of a code span; ``dest`` holds a
    link's ``(url "title")``), ``atom`` (finished Markdown: an image, ``<br>``) or
    ``break`` (a ``<br>``).
    """

    kind: str
    text: str = ""
    dest: str = ""


@dataclass(frozen=True)
class Ctx:
    """What a renderer needs to know beyond its element: its ancestors, and the tree."""

    emphasis: frozenset[str] = frozenset()
    in_link: bool = False
    in_code: bool = False
    holders: frozenset[etree._Element] = frozenset()
    """The elements that hold a block element (see :func:`block_holders`)."""
    other_marker: bool = False
    """Write a list with ``*``/``1)``: it follows a list written with ``-``/``1.``, and
    CommonMark would join two lists with the same marker into one."""


Piece = str | etree._Element
InlineRenderer = Callable[[etree._Element, Ctx], list[Tok]]
BlockRenderer = Callable[[etree._Element, Ctx], list[str]]

# --- characters ----------------------------------------------------------------------

ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
# An "&" that would start a reference: a named one (CommonMark needs the ";") or any
# numeric one, with or without ";" (HTML parsers read "&#1" as U+0001, so cleaning the
# Markdown again as HTML would change it).
_ENTITY = re.compile(r"&(?:#[0-9]|#[xX][0-9a-fA-F]|[A-Za-z][A-Za-z0-9]{1,31};)")
_TAG_START = re.compile(r"<(?=[A-Za-z/!?]|$)")
_BAD_SCHEME = re.compile(r"^\s*(?:javascript|vbscript|file|data):", re.I)
_GOOD_DATA = re.compile(r"^\s*data:image/(?:gif|png|jpeg|webp);", re.I)
_URL_UNSAFE = re.compile(r"[\x00-\x20<>\x7f]")  # percent-encoded in a destination
_URL_ESCAPE = re.compile(r"[\\()]")  # backslash-escaped in a destination
_LANGUAGE = re.compile(r"(?:^|\s)(?:language|lang)-([\w+#.-]+)")


def _space(char: str | None) -> bool:
    """CommonMark's Unicode whitespace; ``None`` (a line edge) counts as whitespace."""
    return char is None or char in "\t\n\v\f\r" or unicodedata.category(char) == "Zs"


def _punct(char: str | None) -> bool:
    """CommonMark's punctuation: ASCII punctuation or Unicode categories P and S."""
    return char is not None and (
        char in ASCII_PUNCT or unicodedata.category(char).startswith(("P", "S"))
    )


def _left_flanking(before: str | None, after: str | None) -> bool:
    return not _space(after) and (not _punct(after) or _space(before) or _punct(before))


def _right_flanking(before: str | None, after: str | None) -> bool:
    return not _space(before) and (not _punct(before) or _space(after) or _punct(after))


def _escape_char(char: str, before: str | None, after: str | None, text: str, i: int) -> str:
    if char in "`[]":
        return "\\" + char
    if char == "\\":
        return "\\\\" if after is None or after in ASCII_PUNCT else char
    if char in "*~_":
        if before is None or after is None:
            return "\\" + char  # markup may be next to it: always escape
        if _space(before) and _space(after):
            return char  # between spaces: neither opens nor closes emphasis
        intraword = not (_space(before) or _punct(before) or _space(after) or _punct(after))
        return char if char == "_" and intraword else "\\" + char
    if char == "<":
        return "&lt;" if after is None or _TAG_START.match(text, i) else char
    if char == "&":
        return "&amp;" if _ENTITY.match(text, i) else char
    return char


_COLLAPSIBLE = " \t\n\r\f"  # the whitespace HTML collapses (not U+3000, not NBSP)
_SPECIAL = frozenset("`[]\\*~_<&")
_SPECIAL_RE = re.compile(r"[`\[\]\\*~_<&]")


def escape(text: str) -> str:
    """Escape ``text`` where Markdown would read it as markup, and nowhere else.

    The edges of ``text`` are treated as unknown neighbours (markup may follow), so a
    ``*`` there is always escaped; inside, ``a * b`` and ``snake_case`` stay as they are.
    """
    if not _SPECIAL_RE.search(text):
        return text
    out = []
    last = len(text) - 1
    for i, char in enumerate(text):
        if char in _SPECIAL:
            before = text[i - 1] if i > 0 else None
            after = text[i + 1] if i < last else None
            out.append(_escape_char(char, before, after, text, i))
        else:
            out.append(char)
    return "".join(out)


# Line starts that would begin a block: a heading, a bullet or ordered item, a block
# quote, a setext underline or thematic break, a table's delimiter row. ("*", "_",
# "~", "`", "[" and "<" at a line start are escaped already.)
# (A delimiter row is a line of only " \t|:-" holding a "-" and a "|": said with
# lookaheads and a possessive run, as "[ \t|:-]*-[ \t|:-]*$" tried every "-" of a
# long row. Each "(?:-[ \t]*)" starts at a "-" the blanks before it cannot hold.)
_LINE_START = re.compile(  # noqa: DUO138 — linear: see the comment above
    r"(?:#{1,6}|[-+]|\d{1,9}[.)])(?=[ \t]|$)|>|[=-]+[ \t]*$|(?:-[ \t]*){3,}$"
    r"|(?=[^|]*\|)(?=[^-]*-)[ \t|:-]*+$"
)


def _escape_line_start(line: str) -> str:
    """Escape the character that would make ``line`` start a block (``1.`` -> ``1\\.``)."""
    if not _LINE_START.match(line):
        return line
    at = len(line) - len(line.lstrip("0123456789"))
    if line[at] in "|:":
        at = line.index("-")
    return line[:at] + "\\" + line[at:]


def _destination(url: str, title: str | None = None) -> str:
    """A link destination (and title) in parentheses, escaped for Markdown."""
    url = _URL_UNSAFE.sub(lambda m: f"%{ord(m.group(0)):02X}", url.strip())
    url = _URL_ESCAPE.sub(r"\\\g<0>", url)
    url = _ENTITY.sub(lambda m: "\\" + m.group(0), url)
    if title is None or not title.strip():
        return f"({url})"
    title = " ".join(title.split())
    title = title.replace("\\", "\\\\").replace('"', '\\"').replace("<", "&lt;")
    title = _ENTITY.sub(lambda m: "\\" + m.group(0), title)
    return f'({url} "{title}")'


def _code_span(code: str) -> str:
    if not code:
        return ""
    if _TAG_START.search(code):  # as HTML, whose content is Markdown text
        return "<code>" + escape(code) + "</code>"
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * (longest + 1)
    pad = code[0] == "`" or code[-1] == "`" or (code[0] == code[-1] == " " and code.strip(" "))
    return f"{fence} {code} {fence}" if pad else f"{fence}{code}{fence}"


def _url_ok(url: str, *, image: bool) -> bool:
    return bool(url) and (not _BAD_SCHEME.match(url) or (image and bool(_GOOD_DATA.match(url))))


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

# --- from tokens to lines ------------------------------------------------------------


def _collapsed(toks: list[Tok]) -> list[Tok]:
    """Collapse whitespace across the whole run, looking through inline markup."""
    if not toks:
        return []
    joined = MARK.join(t.text if t.kind == TEXT else BR if t.kind == BREAK else "" for t in toks)
    segments = collapse_whitespace(joined).split(MARK)
    return [Tok(TEXT, seg) if t.kind == TEXT else t for t, seg in zip(toks, segments, strict=True)]


def _strip_lines(toks: list[Tok]) -> list[Tok]:
    """Strip whitespace at both ends of each line (between breaks), as the text output does."""
    out = list(toks)
    for order, strip in ((range(len(out)), str.lstrip), (range(len(out) - 1, -1, -1), str.rstrip)):
        at_edge = True
        for i in order:
            tok = out[i]
            if tok.kind == BREAK:
                at_edge = True
            elif at_edge and tok.kind == TEXT:
                out[i] = tok._replace(text=strip(tok.text))
                at_edge = not out[i].text
            elif tok.kind == ATOM:
                at_edge = False
    return out


def _code_spans(toks: list[Tok]) -> list[Tok]:
    """Turn each ``open ` ... close ``` stretch into code-span atoms.

    A break or an image inside code ends the span and starts another after it; code
    that directly follows code joins it (two spans side by side would merge their
    backquotes).
    """
    out: list[Tok] = []
    code: list[str] | None = None  # the span being built, not yet written
    inside = False
    for tok in toks:
        if tok.kind == OPEN and tok.text == CODE:
            inside = True
            code = [] if code is None else code
        elif tok.kind == CLOSE and tok.text == CODE:
            inside = False
        elif tok.kind == TEXT and (inside or (code is not None and not tok.text)):
            code.append(tok.text)  # type: ignore[union-attr]
        else:
            if code is not None:
                out.append(Tok(ATOM, _code_span("".join(code))))
            out.append(tok)
            code = [] if inside else None
    if code is not None:
        out.append(Tok(ATOM, _code_span("".join(code))))
    return [tok for tok in out if tok.kind != ATOM or tok.text]


def _is_emphasis(tok: Tok) -> bool:
    return tok.kind in (OPEN, CLOSE) and tok.text in EMPHASIS


def _merge_text(toks: list[Tok]) -> list[Tok]:
    out: list[Tok] = []
    for tok in toks:
        if tok.kind == TEXT and not tok.text:
            continue
        if tok.kind == TEXT and out and out[-1].kind == TEXT:
            out[-1] = Tok(TEXT, out[-1].text + tok.text)
        else:
            out.append(tok)
    return out


def _tidy(toks: list[Tok]) -> list[Tok]:
    """Move whitespace and breaks out of emphasis, drop empty spans, join ``</b><b>``.

    One pass: ``**`` followed by a space, or a space before a closing ``**``, would not
    be read as emphasis. ``a<b> b </b>c`` becomes ``a **b** c``.
    """
    out: list[Tok] = []
    pending: list[Tok] = []  # taken out from before closing delimiters
    for tok in toks:
        if _is_emphasis(tok) and tok.kind == CLOSE:
            while out and (
                out[-1].kind == BREAK or (out[-1].kind == TEXT and out[-1].text[-1:].isspace())
            ):
                last = out.pop()
                body = last.text.rstrip() if last.kind == TEXT else ""
                pending.insert(0, Tok(TEXT, last.text[len(body) :]) if body else last)
                if body:
                    out.append(Tok(TEXT, body))
                    break
            if out and out[-1].kind == OPEN and out[-1].text == tok.text:
                out.pop()  # an empty span
            else:
                out.append(tok)
            continue
        out += pending
        if pending:
            pending = []
        elif _is_emphasis(tok) and tok.kind == OPEN and out and out[-1] == Tok(CLOSE, tok.text):
            out.pop()  # </b><b>: one span
            continue
        at = len(out)
        while at and _is_emphasis(out[at - 1]) and out[at - 1].kind == OPEN:
            at -= 1
        if at < len(out) and tok.kind == BREAK:
            out.insert(at, tok)
        elif at < len(out) and tok.kind == TEXT and tok.text[:1].isspace():
            body = tok.text.lstrip()
            out.insert(at, Tok(TEXT, tok.text[: len(tok.text) - len(body)]))
            if body:
                out.append(Tok(TEXT, body))
        elif tok.kind != TEXT or tok.text:
            out.append(tok)
    return _merge_text(out + pending)


def _padded(toks: list[Tok]) -> list[Tok]:
    """A text token (maybe empty) before, after and between all other tokens.

    Fixing emphasis then moves characters between text tokens and drops delimiters by
    emptying them, so the list keeps its length and every index stays valid.
    """
    out = [Tok(TEXT)]
    for tok in toks:
        if tok.kind != TEXT and out[-1].kind != TEXT:
            out.append(Tok(TEXT))
        out.append(tok)
    if out[-1].kind != TEXT:
        out.append(Tok(TEXT))
    return out


def _partners(toks: list[Tok]) -> dict[int, int]:
    stack: list[int] = []
    pairs: dict[int, int] = {}
    for i, tok in enumerate(toks):
        if tok.kind == OPEN:
            stack.append(i)
        elif tok.kind == CLOSE and stack:
            j = stack.pop()
            pairs[i], pairs[j] = j, i
    return pairs


def _enclosing(toks: list[Tok], pairs: dict[int, int]) -> dict[int, list[int]]:
    """For each emphasis opener, the openers around it that use the same character."""
    stack: list[int] = []
    found: dict[int, list[int]] = {}
    for i, tok in enumerate(toks):
        if not _is_emphasis(tok):
            continue
        if tok.kind == OPEN:
            found[i] = [k for k in stack if toks[k].text[0] == tok.text[0]]
            stack.append(i)
        elif stack and pairs.get(i) == stack[-1]:
            stack.pop()
    return found


def _rendered(tok: Tok) -> str:
    if tok.kind == TEXT:
        return escape(tok.text)
    if tok.kind == CLOSE and tok.text == LINK:
        return "]" + tok.dest
    return tok.text


def _char_before(toks: list[Tok], i: int, br: str) -> str | None:
    for k in range(i - 1, -1, -1):
        if toks[k].kind == BREAK:
            return br[-1] if br else None
        text = _rendered(toks[k])
        if text:
            return text[-1]
    return None


def _char_after(toks: list[Tok], i: int, br: str) -> str | None:
    for k in range(i + 1, len(toks)):
        if toks[k].kind == BREAK:
            return br[0] if br else None
        text = _rendered(toks[k])
        if text:
            return text[0]
    return None


def _run(toks: list[Tok], i: int) -> list[int]:
    """The delimiters of the run starting at ``toks[i]``: side by side, same character."""
    run = [i]
    k = i + 1
    while k < len(toks):
        tok = toks[k]
        if _is_emphasis(tok) and tok.text[0] == toks[i].text[0]:
            run.append(k)
        elif tok.kind != TEXT or tok.text:
            break
        k += 1
    return run


def _run_start(toks: list[Tok], i: int) -> int:
    start = k = i
    while k > 0:
        k -= 1
        tok = toks[k]
        if _is_emphasis(tok) and tok.text[0] == toks[i].text[0]:
            start = k
        elif tok.kind != TEXT or tok.text:
            break
    return start


def _run_length(toks: list[Tok], i: int) -> int:
    return sum(len(toks[k].text) for k in _run(toks, _run_start(toks, i)))


def _could_close_around(toks: list[Tok], enclosing: list[int], i: int) -> bool:
    """True when the run at ``i``, if it can close, would close a span open around it.

    CommonMark's rule of 3 keeps ``**a*b*c**`` right (run lengths 2 + 1 make 3), but
    ``***a**b…`` would close the ``**`` early.
    """
    length = _run_length(toks, i)
    for k in enclosing:
        if toks[k].kind == OPEN:
            other = _run_length(toks, k)
            if (length + other) % 3 or (length % 3 == 0 and other % 3 == 0):
                return True
    return False


def _edge(text: str) -> int:
    """How many leading characters are punctuation or whitespace."""
    n = 0
    while n < len(text) and (_punct(text[n]) or text[n].isspace()):
        n += 1
    return n


def _drop(toks: list[Tok], pairs: dict[int, int], k: int) -> int:
    """Drop the span whose delimiter is ``toks[k]``; return where to check again."""
    partner = pairs[k]
    toks[k] = toks[partner] = Tok(TEXT)
    return _run_start_near(toks, min(k, partner))


def _run_start_near(toks: list[Tok], i: int) -> int:
    k = i
    while k > 0 and (
        (toks[k - 1].kind == TEXT and not toks[k - 1].text) or _is_emphasis(toks[k - 1])
    ):
        k -= 1
    return k


def _fix_emphasis(toks: list[Tok], br: str) -> list[Tok]:
    """Make every emphasis span one CommonMark reads as such, or drop its delimiters.

    A run of delimiters must flank its text the CommonMark way: an opening ``**``
    before a letter, or before punctuation only when punctuation or a space precedes
    it. Punctuation at the edge of a span moves out of it (``**标题：**正文`` becomes
    ``**标题**：正文``); a span whose edge is a link or an image, where that is not
    enough, loses its delimiters. ``br`` is what a break becomes: ``""`` (a line end)
    or ``"<br>"``. Each fix is local, so a long paragraph costs about linear time.
    """
    toks = _padded(_tidy(toks))
    pairs = _partners(toks)
    enclosing = _enclosing(toks, pairs)
    i = 0
    while i < len(toks):
        if not _is_emphasis(toks[i]):
            i += 1
            continue
        run = _run(toks, i)
        j = run[-1]
        kinds = [toks[k].kind for k in run]
        before, after = _char_before(toks, i, br), _char_after(toks, j, br)
        if OPEN in kinds and CLOSE in kinds:  # "*a***b**": drop the later span's delimiters
            i = _drop(toks, pairs, run[kinds.index(OPEN)])
        elif kinds[0] == OPEN and not _left_flanking(before, after):
            at = _filled(toks, j, 1)
            nxt = toks[at]
            n = _edge(nxt.text) if nxt.kind == TEXT else 0
            if n:  # move the punctuation before the run; the run before may need it
                toks[i - 1] = Tok(TEXT, toks[i - 1].text + nxt.text[:n])
                toks[at] = Tok(TEXT, nxt.text[n:])
                i = _drop_empty(toks, pairs, run, _run_start_near(toks, i))
            else:
                i = _drop(toks, pairs, j)
        elif (
            kinds[0] == OPEN
            and _right_flanking(before, after)
            and _could_close_around(toks, enclosing.get(j, []), j)
        ):
            i = _drop(toks, pairs, j)  # it could close the span around it
        elif kinds[0] == CLOSE and not _right_flanking(before, after):
            at = _filled(toks, i, -1)
            prev = toks[at]
            n = _edge(prev.text[::-1]) if prev.kind == TEXT else 0
            if n:  # move the punctuation after the run
                toks[at] = Tok(TEXT, prev.text[:-n])
                toks[j + 1] = Tok(TEXT, prev.text[-n:] + toks[j + 1].text)
                i = _drop_empty(toks, pairs, run, i)
            else:
                i = _drop(toks, pairs, i)
        else:
            i = j + 1
    return _merge_text(toks)


def _filled(toks: list[Tok], i: int, step: int) -> int:
    """The index of the first token from ``i`` in direction ``step`` that is not empty text."""
    k = i + step
    while 0 <= k + step < len(toks) and toks[k].kind == TEXT and not toks[k].text:
        k += step
    return k


def _drop_empty(toks: list[Tok], pairs: dict[int, int], run: list[int], i: int) -> int:
    """After moving text out of spans, drop those left empty; return where to check again."""
    for k in run:
        if toks[k].kind == TEXT:
            continue
        a, b = sorted((k, pairs[k]))
        if all(t.kind == TEXT and not t.text for t in toks[a + 1 : b]):
            return _drop(toks, pairs, k)
    return i


def _caption_break(toks: list[Tok]) -> list[Tok]:
    """Put the text after an image that opens a paragraph on a line of its own.

    ``![](a.jpg)图为…`` reads better as the image, a hard break, then its caption; the
    text is the same (the text output drops the empty line an image leaves).
    """
    first = next((i for i, t in enumerate(toks) if t.kind != TEXT or t.text.strip()), None)
    if first is None or toks[first].kind != ATOM or not toks[first].text.startswith("!["):
        return toks
    rest = toks[first + 1 :]
    after = next((t for t in rest if t.kind != TEXT or t.text.strip()), None)
    if after is None or after.kind in (BREAK, ATOM):
        return toks
    return [*toks[: first + 1], Tok(BREAK), *rest]


def _bang_at_end(text: str) -> bool:
    """True when ``text`` ends with a "!" that no backslash escapes."""
    if not text.endswith("!"):
        return False
    body = text[:-1]
    return (len(body) - len(body.rstrip("\\"))) % 2 == 0


def _lines(toks: list[Tok], *, trim: bool = True, br: str = "") -> list[str]:
    """Render a run of inline tokens to Markdown lines (hard breaks split lines).

    With ``trim``, empty lines go at both ends and never come two in a row, as in the
    text output's blocks. A table cell keeps its breaks: the text output splits a row
    at each of them, and so it must find them in the rendered Markdown.
    """
    toks = _collapsed(toks)
    if trim:
        toks = _caption_break(toks)
    toks = _fix_emphasis(_code_spans(_strip_lines(toks)), br)
    lines: list[str] = []
    current: list[str] = []
    for tok in toks:
        if tok.kind == BREAK:
            lines.append("".join(current))
            current = []
            continue
        if tok.kind == OPEN and tok.text == LINK and current and _bang_at_end(current[-1]):
            current[-1] = current[-1][:-1] + "\\!"  # "![" would open an image
        current.append(_rendered(tok))
    lines.append("".join(current))
    if not trim:
        return lines if any(lines) or len(lines) > 1 else []
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return out


def _paragraph(toks: list[Tok]) -> list[str]:
    """A paragraph block from inline tokens (none if they hold no content)."""
    if all(tok.kind == TEXT and (not tok.text or tok.text.isspace()) for tok in toks):
        return []  # the whitespace between blocks
    lines = [_escape_line_start(line) for line in _lines(toks)]
    return ["\\\n".join(lines)] if lines else []


def _one_line(toks: list[Tok], *, trim: bool = True) -> str:
    """Inline tokens as one line (headings, table cells): breaks become ``<br>``."""
    return "<br>".join(_lines(toks, trim=trim, br="<br>"))


# --- block renderers -----------------------------------------------------------------


def block_holders(root: etree._Element) -> frozenset[etree._Element]:
    """Every element with a block element inside it, found in one pass over the tree."""
    holders: set[etree._Element] = set()
    for block in root.iter(*BLOCK_TAGS):
        for ancestor in block.iterancestors():
            if ancestor in holders:
                break
            holders.add(ancestor)
    return frozenset(holders)


def _same_list(block: str, tag: str) -> bool:
    """True when ``block`` is a list that a ``tag`` list written after it would continue."""
    if tag == "ul":
        return block.startswith("- ")
    return tag == "ol" and bool(_ORDERED_DOT.match(block))


_ORDERED_DOT = re.compile(r"\d{1,9}\. ")


def _flow(pieces: Iterable[Piece], ctx: Ctx) -> list[str]:
    """Blocks from a sequence of texts and elements: inline runs become paragraphs.

    An inline element that holds a block (``<span><p>..</p></span>``) is looked
    through, so its text joins the paragraphs around it as in the text output.
    """
    blocks: list[str] = []
    run: list[Tok] = []

    def walk(items: Iterable[Piece]) -> None:
        for piece in items:
            if isinstance(piece, str):
                run.append(Tok(TEXT, piece))
                continue
            tag = piece.tag
            if not isinstance(tag, str) or tag in SKIP_TAGS:
                continue
            if tag in BLOCK_TAGS:
                blocks.extend(_paragraph(run))
                run.clear()
                follows = bool(blocks) and _same_list(blocks[-1], tag)
                inner = ctx if ctx.other_marker == follows else replace(ctx, other_marker=follows)
                blocks.extend(BLOCKS.get(tag, _container)(piece, inner))
            elif piece in ctx.holders:
                if tag in CELL_TAGS and run:
                    run.append(Tok(TEXT, " "))
                walk(_pieces(piece))
            else:
                run.extend(INLINE.get(tag, _inline)(piece, ctx))

    walk(pieces)
    blocks.extend(_paragraph(run))
    return blocks


def _container(el: etree._Element, ctx: Ctx) -> list[str]:
    """``<p>``, ``<div>``, ``<section>`` and other blocks: the blocks they hold."""
    return _flow(_pieces(el), ctx)


def _heading(el: etree._Element, ctx: Ctx) -> list[str]:
    """``<h1>``..``<h6>``: an ATX heading (``## Title``)."""
    if el in ctx.holders:
        return _container(el, ctx)
    line = _one_line(_inline(el, ctx))
    if not line:
        return []
    closing = re.search(r"(?:^|[ \t])(#+)[ \t]*$", line)
    if closing:  # a trailing "#" run would be read as the heading's closing sequence
        line = line[: closing.start(1)] + "\\" + line[closing.start(1) :]
    return ["#" * int(el.tag[1]) + " " + line]


def _indent(text: str, first: str, rest: str) -> str:
    lines = text.split("\n")
    return "\n".join([first + lines[0]] + [rest + line if line else "" for line in lines[1:]])


_LIST_BLOCK = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?: |$)")


def _item(blocks: list[str], marker: str) -> str:
    parts = blocks[:1]
    for block in blocks[1:]:  # a nested list follows its paragraph directly
        parts.append(("\n" if _LIST_BLOCK.match(block) else "\n\n") + block)
    return _indent("".join(parts), marker + " ", " " * (len(marker) + 1))


def _list_items(el: etree._Element, ctx: Ctx) -> list[list[str]]:
    """The blocks of each item. Stray content after an item (text or tags between the
    ``<li>``s) becomes blocks of that item, apart from its own, as in the text output."""
    items: list[list[str]] = []
    stray: list[Piece] = []
    for piece in [*_pieces(el), None]:
        if (isinstance(piece, etree._Element) and piece.tag == "li") or piece is None:
            blocks = _flow(stray, ctx)
            if blocks and items:
                items[-1] += blocks
            elif blocks:
                items.append(blocks)
            stray = []
            if piece is not None:
                items.append(_flow(_pieces(piece), ctx))
        else:
            stray.append(piece)
    return [blocks for blocks in items if blocks]


def _list(el: etree._Element, ctx: Ctx) -> list[str]:
    """``<ul>``, ``<ol start>``: a bullet (``-``) or ordered (``1.``) list, nested by indent."""
    start = el.get("start", "1").strip()
    number = int(start) if el.tag == "ol" and start.isdigit() and len(start) < 10 else 1
    inner = replace(ctx, other_marker=False)
    rendered = _list_items(el, inner)
    bullet, delimiter = ("*", ")") if ctx.other_marker else ("-", ".")
    items = []
    for offset, blocks in enumerate(rendered):
        marker = f"{number + offset}{delimiter}" if el.tag == "ol" else bullet
        items.append(_item(blocks, marker))
    if not items:
        return []
    tight = all(
        len(blocks) == 1 or all(_LIST_BLOCK.match(b) for b in blocks[1:]) for blocks in rendered
    )
    return [("\n" if tight else "\n\n").join(items)]


def _list_item(el: etree._Element, ctx: Ctx) -> list[str]:
    """An ``<li>`` outside a list: a bullet item."""
    blocks = _container(el, ctx)
    return [_item(blocks, "-")] if blocks else []


def _blockquote(el: etree._Element, ctx: Ctx) -> list[str]:
    """``<blockquote>``: ``> `` before each line of the blocks it holds."""
    blocks = _container(el, ctx)
    if not blocks:
        return []
    return [
        "\n".join(">" + (" " + line if line else "") for line in join_blocks(blocks).split("\n"))
    ]


def _pre_text(el: etree._Element) -> str:
    parts: list[str] = []
    for piece in _pieces(el):
        if isinstance(piece, str):
            parts.append(piece)
        elif piece.tag == "br":
            parts.append("\n")
        elif isinstance(piece.tag, str) and piece.tag not in SKIP_TAGS:
            parts.append(_pre_text(piece))
    return "".join(parts)


def _pre(el: etree._Element, ctx: Ctx) -> list[str]:
    """``<pre>``: a fenced code block (``language-x`` classes give the info string).

    Code holding ``<tag``-like text is written as a ``<pre><code>`` HTML block with
    escaped content, so that cleaning the Markdown again as HTML finds no tag in it.
    """
    if el in ctx.holders:
        return _container(el, ctx)
    code = _pre_text(el)
    code = code[1:] if code.startswith("\n") else code
    code = code.rstrip("\n")
    if not code.strip("\n"):
        return []
    classes = " ".join(e.get("class", "") for e in (el, *el.iterchildren("code")))
    match = _LANGUAGE.search(classes)
    language = match.group(1) if match else ""
    if _TAG_START.search(code):
        attr = f' class="language-{language}"' if language else ""
        return [f"<pre><code{attr}>" + html.escape(code, quote=False) + "</code></pre>"]
    longest = max((len(run) for run in re.findall(r"^[ \t]*(`{3,})", code, re.M)), default=2)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{language}\n{code}\n{fence}"]


_HTML_PRE = "<pre><code"


def join_blocks(blocks: list[str]) -> str:
    """Blocks separated by a blank line; two ``<pre><code>`` HTML blocks by a newline.

    An HTML ``<pre>`` block ends at its ``</pre>`` line, so the next one needs no blank
    line; with one, cleaning the Markdown again as HTML would find a blank-line run
    between two blocks for tidy-blank-lines to collapse.
    """
    out: list[str] = []
    for index, block in enumerate(blocks):
        if index:
            html_pair = block.startswith(_HTML_PRE) and blocks[index - 1].startswith(_HTML_PRE)
            out.append("\n" if html_pair else "\n\n")
        out.append(block)
    return "".join(out)


def _rule(el: etree._Element, ctx: Ctx) -> list[str]:
    """``<hr>``: ``***`` (not ``---``, which could pass for a front-matter fence)."""
    return ["***"]


def _cells(row: etree._Element) -> list[etree._Element]:
    return [cell for cell in row if cell.tag in CELL_TAGS]


def _span(cell: etree._Element, name: str, limit: int) -> int:
    value = (cell.get(name) or "1").strip()
    return max(1, min(int(value), limit)) if value.isdigit() else 1


def _grid(rows: list[etree._Element], ctx: Ctx) -> list[str]:
    """A GFM table; spanned cells are left empty, every row is as wide as the widest."""
    grid: dict[tuple[int, int], str] = {}
    for r, row in enumerate(rows):
        c = 0
        for cell in _cells(row):
            while (r, c) in grid:
                c += 1
            text = _one_line(_inline(cell, ctx), trim=False)
            # a GFM table takes one backslash off each "\|" before it reads the cell
            text = text.replace("|", "\\|")
            colspan = _span(cell, "colspan", 1000)
            rowspan = _span(cell, "rowspan", len(rows) - r)
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = text if dr == dc == 0 else ""
            c += colspan
    if not grid:
        return []
    width = max(c for _, c in grid) + 1
    lines = []
    for r in range(len(rows)):
        lines.append("| " + " | ".join(grid.get((r, c), "") for c in range(width)) + " |")
        if r == 0:
            lines.append("|" + "---|" * width)
    return ["\n".join(lines)]


def _is_grid_row(piece: Piece | None, ctx: Ctx) -> bool:
    if not isinstance(piece, etree._Element) or piece.tag != "tr":
        return False
    return not any(cell in ctx.holders for cell in _cells(piece))


def _rows(pieces: list[Piece], ctx: Ctx, *, layout: bool) -> list[str]:
    """Runs of rows with inline cells become GFM tables; anything else renders as blocks."""
    blocks: list[str] = []
    group: list[etree._Element] = []
    end: list[Piece | None] = [None]  # where the last rows are written
    for piece in [*pieces, *end]:
        if isinstance(piece, str) and not piece.strip():
            continue
        if not layout and _is_grid_row(piece, ctx):
            group.append(piece)  # type: ignore[arg-type]
            continue
        if group:
            blocks.extend(_grid(group, ctx))
            group = []
        if isinstance(piece, etree._Element) and piece.tag == "tr":
            blocks.extend(_container(piece, ctx))
        elif piece is not None:
            blocks.extend(_flow([piece], ctx))
    return blocks


def _table(el: etree._Element, ctx: Ctx) -> list[str]:
    """``<table>``: a GFM table for runs of rows with inline cells, blocks for the rest.

    A table of one column is layout, not data: its cells render as the blocks they hold.
    """
    pieces: list[Piece] = []
    for piece in _pieces(el):
        if isinstance(piece, etree._Element) and piece.tag in ("thead", "tbody", "tfoot"):
            pieces.extend(_pieces(piece))
        elif not isinstance(piece, etree._Element) or piece.tag not in ("col", "colgroup"):
            pieces.append(piece)
    rows = [p for p in pieces if isinstance(p, etree._Element) and p.tag == "tr"]
    return _rows(pieces, ctx, layout=all(len(_cells(row)) <= 1 for row in rows))


def _row(el: etree._Element, ctx: Ctx) -> list[str]:
    """A ``<tr>`` outside a ``<table>``: a one-row table, or the blocks it holds."""
    return _rows([el], ctx, layout=len(_cells(el)) <= 1)


BLOCKS: Mapping[str, BlockRenderer] = MappingProxyType(
    {
        "h1": _heading,
        "h2": _heading,
        "h3": _heading,
        "h4": _heading,
        "h5": _heading,
        "h6": _heading,
        "ul": _list,
        "ol": _list,
        "li": _list_item,
        "blockquote": _blockquote,
        "pre": _pre,
        "hr": _rule,
        "table": _table,
        "tr": _row,
    }
)
"""Block renderers by tag; any other block tag (``p``, ``div``, ...) renders its content."""


def _plain_blocks(root: etree._Element) -> list[str]:
    """The text output's blocks as escaped paragraphs, without recursion."""
    out: list[str] = []
    for block in text_blocks(root):
        toks: list[Tok] = []
        for line in block.split("\n"):
            toks += [Tok(TEXT, line), Tok(BREAK)]
        out += _paragraph(toks[:-1])
    return out


def render_markdown(doc: Document) -> str:
    """The document as Markdown: a post keeps its raw front matter on top.

    The front matter is followed by a blank line and the body; the body uses the
    input's newline style. A page renders its ``<body>``.
    """
    root = doc.root
    if not doc.is_fragment:
        body = root.find("body")
        root = body if body is not None else root
    try:
        blocks = _container(root, Ctx(holders=block_holders(root)))
    except RecursionError:  # markup nested hundreds deep: its text, as plain paragraphs
        blocks = _plain_blocks(root)
    text = join_blocks(blocks) + "\n" if blocks else ""
    if doc.newline != "\n":
        text = text.replace("\n", doc.newline)
    front = doc.front_matter
    if not front:
        return text
    if not front.endswith("\n"):
        front += doc.newline
    return front + doc.newline + text if text else front


def render(cleaned: Cleaned) -> str:
    """The ``markdown`` format of a cleaned document (see :func:`render_markdown`).

    A Markdown post is already Markdown: its cleaned self, as ``-t html`` writes it.
    """
    if cleaned.doc.markdown:
        from cleanhtml.render.html import render as as_html

        return as_html(cleaned)
    return render_markdown(cleaned.doc)
