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
"""

from __future__ import annotations

import re
from copy import deepcopy
from dataclasses import dataclass, field

from lxml import etree

from cleanhtml import census as census_
from cleanhtml.census import Census
from cleanhtml.encoding import decode as decode_bytes
from cleanhtml.errors import InputError
from cleanhtml.treeops import find

_OPENING = re.compile(  # noqa: DUO138 — linear: anchored, each repeat ends at its own \n
    r"\A(?:[ \t]*\r?\n)*+---[ \t]*\r?\n"
)
_CLOSING_LINE = re.compile(r"^---[ \t]*(?:\r?\n|\Z)", re.M)
# Matched against one line at a time; each alternative reads the line once.
_YAML_LINE = re.compile(
    r"[ \t]*(?:#.*)?|[ \t]+\S.*|[ \t]*-(?:[ \t].*)?|[^\s:<#-][^:]*:(?:[ \t].*)?|\.\.\.[ \t]*"
)
_YAML_KEY = re.compile(r"[^\s:<#-][^:]*:(?:[ \t]|\Z)")
# Where a YAML quoted scalar may open on a line: after indentation and list dashes,
# right away or after a ``key:`` (see _quote_start; one pattern for it backtracked
# quadratically on a line of dashes).
_LIST_LEAD = re.compile(r"[ \t]*(?:-[ \t]+)*+")
_QUOTE_AFTER_KEY = re.compile(r""":[ \t]+(["'])""")
# The rest of a quoted scalar on its line; possessive, as giving back cannot help.
_QUOTE_REST = {
    '"': re.compile(r'(?:[^"\\]|\\.)*+"'),  # noqa: DUO138 — linear: possessive, disjoint
    "'": re.compile(r"(?:[^']|'')*+'(?!')"),  # noqa: DUO138 — linear: possessive, disjoint
}

_PAGE_START = re.compile(r"<!doctype|<html[\s>]|<head[\s>]|<body[\s>]", re.I)
_SPACES = re.compile(r"\s*")
_XML_DECLARATION = re.compile(r"\A\s*<\?xml\s[^>]*>[ \t]*\n?", re.I)
_XML_ENCODING = re.compile(r"""(encoding\s*=\s*["'])([^"']*)(["'])""", re.I)
_UNCLOSED_COMMENT = "<!--"
# Elements whose content the parser reads as text up to their end tag: one left open
# turns the rest of the file into its text, which a rule then deletes.
RAW_TEXT_TAGS = ("script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes")
_RAW_TAG = re.compile(rf"<(/?)({'|'.join(RAW_TEXT_TAGS)})(?=[\s/>])", re.I)
_MARKUP_LINE = re.compile(r"\n[ \t]*</?[A-Za-z!]")
_BODY_END = re.compile(r"</(?:body|html)\s*>", re.I)
# Whitespace and </body>, </html> end tags (each position allows one of them only, so
# the possessive repeat gives up nothing a match could need).
_TRAILER_ITEMS = re.compile(r"(?:\s|</(?:body|html)\s*>)*+", re.I)
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_CUT_TAG = re.compile(r"<[A-Za-z/!?][^<>]*\Z")

# Characters lxml refuses in text (its setters raise, losing the text) or libxml2 garbles.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffe\uffff]")
_C0_BYTES = tuple(bytes([byte]) for byte in (*range(0x09), 0x0B, *range(0x0E, 0x20)))
# Character references to the same characters (``&#x4;``, ``&#11``): the parser would
# put them in the tree.
_CONTROL_REFERENCE = re.compile(
    r"&#(?:0*(?:[1-8]|1[124-9]|2[0-9]|3[01]|6553[45])(?![0-9])"
    r"|[xX]0*(?:[1-8bBcCeEfF]|1[0-9a-fA-F]|[fF]{3}[eEfF])(?![0-9a-fA-F]));?"
)
_FORM_FEED = "\x0c"

MAX_DEPTH = 1024
"""Markup nested deeper than this is flattened before parsing (libxml2 stops at 2048)."""
_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)[^>]*>")
VOID_TAGS = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "param", "source", "track", "wbr", "keygen", "basefont", "bgsound", "frame",
    }
)  # fmt: skip

