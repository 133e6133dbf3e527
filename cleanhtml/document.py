"""Bytes in, bytes out: a scraped file as front matter + HTML tree + encoding + newline style.

A file is one of three kinds:

* a **post**: a YAML front-matter block (``---`` ... ``---``, blank lines before it
  allowed) followed by an HTML body (Hexo/Jekyll posts made from RSS feeds);
* a **fragment**: an HTML snippet with no ``<html>``/``<body>``; it stays a fragment;
* a **page**: a whole document; its doctype, ``<html>``, ``<head>`` and ``<body>`` are kept.

The front matter is kept as raw text and written back byte for byte. The body is
parsed once with libxml2's HTML parser. When no rule edits the tree, :func:`dump`
returns the input bytes unchanged (lxml re-serialization is not byte-stable).

Loading never loses text silently. The encoding is chosen by :mod:`cleanhtml.encoding`
(binary files are refused there). Before parsing, NUL and other control characters
(which lxml cannot hold) are removed and form feeds become spaces. libxml2 stops
building the tree 2048 levels deep and drops everything below; such markup is
flattened (the deepest tags go, their text stays) and parsed again. Entities are
never expanded and nothing is fetched: libxml2's HTML parser reads a DTD's internal
subset as text, as browsers do. Each such repair is listed in ``Document.repairs``
and makes the document count as edited; notes that change nothing are in
``Document.warnings``.

This module holds the :class:`Document` and the two ways to build one (:func:`load`,
:func:`reparse`); each step has its own module: :mod:`cleanhtml.frontmatter` (where a
post's front matter ends), :mod:`cleanhtml.repairs` (text repairs before parsing),
:mod:`cleanhtml.parse` (libxml2, fragment or page), :mod:`cleanhtml.treefixes` (the
load-time tree fixes, one named step each, in :data:`~cleanhtml.treefixes.TREE_FIXES`)
and :mod:`cleanhtml.serialize` (back to text and bytes).
"""

from __future__ import annotations

import re

from lxml import etree

from cleanhtml import census as census_
from cleanhtml.census import Census
from cleanhtml.encoding import decode as decode_bytes
from cleanhtml.frontmatter import detect_newline, split_front_matter
from cleanhtml.parse import parse
from cleanhtml.repairs import (
    _FORM_FEED,
    _content_end,
    _may_hold_controls,
    _remove_control_chars,
    _remove_control_references,
)
from cleanhtml.serialize import dump, serialize_body, to_bytes, to_text
from cleanhtml.treefixes import TREE_FIXES

__all__ = [
    "MARKDOWN_SUFFIXES",
    "Document",
    "detect_newline",
    "dump",
    "load",
    "parse",
    "reparse",
    "serialize_body",
    "split_front_matter",
    "to_bytes",
    "to_text",
]

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".mdx")
"""File names whose body is read as Markdown even without front matter (here, not in
:mod:`cleanhtml.markdown_body`, so the cleaner asks before importing that module)."""

_XML_DECLARATION = re.compile(r"\A\s*<\?xml\s[^>]*>[ \t]*\n?", re.I)


_XML_ENCODING = re.compile(r"""(encoding\s*=\s*["'])([^"']*)(["'])""", re.I)


_PLACEHOLDER = etree.Element("body")
LET_GO_CHARS = 1 << 20
"""A UTF-8 body this long (characters) is parsed from its bytes alone (see :func:`load`)."""


