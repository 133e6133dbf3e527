"""Reading a site's article out of a page script, for the site modules that need it.

Some templates send the article only as data for the page's script: CCTV's 2026 pages
as a JavaScript string (``var contentdate = '<p>…</p>';``), cls.cn's as Next.js page
data (``<script id="__NEXT_DATA__" type="application/json">``). The helpers here find
such a script, decode its string or JSON with linear scans (``str.find`` and the C
``json`` module, no regular expression over the script), and graft the article's markup
into the site's container, before the safety rules run: the grafted elements then go
through every safety rule (their scripts, handlers and script URLs removed) and every
later rule, as if the page had held them.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from cleanhtml.rule import Context

MAX_SCRIPT_CHARS = 4_000_000
"""A script longer than this is not read (an article's data is far shorter)."""
MAX_BODY_CHARS = 2_000_000
"""An article's markup longer than this is not grafted."""

_ESCAPES = {
    "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "v": "\v", "0": "\0",
    "'": "'", '"': '"', "\\": "\\", "/": "/", "\n": "", "\r": "", "\u2028": "", "\u2029": "",
}  # fmt: skip
"""JavaScript's single-character escapes (a backslash before a line end continues the line)."""


def inline_scripts(root: etree._Element, needle: str) -> Iterator[etree._Element]:
    """The ``<script>`` elements without ``src`` whose text holds ``needle``."""
    for script in root.iter("script"):
        text = script.text
        if text and needle in text and script.get("src") is None:
            yield script


def js_string(text: str, start: int) -> str | None:
    """The JavaScript string literal opening at ``text[start]`` (``'`` or ``"``), decoded.

    None when ``text[start]`` is no quote or the literal is not closed. Escapes are
    read as JavaScript reads them (``\\'``, ``\\n``, ``\\xHH``, ``\\uHHHH`` with surrogate
    pairs joined, ``\\u{H…}``; any other escaped character stands for itself). One
    pass: each ``find`` starts where the last one stopped.
    """
    quote = text[start : start + 1]
    if quote not in ("'", '"'):
        return None
    parts: list[str] = []
    at = start + 1
    closing = text.find(quote, at)
    while closing >= 0:
        slash = text.find("\\", at, closing)
        if slash < 0:
            parts.append(text[at:closing])
            return _joined(parts)
        parts.append(text[at:slash])
        char = text[slash + 1 : slash + 2]
        at = slash + 2
        if char in ("x", "u"):
            digits, at = _code_point(text, char, at)
            if digits is None:
                return None
            parts.append(digits)
        elif char:
            parts.append(_ESCAPES.get(char, char))
        else:
            return None
        if at > closing:  # the escape took the quote found: look for the next one
            closing = text.find(quote, at)
    return None


def _joined(parts: list[str]) -> str:
    """``parts`` joined, with ``\\uD83D\\uDE00``-style surrogate pairs made one character
    (a lone surrogate becomes U+FFFD)."""
    joined = "".join(parts)
    try:
        joined.encode("utf-8")
    except UnicodeEncodeError:
        joined = joined.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return joined


def _code_point(text: str, kind: str, at: int) -> tuple[str | None, int]:
    """The character of a ``\\xHH``/``\\uHHHH``/``\\u{H…}`` escape whose digits start at
    ``at``, and where the escape ends (None for a malformed one)."""
    if kind == "u" and text[at : at + 1] == "{":
        end = text.find("}", at, at + 9)
        digits, after = (text[at + 1 : end], end + 1) if end > at + 1 else ("", at)
    else:
        width = 2 if kind == "x" else 4
        digits, after = text[at : at + width], at + width
        if len(digits) != width:
            digits = ""
    try:
        value = int(digits, 16) if digits and digits.isascii() and digits.isalnum() else -1
        return (chr(value), after) if value >= 0 else (None, at)
    except ValueError:  # not hex, or past U+10FFFF
        return None, at


def assigned_string(text: str, name: str) -> str | None:
    """The string literal assigned to the variable ``name`` in ``text`` (``var name =
    '…';``, ``name="…"``), decoded; None when there is none. ``name`` must stand as a
    whole word (``xcontentdate`` is another variable)."""
    at = text.find(name)
    while at >= 0:
        before = text[at - 1 : at]
        after = at + len(name)
        if not (before.isalnum() or before in ("_", "$", ".")):
            rest = text[after : after + 64]
            stripped = rest.lstrip()
            if stripped.startswith("=") and not stripped.startswith("=="):
                value = stripped[1:].lstrip()
                found = js_string(text, after + len(rest) - len(value))
                if found is not None:
                    return found
        at = text.find(name, after)
    return None


def is_empty(el: etree._Element) -> bool:
    """True when ``el`` holds no text and no image (a container the script fills)."""
    from cleanhtml.treeops import text_of

    return not text_of(el).strip() and next(el.iter("img"), None) is None


def parse_fragment(markup: str) -> etree._Element | None:
    """``markup`` (an article's HTML) parsed into a ``<div>``; None when it is longer
    than :data:`MAX_BODY_CHARS`, does not parse, or holds no text and no image."""
    from lxml import html as lxml_html

    if not markup.strip() or len(markup) > MAX_BODY_CHARS:
        return None
    try:
        parsed = lxml_html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return None
    return None if is_empty(parsed) else parsed


def graft(
    root: etree._Element, ctx: Context, holder: etree._Element, parsed: etree._Element, markup: str
) -> None:
    """Move the content of ``parsed`` (:func:`parse_fragment` of ``markup``) to the end
    of ``holder``.

    The parsed elements are what the page's script would have shown; the census is
    taken again and the needle scan told (:meth:`Context.grafted`), so the safety rules
    and every later rule see them.
    """
    if len(holder):
        last = holder[-1]
        last.tail = (last.tail or "") + (parsed.text or "")
    else:
        holder.text = (holder.text or "") + (parsed.text or "")
    for child in list(parsed):
        holder.append(child)  # moves it, with its tail
    ctx.grafted(root, markup)