_PREFIXED = find("descendant-or-self::*[contains(name(), ':')]")
ACTIVE_LOCAL_NAMES = frozenset(
    {
        "script", "noscript", "template", "iframe", "frame", "frameset", "object",
        "embed", "applet", "base", "meta", "portal", "fencedframe", "noembed", "noframes",
        "animate", "set", "animatemotion", "animatetransform", "animatecolor", "handler",
        "listener",
    }
)  # fmt: skip
"""Local names that make a prefixed element active in XHTML (``<svg:script>``)."""
_CHARSET_PARAM = re.compile(r"(charset\s*=\s*[\"']?)([^\s;\"']*)", re.I)

_FRAGMENT_OPEN = "<html><body>"
_PLACEHOLDER = etree.Element("body")


@dataclass(eq=False)
class Document:
    """A loaded input. ``root`` is ``<body>`` for fragments and posts, ``<html>`` for pages.

    ``encoding`` names the codec the input was read with (``ascii`` for ASCII bytes);
    output is always UTF-8. ``prolog`` is an XML declaration the body started with
    (kept, with its ``encoding`` said as ``utf-8``). ``repairs`` lists what loading
    had to change (the document then counts as edited); ``warnings`` lists notes
    that changed nothing.
    """

    source: bytes
    front_matter: str
    body: str | None
    """The HTML body as text, or None when it is the input's own UTF-8 bytes from
    ``body_start`` on (then :meth:`body_text` decodes it on demand, so a large input
    is not held twice while it is cleaned)."""
    root: etree._Element
    is_fragment: bool
    encoding: str = "utf-8"
    newline: str = "\n"
    bom: bool = False
    has_doctype: bool = False
    trailing: str = ""
    repairs: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    prolog: str = ""
    serialized: str | None = None
    """The body as :func:`serialize_body` would give it, when already known (set once
    cleaning is over, so the html output does not serialize the tree twice)."""
    census: Census | None = None
    """What the tree held when it was parsed (see :mod:`cleanhtml.census`); None after
    :func:`reparse` until the rules run again (settled output seldom needs one)."""
    body_start: int = 0
    """Where the body starts in ``source`` (after a BOM and the front matter)."""
    markdown: bool = False
    """True for a Markdown post (see :mod:`cleanhtml.markdown_body`): ``body`` and
    ``serialized`` hold the cleaned Markdown, ``root`` that Markdown rendered to HTML."""

    def body_text(self) -> str:
        """The HTML body as text (newlines as ``\\n``, after the XML declaration)."""
        if self.body is not None:
            return self.body
        text = self.source[self.body_start :].decode("utf-8")
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        return _split_prolog(text)[1]


def _quote_start(line: str) -> tuple[str, int] | None:
    """The quote that opens a YAML quoted scalar on ``line``, and where its text starts.

    What ``^[ \\t]*(?:-[ \\t]+)*(?:[^\\s'"#][^#]*?:[ \\t]+)?(["'])`` matches, in one
    pass: after the indentation and list dashes, a quote, or a key (not starting with
    whitespace, a quote or ``#``; no ``#`` in it) then ``:``, blanks and a quote. The
    key may also start at the last list dash (``- : "x"``), as the pattern's
    backtracking allowed; every earlier dash gives the same candidates.
    """
    lead = _LIST_LEAD.match(line)
    start = lead.end() if lead else 0
    first = line[start : start + 1]
    if first in ("'", '"'):
        return first, start + 1
    if first and not first.isspace() and first != "#":
        found = _quote_after_key(line, start + 1)
        if found:
            return found
    dash = line.rfind("-", 0, start)
    return _quote_after_key(line, dash + 1) if dash >= 0 else None


