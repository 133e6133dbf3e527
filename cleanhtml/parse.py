"""Parsing: libxml2's HTML parser, fragment or page, depth and raw-text checks."""

from __future__ import annotations

import functools
import re
from collections import deque
from collections.abc import Callable
from typing import IO, cast

from lxml import etree

from cleanhtml import census as census_
from cleanhtml.errors import InputError
from cleanhtml.repairs import (
    RAW_TEXT_TAGS,
    _bound_attributes,
    _close_unterminated_comment,
    _close_unterminated_raw_text,
    _drop_cut_tag,
    _end_of,
    _flatten,
    _markup_line,
    _reopen_closed_body,
    comment_end,
)

# what r"<!doctype|<html[\s>]|<head[\s>]|<body[\s>]" finds with re.I (no other
# character case-folds to one of these letters), spelled out so that the pattern opens
# with a literal "<": the engine then steps to each "<" instead of testing a class at
# every character (a fragment is searched to its end: 1.4 times the instructions)
_PAGE_START = re.compile(
    r"<(?:![dD][oO][cC][tT][yY][pP][eE]|[hH](?:[tT][mM][lL]|[eE][aA][dD])[\s>]|[bB][oO][dD][yY][\s>])"
)


@functools.cache
def _spaces() -> re.Pattern[str]:
    return re.compile(r"\s*")


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


MAX_DEPTH = 1024
"""Markup nested deeper than this is flattened before parsing (libxml2 stops at 2048)."""


_FRAGMENT_OPEN = "<html><body>"


def _parser_repairs(parser: etree.HTMLParser, repairs: list[str]) -> None:
    """Record what libxml2 dropped or reads unlike a browser, so the output is re-serialized.

    A second ``<body>``/``<html>``/``<head>`` tag is dropped with its attributes
    (a browser would add ``onload=...`` to the page).
    """
    for error in parser.error_log:
        if error.message.startswith("htmlParseStartTag: misplaced <"):
            tag = error.message.rsplit("<", 1)[-1].rstrip(">").split(">")[0]
            repairs.append(f"dropped a misplaced <{tag}> tag and its attributes")


def _too_deep(parser: etree.HTMLParser) -> bool:
    for error in parser.error_log:  # noqa: SIM110 (a loop: a generator costs more)
        if error.type_name == "ERR_RESOURCE_LIMIT":
            return True
    return False


CHUNK_BYTES = 1 << 20
"""The size of the pieces a let-go input is read in (see :class:`Chunks`)."""


class Chunks:
    """UTF-8 bytes to parse, held in pieces that libxml2 reads one after another (lxml
    calls :meth:`read`) and that are let go as it reads them: a large input and its
    whole tree are never in memory together (the tree is about five times the input).

    libxml2 reads a document from pieces exactly as from one buffer (the same parser,
    fed by its input callbacks). ``again`` gives the bytes back when asked for once
    reading began (a repair after the parse reads the text again).
    """

    __slots__ = ("again", "pieces", "started")

    def __init__(self, data: bytes, again: Callable[[], bytes]) -> None:
        self.pieces = deque(data[at : at + CHUNK_BYTES] for at in range(0, len(data), CHUNK_BYTES))
        self.again, self.started = again, False

    def read(self, size: int = -1) -> bytes:
        """The next piece (empty at the end), no longer held here."""
        self.started = True
        return self.pieces.popleft() if self.pieces else b""

    def put_first(self, data: bytes) -> None:
        """Read ``data`` before the rest (a fragment's ``<html><body>``)."""
        self.pieces.appendleft(data)

    def whole(self) -> bytes:
        """All the bytes: joined if none was read yet, else read again."""
        return self.again() if self.started else b"".join(self.pieces)


class _Text:
    """The text being parsed, which may be let go while libxml2 builds the tree from
    its UTF-8 bytes ``raw`` (peak memory: a large input's text is about as large as the
    input again); asked for later, it is decoded from them again."""

    __slots__ = ("raw", "value")

    def __init__(self, value: str | None, raw: bytes | Chunks | None) -> None:
        if value is None and raw is None:
            raise ValueError("a text to parse, or its UTF-8 bytes")
        self.value, self.raw = value, raw

    def get(self) -> str:
        if self.value is None:
            assert self.raw is not None
            raw = self.raw if isinstance(self.raw, bytes) else self.raw.whole()
            self.value = raw.decode("utf-8")
        return self.value

    def let_go(self) -> None:
        """Forget the text, when the bytes can give it back."""
        if self.raw is not None:
            self.value = None


