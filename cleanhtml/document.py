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

import functools
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from lxml import etree

from cleanhtml import census as census_
from cleanhtml.census import Census
from cleanhtml.encoding import decode as decode_bytes
from cleanhtml.errors import InputError
from cleanhtml.frontmatter import detect_newline, split_front_matter
from cleanhtml.parse import Chunks, parse
from cleanhtml.repairs import (
    _FORM_FEED,
    _content_end,
    _may_hold_controls,
    _remove_control_chars,
    _remove_control_references,
)
from cleanhtml.serialize import dump, serialize_body, to_bytes, to_text, write
from cleanhtml.treefixes import TREE_FIXES

if TYPE_CHECKING:
    from cleanhtml.pipeline import Needles
    from cleanhtml.rule import Rule

__all__ = [
    "MARKDOWN_SUFFIXES",
    "Document",
    "Handed",
    "detect_newline",
    "dump",
    "load",
    "parse",
    "reparse",
    "serialize_body",
    "split_front_matter",
    "to_bytes",
    "to_text",
    "write",
]

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".mdx")
"""File names whose body is read as Markdown even without front matter (here, not in
:mod:`cleanhtml.markdown_body`, so the cleaner asks before importing that module)."""


@functools.cache
def _xml_declaration() -> re.Pattern[str]:
    """An XML declaration opening the text (compiled for the first text that may hold one:
    most never do, and the pattern costs about a tenth of a post's cleaning to compile)."""
    return re.compile(r"\A\s*<\?xml\s[^>]*>[ \t]*\n?", re.I)


@functools.cache
def _xml_encoding() -> re.Pattern[str]:
    """The encoding a declaration names (compiled for the first declaration)."""
    return re.compile(r"""(encoding\s*=\s*["'])([^"']*)(["'])""", re.I)


_PROLOG_LOOK = 4096
"""Characters at the start of a text looked at to tell it opens with no declaration."""


_PLACEHOLDER = etree.Element("body")
LET_GO_CHARS = 1 << 20
KEPT_TEXT_MAX = 1 << 20
"""Bodies of up to this many characters keep their decoded text (see
:attr:`Document.decoded`) when it is the input's own."""
"""A UTF-8 body this long (characters) is parsed from its bytes alone (see :func:`load`)."""
LEAD_BYTES = 4096
"""How much of the body's start a document whose input was let go keeps (see
:meth:`Document.lead`)."""


class Handed:
    """Input bytes handed over to :func:`load`, which takes them out of here.

    The caller keeps no reference to them, so a large input is freed while libxml2
    builds its tree and is not held while it is cleaned (peak memory: the tree is
    about five times the input). ``again`` gives the same bytes back (the runner reads
    the file again) for the few things that need them after cleaning: a document no
    rule touched is written as it came. :func:`load` checks that they are the same
    (size and digest) and refuses them otherwise.
    """

    __slots__ = ("again", "data")

    def __init__(self, data: bytes, again: Callable[[], bytes]) -> None:
        self.data: bytes | None = data
        self.again = again

    def take(self) -> bytes:
        """The bytes, no longer held here."""
        data, self.data = self.data, None
        if data is None:
            raise ValueError("the input was taken already")
        return data