def _quote_after_key(line: str, start: int) -> tuple[str, int] | None:
    """The first ``:`` at or after ``start`` (before any ``#``) followed by blanks and a quote."""
    comment = line.find("#", start)
    end = len(line) if comment < 0 else comment
    colon = line.find(":", start, end)
    while colon >= 0:
        match = _QUOTE_AFTER_KEY.match(line, colon)
        if match:
            return match.group(1), match.end()
        colon = line.find(":", colon + 1, end)
    return None


def _open_quote_after(text: str, start: int, end: int, quote: str | None) -> str | None:
    """The YAML quote left open after ``text[start:end]`` (whole lines), given the one
    open before it (None when none is)."""
    for line in text[start:end].splitlines():
        rest = line
        if quote is None:
            found = _quote_start(rest)
            if not found:
                continue
            quote, rest = found[0], rest[found[1] :]
        closing = _QUOTE_REST[quote].match(rest)
        if closing:
            quote = None
    return quote


def _unclosed_front_matter(text: str, start: int) -> int | None:
    """Where an unclosed front-matter block ends, if its lines all look like YAML.

    It ends before the first line that starts with ``<`` (the HTML body), or at the
    end of the text. ``None`` when some line does not look like YAML.
    """
    markup = re.compile(r"^[ \t]*<", re.M).search(text, start)
    end = markup.start() if markup else len(text)
    lines = text[start:end].splitlines()
    if not any(_YAML_KEY.match(line) for line in lines):
        return None
    if all(_YAML_LINE.fullmatch(line) for line in lines):
        return end
    return None


def split_front_matter(text: str) -> tuple[str, str]:
    """Split ``text`` into (raw front matter, body). No front matter gives ``("", text)``.

    A block opens with a ``---`` line (blank lines before it allowed) and closes with
    the next ``---`` line that is not inside a quoted YAML string spanning lines (a
    ``---`` line inside quotes is not valid YAML, but scrapers write it). When the
    quotes never balance, the first ``---`` line closes it, as in Jekyll and Hexo.
    A block that never closes is front matter up to the first line starting with
    ``<`` if every line before it looks like YAML (``key: value``, ``- item``,
    indented lines, comments); otherwise it is not front matter and the whole text
    is the body, so nothing is dropped.
    """
    opening = _OPENING.match(text)
    if not opening:
        return "", text
    start = opening.end()
    first: int | None = None
    # the lines are read once: each candidate continues from the previous one
    quote: str | None = None
    scanned = start
    for close in _CLOSING_LINE.finditer(text, start):
        if first is None:
            first = close.end()
        quote = _open_quote_after(text, scanned, close.start(), quote)
        scanned = close.start()
        if quote is None:
            return text[: close.end()], text[close.end() :]
    if first is not None:
        return text[:first], text[first:]
    end = _unclosed_front_matter(text, start)
    if end is None:
        return "", text
    return text[:end], text[end:]


def detect_newline(text: str) -> str:
    """The newline style of ``text``: that of its first line break (``\\n`` if none)."""
    index = text.find("\n")
    if index > 0 and text[index - 1] == "\r":
        return "\r\n"
    return "\n"


def decode(data: bytes, *, encoding: str | None = None) -> tuple[str, str, bool]:
    """Decode ``data`` to (text, encoding name, had a UTF-8 BOM); see :mod:`cleanhtml.encoding`."""
    decoded = decode_bytes(data, encoding=encoding)
    return decoded.text, decoded.encoding, decoded.bom


def _may_hold_controls(data: bytes, encoding: str, text: str) -> bool:
    """False when the input proves the text has no control character (fast C-level checks).

    In every ASCII-compatible encoding a C0 control is its own byte; U+FFFE/U+FFFF are
    looked for in the decoded ``text`` (a character search, instant on ASCII text).
    """
    if encoding.startswith(("utf-16", "utf-32")):
        return True
    # one memchr per control byte: several times faster than any one-pass filter in Python
    if any(byte in data for byte in _C0_BYTES):
        return True
    return "\ufffe" in text or "\uffff" in text