def _parse_markup(
    markup: _Text | str, repairs: list[str], raw: bytes | Chunks | None = None, prefix: str = ""
) -> etree._Element:
    """Parse ``prefix + markup`` with a fresh parser: ``huge_tree`` (no 10 MB text cap),
    no network, depth checked.

    ``raw`` is ``markup`` as UTF-8 bytes when the caller has them: libxml2 reads UTF-8
    bytes faster than a Python string (which it would convert first); as
    :class:`Chunks`, they are read in pieces let go as they are read.
    """
    parser = etree.HTMLParser(huge_tree=True, no_network=True, encoding="utf-8")
    try:
        if isinstance(raw, Chunks):
            if prefix:
                raw.put_first(prefix.encode())
            root = etree.parse(cast(IO[bytes], raw), parser).getroot()
        else:
            data = raw if raw is not None else _str(markup).encode("utf-8")
            root = etree.fromstring(prefix.encode() + data if prefix else data, parser)
            del data
        if not _too_deep(parser):
            _parser_repairs(parser, repairs)
            return root
        markup = _flatten(prefix + _str(markup), MAX_DEPTH)
        root = etree.fromstring(markup.encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:  # pragma: no cover - libxml2's HTML parser recovers
        raise InputError(f"cannot parse the markup: {exc}") from None
    if _too_deep(parser):
        raise InputError("markup nested too deeply to parse without losing text")
    _parser_repairs(parser, repairs)
    repairs.append(f"flattened markup nested deeper than {MAX_DEPTH} levels (its text is kept)")
    return root


def _str(markup: _Text | str) -> str:
    return markup if isinstance(markup, str) else markup.get()


def _starts_with_doctype(body: str) -> bool:
    """True when a doctype comes first, after whitespace and comments only.

    One forward scan: each comment is skipped by finding its ``-->`` (a pattern like
    ``(?:<!--.*?-->\\s*)*<!doctype`` backtracks exponentially on adjacent comments).
    """
    pos = _skip_spaces(body, 0)
    while body.startswith("<!--", pos):
        end = comment_end(body, pos)
        if end < 0:
            return False
        pos = _skip_spaces(body, end)
    return body[pos : pos + 9].lower() == "<!doctype"


def _skip_spaces(text: str, pos: int) -> int:
    """The position of the first non-whitespace character at or after ``pos``."""
    return _end_of(_spaces(), text, pos)


class _Unclosed:
    """Whether the last ``opener`` in ``text[:pos]`` has no ``closer`` after it there,
    asked for positions that only grow: every search goes forward, so all the
    questions together cost one pass over ``text``.

    A closer counts when it starts ``gap`` or more characters after the opener and
    ends by ``pos``.
    """

    def __init__(self, text: str, opener: str, closer: str, gap: int) -> None:
        self.text, self.opener, self.closer, self.gap = text, opener, closer, gap
        self.last = -1  # start of the last opener seen
        self.next = text.find(opener)  # start of the next one
        self.closed = False  # a closer of ``last`` was found
        self.searched = 0  # no closer of ``last`` starts before this

    def at(self, pos: int) -> bool:
        """True when ``text[:pos]`` ends inside an opener left unclosed."""
        text, opener, closer = self.text, self.opener, self.closer
        while self.next >= 0 and self.next + len(opener) <= pos:
            self.last, self.closed = self.next, False
            self.searched = self.last + self.gap
            self.next = text.find(opener, self.next + 1)
        if self.last < 0 or self.closed:
            return False
        found = text.find(closer, self.searched, pos)
        if found >= 0:
            self.closed = True
            return False
        self.searched = max(self.searched, pos - len(closer) + 1)
        return True


def _is_page(body: str) -> bool:
    """True when ``<html>``, ``<head>``, ``<body>`` or a doctype starts real markup.

    One named inside a comment or a script (``<!-- <body> -->``, ``"<html>"``) does
    not make a fragment a page: it would gain ``<html><body>``. The text before each
    candidate is judged by the last comment and raw-text tag opened in it; one
    forward pass (looking back from each candidate made many a page quadratic).
    """
    pos = 0
    comments: _Unclosed | None = None
    raw: list[tuple[str, _Unclosed]] = []
    lowered = ""
    while match := _PAGE_START.search(body, pos):
        if comments is None and "<" not in body[: match.start()]:
            return True  # no tag before it: no comment or raw text holds it (most pages)
        if comments is None:
            comments = _Unclosed(body, "<!--", "-->", 2)  # "<!-->" closes as it opens
            lowered = body.lower()
            if len(lowered) != len(body):  # "İ" lower-cases to two characters
                lowered = body.translate(_ASCII_LOWER)
            raw = [(tag, _Unclosed(lowered, f"<{tag}", f"</{tag}", 0)) for tag in RAW_TEXT_TAGS]
        if comments.at(match.start()):
            end = body.find("-->", match.start())
            pos = len(body) if end < 0 else end + 3
            continue
        for tag, unclosed in raw:
            if unclosed.at(match.start()):
                end = lowered.find(f"</{tag}", match.start())
                pos = len(body) if end < 0 else end
                break
        else:
            return True
    return False


def _swallowed_by_raw_text(root: etree._Element) -> bool:
    """True when a raw-text element (``<style>``, ``<script>``...) may have eaten the rest.

    One left open takes everything after it as its text, so it ends the document: it
    is the last node, and its text holds markup lines. Looking at the tree's last
    node costs nothing; the string repair runs only then.
    """
    last = root.getroottree().getroot()
    while len(last):
        last = last[-1]
    return (
        isinstance(last.tag, str)
        and last.tag in RAW_TEXT_TAGS
        and bool(last.text and _markup_line().search(last.text))
    )


def _parse_once(
    text: _Text, repairs: list[str], raw: bytes | Chunks | None, *, own: bool = False
) -> tuple[etree._Element, bool, bool]:
    """The text repairs a parse needs first, then the parse itself, from ``raw`` (the
    text's UTF-8 bytes, when given) if no repair changed the text. ``own`` text is
    cleanhtml's serialization of a tree it parsed: its tags were bounded then. When
    the parse reads ``raw``, ``text`` lets its text go first (see :func:`parse`)."""
    body = before = text.get()
    body = _close_unterminated_comment(body, repairs)
    body = _drop_cut_tag(body, repairs)
    if not own:
        body = _bound_attributes(body, repairs)
    if _is_page(body):
        fast = census_._fast_body_end
        # (raw holds the text's bytes while no repair above changed it)
        start = fast(raw) if fast is not None and body is before and type(raw) is bytes else 0
        body = _reopen_closed_body(body, repairs, start)
        has_doctype = _starts_with_doctype(body)
        if body is not before:
            text, raw = _Text(body, None), None
        empty = not body or body.isspace()
        del body, before
        text.let_go()
        root = None if empty else _parse_markup(text, repairs, raw)
        if root is None:
            root = etree.fromstring("<html></html>", etree.HTMLParser())
        return root, False, has_doctype
    # no closing </body></html>: an unclosed <textarea> or <plaintext> would take it as text
    if body is not before:
        text, raw = _Text(body, None), None
    del body, before
    text.let_go()
    html = _parse_markup(text, repairs, raw, _FRAGMENT_OPEN)
    container = html.find("body")
    if container is None:  # libxml2 always creates <body> for this input; be safe
        container = etree.SubElement(html, "body")
    return container, True, False


def parse(
    body: str | None,
    *,
    repairs: list[str],
    raw: bytes | Chunks | None = None,
    own: bool = False,
) -> tuple[etree._Element, bool, bool]:
    """Parse ``body`` to (root, is_fragment, has_doctype).

    ``raw``, when given, is ``body`` encoded as UTF-8 (parsed directly, no copy), or
    those bytes as :class:`Chunks` (parsed in pieces let go as libxml2 reads them).
    ``own`` says the body is cleanhtml's own output, whose tags need no bounding
    again (see :func:`cleanhtml.repairs._bound_attributes`). ``body`` may be None
    when ``raw`` is given: it is decoded here, and let go while libxml2 builds the
    tree from ``raw`` (a large input then never has its text and tree in memory at
    once; the caller must hold no reference to the text either).
    """
    notes: list[str] = []
    text = _Text(body, raw)
    del body
    parsed = _parse_once(text, notes, raw, own=own)
    if _swallowed_by_raw_text(parsed[0]):
        fixed_notes: list[str] = []
        fixed = _close_unterminated_comment(text.get(), fixed_notes)
        fixed = _close_unterminated_raw_text(fixed, fixed_notes)
        if any(note.startswith("closed an unterminated <") for note in fixed_notes):
            notes = fixed_notes
            parsed = _parse_once(_Text(fixed, None), notes, None, own=own)
    repairs.extend(notes)
    return parsed