class Document:
    """A loaded input. ``root`` is ``<body>`` for fragments and posts, ``<html>`` for pages.

    ``encoding`` names the codec the input was read with (``ascii`` for ASCII bytes);
    output is always UTF-8. ``prolog`` is an XML declaration the body started with
    (kept, with its ``encoding`` said as ``utf-8``). ``repairs`` lists what loading
    had to change (the document then counts as edited); ``warnings`` lists notes
    that changed nothing.
    """

    __slots__ = (
        "body", "body_start", "bom", "census", "encoding", "front_matter", "has_doctype",
        "is_fragment", "markdown", "newline", "prolog", "repairs", "root", "serialized",
        "source", "trailing", "warnings", "with_references",
    )  # fmt: skip

    source: bytes
    front_matter: str
    body: str | None
    """The HTML body as text, or None when it is the input's own UTF-8 bytes from
    ``body_start`` on (then :meth:`body_text` decodes it on demand, so a large input
    is not held twice while it is cleaned)."""
    root: etree._Element
    is_fragment: bool
    encoding: str
    newline: str
    bom: bool
    has_doctype: bool
    trailing: str
    repairs: list[str]
    warnings: list[str]
    prolog: str
    serialized: str | None
    """The body as :func:`serialize_body` would give it, when already known (set once
    cleaning is over, so the html output does not serialize the tree twice)."""
    census: Census | None
    """What the tree held when it was parsed (see :mod:`cleanhtml.census`); None after
    :func:`reparse` until the rules run again (settled output seldom needs one)."""
    body_start: int
    """Where the body starts in ``source`` (after a BOM and the front matter)."""
    with_references: str | None
    """The body as it was before character references to controls were removed (None
    when it held none). A Markdown post is read from it: Markdown takes ``&#1;`` in
    code, and ``&#1`` anywhere, as text, and must keep it byte for byte."""
    markdown: bool
    """True for a Markdown post (see :mod:`cleanhtml.markdown_body`): ``body`` and
    ``serialized`` hold the cleaned Markdown, ``root`` that Markdown rendered to HTML."""

    def __init__(
        self,
        source: bytes,
        front_matter: str,
        body: str | None,
        root: etree._Element,
        is_fragment: bool,
        encoding: str = "utf-8",
        newline: str = "\n",
        bom: bool = False,
        has_doctype: bool = False,
        trailing: str = "",
        repairs: list[str] | None = None,
        warnings: list[str] | None = None,
        prolog: str = "",
        serialized: str | None = None,
        census: Census | None = None,
        body_start: int = 0,
        with_references: str | None = None,
        markdown: bool = False,
    ) -> None:
        self.source = source
        self.front_matter = front_matter
        self.body = body
        self.root = root
        self.is_fragment = is_fragment
        self.encoding = encoding
        self.newline = newline
        self.bom = bom
        self.has_doctype = has_doctype
        self.trailing = trailing
        self.repairs = [] if repairs is None else repairs
        self.warnings = [] if warnings is None else warnings
        self.prolog = prolog
        self.serialized = serialized
        self.census = census
        self.body_start = body_start
        self.with_references = with_references
        self.markdown = markdown

    def body_text(self) -> str:
        """The HTML body as text (newlines as ``\\n``, after the XML declaration)."""
        if self.body is not None:
            return self.body
        text = self.source[self.body_start :].decode("utf-8")
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        return _split_prolog(text)[1]


def _foreign_repair(census: Census, repairs: list[str]) -> None:
    """SVG, MathML and CDATA are read differently by browsers (``<svg><title><img
    onerror=...>`` is text to libxml2, markup to a browser), so such input is always
    written from the parsed tree, where every text is escaped."""
    if census.cdata or census.has_tag("svg", "math"):
        repairs.append(
            "wrote SVG/MathML/CDATA from the parsed tree (browsers parse it differently)"
        )


def _split_prolog(body: str) -> tuple[str, str]:
    match = _XML_DECLARATION.match(body)
    if not match:
        return "", body
    return match.group(0), body[match.end() :]


