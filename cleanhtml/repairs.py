"""Load repairs on the text before parsing: control characters, unclosed comments and
raw-text elements, a tag cut off at the end, markup nested too deep, content after </html>.

Each repair that changes the text notes it in the document's ``repairs``."""

from __future__ import annotations

import re

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


_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)[^>]*>")


VOID_TAGS = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "param", "source", "track", "wbr", "keygen", "basefont", "bgsound", "frame",
    }
)  # fmt: skip


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