def _remove_control_chars(body: str, repairs: list[str]) -> str:
    if _CONTROL_CHARS.search(body):
        body, count = _CONTROL_CHARS.subn("", body)
        repairs.append(f"removed {count} control character{'s' if count > 1 else ''} (NUL, ...)")
    if _FORM_FEED in body:
        body = body.replace(_FORM_FEED, " ")
        repairs.append("turned form feeds into spaces")
    return body


def _remove_control_references(body: str, repairs: list[str]) -> str:
    if "&#" not in body or not _CONTROL_REFERENCE.search(body):  # rare: decide fast
        return body
    body, count = _CONTROL_REFERENCE.subn("", body)
    repairs.append(f"removed {count} character reference{'s' if count > 1 else ''} to controls")
    return body


def _close_unterminated_comment(body: str, repairs: list[str]) -> str:
    """Close a ``<!--`` that never ends, at the end of its line.

    libxml2 (like a browser) would turn everything after it into one comment, and the
    comment rule would then delete the rest of the article.
    """
    start = body.rfind(_UNCLOSED_COMMENT)
    if start < 0 or body.find("-->", start + 4) >= 0:
        return body
    end = body.find("\n", start)
    end = len(body) if end < 0 else end
    repairs.append("closed an unterminated comment")
    return body[:end] + "-->" + body[end:]


def _close_unterminated_raw_text(body: str, repairs: list[str]) -> str:
    """Close a ``<style>``, ``<script>``, ``<title>``... left open, before the next markup line.

    Left open, it makes the rest of the file its text (``<style>`` then the article
    is all CSS to a parser), and removing it would delete the article. Only an
    opening tag after the last closing one of its name can be left open: one scan.
    """
    pending: dict[str, int] = {}  # tag -> end of its first opening after its last closing
    for match in _RAW_TAG.finditer(body):
        tag = match.group(2).lower()
        if match.group(1):
            pending.pop(tag, None)
        elif tag not in pending:
            pending[tag] = body.find(">", match.end())
    for tag, end in sorted(pending.items(), key=lambda item: item[1], reverse=True):
        line = _MARKUP_LINE.search(body, end + 1) if end >= 0 else None
        if line is None:
            continue
        repairs.append(f"closed an unterminated <{tag}>")
        body = body[: line.start()] + f"</{tag}>" + body[line.start() :]
    return body


def _content_end(text: str) -> int:
    """``len(text.rstrip())`` without copying a large text."""
    end = len(text)
    while end and text[end - 1].isspace():
        end -= 1
    return end


def _drop_cut_tag(body: str, repairs: list[str]) -> str:
    """Drop a tag cut off by the end of the file (``<a href="http://exa``), as parsers do.

    Recorded as a repair so the output is re-serialized with its elements closed.
    """
    end = _content_end(body)
    match = _CUT_TAG.search(body, max(0, end - 4096), end)
    if not match or match.group(0).startswith("<!--"):
        return body
    repairs.append("dropped a tag cut off at the end of the file")
    return body[: match.start()] + body[end:]


def _flatten(markup: str, limit: int) -> str:
    """Drop the start and end tags of elements nested deeper than ``limit``; keep all text.

    Linear: a tag ends at a ``>``, so nothing after the last one is searched (each
    ``<x`` there would read to the end of the text), and an end tag whose name is not
    open costs no walk down the stack.
    """
    stack: list[tuple[str, bool]] = []
    open_names: dict[str, int] = {}

    def tag(match: re.Match[str]) -> str:
        name = match.group(2).lower()
        if not match.group(1):
            if name in VOID_TAGS:
                return match.group(0)
            keep = len(stack) < limit
            stack.append((name, keep))
            open_names[name] = open_names.get(name, 0) + 1
            return match.group(0) if keep else ""
        if not open_names.get(name):
            return match.group(0)
        for index in range(len(stack) - 1, -1, -1):  # pops what it walks past
            if stack[index][0] == name:
                keep = stack[index][1]
                for closed, _ in stack[index:]:
                    open_names[closed] -= 1
                del stack[index:]
                return match.group(0) if keep else ""
        return match.group(0)  # pragma: no cover - open_names said it is open

    end = markup.rfind(">") + 1
    return _TAG.sub(tag, markup[:end]) + markup[end:]