def load(data: bytes, *, encoding: str | None = None) -> Document:
    """Read ``data`` into a :class:`Document`.

    Raises :class:`InputError` for binary data, undecodable bytes and markup that
    cannot be parsed without losing text.
    """
    decoded = decode_bytes(data, encoding=encoding)
    text, decoded.text = decoded.text, ""
    front_matter, body = split_front_matter(text)
    del text
    newline = detect_newline(front_matter or body)
    # the body's UTF-8 bytes, when they are the input's own: parsed without a copy
    raw: bytes | None = None
    start = 0
    if decoded.is_utf8 and not (decoded.how == "bom" and decoded.warnings):
        start = (3 if decoded.bom else 0) + len(front_matter.encode("utf-8"))
        raw = data[start:] if start else data
    if "\r" in body:
        body = body.replace("\r\n", "\n").replace("\r", "\n")
        raw = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n") if raw is not None else None
    unrepaired = body
    repairs: list[str] = []
    if not decoded.is_utf8:
        repairs.append(f"re-encoded from {decoded.encoding} to utf-8")
    if _may_hold_controls(data, decoded.encoding, body):
        body = _remove_control_chars(body, repairs)
    elif _FORM_FEED in body:
        body = body.replace(_FORM_FEED, " ")
        repairs.append("turned form feeds into spaces")
    kept = body
    body = _remove_control_references(body, repairs)
    with_references = None if body is kept else _split_prolog(kept)[1]
    del kept
    if body is not unrepaired:
        raw = None
    prolog, body = _split_prolog(body)
    if prolog and raw is not None:
        raw = raw[len(prolog.encode("utf-8")) :]
    # said as utf-8 here and in the tree, so any re-serialized output says so; a repair
    # (forcing the rewrite) only when the input bytes were not UTF-8 already
    prolog = _XML_ENCODING.sub(lambda m: m.group(1) + "utf-8" + m.group(3), prolog)
    from_source = raw is not None  # body_text() can decode it again: let the text go
    del unrepaired
    let_go = from_source and len(body) >= LET_GO_CHARS
    tail = ""
    if let_go:
        # parse() decodes it again from raw and lets it go while libxml2 builds the
        # tree from raw: a large input's text (as large as the input again) and its
        # tree (five times) are never in memory together
        tail = body[_content_end(body) :]  # what follows a page's markup
        body = ""
    root, is_fragment, has_doctype = parse(None if let_go else body, repairs=repairs, raw=raw)
    del raw
    census: Census | None = None
    # the markup whose comments the tree holds as they were written (flattening drops
    # tags, inside comments too; a large body was let go): the census reads a comment
    # only when this holds a marker it looks for
    parsed = None if let_go or any(note.startswith("flattened") for note in repairs) else body
    for fix in TREE_FIXES:  # in order; the census is taken before the first fix reading it
        if fix.needs_census and census is None:
            census = census_.take(root, parsed)  # after the last load-time edit that makes elements
        if fix.apply(root, census) and fix.repair:
            repairs.append(fix.repair)
    if census is None:
        census = census_.take(root, parsed)
    _foreign_repair(census, repairs)
    if not (is_fragment or let_go):
        tail = body[_content_end(body) :]
    return Document(
        source=data,
        front_matter=front_matter,
        body=None if from_source else body,
        body_start=start,
        root=root,
        is_fragment=is_fragment,
        encoding=decoded.encoding,
        newline=newline,
        bom=decoded.bom,
        has_doctype=has_doctype,
        trailing="" if is_fragment else tail,
        repairs=repairs,
        warnings=decoded.warnings,
        prolog=prolog,
        census=census,
        with_references=with_references,
    )


def reparse(doc: Document, html: str) -> None:
    """Replace ``doc``'s tree with one parsed from ``html``, its own serialization.

    Rules can leave a tree HTML syntax cannot express (a ``<p>`` left directly in a
    ``<b>``); parsing the output then builds another tree. The API parses the output
    again until it stands still, so cleaning is idempotent. The old tree is let go
    before the new one is built, so memory does not double.
    """
    doc.root, doc.census, doc.serialized = _PLACEHOLDER, None, None  # let the old tree go
    prolog, body = _split_prolog(html)
    root, is_fragment, has_doctype = parse(body, repairs=[], own=True)
    for fix in TREE_FIXES:
        if fix.on_reparse:
            fix.apply(root, None)
    doc.root, doc.body, doc.prolog = root, body, prolog
    doc.is_fragment, doc.has_doctype = is_fragment, has_doctype
    doc.trailing = "" if is_fragment else body[_content_end(body) :]