class Document:
    """A loaded input. ``root`` is ``<body>`` for fragments and posts, ``<html>`` for pages.

    ``encoding`` names the codec the input was read with (``ascii`` for ASCII bytes);
    output is always UTF-8. ``prolog`` is an XML declaration the body started with
    (kept, with its ``encoding`` said as ``utf-8``). ``repairs`` lists what loading
    had to change (the document then counts as edited); ``warnings`` lists notes
    that changed nothing.
    """

    __slots__ = (
        "_lead", "_source", "again", "body", "body_start", "bom", "census", "decoded", "digest",
        "encoding", "front_matter", "has_doctype", "is_fragment", "markdown", "needles",
        "newline", "prolog", "repairs", "root", "serialized", "size", "trailing",
        "warnings", "with_references",
    )  # fmt: skip

    _source: bytes | None
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
    size: int
    """The input's size in bytes."""
    again: Callable[[], bytes] | None
    """Gives the input's bytes again once they were let go (see :class:`Handed`)."""
    digest: bytes
    """The input's BLAKE2b digest, when it was let go (else empty)."""
    needles: Needles | None
    """The rules' needles, answered before the input was let go (else None: the
    pipeline scans the input itself)."""
    decoded: str | None
    """The input's bytes from ``body_start`` on, decoded, when :func:`load` read them
    unchanged as the body (no ``\r``, XML declaration or repair) and they are at most
    :data:`cleanhtml.pipeline.DECODED_MAX` bytes: the rules' needles with Chinese
    characters are looked for in it (see :class:`cleanhtml.pipeline.Needles`), which
    would otherwise decode the same bytes again. None otherwise."""
    _lead: bytes

    def __init__(
        self,
        source: bytes | None,
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
        self._source = source
        self.size = 0 if source is None else len(source)
        self.again = None
        self.digest = b""
        self.needles = None
        self.decoded = None
        self._lead = b""
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

    @property
    def source(self) -> bytes:
        """The input's bytes. When they were let go while the document was cleaned
        (see :class:`Handed`) they are read again, each time, and must be the same."""
        if self._source is not None:
            return self._source
        if self.again is None:
            raise ValueError("the input was let go and cannot be read again")
        return _same_input(self.again(), self.size, self.digest)

    @source.setter
    def source(self, value: bytes) -> None:
        self._source, self.size = value, len(value)

    @property
    def held(self) -> bool:
        """True while the document holds its input's bytes (it lets a large handed-over
        input go: see :class:`Handed`)."""
        return self._source is not None

    def lead(self, size: int) -> bytes:
        """The first ``size`` bytes of the body (up to :data:`LEAD_BYTES`), without
        reading a let-go input again."""
        if self._source is None:
            return self._lead[:size]
        return self._source[self.body_start : self.body_start + size]

    def is_input(self, data: bytes) -> bool:
        """True when ``data`` are the input's bytes (told by size and digest once the
        input was let go: it is not read again for this)."""
        if self._source is not None:
            return data is self._source or data == self._source
        return len(data) == self.size and _digest(data) == self.digest

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


def _flattened(repairs: list[str]) -> bool:
    """True when a repair note says the markup was flattened (its tags dropped)."""
    for note in repairs:  # noqa: SIM110 (a loop: a generator costs more)
        if note.startswith("flattened"):
            return True
    return False


def _split_prolog(body: str) -> tuple[str, str]:
    # lstrip and the pattern's \s strip the same characters (Unicode whitespace): a
    # head that opens with anything but "<?" after them opens no declaration
    head = body[:_PROLOG_LOOK].lstrip()
    if head and not head.startswith("<?"):
        return "", body
    match = _xml_declaration().match(body)
    if not match:
        return "", body
    return match.group(0), body[match.end() :]


def load(
    data: bytes | Handed, *, encoding: str | None = None, rules: Sequence[Rule] = ()
) -> Document:
    """Read ``data`` into a :class:`Document`.

    Input :class:`Handed` over is let go when it is a large UTF-8 body without front
    matter (:data:`LET_GO_CHARS` characters or more): ``rules``' needles are answered
    first (see :meth:`cleanhtml.pipeline.Needles.settle`), then libxml2 reads the body
    in pieces that are freed as it goes, so the input and the whole tree are never in
    memory together, nor the input while the document is cleaned.

    Raises :class:`InputError` for binary data, undecodable bytes and markup that
    cannot be parsed without losing text.
    """
    again = None
    if isinstance(data, Handed):
        again, data = data.again, data.take()
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
    crlf = "\r" in body
    if crlf:
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
    fast = census_._fast_control_reference
    # (raw holds the body's bytes while no control character was removed)
    holds = fast(raw) if fast is not None and raw is not None and body is unrepaired else None
    body = _remove_control_references(body, repairs, holds)
    with_references = None if body is kept else _split_prolog(kept)[1]
    del kept
    if body is not unrepaired:
        raw = None
    prolog, body = _split_prolog(body)
    cut = len(prolog.encode("utf-8")) if prolog else 0  # the declaration's bytes
    if cut and raw is not None:
        raw = raw[cut:]
    # said as utf-8 here and in the tree, so any re-serialized output says so; a repair
    # (forcing the rewrite) only when the input bytes were not UTF-8 already
    if prolog:
        prolog = _xml_encoding().sub(lambda m: m.group(1) + "utf-8" + m.group(3), prolog)
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
    size, source, freed = len(data), data, let_go and again is not None and not front_matter
    digest, lead, needles = b"", b"", None
    to_parse: bytes | Chunks | None = raw
    if freed:  # the input itself goes too: the tree is built from pieces freed as read
        assert again is not None and raw is not None
        from cleanhtml.pipeline import Needles

        needles = Needles(None, rules, source=data[start:] if start else data)
        needles.settle()
        digest, lead = _digest(data), data[start : start + LEAD_BYTES]
        reread = _reader(again, size, digest, start, crlf, cut)
        to_parse = Chunks(raw, reread)
        data = source = b""
        raw = None
    root, is_fragment, has_doctype = parse(None if let_go else body, repairs=repairs, raw=to_parse)
    del raw, to_parse
    census: Census | None = None
    # the markup whose comments the tree holds as they were written (flattening drops
    # tags, inside comments too; a large body was let go): the census reads a comment
    # only when this holds a marker it looks for
    parsed = None if let_go or _flattened(repairs) else body
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
    doc = Document(
        source=None if freed else source,
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
    if freed:
        doc.size, doc.again, doc.digest, doc._lead = size, again, digest, lead
        doc.needles = needles
    elif from_source and not (crlf or cut or let_go) and len(body) <= KEPT_TEXT_MAX:
        doc.decoded = body  # (the text of raw, as it came: see Document.decoded)
    return doc


def _digest(data: bytes) -> bytes:
    """A digest of the input, to know it again (BLAKE2b, 256 bits)."""
    try:  # only for large inputs; hashlib's, without its import of OpenSSL (~7 ms)
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - another Python
        from hashlib import blake2b
    return blake2b(data, digest_size=32).digest()


def _same_input(data: bytes, size: int, digest: bytes) -> bytes:
    """``data``, read again, when it is the input that was let go; else InputError."""
    if len(data) != size or _digest(data) != digest:
        raise InputError("changed while it was being cleaned; read it again")
    return data


def _reader(
    again: Callable[[], bytes], size: int, digest: bytes, start: int, crlf: bool, prolog: int
) -> Callable[[], bytes]:
    """What gives the body's UTF-8 bytes as :func:`load` parses them (after the BOM and
    front matter, newlines as ``\\n``, without the XML declaration), from the input read
    again: for a repair after the parse that reads the text again (see :class:`Chunks`)."""

    def body() -> bytes:
        data = _same_input(again(), size, digest)
        raw = data[start:] if start else data
        del data
        if crlf:
            raw = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        return raw[prolog:] if prolog else raw

    return body


def reparse(doc: Document, html: str) -> None:
    """Replace ``doc``'s tree with one parsed from ``html``, its own serialization.

    Rules can leave a tree HTML syntax cannot express (a ``<p>`` left directly in a
    ``<b>``); parsing the output then builds another tree. The API parses the output
    again until it stands still, so cleaning is idempotent. The old tree is let go
    before the new one is built, so memory does not double.
    """
    doc.root, doc.census, doc.serialized = _PLACEHOLDER, None, None  # let the old tree go
    doc.needles = None  # they were the input's: the rules now read this output
    doc.decoded = None
    prolog, body = _split_prolog(html)
    root, is_fragment, has_doctype = parse(body, repairs=[], own=True)
    for fix in TREE_FIXES:
        if fix.on_reparse:
            fix.apply(root, None)
    doc.root, doc.body, doc.prolog = root, body, prolog
    doc.is_fragment, doc.has_doctype = is_fragment, has_doctype
    doc.trailing = "" if is_fragment else body[_content_end(body) :]