def _only_trailer(body: str, pos: int) -> bool:
    """True when only whitespace, comments and ``</body>``/``</html>`` follow ``pos``.

    What ``(?:\\s|<!--.*?-->|</(?:body|html)\\s*>)*\\Z`` matched (exponential on
    adjacent comments), in one pass: a comment may run to any ``-->``, so the first
    ``<!--`` can reach the last ``-->``, and after it only whitespace and end tags.
    """
    pos = _end_of(_TRAILER_ITEMS, body, pos)
    if pos == len(body):
        return True
    if not body.startswith("<!--", pos):
        return False
    last = body.rfind("-->")
    return last >= pos + 4 and _end_of(_TRAILER_ITEMS, body, last + 3) == len(body)


def _end_of(pattern: re.Pattern[str], text: str, pos: int) -> int:
    """Where ``pattern`` (which matches the empty string) stops matching from ``pos``."""
    match = pattern.match(text, pos)
    return match.end() if match else pos


def _reopen_closed_body(body: str, repairs: list[str]) -> str:
    """Drop ``</body>``/``</html>`` end tags that content follows, as browsers ignore them.

    libxml2 silently discards everything after ``</html>``, and puts what follows
    ``</body>`` outside the body; a browser shows both in the body.
    """
    end = _BODY_END.search(body)
    if not end or _only_trailer(body, end.start()):
        return body
    repairs.append("moved content after </body> or </html> into the body, as browsers do")
    return _BODY_END.sub("", body)


def _parser_repairs(parser: etree.HTMLParser, repairs: list[str]) -> None:
    """Record what libxml2 dropped or reads unlike a browser, so the output is re-serialized.

    A second ``<body>``/``<html>``/``<head>`` tag is dropped with its attributes
    (a browser would add ``onload=...`` to the page).
    """
    for error in parser.error_log:
        if error.message.startswith("htmlParseStartTag: misplaced <"):
            tag = error.message.rsplit("<", 1)[-1].rstrip(">").split(">")[0]
            repairs.append(f"dropped a misplaced <{tag}> tag and its attributes")


def _foreign_repair(census: Census, repairs: list[str]) -> None:
    """SVG, MathML and CDATA are read differently by browsers (``<svg><title><img
    onerror=...>`` is text to libxml2, markup to a browser), so such input is always
    written from the parsed tree, where every text is escaped."""
    if census.cdata or census.has_tag("svg", "math"):
        repairs.append(
            "wrote SVG/MathML/CDATA from the parsed tree (browsers parse it differently)"
        )


def _too_deep(parser: etree.HTMLParser) -> bool:
    return any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log)


def _parse_markup(
    markup: str, repairs: list[str], raw: bytes | None = None, prefix: str = ""
) -> etree._Element:
    """Parse ``prefix + markup`` with a fresh parser: ``huge_tree`` (no 10 MB text cap),
    no network, depth checked.

    ``raw`` is ``markup`` as UTF-8 bytes when the caller has them: libxml2 reads UTF-8
    bytes faster than a Python string (which it would convert first).
    """
    parser = etree.HTMLParser(huge_tree=True, no_network=True, encoding="utf-8")
    data = raw if raw is not None else markup.encode("utf-8")
    try:
        root = etree.fromstring(prefix.encode() + data if prefix else data, parser)
        del data
        if not _too_deep(parser):
            _parser_repairs(parser, repairs)
            return root
        markup = _flatten(prefix + markup, MAX_DEPTH)
        root = etree.fromstring(markup.encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:  # pragma: no cover - libxml2's HTML parser recovers
        raise InputError(f"cannot parse the markup: {exc}") from None
    if _too_deep(parser):
        raise InputError("markup nested too deeply to parse without losing text")
    _parser_repairs(parser, repairs)
    repairs.append(f"flattened markup nested deeper than {MAX_DEPTH} levels (its text is kept)")
    return root


def _starts_with_doctype(body: str) -> bool:
    """True when a doctype comes first, after whitespace and comments only.

    One forward scan: each comment is skipped by finding its ``-->`` (a pattern like
    ``(?:<!--.*?-->\\s*)*<!doctype`` backtracks exponentially on adjacent comments).
    """
    pos = _skip_spaces(body, 0)
    while body.startswith("<!--", pos):
        end = body.find("-->", pos + 4)
        if end < 0:
            return False
        pos = _skip_spaces(body, end + 3)
    return body[pos : pos + 9].lower() == "<!doctype"


def _skip_spaces(text: str, pos: int) -> int:
    """The position of the first non-whitespace character at or after ``pos``."""
    return _end_of(_SPACES, text, pos)


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
        if comments is None:
            comments = _Unclosed(body, "<!--", "-->", 4)
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
        and bool(last.text and _MARKUP_LINE.search(last.text))
    )


def _parse_once(
    body: str, repairs: list[str], raw: bytes | None
) -> tuple[etree._Element, bool, bool]:
    """The text repairs a parse needs first, then the parse itself, from ``raw`` (the
    text's UTF-8 bytes, when given) if no repair changed the text."""
    before = body
    body = _close_unterminated_comment(body, repairs)
    body = _drop_cut_tag(body, repairs)
    if _is_page(body):
        body = _reopen_closed_body(body, repairs)
        if body is not before:
            raw = None
        root = _parse_markup(body, repairs, raw) if body.strip() else None
        if root is None:
            root = etree.fromstring("<html></html>", etree.HTMLParser())
        return root, False, _starts_with_doctype(body)
    # no closing </body></html>: an unclosed <textarea> or <plaintext> would take it as text
    html = _parse_markup(body, repairs, raw if body is before else None, _FRAGMENT_OPEN)
    container = html.find("body")
    if container is None:  # libxml2 always creates <body> for this input; be safe
        container = etree.SubElement(html, "body")
    return container, True, False


def parse(
    body: str, *, repairs: list[str], raw: bytes | None = None
) -> tuple[etree._Element, bool, bool]:
    """Parse ``body`` to (root, is_fragment, has_doctype).

    ``raw``, when given, is ``body`` encoded as UTF-8 (parsed directly, no copy).
    """
    notes: list[str] = []
    parsed = _parse_once(body, notes, raw)
    if _swallowed_by_raw_text(parsed[0]):
        fixed_notes: list[str] = []
        fixed = _close_unterminated_comment(body, fixed_notes)
        fixed = _close_unterminated_raw_text(fixed, fixed_notes)
        if any(note.startswith("closed an unterminated <") for note in fixed_notes):
            notes = fixed_notes
            parsed = _parse_once(fixed, notes, None)
    repairs.extend(notes)
    return parsed


def _split_after(node: etree._Element) -> etree._Element:
    """Move ``node`` and its following siblings into a shallow copy of its parent.

    The copy goes right after the parent, taking over the parent's tail, so the text
    order is unchanged: ``<b>x<a/>y</b>z`` becomes ``<b>x</b><b><a/>y</b>z``.
    """
    parent = node.getparent()
    assert parent is not None  # callers pass a node below the outer link
    copy = deepcopy(parent)  # not makeelement(): libxml2 accepts tag names lxml refuses
    for child in list(copy):
        copy.remove(child)
    copy.text = None
    index = parent.index(node)
    for moved in list(parent)[index:]:
        copy.append(moved)
    copy.tail, parent.tail = parent.tail, None
    parent.addnext(copy)
    return copy


def unprefix_active_elements(root: etree._Element, census: Census) -> int:
    """Rename ``<svg:script>``, ``<x:iframe>``... to their local name; count them.

    In HTML a prefixed name means nothing, but served as XHTML (an EPUB, say) it is
    the real element, so it is read by its local name and the rules see it. The
    census learns the new names.
    """
    if not any(":" in tag for tag in census.tags):
        return 0
    edits = 0
    for el in _PREFIXED(root):
        local = str(el.tag).rsplit(":", 1)[-1].lower()
        if local in ACTIVE_LOCAL_NAMES:
            el.tag = local
            census.tags.add(local)
            edits += 1
    return edits


def split_nested_links(root: etree._Element) -> int:
    """Split each link inside a link as browsers do (the inner one closes the outer).

    HTML cannot express ``<a>`` in ``<a>``: libxml2 builds it from
    ``<a href=1><font>x<a href=2>y</a></font></a>``, but re-parsing the output would
    close the outer link early, so cleaning would not be idempotent. The result is
    ``<a href=1><font>x</font></a><font><a href=2>y</a></font>``: the same text, in
    the same order, with both links.
    """
    edits = 0
    # One pass over the links in document order: a split keeps the links in that
    # order and never puts one inside another, so no link needs looking at twice
    # (the first nested link of the whole tree, searched again after each split,
    # made a page of many nested links cubic).
    for inner in list(root.iter("a")):
        while (outer := next(inner.iterancestors("a"), None)) is not None:
            edits += _split_out(inner, outer)
    return edits


def _split_out(inner: etree._Element, outer: etree._Element) -> int:
    """Move ``inner`` (and what follows it inside ``outer``) out, after ``outer``."""
    node = inner
    while node.getparent() is not outer:
        node = _split_after(node)
    # move node and what follows it out of the outer link, after it
    following = list(outer)[outer.index(node) :]
    tail, outer.tail = outer.tail, None
    for moved in reversed(following):
        outer.addnext(moved)
    last = following[-1]
    last.tail = (last.tail or "") + (tail or "")
    return 1


VOID_LEFT_OPEN = ("embed",)
"""Void elements (no content, no end tag) that libxml2 parses as containers and a rule
removes: ``<embed src=x><p>text</p>`` puts the paragraph inside the embed. (libxml2 does
the same with ``source``, ``track``, ``wbr``, ``keygen`` and ``bgsound``, but no rule
removes those, and closing them would rewrite every page holding a ``<wbr>``.)"""


def close_void_elements(root: etree._Element, census: Census) -> int:
    """Move what libxml2 put inside an ``<embed>`` (a void element) after it.

    A browser never nests anything in them; libxml2 makes ``<embed src=x>`` swallow
    the rest of its container, and removing the embed (remove-embeds) would take that
    text with it. ``<div>a<embed src=x>b<p>c</p></div>`` becomes
    ``<div>a<embed src=x></embed>b<p>c</p></div>``: the same text, in the same order.
    Moves elements only, so the census stays true. Returns how many were closed.
    """
    if not census.has_tag(*VOID_LEFT_OPEN):
        return 0
    edits = 0
    for el in list(root.iter(*VOID_LEFT_OPEN)):
        children = list(el)
        if el.text is None and not children:
            continue
        tail = el.tail or ""
        el.tail, el.text = el.text, None
        for child in reversed(children):
            el.addnext(child)
        last = children[-1] if children else el
        last.tail = (last.tail or "") + tail or None
        edits += 1
    return edits


def declare_utf8(root: etree._Element) -> int:
    """Make every ``<meta>`` charset declaration under ``root``'s tree say ``utf-8``; count them."""
    edits = 0
    for meta in root.getroottree().getroot().iter("meta"):
        charset = meta.get("charset")
        if charset is not None and charset.strip().lower() not in ("utf-8", "utf8"):
            meta.set("charset", "utf-8")
            edits += 1
        if meta.get("http-equiv", "").strip().lower() != "content-type":
            continue
        content = meta.get("content", "")
        match = _CHARSET_PARAM.search(content)
        if match and match.group(2).lower() not in ("utf-8", "utf8"):
            meta.set("content", content[: match.start(2)] + "utf-8" + content[match.end(2) :])
            edits += 1
    return edits


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
    body = _remove_control_references(body, repairs)
    if body is not unrepaired:
        raw = None
    prolog, body = _split_prolog(body)
    if prolog and raw is not None:
        raw = raw[len(prolog.encode("utf-8")) :]
    # said as utf-8 here and in the tree, so any re-serialized output says so; a repair
    # (forcing the rewrite) only when the input bytes were not UTF-8 already
    prolog = _XML_ENCODING.sub(lambda m: m.group(1) + "utf-8" + m.group(3), prolog)
    root, is_fragment, has_doctype = parse(body, repairs=repairs, raw=raw)
    from_source = raw is not None  # body_text() can decode it again: let the text go
    del raw
    if split_nested_links(root):
        repairs.append("split links nested in links, as browsers do")
    census = census_.take(root)  # after the last load-time edit that makes elements
    if unprefix_active_elements(root, census):
        repairs.append("read prefixed elements (<svg:script>) by their local name")
    if close_void_elements(root, census):
        repairs.append("closed <embed> elements libxml2 left open")
    _foreign_repair(census, repairs)
    if census.has_tag("meta"):
        declare_utf8(root)
    trailing = "" if is_fragment else body[_content_end(body) :]
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
        trailing=trailing,
        repairs=repairs,
        warnings=decoded.warnings,
        prolog=prolog,
        census=census,
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
    root, is_fragment, has_doctype = parse(body, repairs=[])
    split_nested_links(root)
    doc.root, doc.body, doc.prolog = root, body, prolog
    doc.is_fragment, doc.has_doctype = is_fragment, has_doctype
    doc.trailing = "" if is_fragment else body[_content_end(body) :]


def serialize_body(doc: Document) -> str:
    """The cleaned body as HTML text with ``\\n`` newlines (after the XML declaration, if any)."""
    if doc.serialized is not None:
        return doc.serialized
    return doc.prolog + _serialize_tree(doc)


def _serialize_tree(doc: Document) -> str:
    if doc.is_fragment:
        html = etree.tostring(doc.root, encoding="unicode", method="html")
        if html.startswith("<body>") and html.endswith("</body>"):
            return html[6:-7]
        if html == "<body></body>" or html == "<body/>":
            return ""
        # <body> gained attributes from the input: keep the children only
        inner = [doc.root.text or ""]
        inner += [etree.tostring(c, encoding="unicode", method="html") for c in doc.root]
        return "".join(inner)
    tree = doc.root.getroottree()
    if doc.has_doctype:
        return etree.tostring(tree, encoding="unicode", method="html") + doc.trailing
    parts = []
    sibling = doc.root.getprevious()
    while sibling is not None:
        parts.append(etree.tostring(sibling, encoding="unicode", method="html", with_tail=False))
        sibling = sibling.getprevious()
    parts.reverse()
    parts.append(etree.tostring(doc.root, encoding="unicode", method="html"))
    return "\n".join(parts) + doc.trailing


def to_text(doc: Document) -> str:
    """The whole cleaned document (front matter + body) as text in its newline style."""
    body = serialize_body(doc)
    if doc.newline != "\n":
        body = body.replace("\n", doc.newline)
    return doc.front_matter + body


def dump(doc: Document, *, edited: bool) -> bytes:
    """Bytes to write back: the input unchanged when nothing was edited, else UTF-8."""
    if not edited and not doc.repairs:
        return doc.source
    data = to_text(doc).encode("utf-8")
    return b"\xef\xbb\xbf" + data if doc.bom else data
